import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { lastClosedIndex } from '../../src/domain/candle.js';
import { loadBundledCandles } from '../../src/market/history.js';
import { DailyRegimes, regimeAt } from '../../src/screener/regime-models.js';
import { runCliAsync } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';

describe('hedge regime refit', () => {
  it('refits each symbol\'s screening model at an instant, saves it, and reports the regime the kernel would read', async () => {
    const t = tempDir();
    const at = '2024-01-01T00:00:00Z';
    const r = await runCliAsync(['regime', 'refit', '--symbols', 'BTCUSDT,ETHUSDT,NOPEUSDT', '--at', at, '--dated', '--state-dir', t.dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { models: { symbol: string; regime: string | null; model_fingerprint: string | null; reason: string | null }[]; file: string };
    expect(out.models.map((m) => m.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'NOPEUSDT']);
    expect(out.models[2]).toMatchObject({ regime: null, reason: 'no cached history' });
    const other = tempDir();
    for (const m of out.models.slice(0, 2)) {
      const s = loadBundledCandles(m.symbol).series;
      const want = regimeAt(s, lastClosedIndex(s, Date.parse(at)), other.dir, new ManualClock(0));
      expect([m.symbol, m.regime, m.model_fingerprint]).toEqual([m.symbol, want?.regime, want?.modelFingerprint]);
      expect(existsSync(path.join(t.dir, 'cache', 'models', `hmm-${(m.model_fingerprint ?? '').slice(0, 16)}.json`))).toBe(true);
    }
    expect(path.dirname(out.file)).toBe(path.join(t.dir, 'research', 'regimes'));
    expect(readdirSync(path.dirname(out.file))).toEqual([path.basename(out.file)]);
    expect(JSON.parse(readFileSync(out.file, 'utf8'))).toMatchObject({ schema_version: 1, at: '2024-01-01T00:00:00.000Z' });
    t.cleanup();
    other.cleanup();
  });
  it('reads a day\'s regime from the bars closed by 00:00 UTC, whatever hour it is first asked (an executor restarted mid-day reads what the uninterrupted one did)', () => {
    const t = tempDir();
    const day = Date.parse('2024-01-01T00:00:00Z');
    for (const symbol of ['FILUSDT', 'BTCUSDT', 'ETHUSDT']) {
      const s = loadBundledCandles(symbol).series;
      for (let d = 0; d < 3; d++) {
        const start = day + d * 86_400_000;
        const want = regimeAt(s, lastClosedIndex(s, start), t.dir, new ManualClock(0))?.regime ?? null;
        // a fresh reader (a restarted executor) first asked at these hours of the day
        for (const h of [0, 2, 13, 23]) expect([symbol, d, h, new DailyRegimes(t.dir, new ManualClock(0)).at(s, start + h * 3_600_000)]).toEqual([symbol, d, h, want]);
      }
    }
    t.cleanup();
  });
});

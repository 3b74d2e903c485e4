import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScreenResult } from '../../src/screener/screen.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { VetoRecord } from '../../src/telemetry/records/veto.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

describe('hedge screener (the universe)', () => {
  it('screens as of 2024-01-01 on the default config, deterministically, writing its vetoes', async () => {
    const t = tempDir();
    const args = ['screener', '--at', '2024-01-01T00:00:00Z', '--state-dir', t.dir, '--json'];
    const a = await runCliAsync(args);
    const b = await runCliAsync(args);
    expect(a.code, a.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const r = JSON.parse(a.stdout) as ScreenResult;
    expect(r.at).toBe('2024-01-01T00:00:00.000Z');
    expect(r.features).toHaveLength(11);
    for (const f of r.features) {
      expect(f.regimeModel).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(path.join(t.dir, 'cache', 'models', `hmm-${f.regimeModel?.slice(0, 16)}.json`))).toBe(true);
    }
    expect(r.intents.length + r.vetoes.filter((v) => v.outcome === 'veto').length).toBeGreaterThan(0);
    const lines = readJsonl(path.join(t.dir, 'logs', 'risk_vetoes.jsonl'), VetoRecord);
    expect(lines.badLines).toEqual([]);
    expect(lines.records).toHaveLength(2 * r.vetoes.length);
    for (const v of lines.records) expect(v.config_fingerprint).toBe(r.configFingerprint);
    expect(existsSync(path.join(t.dir, 'logs', 'screener.json'))).toBe(true);
    t.cleanup();
  });

  it('writes a veto for every intent a tight limit drops', async () => {
    const t = tempDir();
    const copy = configCopy([{ file: 'risk_limits.json', patch: { global: { max_concurrent_positions: 1 } } }]);
    const r = await runCliAsync(['screener', '--at', '2023-11-10T00:00:00Z', '--state-dir', t.dir, '--config-dir', copy.dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ScreenResult;
    expect(out.intents.length).toBeLessThanOrEqual(1);
    const proposed = out.intents.length + out.vetoes.filter((v) => v.outcome === 'veto').length;
    expect(proposed).toBeGreaterThan(1);
    expect(out.vetoes.some((v) => v.reasons.includes('max_positions'))).toBe(true);
    copy.cleanup();
    t.cleanup();
  });
});

describe('screen (in process)', () => {
  it('adds trend, the ML score, funding, and spread and depth imbalance when books are known', async () => {
    const { screen } = await import('../../src/screener/screen.js');
    const { loadConfig } = await import('../../src/config/load.js');
    const { defaultConfigDir } = await import('../../src/core/paths.js');
    const { ManualClock } = await import('../../src/core/clock.js');
    const t = tempDir();
    const books = new Map([['BTCUSDT', { symbol: 'BTCUSDT', bids: [[42_000, 3], [41_999, 1]] as [number, number][], asks: [[42_001, 1]] as [number, number][], lastUpdateId: '1', tsMs: 0 }]]);
    const funding = new Map([['BTCUSDT', [{ symbol: 'BTCUSDT', fundingTimeMs: Date.UTC(2023, 11, 31, 16), rate: 0.0003 }, { symbol: 'BTCUSDT', fundingTimeMs: Date.UTC(2024, 0, 1, 8), rate: 0.0009 }]]]);
    const r = screen({ loaded: loadConfig({ configDir: defaultConfigDir }), stateDir: t.dir, atMs: Date.UTC(2024, 0, 1), clock: new ManualClock(0), books, funding });
    const btc = r.features.find((f) => f.symbol === 'BTCUSDT');
    expect(btc?.fundingRate).toBe(0.0003); // the event after the bar is not known yet
    expect(btc?.spreadBps).toBeCloseTo((1e4 * 1) / 42_000.5, 9);
    expect(btc?.depthImbalance).toBeCloseTo((42_000 * 3 + 41_999 - 42_001) / (42_000 * 3 + 41_999 + 42_001), 12);
    const eth = r.features.find((f) => f.symbol === 'ETHUSDT');
    expect(eth?.spreadBps).toBeNull();
    expect(eth?.trendPct).toEqual(expect.any(Number));
    expect(eth?.mlScore).toBeGreaterThan(0);
    expect(eth?.mlScore).toBeLessThan(1);
    t.cleanup();
  });
});

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

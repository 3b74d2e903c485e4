import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FitRegimeResult } from '../../src/ml/fit-regime.js';
import { labelRegimes } from '../../src/ml/regimes.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { runCliAsync } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'hmm');
const csv = path.join(dir, 'synthetic_3regime.csv');
const ref = JSON.parse(readFileSync(path.join(dir, 'synthetic_3regime_hmmlearn.json'), 'utf8')) as {
  initial_params: object;
  fit_20_iterations: { loglik_history: number[]; startprob: number[]; transmat: number[][]; means: number[][]; covars: number[][]; viterbi_path: number[]; final_score: number };
};
const rel = (a: number, b: number) => (Math.abs(b) > 1e-12 ? Math.abs(a - b) / Math.abs(b) : Math.abs(a - b));

describe('hedge regime fit', () => {
  it('prints what hmmlearn computes when started from the same parameters', async () => {
    const t = tempDir();
    const init = path.join(t.dir, 'init.json');
    writeFileSync(init, JSON.stringify(ref.initial_params));
    const r = await runCliAsync(['regime', 'fit', '--input', csv, '--column', 'x', '--states', '3', '--init', init, '--iterations', '20', '--tol', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as FitRegimeResult;
    const f = ref.fit_20_iterations;
    out.loglikHistory.forEach((l, i) => expect(rel(l, f.loglik_history[i] ?? 0)).toBeLessThanOrEqual(1e-10));
    for (const key of ['startprob', 'transmat', 'means', 'covars'] as const)
      (out[key].flat() as number[]).forEach((v, i) => expect(rel(v, (f[key].flat() as number[])[i] ?? 0), `${key}[${i}]`).toBeLessThanOrEqual(1e-8));
    expect(out.viterbi).toEqual(f.viterbi_path);
    expect(rel(out.score, f.final_score)).toBeLessThanOrEqual(1e-10);
    expect(out.regimes).toEqual(['chaos', 'calm', 'trend']);
    t.cleanup();
  });

  it('is deterministic from a seed, and saves the model with its lineage', async () => {
    const t = tempDir();
    const args = ['regime', 'fit', '--input', csv, '--column', 'x', '--states', '3', '--seed', '5', '--iterations', '30', '--json', '--state-dir', t.dir];
    const [a, b] = await Promise.all([runCliAsync(args), runCliAsync([...args, '--save'])]);
    const ra = JSON.parse(a.stdout) as FitRegimeResult;
    const rb = JSON.parse(b.stdout) as FitRegimeResult;
    expect(rb.loglikHistory).toEqual(ra.loglikHistory);
    expect(rb.model?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const saved = JSON.parse(readFileSync(rb.model?.file ?? '', 'utf8')) as { fingerprint: string; training: { rows: number; data_sha256: string; from: string; to: string } };
    expect(saved.fingerprint).toBe(rb.model?.fingerprint);
    expect(saved.training).toMatchObject({ rows: 3000, from: '0', to: '2999' });
    const lineage = readJsonl(path.join(t.dir, 'cache', 'models', 'lineage.jsonl'));
    expect(lineage.records).toHaveLength(1);
    t.cleanup();
  });

  it('names the column it cannot find', async () => {
    const r = await runCliAsync(['regime', 'fit', '--input', csv, '--column', 'close', '--states', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('its columns are t, x');
  });
});

describe('labelRegimes', () => {
  it('names states by variance, whatever their order', () => {
    const p = (order: number[]) => ({
      startprob: [1 / 3, 1 / 3, 1 / 3],
      transmat: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
      means: order.map((k) => [[0, 0.002, -0.001][k] ?? 0]),
      covars: order.map((k) => [[1e-5, 1e-4, 1e-3][k] ?? 0]),
    });
    expect(labelRegimes(p([0, 1, 2]))).toEqual(['calm', 'trend', 'chaos']);
    expect(labelRegimes(p([2, 0, 1]))).toEqual(['chaos', 'calm', 'trend']);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GaussianHmm, univariate, type GaussianHmmParams } from '../../src/ml/hmm.js';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'hmm');
const ref = JSON.parse(readFileSync(path.join(dir, 'synthetic_3regime_hmmlearn.json'), 'utf8')) as {
  initial_params: GaussianHmmParams;
  initial_score: number;
  initial_viterbi_logprob: number;
  initial_viterbi_path: number[];
  fit_20_iterations: GaussianHmmParams & { loglik_history: number[]; final_score: number; viterbi_logprob: number; viterbi_path: number[] };
};
const x = univariate(
  readFileSync(path.join(dir, 'synthetic_3regime.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1])),
);

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
function expectClose(actual: readonly number[] | readonly (readonly number[])[], expected: readonly number[] | readonly (readonly number[])[], tol: number, what: string) {
  const a = (actual as number[]).flat() as number[];
  const e = (expected as number[]).flat() as number[];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    const ex = e[i] ?? 0;
    // relative where the value is meaningful, absolute for values at the underflow edge (1e-198)
    const err = Math.abs(ex) > 1e-12 ? rel(v, ex) : Math.abs(v - ex);
    expect(err, `${what}[${i}] = ${v}, hmmlearn ${ex}`).toBeLessThanOrEqual(tol);
  });
}

describe('Gaussian HMM agrees with hmmlearn 0.3.3 (test/fixtures/hmm, diag, covars_prior=0)', () => {
  const model = new GaussianHmm(ref.initial_params);

  it('scores the initial parameters as hmmlearn does (≤ 1e-10 relative)', () => {
    expect(rel(model.score(x), ref.initial_score)).toBeLessThanOrEqual(1e-10);
  });

  it('decodes the initial Viterbi path identically, with the same log-probability', () => {
    const v = model.viterbi(x);
    expect(Array.from(v.path)).toEqual(ref.initial_viterbi_path);
    expect(rel(v.logprob, ref.initial_viterbi_logprob)).toBeLessThanOrEqual(1e-10);
  });

  it('fits 20 EM iterations: the log-likelihood trace (≤ 1e-10), parameters (≤ 1e-8), final score and Viterbi path', () => {
    const f = model.fit(x, { iterations: 20, tol: Number.NEGATIVE_INFINITY });
    const r = ref.fit_20_iterations;
    expect(f.iterations).toBe(20);
    f.loglikHistory.forEach((l, i) => expect(rel(l, r.loglik_history[i] ?? 0), `history[${i}]`).toBeLessThanOrEqual(1e-10));
    expectClose(f.params.startprob, r.startprob, 1e-8, 'startprob');
    expectClose(f.params.transmat, r.transmat, 1e-8, 'transmat');
    expectClose(f.params.means, r.means, 1e-8, 'means');
    expectClose(f.params.covars, r.covars, 1e-8, 'covars');
    const fitted = new GaussianHmm(f.params);
    expect(rel(fitted.score(x), r.final_score)).toBeLessThanOrEqual(1e-10);
    const v = fitted.viterbi(x);
    expect(Array.from(v.path)).toEqual(r.viterbi_path);
    expect(rel(v.logprob, r.viterbi_logprob)).toBeLessThanOrEqual(1e-10);
  });

  it('stops as hmmlearn does: when the improvement falls below tol', () => {
    const f = model.fit(x, { iterations: 100, tol: 0.01 });
    const h = f.loglikHistory;
    expect(f.converged).toBe(true);
    expect((h.at(-1) ?? 0) - (h.at(-2) ?? 0)).toBeLessThan(0.01);
    for (let i = 1; i < h.length - 1; i++) expect((h[i] ?? 0) - (h[i - 1] ?? 0)).toBeGreaterThanOrEqual(0.01);
  });

  it('has posteriors that sum to one at every step', () => {
    const post = model.posteriors(x);
    expect(post).toHaveLength(x.length);
    for (const p of post) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe('variance floor', () => {
  it('keeps a state from collapsing onto a run of identical values when asked to', () => {
    const values = [...Array.from({ length: 300 }, () => 0), ...Array.from({ length: 300 }, (_, i) => Math.sin(i) * 0.01)];
    const xs = univariate(values);
    const start = { startprob: [0.5, 0.5], transmat: [[0.9, 0.1], [0.1, 0.9]], means: [[0], [0.001]], covars: [[1e-6], [1e-4]] };
    const floored = new GaussianHmm(start).fit(xs, { iterations: 50, tol: -Infinity, minCovar: 1e-10 });
    expect(floored.params.covars.flat().every((v) => v >= 1e-10)).toBe(true);
    expect(() => new GaussianHmm(start).fit(xs, { iterations: 50, tol: -Infinity })).toThrow(/positive variances/);
  });
});

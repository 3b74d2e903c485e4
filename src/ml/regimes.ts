import type { GaussianHmmParams } from './hmm.js';

/** Market regimes the screener speaks of. */
export const Regimes = ['calm', 'trend', 'chaos'] as const;
export type Regime = (typeof Regimes)[number];

/**
 * Names the states of a fitted model by what they are, not by their index, so a refit that permutes
 * the states gives the same names: the lowest-variance state is `calm`, the highest `chaos`, the rest
 * `trend` (ties broken by the larger absolute mean, the more trending). Variances of several dimensions
 * are summed.
 */
export function labelRegimes(params: GaussianHmmParams): Regime[] {
  const K = params.startprob.length;
  const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => {
    const va = (params.covars[a] ?? []).reduce((s, v) => s + v, 0);
    const vb = (params.covars[b] ?? []).reduce((s, v) => s + v, 0);
    if (va !== vb) return va - vb;
    return Math.abs(params.means[b]?.[0] ?? 0) - Math.abs(params.means[a]?.[0] ?? 0);
  });
  const labels = new Array<Regime>(K).fill('trend');
  if (K >= 1) labels[order[0] ?? 0] = 'calm';
  if (K >= 2) labels[order[K - 1] ?? 0] = 'chaos';
  return labels;
}

import { UsageError } from '../core/errors.js';
import type { GaussianHmmParams, Observations } from './hmm.js';
import { seededRandom } from './random.js';

/**
 * Starting parameters the way hmmlearn makes them (`init_params='stmc'`), made deterministic by a seed:
 * uniform start and transition probabilities, means from k-means (k-means++ seeding, then Lloyd
 * iterations), and every state's variances set to the variance of the data. (hmmlearn also adds
 * `min_covar` = 1e-3 to those variances, which would swamp return series whose variance is 1e-4; hedge
 * does not.)
 */
export function initialParams(x: Observations, states: number, seed: number): GaussianHmmParams {
  const K = states;
  const D = x.dims;
  const T = x.length;
  if (T < K) throw new UsageError(`need at least ${K} observations for ${K} states, have ${T}`);
  const rand = seededRandom(seed);
  const row = (t: number) => Array.from({ length: D }, (_, d) => x.data[t * D + d] ?? 0);
  const dist2 = (a: readonly number[], t: number) => a.reduce((s, v, d) => s + (v - (x.data[t * D + d] ?? 0)) ** 2, 0);

  // k-means++ seeding
  const centers: number[][] = [row(Math.floor(rand() * T))];
  const nearest = new Float64Array(T).fill(Number.POSITIVE_INFINITY);
  while (centers.length < K) {
    const last = centers[centers.length - 1] ?? [];
    let total = 0;
    for (let t = 0; t < T; t++) {
      nearest[t] = Math.min(nearest[t] ?? 0, dist2(last, t));
      total += nearest[t] ?? 0;
    }
    let pick = rand() * total;
    let chosen = T - 1;
    for (let t = 0; t < T; t++) {
      pick -= nearest[t] ?? 0;
      if (pick <= 0) {
        chosen = t;
        break;
      }
    }
    centers.push(row(chosen));
  }
  // Lloyd iterations
  const assign = new Int32Array(T);
  for (let it = 0; it < 100; it++) {
    let moved = false;
    for (let t = 0; t < T; t++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (dist2(centers[k] ?? [], t) < dist2(centers[best] ?? [], t)) best = k;
      if (assign[t] !== best) moved = true;
      assign[t] = best;
    }
    const sums = Array.from({ length: K }, () => new Array<number>(D).fill(0));
    const counts = new Array<number>(K).fill(0);
    for (let t = 0; t < T; t++) {
      const k = assign[t] ?? 0;
      counts[k] = (counts[k] ?? 0) + 1;
      for (let d = 0; d < D; d++) (sums[k] as number[])[d] = ((sums[k] as number[])[d] ?? 0) + (x.data[t * D + d] ?? 0);
    }
    for (let k = 0; k < K; k++) if ((counts[k] ?? 0) > 0) centers[k] = (sums[k] ?? []).map((v) => v / (counts[k] ?? 1));
    if (!moved && it > 0) break;
  }
  centers.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));

  const variance = Array.from({ length: D }, (_, d) => {
    let mean = 0;
    for (let t = 0; t < T; t++) mean += x.data[t * D + d] ?? 0;
    mean /= T;
    let v = 0;
    for (let t = 0; t < T; t++) v += ((x.data[t * D + d] ?? 0) - mean) ** 2;
    return v / Math.max(1, T - 1);
  });
  if (variance.some((v) => !(v > 0))) throw new UsageError('the data has no variance: a Gaussian HMM cannot be fitted');
  return {
    startprob: new Array<number>(K).fill(1 / K),
    transmat: Array.from({ length: K }, () => new Array<number>(K).fill(1 / K)),
    means: centers,
    covars: Array.from({ length: K }, () => [...variance]),
  };
}

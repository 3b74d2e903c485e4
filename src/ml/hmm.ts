import { UsageError } from '../core/errors.js';

/**
 * Parameters of a Gaussian HMM with diagonal covariances: K states over D-dimensional observations.
 * `covars` are variances (not standard deviations), as in hmmlearn.
 */
export interface GaussianHmmParams {
  readonly startprob: readonly number[];
  readonly transmat: readonly (readonly number[])[];
  readonly means: readonly (readonly number[])[];
  readonly covars: readonly (readonly number[])[];
}

/** Observations: T rows of D values, row-major. */
export interface Observations {
  readonly data: Float64Array;
  readonly length: number;
  readonly dims: number;
}

/** How to fit. */
export interface FitOptions {
  /** Largest number of EM iterations. */
  readonly iterations: number;
  /** Stop when the log-likelihood improves by less than this (also when it falls), as hmmlearn does. */
  readonly tol: number;
  /**
   * Floor on every variance after each M-step, so a state that collapses onto identical values cannot
   * reach zero variance. 0 (the default) is hmmlearn's plain maximum likelihood, which then fails.
   */
  readonly minCovar?: number;
}

export interface FitResult {
  readonly params: GaussianHmmParams;
  /** Log-likelihood of the parameters before each M-step (hmmlearn's `monitor_.history`). */
  readonly loglikHistory: number[];
  readonly iterations: number;
  readonly converged: boolean;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Observations from a single series. */
export function univariate(values: ArrayLike<number>): Observations {
  return { data: Float64Array.from(values), length: values.length, dims: 1 };
}

/**
 * A Gaussian hidden Markov model with diagonal covariances whose fits agree with hmmlearn's
 * `GaussianHMM(covariance_type='diag')` with `covars_prior=0`: maximum-likelihood M-steps (no prior is
 * added to the variances), the same update order (means, then variances around the new means), the
 * same stopping rule. The forward-backward pass is scaled: emission densities are divided by their
 * per-step maximum and each forward step is normalised, which is exact up to rounding and avoids both
 * underflow and the cost of log-space sums.
 */
export class GaussianHmm {
  readonly states: number;
  readonly dims: number;
  constructor(readonly params: GaussianHmmParams) {
    this.states = params.startprob.length;
    this.dims = params.means[0]?.length ?? 0;
    validate(params);
  }

  /** log p(X | params), by the forward algorithm. */
  score(x: Observations): number {
    return this.forwardBackward(x, false).loglik;
  }

  /** Posterior state probabilities p(z_t = k | X), T rows of K. */
  posteriors(x: Observations): Float64Array[] {
    const { alpha, beta } = this.forwardBackward(x, true);
    const K = this.states;
    const out: Float64Array[] = [];
    for (let t = 0; t < x.length; t++) {
      const row = new Float64Array(K);
      for (let k = 0; k < K; k++) row[k] = (alpha[t * K + k] ?? 0) * (beta[t * K + k] ?? 0);
      out.push(row);
    }
    return out;
  }

  /**
   * The most likely state at each step given only the observations up to that step (the normalised
   * forward probabilities): usable bar by bar without looking ahead, unlike Viterbi or the posteriors.
   */
  filteredStates(x: Observations): Int32Array {
    const { alpha } = this.forwardBackward(x, false);
    const K = this.states;
    const out = new Int32Array(x.length);
    for (let t = 0; t < x.length; t++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (alpha[t * K + k]! > alpha[t * K + best]!) best = k;
      out[t] = best;
    }
    return out;
  }

  /** The most likely state path and its log-probability max_z log p(X, z). */
  viterbi(x: Observations): { logprob: number; path: Int32Array } {
    const K = this.states;
    const T = x.length;
    const logB = this.logEmissions(x);
    const logA = this.params.transmat.map((r) => r.map(Math.log));
    const delta = new Float64Array(K);
    const next = new Float64Array(K);
    const back = new Int32Array(T * K);
    for (let k = 0; k < K; k++) delta[k] = Math.log(this.params.startprob[k] ?? 0) + (logB[k] ?? 0);
    for (let t = 1; t < T; t++) {
      for (let k = 0; k < K; k++) {
        let best = Number.NEGATIVE_INFINITY;
        let arg = 0;
        for (let j = 0; j < K; j++) {
          const v = (delta[j] ?? 0) + (logA[j]?.[k] ?? 0);
          if (v > best) {
            best = v;
            arg = j;
          }
        }
        next[k] = best + (logB[t * K + k] ?? 0);
        back[t * K + k] = arg;
      }
      delta.set(next);
    }
    let last = 0;
    for (let k = 1; k < K; k++) if ((delta[k] ?? 0) > (delta[last] ?? 0)) last = k;
    const path = new Int32Array(T);
    path[T - 1] = last;
    for (let t = T - 1; t > 0; t--) path[t - 1] = back[t * K + (path[t] ?? 0)] ?? 0;
    return { logprob: delta[last] ?? Number.NEGATIVE_INFINITY, path };
  }

  /** Baum-Welch from these parameters; returns a new model's parameters and the log-likelihood trace. */
  fit(x: Observations, options: FitOptions): FitResult {
    if (x.dims !== this.dims) throw new UsageError(`observations have ${x.dims} dimension(s), the model ${this.dims}`);
    let params: GaussianHmmParams = this.params;
    const history: number[] = [];
    let converged = false;
    let iterations = 0;
    for (let it = 0; it < options.iterations; it++) {
      const model = it === 0 ? this : new GaussianHmm(params);
      const stats = model.accumulate(x);
      history.push(stats.loglik);
      params = model.mstep(x, stats, options.minCovar ?? 0);
      iterations++;
      const n = history.length;
      if (n >= 2 && (history[n - 1] ?? 0) - (history[n - 2] ?? 0) < options.tol) {
        converged = true;
        break;
      }
    }
    return { params, loglikHistory: history, iterations, converged };
  }

  // ---- internals --------------------------------------------------------------------------

  private logEmissions(x: Observations): Float64Array {
    const K = this.states;
    const D = this.dims;
    const T = x.length;
    const data = x.data;
    const out = new Float64Array(T * K);
    const mu = Float64Array.from(this.params.means.flat());
    const inv = Float64Array.from(this.params.covars.flat(), (v) => 1 / v);
    const constTerm = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let c = 0;
      for (let d = 0; d < D; d++) c += LOG_2PI - Math.log(inv[k * D + d]!);
      constTerm[k] = -0.5 * c;
    }
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < K; k++) {
        let q = 0;
        for (let d = 0; d < D; d++) {
          const diff = data[t * D + d]! - mu[k * D + d]!;
          q += diff * diff * inv[k * D + d]!;
        }
        out[t * K + k] = constTerm[k]! - 0.5 * q;
      }
    }
    return out;
  }

  /**
   * Scaled forward (and backward) pass. Emission densities are divided by their per-step maximum and
   * every alpha row is normalised to sum to 1; the log-likelihood adds back what was divided out.
   * alpha·beta is then the posterior, with no exp/log in the inner loops.
   */
  private forwardBackward(x: Observations, withBackward: boolean) {
    const K = this.states;
    const T = x.length;
    const b = this.logEmissions(x);
    let loglik = 0;
    for (let o = 0; o < T * K; o += K) {
      let m = -Infinity;
      let arg = 0;
      for (let k = 0; k < K; k++)
        if (b[o + k]! > m) {
          m = b[o + k]!;
          arg = k;
        }
      // the largest is exp(0) = 1: one exp fewer per step
      for (let k = 0; k < K; k++) b[o + k] = k === arg ? 1 : Math.exp(b[o + k]! - m);
      loglik += m;
    }
    const A = Float64Array.from(this.params.transmat.flat());
    const alpha = new Float64Array(T * K);
    const scale = new Float64Array(T);
    // the product of the scales is folded into the log-likelihood in chunks: one log per many steps
    let prod = 1;
    for (let t = 0; t < T; t++) {
      const o = t * K;
      let c = 0;
      if (t === 0) {
        for (let k = 0; k < K; k++) {
          const v = this.params.startprob[k]! * b[k]!;
          alpha[k] = v;
          c += v;
        }
      } else {
        const p = o - K;
        for (let k = 0; k < K; k++) {
          let s = 0;
          for (let j = 0; j < K; j++) s += alpha[p + j]! * A[j * K + k]!;
          const v = s * b[o + k]!;
          alpha[o + k] = v;
          c += v;
        }
      }
      scale[t] = c;
      const ic = 1 / c;
      for (let k = 0; k < K; k++) alpha[o + k] = alpha[o + k]! * ic;
      prod *= c;
      if (prod < 1e-200 || prod > 1e200) {
        loglik += Math.log(prod);
        prod = 1;
      }
    }
    loglik += Math.log(prod);
    const beta = new Float64Array(withBackward ? T * K : 0);
    if (withBackward) {
      const tmp = new Float64Array(K);
      for (let k = 0; k < K; k++) beta[(T - 1) * K + k] = 1;
      for (let t = T - 2; t >= 0; t--) {
        const n = (t + 1) * K;
        const ic = 1 / scale[t + 1]!;
        for (let k = 0; k < K; k++) tmp[k] = b[n + k]! * beta[n + k]!;
        for (let j = 0; j < K; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A[j * K + k]! * tmp[k]!;
          beta[t * K + j] = s * ic;
        }
      }
    }
    return { loglik, alpha, beta, b, scale, A };
  }

  /**
   * E-step sufficient statistics, in one backward sweep: beta at t is computed, and at once the
   * posterior of t and the expected transitions from t to t+1 are added up.
   */
  private accumulate(x: Observations) {
    const K = this.states;
    const D = this.dims;
    const T = x.length;
    const data = x.data;
    const { loglik, alpha, b, scale, A } = this.forwardBackward(x, false);
    const post = new Float64Array(K);
    const obs = new Float64Array(K * D);
    const obs2 = new Float64Array(K * D);
    const trans = new Float64Array(K * K);
    const start = new Float64Array(K);
    let betaNext = new Float64Array(K).fill(1);
    let beta = new Float64Array(K);
    const tmp = new Float64Array(K);
    const addPosterior = (t: number, bt: Float64Array) => {
      const o = t * K;
      for (let k = 0; k < K; k++) {
        const g = alpha[o + k]! * bt[k]!;
        if (t === 0) start[k] = g;
        post[k] = post[k]! + g;
        for (let d = 0; d < D; d++) {
          const v = data[t * D + d]!;
          const gv = g * v;
          obs[k * D + d] = obs[k * D + d]! + gv;
          obs2[k * D + d] = obs2[k * D + d]! + gv * v;
        }
      }
    };
    addPosterior(T - 1, betaNext);
    for (let t = T - 2; t >= 0; t--) {
      const o = t * K;
      const n = o + K;
      const ic = 1 / scale[t + 1]!;
      for (let k = 0; k < K; k++) tmp[k] = b[n + k]! * betaNext[k]! * ic;
      for (let j = 0; j < K; j++) {
        const aj = alpha[o + j]!;
        let s = 0;
        for (let k = 0; k < K; k++) {
          const w = A[j * K + k]! * tmp[k]!;
          s += w;
          trans[j * K + k] = trans[j * K + k]! + aj * w;
        }
        beta[j] = s;
      }
      addPosterior(t, beta);
      [beta, betaNext] = [betaNext, beta];
    }
    return { loglik, post, obs, obs2, trans, start };
  }

  /** Maximum-likelihood M-step (hmmlearn with priors at their neutral values and covars_prior=0). */
  private mstep(_x: Observations, s: ReturnType<GaussianHmm['accumulate']>, minCovar: number): GaussianHmmParams {
    const K = this.states;
    const D = this.dims;
    const startprob = normalize(Array.from(s.start, (v) => Math.max(v, 0)));
    const transmat = Array.from({ length: K }, (_, j) => normalize(Array.from({ length: K }, (_, k) => Math.max(s.trans[j * K + k] ?? 0, 0))));
    const means = Array.from({ length: K }, (_, k) => Array.from({ length: D }, (_, d) => (s.obs[k * D + d] ?? 0) / (s.post[k] ?? 1)));
    const covars = Array.from({ length: K }, (_, k) =>
      Array.from({ length: D }, (_, d) => {
        const mu = means[k]?.[d] ?? 0;
        const denom = s.post[k] ?? 0;
        const num = (s.obs2[k * D + d] ?? 0) - 2 * mu * (s.obs[k * D + d] ?? 0) + mu * mu * denom;
        return Math.max(num / Math.max(denom, 1e-5), minCovar);
      }),
    );
    return { startprob, transmat, means, covars };
  }
}

/** Divides by the sum, leaving an all-zero vector as it is (hmmlearn's `normalize`). */
function normalize(v: number[]): number[] {
  const sum = v.reduce((a, b) => a + b, 0);
  return sum === 0 ? v : v.map((x) => x / sum);
}

function validate(p: GaussianHmmParams): void {
  const K = p.startprob.length;
  const D = p.means[0]?.length ?? 0;
  const bad = (what: string) => {
    throw new UsageError(`invalid HMM parameters: ${what}`);
  };
  if (K === 0 || D === 0) bad('no states or no dimensions');
  if (p.transmat.length !== K || p.transmat.some((r) => r.length !== K)) bad(`transmat must be ${K}×${K}`);
  if (p.means.length !== K || p.means.some((r) => r.length !== D)) bad(`means must be ${K}×${D}`);
  if (p.covars.length !== K || p.covars.some((r) => r.length !== D || r.some((v) => !(v > 0)))) bad(`covars must be ${K}×${D} positive variances`);
  const off = (xs: readonly number[]) => Math.abs(xs.reduce((a, b) => a + b, 0) - 1) > 1e-6;
  if (off(p.startprob) || p.transmat.some(off)) bad('startprob and each transmat row must sum to 1');
}

import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A proposed position: signed notional as a share of NAV (negative = short). */
export interface ProposedWeight {
  readonly symbol: string;
  readonly weightPct: number;
}

export interface AllocationResult {
  /** Weights after scaling, in the order given. */
  readonly weights: ProposedWeight[];
  /** Annualised portfolio volatility before and after, in %. */
  readonly volBeforePct: number;
  readonly volAfterPct: number;
  /** The factor every weight was multiplied by (1 when within target). */
  readonly scale: number;
  /** Share of the portfolio variance carried by the first principal component of the covariance. */
  readonly topFactorShare: number;
  /** Loadings of that component by symbol: positions loading on it together are de-risked together. */
  readonly topFactor: Record<string, number>;
}

/**
 * Sample covariance of one-bar log returns over the last `lookback` bars of aligned close series
 * (population normalisation, like the other risk figures).
 */
export function returnCovariance(closes: readonly Float64Array[], lookback: number): Matrix {
  const n = closes.length;
  const len = Math.min(...closes.map((c) => c.length));
  const start = Math.max(1, len - lookback);
  const T = len - start;
  const r = closes.map((c) => Float64Array.from({ length: T }, (_, k) => Math.log((c[start + k] ?? 1) / (c[start + k - 1] ?? 1))));
  const mean = r.map((x) => x.reduce((a, b) => a + b, 0) / Math.max(T, 1));
  const cov = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      const ri = r[i] as Float64Array;
      const rj = r[j] as Float64Array;
      for (let k = 0; k < T; k++) s += ((ri[k] ?? 0) - (mean[i] ?? 0)) * ((rj[k] ?? 0) - (mean[j] ?? 0));
      cov.set(i, j, s / Math.max(T, 1));
      cov.set(j, i, s / Math.max(T, 1));
    }
  return cov;
}

/**
 * Scales proposed positions so the portfolio's annualised volatility, σ_p = √(wᵀΣw · bars per year),
 * does not exceed the target. Correlated positions add to σ_p together and are cut together; the
 * eigen-decomposition of Σ says how much of the risk one common factor carries.
 */
export function allocate(weights: readonly ProposedWeight[], cov: Matrix, barsPerYear: number, targetVolPct: number): AllocationResult {
  const w = Matrix.columnVector(weights.map((x) => x.weightPct / 100));
  const variance = w.transpose().mmul(cov).mmul(w).get(0, 0) * barsPerYear;
  const volBeforePct = 100 * Math.sqrt(Math.max(variance, 0));
  const scale = volBeforePct > targetVolPct && volBeforePct > 0 ? targetVolPct / volBeforePct : 1;
  const eig = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  let top = 0;
  for (let k = 1; k < values.length; k++) if ((values[k] ?? 0) > (values[top] ?? 0)) top = k;
  const total = values.reduce((a, b) => a + Math.max(b, 0), 0);
  const vec = eig.eigenvectorMatrix.getColumn(top);
  const sign = vec.reduce((a, b) => a + b, 0) < 0 ? -1 : 1;
  return {
    weights: weights.map((x) => ({ symbol: x.symbol, weightPct: x.weightPct * scale })),
    volBeforePct,
    volAfterPct: volBeforePct * scale,
    scale,
    topFactorShare: total > 0 ? Math.max(values[top] ?? 0, 0) / total : 0,
    topFactor: Object.fromEntries(weights.map((x, i) => [x.symbol, sign * (vec[i] ?? 0)])),
  };
}

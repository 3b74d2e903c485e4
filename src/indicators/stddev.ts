import type { Streaming } from './indicator.js';

/**
 * Population standard deviation over n values × `nbDev`, from running sums of values and squares as
 * TA-Lib computes it (mean of squares minus square of mean; 0 when that is ≤ 1e-14). The running sums
 * cost a few ulps against a two-pass formula; TA-Lib pays the same.
 */
export class StdDev implements Streaming<number, number> {
  readonly warmup: number;
  private readonly ring: Float64Array;
  private sum1 = 0;
  private sum2 = 0;
  private count = 0;
  constructor(readonly period: number, readonly nbDev = 1) {
    this.warmup = period;
    this.ring = new Float64Array(period);
  }
  update(x: number): number | null {
    const n = this.period;
    const i = this.count % n;
    this.count++;
    this.sum1 += x;
    this.sum2 += x * x;
    this.ring[i] = x;
    if (this.count < n) return null;
    const mean1 = this.sum1 / n;
    const mean2 = this.sum2 / n;
    const old = this.ring[this.count % n] ?? 0;
    this.sum1 -= old;
    this.sum2 -= old * old;
    const variance = mean2 - mean1 * mean1;
    if (!(variance >= 1e-14)) return 0;
    return this.nbDev === 1 ? Math.sqrt(variance) : Math.sqrt(variance) * this.nbDev;
  }
}

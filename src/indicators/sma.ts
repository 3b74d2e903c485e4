import type { Streaming } from './indicator.js';

/**
 * Simple moving average, TA-Lib's arithmetic exactly: a running total of the last n−1 values, to
 * which the new value is added, the sum divided by n, and the oldest value subtracted.
 */
export class Sma implements Streaming<number, number> {
  readonly warmup: number;
  private readonly ring: Float64Array;
  private partial = 0;
  private count = 0;
  constructor(readonly period: number) {
    this.warmup = period;
    this.ring = new Float64Array(period);
  }
  update(x: number): number | null {
    const n = this.period;
    const i = this.count % n;
    this.count++;
    if (this.count < n) {
      this.ring[i] = x;
      this.partial += x;
      return null;
    }
    const total = this.partial + x;
    const out = total / n;
    this.ring[i] = x;
    // the oldest value is the one n−1 steps back
    this.partial = total - (this.ring[this.count % n] ?? 0);
    return out;
  }
}

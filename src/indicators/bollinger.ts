import type { Streaming } from './indicator.js';
import { Sma } from './sma.js';

export interface BandsValue {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

/**
 * Bollinger bands on an SMA middle, TA-Lib's way: the deviation is √(mean of squares − middle²) from a
 * running sum of squares (0 when ≤ 1e-14), the bands middle ± k·deviation.
 */
export class Bollinger implements Streaming<number, BandsValue> {
  readonly warmup: number;
  private readonly sma: Sma;
  private readonly ring: Float64Array;
  private sum2 = 0;
  private count = 0;
  constructor(readonly period = 20, readonly k = 2) {
    this.warmup = period;
    this.sma = new Sma(period);
    this.ring = new Float64Array(period);
  }
  update(x: number): BandsValue | null {
    const n = this.period;
    const middle = this.sma.update(x);
    const i = this.count % n;
    this.count++;
    this.sum2 += x * x;
    this.ring[i] = x;
    if (middle === null) return null;
    let mean2 = this.sum2 / n;
    const old = this.ring[this.count % n] ?? 0;
    this.sum2 -= old * old;
    mean2 -= middle * middle;
    const sd = mean2 >= 1e-14 ? Math.sqrt(mean2) : 0;
    const width = this.k === 1 ? sd : sd * this.k;
    return { upper: middle + width, middle, lower: middle - width };
  }
}

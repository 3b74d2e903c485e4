import { isZero, type Streaming } from './indicator.js';

/**
 * Wilder's RSI as TA-Lib computes it: average gain and loss of the first n changes, then Wilder
 * smoothing; RSI = 100·gain/(gain+loss), 0 when both are zero. Unlike `technicalindicators`, no rounding.
 */
export class Rsi implements Streaming<number, number> {
  readonly warmup: number;
  private prevValue = Number.NaN;
  private gain = 0;
  private loss = 0;
  private changes = 0;
  constructor(readonly period: number) {
    this.warmup = period + 1;
  }
  update(x: number): number | null {
    if (Number.isNaN(this.prevValue)) {
      this.prevValue = x;
      return null;
    }
    const n = this.period;
    const d = x - this.prevValue;
    this.prevValue = x;
    this.changes++;
    if (this.changes <= n) {
      if (d < 0) this.loss -= d;
      else this.gain += d;
      if (this.changes < n) return null;
      this.loss /= n;
      this.gain /= n;
    } else {
      this.loss *= n - 1;
      this.gain *= n - 1;
      if (d < 0) this.loss -= d;
      else this.gain += d;
      this.loss /= n;
      this.gain /= n;
    }
    const sum = this.gain + this.loss;
    return isZero(sum) ? 0 : 100 * (this.gain / sum);
  }
}

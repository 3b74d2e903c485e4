import { Ema } from './ema.js';
import type { Streaming } from './indicator.js';

export interface MacdValue {
  readonly macd: number;
  readonly signal: number;
  readonly hist: number;
}

/**
 * MACD as TA-Lib aligns it: both EMAs start at bar slow−1, the slow one seeded with the SMA of bars
 * 0…slow−1 and the fast one with the SMA of the `fast` bars ending there (not of the first `fast` bars,
 * as `technicalindicators` does); the signal is an EMA of the MACD line seeded with the SMA of its first
 * `signal` values. Output starts at bar slow+signal−2.
 */
export class Macd implements Streaming<number, MacdValue> {
  readonly warmup: number;
  private readonly recent: Float64Array;
  private count = 0;
  private readonly slowEma: Ema;
  private fastPrev = 0;
  private readonly fastK: number;
  private readonly signalEma: Ema;
  constructor(readonly fast = 12, readonly slow = 26, readonly signal = 9) {
    if (fast > slow) [this.fast, this.slow] = [slow, fast];
    this.warmup = this.slow + signal - 1;
    this.recent = new Float64Array(this.fast);
    this.slowEma = new Ema(this.slow);
    this.fastK = 2 / (this.fast + 1);
    this.signalEma = new Ema(signal);
  }
  update(x: number): MacdValue | null {
    const t = this.count++;
    const slowValue = this.slowEma.update(x);
    const f = this.fast;
    if (t < this.slow - 1) {
      this.recent[t % f] = x;
      return null;
    }
    if (t === this.slow - 1) {
      this.recent[t % f] = x;
      // seed: the `fast` values ending at this bar, summed oldest first as TA-Lib does
      let sum = 0;
      for (let i = t - f + 1; i <= t; i++) sum += this.recent[i % f] ?? 0;
      this.fastPrev = sum / f;
    } else {
      this.fastPrev = (x - this.fastPrev) * this.fastK + this.fastPrev;
    }
    const macd = this.fastPrev - (slowValue ?? 0);
    const sig = this.signalEma.update(macd);
    return sig === null ? null : { macd, signal: sig, hist: macd - sig };
  }
}

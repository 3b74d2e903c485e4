import type { Hlc, Streaming } from './indicator.js';
import { Sma } from './sma.js';

export interface StochValue {
  readonly k: number;
  readonly d: number;
}

/**
 * The slow stochastic (TA-Lib STOCH with SMA smoothing): fast %K over `kPeriod` bars = 100·(close −
 * lowest low)/(highest high − lowest low), 0 for a flat window; slow %K its SMA over `kSlow`; %D the SMA
 * of slow %K over `dSlow`. `technicalindicators`' Stochastic is the fast one. Rolling extremes are kept
 * in monotonic deques: O(1) amortised per bar.
 */
export class Stochastic implements Streaming<Hlc, StochValue> {
  readonly warmup: number;
  private readonly highs: number[] = [];
  private readonly lows: number[] = [];
  private readonly hiIdx: number[] = [];
  private readonly loIdx: number[] = [];
  private t = 0;
  private readonly slowK: Sma;
  private readonly slowD: Sma;
  constructor(readonly kPeriod = 14, readonly kSlow = 3, readonly dSlow = 3) {
    this.warmup = kPeriod + kSlow + dSlow - 2;
    this.slowK = new Sma(kSlow);
    this.slowD = new Sma(dSlow);
  }
  update(bar: Hlc): StochValue | null {
    const t = this.t++;
    while (this.highs.length > 0 && (this.highs.at(-1) ?? 0) <= bar.high) {
      this.highs.pop();
      this.hiIdx.pop();
    }
    this.highs.push(bar.high);
    this.hiIdx.push(t);
    while (this.lows.length > 0 && (this.lows.at(-1) ?? 0) >= bar.low) {
      this.lows.pop();
      this.loIdx.pop();
    }
    this.lows.push(bar.low);
    this.loIdx.push(t);
    const from = t - this.kPeriod + 1;
    while ((this.hiIdx[0] ?? 0) < from) {
      this.hiIdx.shift();
      this.highs.shift();
    }
    while ((this.loIdx[0] ?? 0) < from) {
      this.loIdx.shift();
      this.lows.shift();
    }
    if (from < 0) return null;
    const highest = this.highs[0] ?? 0;
    const lowest = this.lows[0] ?? 0;
    const diff = (highest - lowest) / 100;
    const fastK = diff !== 0 ? (bar.close - lowest) / diff : 0;
    const k = this.slowK.update(fastK);
    if (k === null) return null;
    const d = this.slowD.update(k);
    return d === null ? null : { k, d };
  }
}

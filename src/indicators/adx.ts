import { trueRange } from './atr.js';
import { isZero, type Hlc, type Streaming } from './indicator.js';

/**
 * Wilder's ADX exactly as TA-Lib computes it: +DM/−DM and TR summed over the first n−1 moves, then
 * Wilder-smoothed (x − x/n + new); DX averaged over the next n moves seeds the ADX, then
 * ADX = (ADX·(n−1) + DX)/n. A bar whose DI sum is zero leaves the ADX unchanged. Output from bar 2n−1.
 */
export class Adx implements Streaming<Hlc, number> {
  readonly warmup: number;
  private prev: Hlc | undefined;
  private moves = 0;
  private plusDM = 0;
  private minusDM = 0;
  private tr = 0;
  private sumDX = 0;
  private adx = 0;
  constructor(readonly period = 14) {
    this.warmup = 2 * period;
  }
  update(bar: Hlc): number | null {
    const p = this.prev;
    this.prev = bar;
    if (p === undefined) return null;
    const n = this.period;
    this.moves++;
    const diffP = bar.high - p.high;
    const diffM = p.low - bar.low;
    const range = trueRange(bar.high, bar.low, p.close);
    if (this.moves < n) {
      if (diffM > 0 && diffP < diffM) this.minusDM += diffM;
      else if (diffP > 0 && diffP > diffM) this.plusDM += diffP;
      this.tr += range;
      return null;
    }
    this.minusDM -= this.minusDM / n;
    this.plusDM -= this.plusDM / n;
    if (diffM > 0 && diffP < diffM) this.minusDM += diffM;
    else if (diffP > 0 && diffP > diffM) this.plusDM += diffP;
    this.tr = this.tr - this.tr / n + range;
    let dx: number | null = null;
    if (!isZero(this.tr)) {
      const minusDI = 100 * (this.minusDM / this.tr);
      const plusDI = 100 * (this.plusDM / this.tr);
      const sum = minusDI + plusDI;
      if (!isZero(sum)) dx = 100 * (Math.abs(minusDI - plusDI) / sum);
    }
    if (this.moves < 2 * n - 1) {
      if (dx !== null) this.sumDX += dx;
      return null;
    }
    if (this.moves === 2 * n - 1) {
      if (dx !== null) this.sumDX += dx;
      this.adx = this.sumDX / n;
      return this.adx;
    }
    if (dx !== null) this.adx = (this.adx * (n - 1) + dx) / n;
    return this.adx;
  }
}

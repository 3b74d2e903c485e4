import type { Hlc, Streaming } from './indicator.js';

/** True range against the previous close, in TA-Lib's order of comparisons. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const a = Math.abs(prevClose - high);
  if (a > greatest) greatest = a;
  const b = Math.abs(prevClose - low);
  if (b > greatest) greatest = b;
  return greatest;
}

/** Wilder's average true range: the SMA of the first n true ranges (from the second bar), then Wilder smoothing. */
export class Atr implements Streaming<Hlc, number> {
  readonly warmup: number;
  private prevClose = Number.NaN;
  private seen = 0;
  private prev = 0;
  constructor(readonly period: number) {
    this.warmup = period + 1;
  }
  update(bar: Hlc): number | null {
    if (Number.isNaN(this.prevClose)) {
      this.prevClose = bar.close;
      return null;
    }
    const tr = trueRange(bar.high, bar.low, this.prevClose);
    this.prevClose = bar.close;
    this.seen++;
    const n = this.period;
    if (this.seen < n) {
      this.prev += tr;
      return null;
    }
    if (this.seen === n) {
      this.prev = (this.prev + tr) / n;
      return this.prev;
    }
    this.prev *= n - 1;
    this.prev += tr;
    this.prev /= n;
    return this.prev;
  }
}

/**
 * ATR(period) at bar `last` of a series, warmed up on the `warmBars` bars before it: the one way the
 * screener and the executor read volatility at a bar, so both see the same number.
 */
export function atrAtIndex(s: { readonly high: Float64Array; readonly low: Float64Array; readonly close: Float64Array }, last: number, period = 14, warmBars = 500): number | null {
  const atr = new Atr(period);
  let v: number | null = null;
  for (let i = Math.max(0, last - warmBars); i <= last; i++) v = atr.update({ high: s.high[i] ?? 0, low: s.low[i] ?? 0, close: s.close[i] ?? 0 });
  return v;
}

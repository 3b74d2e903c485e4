import type { Streaming } from './indicator.js';
import { StdDev } from './stddev.js';

/**
 * Realised volatility: population σ of the last n log returns, annualised by √(bars per year). Markets
 * trade 24/7, so a year of 1h bars is 8,760 (365 × 24), of 4h bars 2,190, of daily bars 365.
 */
export class RealizedVol implements Streaming<number, number> {
  readonly warmup: number;
  private prev = Number.NaN;
  private readonly sd: StdDev;
  private readonly annualise: number;
  constructor(readonly period: number, barsPerYear: number) {
    this.warmup = period + 1;
    this.sd = new StdDev(period);
    this.annualise = Math.sqrt(barsPerYear);
  }
  update(close: number): number | null {
    const p = this.prev;
    this.prev = close;
    if (Number.isNaN(p)) return null;
    const s = this.sd.update(Math.log(close / p));
    return s === null ? null : s * this.annualise;
  }
}

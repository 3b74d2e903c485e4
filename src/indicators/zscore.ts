import type { Streaming } from './indicator.js';
import { Sma } from './sma.js';
import { StdDev } from './stddev.js';

/** Rolling z-score: (x − SMA_n) / population σ_n; 0 when σ is 0. */
export class ZScore implements Streaming<number, number> {
  readonly warmup: number;
  private readonly sma: Sma;
  private readonly sd: StdDev;
  constructor(readonly period: number) {
    this.warmup = period;
    this.sma = new Sma(period);
    this.sd = new StdDev(period);
  }
  update(x: number): number | null {
    const m = this.sma.update(x);
    const s = this.sd.update(x);
    if (m === null || s === null) return null;
    return s === 0 ? 0 : (x - m) / s;
  }
}

import type { Streaming } from './indicator.js';

/** Exponential moving average seeded with the SMA of its first n values (TA-Lib's default), k = 2/(n+1). */
export class Ema implements Streaming<number, number> {
  readonly warmup: number;
  private readonly k: number;
  private seedSum = 0;
  private count = 0;
  private prev = 0;
  constructor(readonly period: number, k?: number) {
    this.warmup = period;
    this.k = k ?? 2 / (period + 1);
  }
  update(x: number): number | null {
    this.count++;
    if (this.count < this.period) {
      this.seedSum += x;
      return null;
    }
    if (this.count === this.period) {
      this.seedSum += x;
      this.prev = this.seedSum / this.period;
      return this.prev;
    }
    this.prev = (x - this.prev) * this.k + this.prev;
    return this.prev;
  }
}

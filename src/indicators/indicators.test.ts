import { describe, expect, it } from 'vitest';
import { Ema } from './ema.js';
import { runSeries } from './indicator.js';
import { RealizedVol } from './realized-vol.js';
import { Rsi } from './rsi.js';
import { Sma } from './sma.js';
import { Stochastic } from './stochastic.js';
import { ZScore } from './zscore.js';

const xs = Array.from({ length: 200 }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 5));

describe('streaming indicators', () => {
  it('SMA and EMA warm up as TA-Lib does and follow their definitions', () => {
    const sma = runSeries(new Sma(5), xs);
    expect(sma.slice(0, 4)).toEqual([null, null, null, null]);
    expect(sma[4]).toBeCloseTo(xs.slice(0, 5).reduce((a, b) => a + b) / 5, 12);
    expect(sma[150]).toBeCloseTo(xs.slice(146, 151).reduce((a, b) => a + b) / 5, 10);
    const ema = runSeries(new Ema(5), xs);
    expect(ema[4]).toBe(sma[4]);
    expect(ema[5]).toBeCloseTo(((xs[5] ?? 0) - (ema[4] ?? 0)) * (2 / 6) + (ema[4] ?? 0), 12);
  });

  it('RSI is 100 on a rising series, 0 on a falling one, 0 on a flat one (no division by zero)', () => {
    expect(runSeries(new Rsi(14), Array.from({ length: 20 }, (_, i) => i)).at(-1)).toBe(100);
    expect(runSeries(new Rsi(14), Array.from({ length: 20 }, (_, i) => -i)).at(-1)).toBe(0);
    expect(runSeries(new Rsi(14), new Array(20).fill(5)).at(-1)).toBe(0);
  });

  it('the z-score is (x − mean)/σ over the window', () => {
    const z = runSeries(new ZScore(20), xs);
    const w = xs.slice(100, 120);
    const mean = w.reduce((a, b) => a + b) / 20;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 20);
    expect(z[119]).toBeCloseTo(((xs[119] ?? 0) - mean) / sd, 9);
    expect(runSeries(new ZScore(5), new Array(10).fill(3)).at(-1)).toBe(0);
  });

  it('realised volatility is σ of log returns annualised for 24/7 markets', () => {
    const rv = runSeries(new RealizedVol(24, 8_760), xs);
    expect(rv[23]).toBeNull();
    const r = xs.slice(100, 125).map((x, i, a) => (i === 0 ? 0 : Math.log(x / (a[i - 1] ?? 1)))).slice(1);
    const m = r.reduce((a, b) => a + b) / 24;
    expect(rv[124]).toBeCloseTo(Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / 24) * Math.sqrt(8_760), 9);
  });

  it('the stochastic is the slow one: %K is the 3-bar SMA of the fast %K', () => {
    const bars = xs.map((c) => ({ high: c + 1, low: c - 1, close: c }));
    const out = runSeries(new Stochastic(14, 3, 3), bars);
    expect(out.slice(0, 17).every((v) => v === null)).toBe(true);
    const fast = (i: number) => {
      const w = bars.slice(i - 13, i + 1);
      const hi = Math.max(...w.map((b) => b.high));
      const lo = Math.min(...w.map((b) => b.low));
      return (100 * ((bars[i]?.close ?? 0) - lo)) / (hi - lo);
    };
    expect(out[60]?.k).toBeCloseTo((fast(58) + fast(59) + fast(60)) / 3, 9);
  });
});

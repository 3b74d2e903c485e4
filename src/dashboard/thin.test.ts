import { describe, expect, it } from 'vitest';
import { thinSeries } from './export.js';

/** The worst fall from a running peak, as a fraction of the peak. */
function maxDrawdown(xs: readonly (readonly [number, number])[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (const [, v] of xs) {
    peak = Math.max(peak, v);
    worst = Math.max(worst, (peak - v) / peak);
  }
  return worst;
}

describe('thinSeries (the dashboard page\'s chart series)', () => {
  it('keeps a series up to its bound whole, and thins a longer one to it with its ends, extremes and worst drawdown', () => {
    // a seeded random walk of NAV: 129,600 points, 90 days of a 60-s loop
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const walk: [number, number][] = [];
    let nav = 10_000;
    for (let i = 0; i < 129_600; i++) walk.push([1_700_000_000_000 + i * 60_000, (nav *= 1 + (rand() - 0.5) * 0.004)]);
    expect(thinSeries(walk.slice(0, 20_000))).toEqual(walk.slice(0, 20_000));
    for (const max of [20_000, 2_000, 10]) {
      const thin = thinSeries(walk, max);
      expect(thin.length).toBeLessThanOrEqual(max + 2);
      expect(thin[0]).toBe(walk[0]);
      expect(thin.at(-1)).toBe(walk.at(-1));
      expect(thin.every((p, i) => i === 0 || p[0] > (thin[i - 1] as readonly [number, number])[0])).toBe(true);
      const low = (xs: readonly (readonly [number, number])[]) => xs.reduce((a, p) => Math.min(a, p[1]), Number.POSITIVE_INFINITY);
      const high = (xs: readonly (readonly [number, number])[]) => xs.reduce((a, p) => Math.max(a, p[1]), Number.NEGATIVE_INFINITY);
      expect(low(thin)).toBe(low(walk));
      expect(high(thin)).toBe(high(walk));
      expect(maxDrawdown(thin)).toBe(maxDrawdown(walk));
    }
  });
});

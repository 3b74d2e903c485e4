import type { BarsView } from './define-strategy.js';

/** Log return of `bars` over the last `n` bars, or `undefined` without enough history. */
export function logReturn(bars: BarsView, n: number): number | undefined {
  const end = bars.length - 1;
  if (end - n < 0) return undefined;
  return Math.log((bars.close[end] ?? Number.NaN) / (bars.close[end - n] ?? Number.NaN));
}

/** Population σ of the last `n` one-bar log returns, or `undefined`. */
export function returnVol(bars: BarsView, n: number): number | undefined {
  const end = bars.length - 1;
  if (end - n < 0) return undefined;
  let s = 0;
  let s2 = 0;
  for (let i = end - n + 1; i <= end; i++) {
    const r = Math.log((bars.close[i] ?? Number.NaN) / (bars.close[i - 1] ?? Number.NaN));
    s += r;
    s2 += r * r;
  }
  const mean = s / n;
  return Math.sqrt(Math.max(0, s2 / n - mean * mean));
}

/** EMA of the closes over the whole view, seeded with the SMA of the first `n` (TA-Lib's seeding). */
export function emaOfCloses(bars: BarsView, n: number): number | undefined {
  if (bars.length < n) return undefined;
  let e = 0;
  for (let i = 0; i < n; i++) e += bars.close[i] ?? 0;
  e /= n;
  const k = 2 / (n + 1);
  for (let i = n; i < bars.length; i++) e = ((bars.close[i] ?? 0) - e) * k + e;
  return e;
}

import { InvariantError } from '../core/errors.js';
import type { CandleGap, CandleSeries } from '../domain/candle.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';

/** A higher-timeframe series built from a lower one, and the buckets it could not build. */
export interface Aggregated {
  readonly series: CandleSeries;
  /** Buckets left out because a constituent bar was missing (a gap) or had not closed yet (the end). */
  readonly incomplete: readonly CandleGap[];
}

/**
 * Builds `to` bars (4h, 1d) from `from` bars (1h) on UTC boundaries. A bucket becomes a bar only when
 * every constituent bar is present, so a bar never exists before its last constituent has closed: no
 * look-ahead, and the unfinished bucket at the end of the data is left out. Buckets with missing bars
 * are reported, not patched.
 */
export function aggregateSeries(src: CandleSeries, to: Timeframe): Aggregated {
  const step = timeframeMs[src.timeframe];
  const size = timeframeMs[to];
  if (size <= step || size % step !== 0) throw new InvariantError(`cannot build ${to} bars from ${src.timeframe} bars`);
  const per = size / step;
  const cap = Math.ceil(src.length / per) + 1;
  const t = new Float64Array(cap);
  const o = new Float64Array(cap);
  const h = new Float64Array(cap);
  const l = new Float64Array(cap);
  const c = new Float64Array(cap);
  const v = new Float64Array(cap);
  const incomplete: CandleGap[] = [];
  let n = 0;
  let i = 0;
  while (i < src.length) {
    const bucket = Math.floor((src.openTimeMs[i] ?? 0) / size) * size;
    let j = i;
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    let vol = 0;
    while (j < src.length && (src.openTimeMs[j] ?? 0) < bucket + size) {
      high = Math.max(high, src.high[j] ?? high);
      low = Math.min(low, src.low[j] ?? low);
      vol += src.volume[j] ?? 0;
      j++;
    }
    const count = j - i;
    if (count === per && src.openTimeMs[i] === bucket) {
      t[n] = bucket;
      o[n] = src.open[i] ?? Number.NaN;
      h[n] = high;
      l[n] = low;
      c[n] = src.close[j - 1] ?? Number.NaN;
      v[n] = vol;
      n++;
    } else {
      incomplete.push({ afterMs: bucket - size, resumeMs: bucket + size, missingBars: per - count });
    }
    i = j;
  }
  return {
    series: { symbol: src.symbol, timeframe: to, length: n, openTimeMs: t.subarray(0, n), open: o.subarray(0, n), high: h.subarray(0, n), low: l.subarray(0, n), close: c.subarray(0, n), volume: v.subarray(0, n) },
    incomplete,
  };
}

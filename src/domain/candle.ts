import { timeframeMs, type Timeframe } from './timeframe.js';

/** One OHLCV bar. `openTimeMs` is the bar's open time, UTC epoch ms. Volume is in the base asset. */
export interface Candle {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly openTimeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * A run of bars of one symbol and timeframe, stored column by column so that replay and indicators
 * walk flat typed arrays instead of objects.
 */
export interface CandleSeries {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly length: number;
  readonly openTimeMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** A stretch of missing bars: reported, never silently filled. */
export interface CandleGap {
  /** Open time of the last bar before the gap. */
  readonly afterMs: number;
  /** Open time of the first bar after the gap. */
  readonly resumeMs: number;
  /** How many bars are missing. */
  readonly missingBars: number;
}

/** Bar `i` of a series as an object. */
export function candleAt(series: CandleSeries, i: number): Candle {
  return {
    symbol: series.symbol,
    timeframe: series.timeframe,
    openTimeMs: series.openTimeMs[i] ?? Number.NaN,
    open: series.open[i] ?? Number.NaN,
    high: series.high[i] ?? Number.NaN,
    low: series.low[i] ?? Number.NaN,
    close: series.close[i] ?? Number.NaN,
    volume: series.volume[i] ?? Number.NaN,
  };
}

/** The first `end` bars of a series, as views on the same arrays (no copy): bars from `end` on do not exist in it. */
export function seriesHead(s: CandleSeries, end: number): CandleSeries {
  return {
    symbol: s.symbol,
    timeframe: s.timeframe,
    length: end,
    openTimeMs: s.openTimeMs.subarray(0, end),
    open: s.open.subarray(0, end),
    high: s.high.subarray(0, end),
    low: s.low.subarray(0, end),
    close: s.close.subarray(0, end),
    volume: s.volume.subarray(0, end),
  };
}

/** Index of the last bar of `s` closed by `atMs` (open time + timeframe ≤ atMs), −1 when none. */
export function lastClosedIndex(s: CandleSeries, atMs: number): number {
  const step = timeframeMs[s.timeframe];
  let lo = -1;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((s.openTimeMs[mid] ?? 0) + step <= atMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

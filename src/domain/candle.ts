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
  return new SeriesHead(s, end);
}

/**
 * The first `length` bars of a series, each column made (a view, no copy) when first read: a strategy
 * deciding on a bar reads one or two of the six, and the kernel asks for a head every cycle.
 */
class SeriesHead implements CandleSeries {
  private t: Float64Array | undefined;
  private o: Float64Array | undefined;
  private h: Float64Array | undefined;
  private l: Float64Array | undefined;
  private c: Float64Array | undefined;
  private v: Float64Array | undefined;
  constructor(
    private readonly s: CandleSeries,
    readonly length: number,
  ) {}
  get symbol(): string {
    return this.s.symbol;
  }
  get timeframe(): Timeframe {
    return this.s.timeframe;
  }
  get openTimeMs(): Float64Array {
    return (this.t ??= this.s.openTimeMs.subarray(0, this.length));
  }
  get open(): Float64Array {
    return (this.o ??= this.s.open.subarray(0, this.length));
  }
  get high(): Float64Array {
    return (this.h ??= this.s.high.subarray(0, this.length));
  }
  get low(): Float64Array {
    return (this.l ??= this.s.low.subarray(0, this.length));
  }
  get close(): Float64Array {
    return (this.c ??= this.s.close.subarray(0, this.length));
  }
  get volume(): Float64Array {
    return (this.v ??= this.s.volume.subarray(0, this.length));
  }
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

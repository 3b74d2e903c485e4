import type { CandleSeries } from '../domain/candle.js';
import { timeframeMs } from '../domain/timeframe.js';

/**
 * Everything that closes at one instant: bar `indices[k]` of `series[k]` for k < count. The object is
 * reused from tick to tick; copy what you keep.
 */
export interface ReplayTick {
  /** Close time of the bars (open time + timeframe), UTC epoch ms: the moment they became known. */
  closeTimeMs: number;
  count: number;
  readonly series: CandleSeries[];
  readonly indices: Int32Array;
}

/** Which part of the history to replay, by bar close time. */
export interface ReplayRange {
  /** First close time delivered (inclusive). */
  readonly fromMs?: number;
  /** Last close time delivered (inclusive). */
  readonly toMs?: number;
}

/**
 * Streams many series (symbols × timeframes) in time order of their close times, grouping the bars that
 * close at the same instant into one tick. Lower timeframes come first within a tick, so a 4h bar is
 * seen together with, never before, the 1h bar that completes it.
 */
export class ReplayFeed {
  private readonly all: CandleSeries[];
  constructor(series: readonly CandleSeries[], private readonly range: ReplayRange = {}) {
    this.all = [...series].sort((a, b) => timeframeMs[a.timeframe] - timeframeMs[b.timeframe] || a.symbol.localeCompare(b.symbol));
  }

  /** Number of bars the replay will deliver. */
  countBars(): number {
    let n = 0;
    for (const s of this.all) {
      const [lo, hi] = this.bounds(s);
      n += hi - lo;
    }
    return n;
  }

  /**
   * The ticks in time order. A plain function that sets the cursors up and hands them to a generator:
   * run once per replay, the set-up had never run with type feedback when V8 optimised the generator (a
   * sweep worker's first point), which threw that code away at the next replay's start.
   */
  ticks(): Generator<ReplayTick, void, undefined> {
    const k = this.all.length;
    const cursor = new Int32Array(k);
    const end = new Int32Array(k);
    const step = new Float64Array(k);
    for (let s = 0; s < k; s++) {
      const series = this.all[s] as CandleSeries;
      const [lo, hi] = this.bounds(series);
      cursor[s] = lo;
      end[s] = hi;
      step[s] = timeframeMs[series.timeframe];
    }
    const tick: ReplayTick = { closeTimeMs: 0, count: 0, series: new Array<CandleSeries>(k), indices: new Int32Array(k) };
    return walk(this.all, k, cursor, end, step, tick);
  }

  /** Index range [lo, hi) of a series' bars whose close time falls in the range. */
  bounds(s: CandleSeries): [number, number] {
    const step = timeframeMs[s.timeframe];
    const from = this.range.fromMs ?? Number.NEGATIVE_INFINITY;
    const to = this.range.toMs ?? Number.POSITIVE_INFINITY;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((s.openTimeMs[mid] as number) + step < from) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    let top = s.length;
    while (end < top) {
      const mid = (end + top) >> 1;
      if ((s.openTimeMs[mid] as number) + step <= to) end = mid + 1;
      else top = mid;
    }
    return [lo, end];
  }
}

/**
 * The replay's loop: the bars that close next, tick by tick, from the cursors `ReplayFeed.ticks` set
 * (`k` series; everything is passed in, so nothing here runs only once per replay).
 */
function* walk(all: readonly CandleSeries[], k: number, cursor: Int32Array, end: Int32Array, step: Float64Array, tick: ReplayTick): Generator<ReplayTick, void, undefined> {
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    for (let s = 0; s < k; s++) {
      const c = cursor[s] as number;
      if (c < (end[s] as number)) {
        const close = ((all[s] as CandleSeries).openTimeMs[c] as number) + (step[s] as number);
        if (close < next) next = close;
      }
    }
    if (next === Number.POSITIVE_INFINITY) return;
    let count = 0;
    for (let s = 0; s < k; s++) {
      const c = cursor[s] as number;
      if (c < (end[s] as number)) {
        const series = all[s] as CandleSeries;
        if ((series.openTimeMs[c] as number) + (step[s] as number) === next) {
          tick.series[count] = series;
          tick.indices[count] = c;
          count++;
          cursor[s] = c + 1;
        }
      }
    }
    tick.closeTimeMs = next;
    tick.count = count;
    yield tick;
  }
}

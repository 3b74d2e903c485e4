/** A bar as the indicators read it. */
export interface Hlc {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** A streaming indicator: one update per closed bar, O(1), `null` until it has warmed up. */
export interface Streaming<I, O> {
  /** Bars needed before the first value (TA-Lib's lookback + 1). */
  readonly warmup: number;
  update(input: I): O | null;
}

/** TA-Lib's zero test (TA_IS_ZERO with TA_EPSILON = 1e-14). */
export function isZero(v: number): boolean {
  return v > -1e-14 && v < 1e-14;
}

/** Runs a streaming indicator over a series: the batch form, identical to streaming by construction. */
export function runSeries<I, O>(ind: Streaming<I, O>, inputs: Iterable<I>): (O | null)[] {
  const out: (O | null)[] = [];
  for (const x of inputs) out.push(ind.update(x));
  return out;
}

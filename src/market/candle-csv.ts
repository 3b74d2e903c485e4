import { DataError } from '../core/errors.js';
import type { CandleGap, CandleSeries } from '../domain/candle.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';

/** Result of parsing a candle file: the series and every gap found (gaps are reported, not filled). */
export interface ParsedCandles {
  readonly series: CandleSeries;
  readonly gaps: readonly CandleGap[];
}

const REQUIRED = ['open_time_ms', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Parses a Binance kline CSV whose header starts with `open_time_ms,open,high,low,close,volume`
 * (further columns are ignored). Rejects non-numeric values, OHLC that contradict each other,
 * timestamps off the timeframe grid, and timestamps that repeat or go backwards.
 */
export function parseCandleCsv(text: string, symbol: string, timeframe: Timeframe, file: string): ParsedCandles {
  const firstBreak = text.indexOf('\n');
  const header = (firstBreak < 0 ? text : text.slice(0, firstBreak)).trim().split(',');
  const cols = REQUIRED.map((name) => header.indexOf(name));
  const missing = REQUIRED.filter((_, i) => cols[i] === -1);
  if (missing.length > 0) throw new DataError(file, `header lacks ${missing.join(', ')}; expected ${REQUIRED.join(',')}, found ${header.join(',')}`);

  let capacity = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) capacity++;
  const t = new Float64Array(capacity);
  const o = new Float64Array(capacity);
  const h = new Float64Array(capacity);
  const l = new Float64Array(capacity);
  const c = new Float64Array(capacity);
  const v = new Float64Array(capacity);
  const step = timeframeMs[timeframe];
  const gaps: CandleGap[] = [];
  const [ct, co, ch, cl, cc, cv] = cols as [number, number, number, number, number, number];

  let n = 0;
  let pos = firstBreak < 0 ? text.length : firstBreak + 1;
  let line = 1;
  const maxCol = Math.max(ct, co, ch, cl, cc, cv);
  const starts = new Int32Array(maxCol + 2);
  const field = (k: number) => parseDecimal(text, starts[k] as number, (starts[k + 1] as number) - 1);
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    line++;
    const rowStart = pos;
    pos = end + 1;
    if (isBlank(text, rowStart, end)) continue;
    // where the fields this parser reads start (and the one after the last ends)
    let fields = 1;
    starts[0] = rowStart;
    for (let i = rowStart; i < end && fields <= maxCol + 1; i++) if (text.charCodeAt(i) === 44) starts[fields++] = i + 1;
    if (fields <= maxCol) throw new DataError(file, `line ${line}: expected six numbers, found "${text.slice(rowStart, end).trim().slice(0, 80)}"`);
    if (fields === maxCol + 1) starts[fields] = end + 1;
    const time = field(ct);
    const open = field(co);
    const high = field(ch);
    const low = field(cl);
    const close = field(cc);
    const volume = field(cv);
    if (!(Number.isFinite(time) && Number.isFinite(open) && Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close) && Number.isFinite(volume)))
      throw new DataError(file, `line ${line}: expected six numbers, found "${text.slice(rowStart, end).trim().slice(0, 80)}"`);
    if (!(low <= Math.min(open, close) && high >= Math.max(open, close) && volume >= 0))
      throw new DataError(file, `line ${line}: expected low ≤ open,close ≤ high and volume ≥ 0, found ${text.slice(rowStart, end).trim()}`);
    if (time % step !== 0) throw new DataError(file, `line ${line}: open time ${time} is not on the ${timeframe} grid`);
    if (n > 0) {
      const prev = t[n - 1] ?? 0;
      if (time <= prev) throw new DataError(file, `line ${line}: open time ${time} does not follow ${prev} (repeated or out of order)`);
      if (time - prev > step) gaps.push({ afterMs: prev, resumeMs: time, missingBars: (time - prev) / step - 1 });
    }
    t[n] = time;
    o[n] = open;
    h[n] = high;
    l[n] = low;
    c[n] = close;
    v[n] = volume;
    n++;
  }
  return {
    series: {
      symbol,
      timeframe,
      length: n,
      openTimeMs: t.subarray(0, n),
      open: o.subarray(0, n),
      high: h.subarray(0, n),
      low: l.subarray(0, n),
      close: c.subarray(0, n),
      volume: v.subarray(0, n),
    },
    gaps,
  };
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Whether text[a, b) holds only spaces, tabs and carriage returns. */
function isBlank(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * The number in text[a, b) exactly as `Number()` reads it: a plain decimal of at most 15 digits is read
 * digit by digit and divided once by a power of ten (both exact, so the quotient is the correctly rounded
 * value `Number()` gives); anything else goes to `Number()`. Empty text is NaN (not 0, as `Number('')` is).
 */
export function parseDecimal(text: string, a: number, b: number): number {
  while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++;
  while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 13 || text.charCodeAt(b - 1) === 9)) b--;
  if (a >= b) return Number.NaN;
  let i = a;
  const sign = text.charCodeAt(i);
  if (sign === 45 || sign === 43) i++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else return Number(text.slice(a, b));
  }
  if (digits === 0 || digits > 15) return Number(text.slice(a, b));
  const v = frac > 0 ? m / (POW10[frac] as number) : m;
  return sign === 45 ? -v : v;
}

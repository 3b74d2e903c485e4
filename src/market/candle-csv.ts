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
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    line++;
    const row = text.slice(pos, end).trim();
    pos = end + 1;
    if (row.length === 0) continue;
    const f = row.split(',');
    const time = Number(f[ct]);
    const open = Number(f[co]);
    const high = Number(f[ch]);
    const low = Number(f[cl]);
    const close = Number(f[cc]);
    const volume = Number(f[cv]);
    if (!(Number.isFinite(time) && Number.isFinite(open) && Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close) && Number.isFinite(volume)))
      throw new DataError(file, `line ${line}: expected six numbers, found "${row.slice(0, 80)}"`);
    if (!(low <= Math.min(open, close) && high >= Math.max(open, close) && volume >= 0))
      throw new DataError(file, `line ${line}: expected low ≤ open,close ≤ high and volume ≥ 0, found ${row}`);
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

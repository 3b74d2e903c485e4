import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeTextAtomic } from '../telemetry/atomic-json.js';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import type { CandleGap, CandleSeries } from '../domain/candle.js';
import type { Timeframe } from '../domain/timeframe.js';
import { aggregateSeries } from './aggregate.js';
import { hasBundledCandles, loadBundledCandles } from './history.js';
import { parseCandleCsv } from './candle-csv.js';
import { bundledFiles } from './bundled.js';
import { bundledDataDir } from '../core/paths.js';

/** A series ready to replay, with everything found missing on the way. */
export interface LoadedSeries {
  readonly series: CandleSeries;
  /** Gaps between bars of the base timeframe (1h). */
  readonly gaps: readonly CandleGap[];
  /** Higher-timeframe buckets left out because a constituent bar was missing or not yet closed. */
  readonly incomplete: readonly CandleGap[];
  /** Where the base bars came from. */
  readonly sources: readonly string[];
}

/**
 * The candle cache: the bundled history of the package, extended by bars downloaded into
 * `<state-dir>/cache/candles/BINANCE_<SYMBOL>_1h.csv` (same header as the bundled files); both read
 * through column files beside them (the bundled ones' under `cache/candles/bundled/`). Bars are 1h;
 * 4h and 1d are built from them on demand. Where both sources hold a bar, the bundled one is kept.
 */
export class CandleStore {
  constructor(private readonly stateDir: string) {}

  /** Path of the downloaded 1h bars of `symbol`. */
  cacheFile(symbol: string): string {
    return path.join(this.stateDir, 'cache', 'candles', `BINANCE_${symbol}_1h.csv`);
  }

  /** Whether any history exists for `symbol`. */
  has(symbol: string): boolean {
    return hasBundledCandles(symbol) || existsSync(this.cacheFile(symbol));
  }

  load(symbol: string, timeframe: Timeframe): LoadedSeries {
    const parts: { series: CandleSeries; source: string }[] = [];
    if (hasBundledCandles(symbol)) parts.push({ series: readCachedBundled(this.stateDir, symbol), source: `bundled ${symbol} 1h` });
    const file = this.cacheFile(symbol);
    if (existsSync(file)) parts.push({ series: readCachedCsv(file, symbol), source: file });
    if (parts.length === 0) throw new DataError(file, `no candle history for ${symbol}: neither bundled nor downloaded`);
    const base = merge(parts.map((p) => p.series));
    const gaps = findGaps(base);
    if (timeframe === '1h') return { series: base, gaps, incomplete: [], sources: parts.map((p) => p.source) };
    if (timeframe === '1m') throw new DataError(file, 'the candle cache holds 1h bars; 1m bars are not built from them');
    const agg = aggregateSeries(base, timeframe);
    return { series: agg.series, gaps, incomplete: agg.incomplete, sources: parts.map((p) => p.source) };
  }
}

function merge(all: CandleSeries[]): CandleSeries {
  const first = all[0] as CandleSeries;
  if (all.length === 1) return first;
  const seen = new Set<number>();
  const rows: [number, number, number, number, number, number][] = [];
  for (const s of all)
    for (let i = 0; i < s.length; i++) {
      const t = s.openTimeMs[i] as number;
      if (seen.has(t)) continue;
      seen.add(t);
      rows.push([t, s.open[i] as number, s.high[i] as number, s.low[i] as number, s.close[i] as number, s.volume[i] as number]);
    }
  rows.sort((a, b) => a[0] - b[0]);
  const col = (k: number) => Float64Array.from(rows, (r) => r[k] as number);
  return { symbol: first.symbol, timeframe: '1h', length: rows.length, openTimeMs: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

function findGaps(s: CandleSeries): CandleGap[] {
  const step = 3_600_000;
  const gaps: CandleGap[] = [];
  for (let i = 1; i < s.length; i++) {
    const prev = s.openTimeMs[i - 1] as number;
    const cur = s.openTimeMs[i] as number;
    if (cur - prev > step) gaps.push({ afterMs: prev, resumeMs: cur, missingBars: (cur - prev) / step - 1 });
  }
  return gaps;
}

const MAGIC = 'hedge-candle-columns-v1';
const HEADER_BYTES = 256;

/**
 * The bars of a downloaded CSV, from its column file `<file>.cols` when that was made from this very CSV
 * (same size and modification time), else parsed from the CSV and the column file (re)written: a
 * million bars load in milliseconds instead of a second, and the CSV stays the source of truth.
 */
function readCachedCsv(file: string, symbol: string): CandleSeries {
  return withColumnFile(`${file}.cols`, stampOf(file), symbol, () => parseCandleCsv(readFileSync(file, 'utf8'), symbol, '1h', file).series);
}

/**
 * A bundled symbol's bars, from a column file in the state dir's cache (`cache/candles/bundled/`) made
 * from this very bundled file (same size and modification time), else decompressed and parsed from it
 * (about 30 ms a symbol) and the column file written: a backtest, a replay or a sweep of the bundled
 * universe starts without decompressing and parsing 11 files, and the bundled file stays the source.
 * A state dir that does not exist is not created for it.
 */
function readCachedBundled(stateDir: string, symbol: string): CandleSeries {
  // no state dir (a library call, a test): nothing is created for a cache
  if (!existsSync(stateDir)) return loadBundledCandles(symbol).series;
  const rel = bundledFiles.klines1h(symbol);
  const cols = path.join(stateDir, 'cache', 'candles', 'bundled', `${path.basename(rel)}.cols`);
  return withColumnFile(cols, stampOf(path.join(bundledDataDir, `${rel}.br`)), symbol, () => loadBundledCandles(symbol).series);
}

function stampOf(file: string): string {
  const st = statSync(file);
  return `${st.size}:${Math.floor(st.mtimeMs)}`;
}

/** The 1h series in `colsFile` when it was written from a source with this `stamp`; else `parse()`, written there for next time. */
function withColumnFile(colsFile: string, stamp: string, symbol: string, parse: () => CandleSeries): CandleSeries {
  try {
    const buf = readFileSync(colsFile);
    const head = JSON.parse(buf.subarray(0, HEADER_BYTES).toString('utf8').replace(/\0+$/, '')) as { magic: string; stamp: string; rows: number };
    if (head.magic === MAGIC && head.stamp === stamp && buf.length === HEADER_BYTES + 48 * head.rows) {
      const all = new Float64Array(buf.buffer, buf.byteOffset + HEADER_BYTES, 6 * head.rows);
      const col = (k: number) => all.subarray(k * head.rows, (k + 1) * head.rows);
      return { symbol, timeframe: '1h', length: head.rows, openTimeMs: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
    }
  } catch {
    // no column file yet, or one hedge cannot read: parse the source
  }
  const series = parse();
  try {
    const out = new Uint8Array(HEADER_BYTES + 48 * series.length);
    out.set(Buffer.from(JSON.stringify({ magic: MAGIC, stamp, rows: series.length })));
    const cols = new Float64Array(out.buffer, HEADER_BYTES, 6 * series.length);
    [series.openTimeMs, series.open, series.high, series.low, series.close, series.volume].forEach((c, k) => cols.set(c, k * series.length));
    writeTextAtomic(colsFile, out);
  } catch {
    // a read-only cache still works, only slower
  }
  return series;
}

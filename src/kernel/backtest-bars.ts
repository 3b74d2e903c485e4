/**
 * The bars a backtest runs on: the candle cache (bundled history and downloads, 1h, aggregated on demand)
 * or a user's CSV, and a sweep's preload of them. Light on imports: a sweep's main thread loads the bars
 * with this while its workers start.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { CandleSeries } from '../domain/candle.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';
import { aggregateSeries } from '../market/aggregate.js';
import { parseCandleCsv } from '../market/candle-csv.js';
import { CandleStore } from '../market/candle-store.js';
import type { BacktestConfig } from '../backtest/backtest-config.js';

export interface Bars {
  readonly universe: string[];
  readonly base: Exclude<Timeframe, '1m'>;
  seriesOf(symbol: string, tf: Exclude<Timeframe, '1m'>): CandleSeries;
  readonly description: string;
}

/**
 * Fills `memo` with the bars every backtest of `symbols` at `timeframes` from the candle cache reads
 * (the 1h series and their aggregates), under the keys `runBacktest` looks them up by: a sweep reads,
 * parses and aggregates them once, on its main thread while its workers start, not once per worker.
 */
export function preloadBars(stateDir: string, symbols: readonly string[], timeframes: Iterable<Exclude<Timeframe, '1m'>>, memo: Map<string, CandleSeries>): void {
  const bars = cacheBars(stateDir, symbols, memo);
  for (const tf of timeframes) for (const s of bars.universe) bars.seriesOf(s, tf);
}

function withAggregates(base: Map<string, CandleSeries>, tf: Exclude<Timeframe, '1m'>, where: string, memo: Map<string, CandleSeries> | undefined, memoKey: string): Bars['seriesOf'] {
  // by timeframe, then symbol: asked several times a cycle, so no key string per call
  const built = new Map<Timeframe, Map<string, CandleSeries>>();
  return (symbol, want) => {
    const s = base.get(symbol);
    if (s === undefined) throw new UsageError(`no bars of ${symbol} in ${where}`);
    if (want === tf) return s;
    if (timeframeMs[want] < timeframeMs[tf]) throw new UsageError(`${where} holds ${tf} bars; a ${want} strategy needs ${want} bars or finer`);
    let byTf = built.get(want);
    if (byTf === undefined) built.set(want, (byTf = new Map()));
    let agg = byTf.get(symbol);
    if (agg === undefined) {
      const key = `${memoKey}|${symbol}|${want}`;
      agg = memo?.get(key) ?? aggregateSeries(s, want).series;
      memo?.set(key, agg);
      byTf.set(symbol, agg);
    }
    return agg;
  };
}

export function cacheBars(stateDir: string, symbols: readonly string[], memo: Map<string, CandleSeries> | undefined): Bars {
  const store = new CandleStore(stateDir);
  const universe = symbols.filter((s) => store.has(s));
  if (universe.length === 0) throw new UsageError(`no cached history for ${symbols.join(', ')}: run hedge data fetch, or give --data <file.csv>`);
  const loadOnce = (s: string): CandleSeries => {
    const hit = memo?.get(`cache|${s}`);
    if (hit !== undefined) return hit;
    const series = store.load(s, '1h').series;
    memo?.set(`cache|${s}`, series);
    return series;
  };
  const base = new Map(universe.map((s) => [s, loadOnce(s)]));
  return { universe, base: '1h', seriesOf: withAggregates(base, '1h', 'the candle cache', memo, 'cache'), description: `candle cache (bundled history and ${store.cacheFile('<SYMBOL>')}), 1h bars` };
}

/** A user's CSV: one symbol, its bar spacing read off the file (1h, 4h or 1d). */
export function fileBars(file: string, bt: BacktestConfig, memo: Map<string, CandleSeries> | undefined): Bars {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--data ${file}: cannot read it (${(err as Error).message})`);
  }
  if (bt.symbols.length !== 1) throw new UsageError(`--data holds one symbol; the run trades ${bt.symbols.join(', ')}: say which with --symbols`);
  const symbol = bt.symbols[0] as string;
  const tf = spacingOf(text, file);
  const key = `file|${file}|${symbol}`;
  const series = memo?.get(key) ?? parseCandleCsv(text, symbol, tf, file).series;
  memo?.set(key, series);
  return { universe: [symbol], base: tf, seriesOf: withAggregates(new Map([[symbol, series]]), tf, file, memo, key), description: `${file} (${series.length} ${tf} bars, as ${symbol})` };
}

function spacingOf(text: string, file: string): Exclude<Timeframe, '1m'> {
  const times: number[] = [];
  for (const line of text.split('\n', 200).slice(1)) {
    const t = Number(line.split(',')[0]);
    if (line.trim() !== '' && Number.isFinite(t)) times.push(t);
  }
  let step = Infinity;
  for (let i = 1; i < times.length; i++) step = Math.min(step, (times[i] as number) - (times[i - 1] as number));
  const tf = (['1h', '4h', '1d'] as const).find((x) => timeframeMs[x] === step);
  if (tf === undefined) throw new UsageError(`--data ${file}: bars ${Number.isFinite(step) ? `${step} ms apart` : '(fewer than two)'}; expected 1h, 4h or 1d bars (open_time_ms in ms)`);
  return tf;
}

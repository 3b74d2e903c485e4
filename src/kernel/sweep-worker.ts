/**
 * A sweep worker thread: runs the backtests the main thread sends (one at a time) and answers with each
 * point's figures. The bars come from the main thread (read once there) or are loaded once per thread,
 * and are kept for every point.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadedConfig } from '../config/load.js';
import { errorMessage, InvariantError } from '../core/errors.js';
import type { CandleSeries } from '../domain/candle.js';
import { runBacktest, type BacktestOptions } from './backtest.js';
import { pointSummary, type PointBase, type PointRequest, type PointReply, type PreloadedBars } from './sweep-pool.js';

/**
 * Bars of the warm-up run before a thread's first point (of the data's timeframe: 12.5 days of the
 * bundled 1h history). Its objects' number fields settle from integer to fractional (V8 then replaces
 * their shapes) while the code is still interpreted, so the first points' optimised code is compiled once
 * instead of thrown away and compiled again: a one-worker sweep of research/grids/sma-cross-universe.json
 * compiles 235–238 times (66–72 of them again) in 2.4–2.5 s instead of 272–276 (102–105 again) in
 * 3.3–3.6 s, for a warm-up of ~0.2 s.
 */
const WARM_UP_BARS = 300;

const { loaded, stateDir, base } = workerData as { loaded: LoadedConfig; stateDir: string; base: PointBase };
const seriesMemo = new Map<string, CandleSeries>();
let warmedUp = false;
const port = parentPort;
if (port === null) throw new InvariantError('sweep-worker runs as a worker thread');
port.on('message', (m: PointRequest | PreloadedBars) => {
  if ('bars' in m) {
    for (const [k, s] of m.bars) seriesMemo.set(k, s);
    return;
  }
  const options = optionsOf(m, m.keepCurve === true, undefined);
  // the warm-up's result and errors are dropped: the point itself reports what is wrong with it
  const warmUp = warmedUp ? Promise.resolve() : runBacktest(optionsOf(m, false, WARM_UP_BARS)).then(() => undefined, () => undefined);
  warmedUp = true;
  void warmUp
    .then(() => runBacktest(options))
    .then((r) => port.postMessage({ id: m.id, ok: true, summary: pointSummary(r), ...(r.curve === undefined ? {} : { curve: r.curve }) } satisfies PointReply))
    .catch((err: unknown) => port.postMessage({ id: m.id, ok: false, error: errorMessage(err) } satisfies PointReply));
});

/** Every key of T present (values may be undefined). */
type Every<T> = { [K in keyof Required<T>]: T[K] };

/**
 * A point's backtest options, made by one literal that lists every field: the warm-up's and every
 * point's options have one shape for the code the warm-up compiles (spread copies did not promise that).
 */
function optionsOf(m: PointRequest, keepCurve: boolean, maxBars: number | undefined): BacktestOptions {
  const o: Every<PointBase> & Every<Pick<BacktestOptions, 'loaded' | 'stateDir' | 'outDir' | 'seriesMemo' | 'params' | 'keepCurve' | 'maxBars'>> = {
    strategies: base.strategies, symbols: base.symbols, timeframe: base.timeframe, fromMs: m.fromMs ?? base.fromMs, toMs: m.toMs ?? base.toMs, navUsd: m.navUsd ?? base.navUsd,
    fee: base.fee, slippageBps: base.slippageBps, execution: base.execution, resumeNextDay: base.resumeNextDay,
    loaded, stateDir, outDir: null, seriesMemo, params: m.params, keepCurve, maxBars,
  };
  return o;
}

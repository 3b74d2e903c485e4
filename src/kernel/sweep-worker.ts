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
import { pointSummary, type PointRequest, type PointReply, type PreloadedBars } from './sweep-pool.js';

const { loaded, stateDir, base } = workerData as { loaded: LoadedConfig; stateDir: string; base: Omit<BacktestOptions, 'loaded' | 'stateDir' | 'outDir'> };
const seriesMemo = new Map<string, CandleSeries>();
const port = parentPort;
if (port === null) throw new InvariantError('sweep-worker runs as a worker thread');
port.on('message', (m: PointRequest | PreloadedBars) => {
  if ('bars' in m) {
    for (const [k, s] of m.bars) seriesMemo.set(k, s);
    return;
  }
  const range = { ...(m.fromMs === undefined ? {} : { fromMs: m.fromMs }), ...(m.toMs === undefined ? {} : { toMs: m.toMs }), ...(m.navUsd === undefined ? {} : { navUsd: m.navUsd }) };
  void runBacktest({ ...base, ...range, loaded, stateDir, outDir: null, seriesMemo, params: m.params, keepCurve: m.keepCurve === true })
    .then((r) => port.postMessage({ id: m.id, ok: true, summary: pointSummary(r), ...(r.curve === undefined ? {} : { curve: r.curve }) } satisfies PointReply))
    .catch((err: unknown) => port.postMessage({ id: m.id, ok: false, error: errorMessage(err) } satisfies PointReply));
});

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Stopwatch, type Clock } from '../core/clock.js';
import { canonicalJson, sha256Hex } from '../core/canonical-json.js';
import { lastClosedIndex, type CandleSeries } from '../domain/candle.js';
import { GaussianHmm, univariate } from '../ml/hmm.js';
import { initialParams } from '../ml/hmm-init.js';
import { dataHash, saveModel } from '../ml/model-store.js';
import { labelRegimes, type Regime } from '../ml/regimes.js';
import { CandleStore } from '../market/candle-store.js';

/** The regime of a symbol at a bar and the model that said so. */
export interface RegimeReading {
  readonly regime: Regime;
  readonly modelFingerprint: string;
}

/** Returns used to fit a screening regime model: the last 2,000 bars (about 83 days of 1h bars). */
export const REGIME_WINDOW = 2_000;

/**
 * Fits (deterministically, seed 42) a 3-state HMM on the log returns of the last `REGIME_WINDOW` bars
 * ending at `lastIndex`, saves it under `<state-dir>/cache/models/` (a model already there is not saved
 * again) and reads the filtered state of the last bar.
 */
export function regimeAt(series: CandleSeries, lastIndex: number, stateDir: string, clock: Clock): RegimeReading | null {
  const from = Math.max(1, lastIndex - REGIME_WINDOW + 1);
  if (lastIndex - from + 1 < 200) return null;
  const returns = new Float64Array(lastIndex - from + 1);
  for (let i = from; i <= lastIndex; i++) returns[i - from] = Math.log((series.close[i] ?? 1) / (series.close[i - 1] ?? 1));
  const x = univariate(returns);
  let variance = 0;
  for (const r of returns) variance += r * r;
  variance /= returns.length;
  if (!(variance > 0)) return null; // a flat market has no regimes to tell apart
  let fit: ReturnType<GaussianHmm['fit']>;
  try {
    // the variance floor keeps a state from collapsing onto a run of identical returns
    fit = new GaussianHmm(initialParams(x, 3, 42)).fit(x, { iterations: 100, tol: 1e-3, minCovar: variance * 1e-6 });
  } catch {
    return null;
  }
  const states = new GaussianHmm(fit.params).filteredStates(x);
  const labels = labelRegimes(fit.params);
  const training = {
    source: `${series.symbol} ${series.timeframe} log returns`,
    column: 'log_return',
    rows: x.length,
    from: new Date(series.openTimeMs[from] ?? 0).toISOString(),
    to: new Date(series.openTimeMs[lastIndex] ?? 0).toISOString(),
    data_sha256: dataHash(x),
  };
  const fitInfo = { iterations: fit.iterations, tol: 1e-3, seed: 42, converged: fit.converged, loglik: fit.loglikHistory.at(-1) ?? 0 };
  const identity = { schema_version: 1, kind: 'gaussian-hmm-diag', params: fit.params, training, fit: fitInfo, regimes: labels };
  const fingerprint = sha256Hex(canonicalJson(identity));
  if (!existsSync(path.join(stateDir, 'cache', 'models', `hmm-${fingerprint.slice(0, 16)}.json`)))
    saveModel(stateDir, { params: fit.params, training, fit: fitInfo, created_ts: clock.nowMs() });
  return { regime: labels[states[states.length - 1] ?? 0] ?? 'trend', modelFingerprint: fingerprint };
}

/**
 * Regimes as the kernel reads them: the model of a symbol is refitted once per UTC day, on the 1h bars
 * closed by the day's start (00:00 UTC), and its reading reused for the rest of that day — model
 * maintenance, kept off the hourly decisions. The day's start, not the hour of the first question that
 * day: an executor restarted at 02:00 reads the regime the uninterrupted one fitted at 00:00 (with the
 * hour of the first question, it would fit on two more bars and could decide otherwise; the replay's
 * crash test found it). `refitMs` adds up the time the refits took.
 */
export class DailyRegimes {
  refitMs = 0;
  private readonly cache = new Map<string, { day: number; regime: Regime | null }>();
  constructor(private readonly stateDir: string, private readonly clock: Clock) {}

  at(hourly: CandleSeries, atMs: number): Regime | null {
    const day = Math.floor(atMs / 86_400_000);
    const cached = this.cache.get(hourly.symbol);
    if (cached?.day === day) return cached.regime;
    const watch = new Stopwatch();
    const regime = regimeAt(hourly, lastClosedIndex(hourly, day * 86_400_000), this.stateDir, this.clock)?.regime ?? null;
    this.refitMs += watch.elapsedMs();
    this.cache.set(hourly.symbol, { day, regime });
    return regime;
  }
}

/** One symbol's refitted model: its regime at the last bar, or why there is none. */
export interface RefitModel {
  readonly symbol: string;
  readonly regime: Regime | null;
  readonly model_fingerprint: string | null;
  /** Open times of the first and last bar of the fitted window. */
  readonly from: string | null;
  readonly to: string | null;
  readonly reason: string | null;
}

/**
 * Refits the screening model of each symbol on its bars closed by `atMs` (default: its last cached bar),
 * as the kernel's daily refit does, saving each model under `<state-dir>/cache/models/`.
 */
export function refitRegimes(stateDir: string, symbols: readonly string[], atMs: number | undefined, clock: Clock): { at: string | null; models: RefitModel[] } {
  const store = new CandleStore(stateDir);
  const models = symbols.map((symbol): RefitModel => {
    if (!store.has(symbol)) return { symbol, regime: null, model_fingerprint: null, from: null, to: null, reason: 'no cached history' };
    const series = store.load(symbol, '1h').series;
    const last = atMs === undefined ? series.length - 1 : lastClosedIndex(series, atMs);
    const r = last < 0 ? null : regimeAt(series, last, stateDir, clock);
    if (r === null) return { symbol, regime: null, model_fingerprint: null, from: null, to: null, reason: 'too few bars or a flat market' };
    const from = Math.max(1, last - REGIME_WINDOW + 1);
    return { symbol, regime: r.regime, model_fingerprint: r.modelFingerprint, from: new Date(series.openTimeMs[from] ?? 0).toISOString(), to: new Date(series.openTimeMs[last] ?? 0).toISOString(), reason: null };
  });
  return { at: atMs === undefined ? null : new Date(atMs).toISOString(), models };
}

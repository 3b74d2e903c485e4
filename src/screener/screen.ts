import type { Clock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import type { LoadedConfig } from '../config/load.js';
import { lastClosedIndex, seriesHead, type CandleSeries } from '../domain/candle.js';
import type { Timeframe } from '../domain/timeframe.js';
import { atrAtIndex } from '../indicators/atr.js';
import { CandleStore } from '../market/candle-store.js';
import { loadBundledInstruments } from '../market/instrument-provider.js';
import type { Regime } from '../ml/regimes.js';
import { writeJsonAtomic } from '../telemetry/atomic-json.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import { TELEMETRY_SCHEMA_VERSION } from '../telemetry/records/common.js';
import type { VetoRecord } from '../telemetry/records/veto.js';
import { statePaths } from '../telemetry/state-paths.js';
import { buildIntents, type Decision, type Intent, type ProtoIntent } from './intent-builder.js';
import { allocate, returnCovariance } from '../risk/allocator.js';
import type { Instrument } from '../domain/instrument.js';
import { regimeAt, type RegimeReading } from './regime-models.js';
import { momentumLogistic } from './score-models.js';
import { collectSignals, stopPriceOf } from './signals.js';
import { emaOfCloses } from '../strategies/series-math.js';
import type { Depth } from '../domain/book.js';
import type { FundingRate } from '../domain/funding.js';

export interface ScreenOptions {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  /** Screen as of the bars closed at or before this instant; default: the last bar of the data. */
  readonly atMs?: number | undefined;
  readonly clock: Clock;
  /** Order books known at the bar (live screening), by symbol. */
  readonly books?: ReadonlyMap<string, Depth> | undefined;
  /** Funding history by symbol, oldest first. */
  readonly funding?: ReadonlyMap<string, readonly FundingRate[]> | undefined;
}

/** Per symbol: what the screener measured at the bar. */
export interface SymbolFeatures {
  readonly symbol: string;
  readonly close: number;
  readonly atrPct: number | null;
  readonly volBucket: string | null;
  readonly tradable: boolean;
  readonly regime: Regime | null;
  readonly regimeModel: string | null;
  /** (EMA20 − EMA100) / EMA100 of 1h closes, in %. */
  readonly trendPct: number | null;
  /** The last funding rate known at the bar, when the funding history holds the symbol. */
  readonly fundingRate: number | null;
  /** The built-in model score (`momentum-logistic`), the ML hook's baseline. */
  readonly mlScore: number | null;
  /** Best ask − best bid over mid, in bps, when a book is known (live screening). */
  readonly spreadBps: number | null;
  /** (bid depth − ask depth)/(bid depth + ask depth) over the levels given, when a book is known. */
  readonly depthImbalance: number | null;
}

export interface ScreenResult {
  readonly at: string;
  readonly configFingerprint: string;
  readonly account: string;
  readonly navUsd: number;
  readonly features: SymbolFeatures[];
  readonly intents: Intent[];
  readonly flat: { readonly strategy: string; readonly symbol: string; readonly reason: string }[];
  readonly vetoes: VetoRecord[];
  readonly files: { readonly snapshot: string; readonly vetoes: string };
}

/**
 * Screens the universe as of a bar: every enabled strategy decides on the bars closed by then (no later
 * bar is visible to it), the screener adds volatility buckets (ATR% on 1h), the HMM regime and the
 * model fingerprint per symbol, ranks the proto-intents by strength, and the intent builder applies the
 * cheap limits. Every dropped or cut intent becomes a veto record in risk_vetoes.jsonl; the result is
 * also kept in logs/screener.json. The same inputs give the same output.
 */
export function screen(o: ScreenOptions): ScreenResult {
  const { config, fingerprint } = o.loaded;
  const store = new CandleStore(o.stateDir);
  const instruments = loadBundledInstruments();
  const universe = config.strategy_config.universe.filter((s) => store.has(s));
  const cache = new Map<string, CandleSeries>();
  const seriesOf = (symbol: string, tf: Exclude<Timeframe, '1m'>) => {
    const key = `${symbol}|${tf}`;
    let s = cache.get(key);
    if (s === undefined) {
      s = store.load(symbol, tf).series;
      cache.set(key, s);
    }
    return s;
  };
  const lastClosed = lastClosedIndex;
  const atMs = o.atMs ?? Math.max(...universe.map((s) => { const x = seriesOf(s, '1h'); return (x.openTimeMs[x.length - 1] ?? 0) + 3_600_000; }));
  if (!Number.isFinite(atMs)) throw new UsageError('no history for any symbol of the universe');

  // features per symbol, on 1h bars closed by `at`
  const features = new Map<string, SymbolFeatures>();
  for (const symbol of universe) {
    const s = seriesOf(symbol, '1h');
    const last = lastClosed(s, atMs);
    if (last < 0) continue;
    const atrValue = atrAtIndex(s, last);
    const close = s.close[last] ?? Number.NaN;
    const atrPct = atrValue === null ? null : (100 * atrValue) / close;
    const bucket = atrPct === null ? undefined : config.strategy_config.volatility_buckets.find((b) => b.max_atr_pct === null || atrPct <= b.max_atr_pct);
    const reading: RegimeReading | null = regimeAt(s, last, o.stateDir, o.clock);
    const view = seriesHead(s, last + 1);
    const fast = emaOfCloses(view, 20);
    const slow = emaOfCloses(view, 100);
    const funding = [...(o.funding?.get(symbol) ?? [])].reverse().find((f) => f.fundingTimeMs <= atMs);
    const book = o.books?.get(symbol);
    const bid = book?.bids[0];
    const ask = book?.asks[0];
    const depth = (levels: readonly (readonly [number, number])[] | undefined) => (levels ?? []).reduce((a, l) => a + l[0] * l[1], 0);
    const bidDepth = depth(book?.bids);
    const askDepth = depth(book?.asks);
    features.set(symbol, {
      symbol, close, atrPct, volBucket: bucket?.name ?? null, tradable: bucket?.tradable ?? false, regime: reading?.regime ?? null, regimeModel: reading?.modelFingerprint ?? null,
      trendPct: fast === undefined || slow === undefined ? null : (100 * (fast - slow)) / slow,
      fundingRate: funding?.rate ?? null,
      mlScore: momentumLogistic.score(view) ?? null,
      spreadBps: bid === undefined || ask === undefined ? null : (1e4 * (ask[0] - bid[0])) / ((ask[0] + bid[0]) / 2),
      depthImbalance: bidDepth + askDepth > 0 ? (bidDepth - askDepth) / (bidDepth + askDepth) : null,
    });
  }

  const account = config.venues.default_account;
  const navUsd = config.venues.accounts[account]?.starting_nav_usd ?? 10_000;
  const protos: ProtoIntent[] = [];
  const flat: ScreenResult['flat'] = [];
  const signals = collectSignals(config, atMs, {
    bars: (symbol, tf) => {
      if (!universe.includes(symbol)) return undefined;
      const s = seriesOf(symbol, tf);
      const last = lastClosed(s, atMs);
      return last < 0 ? undefined : seriesHead(s, last + 1);
    },
    regime: (symbol) => features.get(symbol)?.regime ?? null,
  });
  for (const { strategy, settings, signal: sig, price } of signals) {
    if (sig.direction === 'flat') {
      flat.push({ strategy, symbol: sig.symbol, reason: sig.reason });
      continue;
    }
    const f = features.get(sig.symbol);
    const dir = sig.direction === 'long' ? 1 : -1;
    const atrAbs = f === undefined || f.atrPct === null ? null : (f.atrPct * price) / 100;
    const stopPrice = stopPriceOf(settings, dir, price, atrAbs);
    const inst = instruments.get(sig.symbol);
    protos.push({
      strategy, symbol: sig.symbol, side: dir > 0 ? 'buy' : 'sell', strength: sig.strength, price,
      requestedNavPct: sig.targetNavPct ?? settings.trade_nav_percentage, leverage: settings.leverage,
      stopPrice: stopPrice === null || inst === undefined ? stopPrice : inst.roundPrice(stopPrice, dir > 0 ? 'buy' : 'sell'),
      tradable: f?.tradable ?? false, reason: `${sig.reason}; ATR ${f?.atrPct?.toFixed(2) ?? '?'}% (${f?.volBucket ?? '?'})`,
    });
  }

  const built = buildIntents(protos, config, navUsd, (s) => instruments.get(s));
  const { intents, decisions } = allocateIntents(built, config.risk_limits.portfolio, (symbol) => {
    const s = seriesOf(symbol, '1h');
    return s.close.subarray(0, lastClosed(s, atMs) + 1);
  }, (s) => instruments.get(s), navUsd);
  const cycleId = `screen-${new Date(atMs).toISOString()}`;
  const vetoes = decisions.map((d) => vetoRecord(d, atMs, cycleId, account, fingerprint));
  const paths = statePaths(o.stateDir);
  const writer = new JsonlWriter(paths.vetoes, 'every');
  try {
    writer.appendMany(vetoes);
  } finally {
    writer.close();
  }
  const snapshot = `${paths.logsDir}/screener.json`;
  const result: ScreenResult = {
    at: new Date(atMs).toISOString(), configFingerprint: fingerprint, account, navUsd, features: [...features.values()], intents, flat, vetoes,
    files: { snapshot, vetoes: paths.vetoes },
  };
  writeJsonAtomic(snapshot, { schema_version: TELEMETRY_SCHEMA_VERSION, ...result });
  return result;
}

/**
 * The covariance-aware step: scales the built intents together so the portfolio's annualised volatility
 * (rolling covariance of 1h returns) stays within `target_vol_pct`; every intent it cuts is recorded as a
 * `covariance_cut` with the volatility before and after and the weight of the dominant risk factor.
 */
function allocateIntents(
  built: { intents: Intent[]; decisions: Decision[] },
  portfolio: { target_vol_pct: number; cov_lookback_bars: number },
  closesOf: (symbol: string) => Float64Array,
  instrumentOf: (symbol: string) => Instrument | undefined,
  navUsd: number,
): { intents: Intent[]; decisions: Decision[] } {
  if (built.intents.length === 0) return built;
  const cov = returnCovariance(built.intents.map((i) => closesOf(i.symbol)), portfolio.cov_lookback_bars);
  const result = allocate(built.intents.map((i) => ({ symbol: i.symbol, weightPct: i.side === 'buy' ? i.navPct : -i.navPct })), cov, 8_760, portfolio.target_vol_pct);
  if (result.scale >= 1) return built;
  const decisions = [...built.decisions];
  const intents: Intent[] = [];
  for (const i of built.intents) {
    const inst = instrumentOf(i.symbol);
    const qty = inst === undefined ? i.qty : inst.roundQtyDown(i.qty * result.scale);
    const notionalUsd = qty * i.price;
    const details = { vol_before_pct: result.volBeforePct, vol_after_pct: result.volAfterPct, target_vol_pct: portfolio.target_vol_pct, scale: result.scale, top_factor_share: result.topFactorShare, top_factor_loading: result.topFactor[i.symbol] ?? null };
    if (inst !== undefined && notionalUsd < inst.minNotional) {
      decisions.push({ intent: i, outcome: 'veto', reasons: ['covariance_cut', 'min_notional'], requestedNotionalUsd: i.notionalUsd, approvedNotionalUsd: 0, details });
      continue;
    }
    decisions.push({ intent: i, outcome: 'cut', reasons: ['covariance_cut'], requestedNotionalUsd: i.notionalUsd, approvedNotionalUsd: notionalUsd, details });
    intents.push({ ...i, rank: intents.length + 1, qty, notionalUsd, navPct: (100 * notionalUsd) / navUsd, cuts: [...i.cuts, 'covariance_cut'] });
  }
  return { intents, decisions };
}

function vetoRecord(d: Decision, atMs: number, cycleId: string, account: string, fingerprint: string): VetoRecord {
  return {
    schema_version: TELEMETRY_SCHEMA_VERSION, ts: atMs, cycle_id: cycleId, stage: d.reasons.includes('covariance_cut') ? 'allocator' : d.reasons.includes('volatility_bucket') ? 'screener' : 'intent_builder',
    outcome: d.outcome, reasons: d.reasons, account, strategy: d.intent.strategy, symbol: d.intent.symbol, side: d.intent.side, reduce_only: false,
    requested_notional_usd: d.requestedNotionalUsd, approved_notional_usd: d.approvedNotionalUsd, details: d.details, config_fingerprint: fingerprint,
  };
}

import { existsSync, statSync, truncateSync } from 'node:fs';
import os from 'node:os';
import { setImmediate } from 'node:timers/promises';
import path from 'node:path';
import { z } from 'zod';
import { ManualClock, Stopwatch } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import type { Environment } from '../config/env.js';
import type { LoadedConfig } from '../config/load.js';
import type { AccountConfig } from '../config/schemas/venues.js';
import { lastClosedIndex, seriesHead, type CandleSeries } from '../domain/candle.js';
import type { Fill, Order } from '../domain/order.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';
import { atrAtIndex } from '../indicators/atr.js';
import { CandleStore } from '../market/candle-store.js';
import { loadBundledFunding } from '../market/history.js';
import { loadBundledInstruments } from '../market/instrument-provider.js';
import { ReplayFeed } from '../market/replay-feed.js';
import type { Regime } from '../ml/regimes.js';
import { RiskEngine, type PortfolioView } from '../risk/risk-engine.js';
import { loadRiskState, RiskStateSchema, saveRiskState } from '../risk/risk-state.js';
import { sizeOrder } from '../risk/size-model.js';
import { vetoRecordOf } from '../risk/veto-record.js';
import { regimeAt } from '../screener/regime-models.js';
import { collectSignals, stopPriceOf } from '../screener/signals.js';
import { readJsonSnapshot, writeJsonAtomic } from '../telemetry/atomic-json.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import { TELEMETRY_SCHEMA_VERSION } from '../telemetry/records/common.js';
import { statePaths } from '../telemetry/state-paths.js';
import { PaperVenue, type PaperVenueState } from '../venues/paper/paper-venue.js';
import { acquireInstanceLock, instanceLockFile } from './instance-lock.js';
import { orderEvent } from './order-events.js';

/**
 * `cache/replay_checkpoint.json`: written atomically at the end of every cycle, after the cycle's
 * telemetry; it is the commit point. A replay killed at any instant restarts from it: the streams are cut
 * back to the offsets it recorded (dropping what a half-done cycle appended), the paper venue, the risk
 * state and the executor's books are restored, and the next cycle runs as it would have.
 */
const CheckpointSchema = z.strictObject({
  schema_version: z.literal(1),
  config_fingerprint: z.string(),
  from_ms: z.number(),
  to_ms: z.number(),
  account: z.string(),
  cycle: z.number().int(),
  last_close_ms: z.number(),
  offsets: z.strictObject({ orders: z.number(), vetoes: z.number(), nav: z.number() }),
  counts: z.strictObject({ submitted: z.number(), filled: z.number(), rejected: z.number(), vetoed: z.number() }),
  nav_start_usd: z.number().nullable(),
  owner: z.array(z.tuple([z.string(), z.strictObject({ strategy: z.string(), stopId: z.string().nullable(), stopPrice: z.number().nullable(), openedTs: z.number() })])),
  strategy_of_order: z.array(z.tuple([z.string(), z.string()])),
  funding_index: z.array(z.tuple([z.string(), z.number()])),
  risk: RiskStateSchema,
  paper: z.custom<PaperVenueState>((v) => typeof v === 'object' && v !== null),
});
type Checkpoint = z.infer<typeof CheckpointSchema>;

export interface ReplayOptions {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly env: Environment;
  readonly account?: string | undefined;
  /** Aborted by SIGINT/SIGTERM: the replay finishes the cycle it is in, commits it, and returns. */
  readonly stop?: AbortSignal | undefined;
}

export interface ReplaySummary {
  readonly account: string;
  readonly from: string;
  readonly to: string;
  readonly cycles: number;
  /** Whether this run continued from a checkpoint left by an earlier (interrupted) run. */
  readonly resumed: boolean;
  /** Whether the run was stopped (SIGINT/SIGTERM) before `to`; running it again continues from there. */
  readonly stopped: boolean;
  readonly orders: { readonly submitted: number; readonly filled: number; readonly rejected: number; readonly vetoed: number };
  readonly navStartUsd: number;
  readonly navEndUsd: number;
  readonly positions: { readonly symbol: string; readonly strategy: string; readonly qty: number }[];
  readonly configFingerprint: string;
  readonly files: Record<string, string>;
  /** Decision latency of each cycle (strategies, sizing, risk; no venue calls, telemetry writes or model refits), in ms. */
  readonly decisionMs: { readonly median: number; readonly p99: number; readonly max: number };
  /** Time spent refitting regime models (once a day per symbol), in ms. */
  readonly regimeRefitMs: number;
}

/**
 * Dry-run replay of cached history on the paper venue: the cycle bars → strategies → sizing → risk →
 * venue → telemetry, one cycle per closed 1h bar. Each strategy decides when a bar of its timeframe
 * closes, on the bars closed by then; market orders fill at that close plus the paper venue's spread;
 * every entry is followed by its protective stop, placed reduce-only; every order change, veto, NAV and
 * position snapshot is written as the executor writes it. One symbol is held by one strategy at a time.
 */
export async function runReplay(o: ReplayOptions): Promise<ReplaySummary> {
  const { accounts, default_account } = o.loaded.config.venues;
  const accountId = o.account ?? default_account;
  const account = accounts[accountId];
  if (account === undefined) throw new UsageError(`unknown account "${accountId}"; known: ${Object.keys(accounts).join(', ')}`);
  // one executor per account and state dir: a second one would interleave orders and checkpoints
  const lock = acquireInstanceLock(instanceLockFile(statePaths(o.stateDir).cacheDir, 'executor', accountId), 'executor', accountId);
  try {
    return await replayHoldingLock(o, accountId, account);
  } finally {
    lock.release();
  }
}

async function replayHoldingLock(o: ReplayOptions, accountId: string, account: AccountConfig): Promise<ReplaySummary> {
  const { config, fingerprint } = o.loaded;
  const venueCfg = config.venues.venues[account.venue];
  if (venueCfg?.type !== 'paper') throw new UsageError(`replay runs on a paper venue; account ${accountId} is on ${venueCfg?.type ?? account.venue}`);
  const instruments = loadBundledInstruments();
  const store = new CandleStore(o.stateDir);
  const universe = config.strategy_config.universe.filter((s) => store.has(s));
  const series = new Map<string, CandleSeries>();
  const seriesOf = (symbol: string, tf: Exclude<Timeframe, '1m'>) => {
    const key = `${symbol}|${tf}`;
    let s = series.get(key);
    if (s === undefined) series.set(key, (s = store.load(symbol, tf).series));
    return s;
  };
  const clock = new ManualClock(o.fromMs);
  const venueId = account.venue;
  const venue = new PaperVenue({
    id: account.venue, instruments, clock, startingBalanceUsd: account.starting_nav_usd, makerBps: venueCfg.fees.maker_bps, takerBps: venueCfg.fees.taker_bps,
    spreadBps: venueCfg.slippage.spread_bps, impactBpsPer10kUsd: venueCfg.slippage.impact_bps_per_10k_usd,
  });
  const paths = statePaths(o.stateDir);
  const checkpointFile = path.join(paths.cacheDir, 'replay_checkpoint.json');
  const checkpoint = loadCheckpoint(checkpointFile, { fingerprint, fromMs: o.fromMs, toMs: o.toMs, account: accountId }, [paths.orders, paths.vetoes, paths.nav]);
  if (checkpoint !== undefined) {
    // cut the streams back to the last completed cycle: what a half-done cycle wrote is redone below
    truncateTo(paths.orders, checkpoint.offsets.orders);
    truncateTo(paths.vetoes, checkpoint.offsets.vetoes);
    truncateTo(paths.nav, checkpoint.offsets.nav);
    venue.restore(checkpoint.paper);
  }
  const risk = new RiskEngine(config.risk_limits, config.strategy_config, (s) => instruments.get(s), clock, checkpoint?.risk ?? loadRiskState(paths.riskState, o.fromMs));
  const orders = new JsonlWriter(paths.orders, 'every');
  const vetoes = new JsonlWriter(paths.vetoes, 'every');
  const navLog = new JsonlWriter(paths.nav, 'batch');
  const funding = new Map([['BTCUSDT', loadBundledFunding()]]);
  const fundingIdx = new Map<string, number>(checkpoint?.funding_index ?? []);
  const owner = new Map<string, { strategy: string; stopId: string | null; stopPrice: number | null; openedTs: number }>(checkpoint?.owner ?? []);
  const strategyOfOrder = new Map<string, string>(checkpoint?.strategy_of_order ?? []);
  const counts = { ...(checkpoint?.counts ?? { submitted: 0, filled: 0, rejected: 0, vetoed: 0 }) };
  const regimes = new Map<string, { day: number; regime: Regime | null }>();
  let cycle = checkpoint?.cycle ?? 0;
  let navStart: number | null = checkpoint?.nav_start_usd ?? null;
  const decisionTimes: number[] = [];
  let refitMs = 0;
  let refitTotalMs = 0;

  let stopped = false;
  const feed = new ReplayFeed(universe.map((s) => seriesOf(s, '1h')), { fromMs: checkpoint === undefined ? o.fromMs : checkpoint.last_close_ms + 1, toMs: o.toMs });
  try {
    for (const tick of feed.ticks()) {
      const T = tick.closeTimeMs;
      clock.setMs(T);
      cycle++;
      const cycleId = `c${cycle}-${new Date(T).toISOString()}`;
      // 1. the bars that just closed move the paper market: resting stops fill, liquidations happen
      for (let k = 0; k < tick.count; k++) {
        const s = tick.series[k] as CandleSeries;
        const i = tick.indices[k] ?? 0;
        venue.onBar({ symbol: s.symbol, timeframe: '1h', openTimeMs: s.openTimeMs[i] ?? 0, open: s.open[i] ?? 0, high: s.high[i] ?? 0, low: s.low[i] ?? 0, close: s.close[i] ?? 0, volume: s.volume[i] ?? 0 });
      }
      await recordFills(venue.takeFills());
      // 2. funding events that came due
      for (const [symbol, events] of funding) {
        let j = fundingIdx.get(symbol) ?? events.findIndex((f) => f.fundingTimeMs > T - 3_600_000);
        while (j >= 0 && j < events.length && (events[j]?.fundingTimeMs ?? Infinity) <= T) {
          venue.applyFunding(symbol, events[j]?.rate ?? 0);
          j++;
        }
        fundingIdx.set(symbol, j);
      }
      // 3. NAV
      const balance = venue.account.balance();
      const nav = balance.marginBalance;
      navStart ??= nav;
      risk.observeNav(nav, T);
      // 4. strategies whose bar closed decide
      const watch = new Stopwatch();
      let venueMs = 0;
      refitMs = 0;
      const signals = collectSignals(config, T, {
        due: (tf) => T % timeframeMs[tf] === 0,
        bars: (symbol, tf) => {
          if (!universe.includes(symbol)) return undefined;
          const s = seriesOf(symbol, tf);
          const end = lastClosedIndex(s, T) + 1;
          return end <= 0 ? undefined : seriesHead(s, end);
        },
        regime: (symbol) => regimeOf(symbol, T),
      }).sort((a, b) => b.signal.strength - a.signal.strength || a.strategy.localeCompare(b.strategy) || a.signal.symbol.localeCompare(b.signal.symbol));
      let seq = 0;
      const nextId = (strategy: string, symbol: string) => `h${cycle.toString(36)}-${Object.keys(config.strategy_registry.strategies).indexOf(strategy)}-${symbol}-${(seq++).toString(36)}`;
      for (const { strategy, settings, signal, price } of signals) {
        const symbol = signal.symbol;
        const held = owner.get(symbol);
        const qtyHeld = venue.account.qtyOf(symbol);
        if (held !== undefined && held.strategy !== strategy) continue; // another strategy holds the symbol
        const want = signal.direction === 'long' ? 1 : signal.direction === 'short' ? -1 : 0;
        if (qtyHeld !== 0 && Math.sign(qtyHeld) !== want && held !== undefined) {
          // close what is held, and its stop with it
          if (held.stopId !== null) emit(await venue.cancelOrder(symbol, held.stopId), strategy, 'cancel');
          emit(await venue.createOrder({ clientOrderId: nextId(strategy, symbol), symbol, side: qtyHeld > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(qtyHeld), reduceOnly: true }), strategy);
          await recordFills(venue.takeFills());
          owner.delete(symbol);
        }
        if (want === 0 || venue.account.qtyOf(symbol) !== 0) continue;
        const inst = instruments.get(symbol);
        if (inst === undefined) continue;
        const hourly = seriesOf(symbol, '1h');
        const atr = atrAtIndex(hourly, lastClosedIndex(hourly, T));
        const size = sizeOrder({
          navUsd: nav, price, side: want > 0 ? 'buy' : 'sell', instrument: inst, leverage: settings.leverage,
          target: { kind: 'nav_pct', pct: signal.targetNavPct ?? settings.trade_nav_percentage },
          caps: {
            maxTradeNavPct: Math.min(settings.max_trade_nav_pct, config.risk_limits.global.max_trade_nav_pct),
            maxSymbolNavPct: config.risk_limits.per_symbol[symbol]?.max_nav_pct ?? config.risk_limits.global.max_symbol_nav_pct,
            maxOrderNotionalUsd: config.risk_limits.per_symbol[symbol]?.max_order_notional_usd ?? config.risk_limits.global.max_order_notional_usd,
            maxLeverage: Math.min(config.risk_limits.global.max_leverage, config.risk_limits.per_symbol[symbol]?.max_leverage ?? Infinity, config.risk_limits.per_strategy[strategy]?.max_leverage ?? Infinity),
          },
        });
        const rawStop = stopPriceOf(settings, want > 0 ? 1 : -1, price, atr);
        const stopPrice = rawStop === null ? null : inst.roundPrice(rawStop, want > 0 ? 'buy' : 'sell');
        const intent = { strategy, symbol, venue: account.venue, side: size.side, qty: size.qty, price, reduceOnly: false, leverage: size.leverage, stopPrice };
        const decision = risk.check(intent, await portfolio(nav, T));
        if (size.qty <= 0 || decision.type === 'denied') {
          const denied = decision.type === 'denied' ? decision : { type: 'denied' as const, reasons: ['min_notional' as const], details: { nav_pct: size.navPct } };
          vetoes.append(vetoRecordOf(denied, intent, { tsMs: T, cycleId, account: accountId, configFingerprint: fingerprint }));
          counts.vetoed++;
          continue;
        }
        const sent = new Stopwatch();
        await venue.setLeverage(symbol, size.leverage);
        const entry = await venue.createOrder({ clientOrderId: nextId(strategy, symbol), symbol, side: size.side, type: 'market', qty: size.qty, reduceOnly: false });
        emit(entry, strategy);
        await recordFills(venue.takeFills());
        if (entry.status !== 'filled') continue;
        let stopId: string | null = null;
        if (stopPrice !== null) {
          const stop = await venue.createOrder({ clientOrderId: nextId(strategy, symbol), symbol, side: size.side === 'buy' ? 'sell' : 'buy', type: 'stop_market', qty: entry.filledQty, stopPrice, reduceOnly: true });
          emit(stop, strategy);
          if (stop.status === 'new') stopId = stop.clientOrderId;
        }
        owner.set(symbol, { strategy, stopId, stopPrice: stopId === null ? null : stopPrice, openedTs: T });
        venueMs += sent.elapsedMs();
      }
      // model maintenance (the daily regime refit) is not a decision: it belongs off the cycle
      const decisionMs = watch.elapsedMs() - venueMs - refitMs;
      refitTotalMs += refitMs;
      decisionTimes.push(decisionMs);
      // 5. what the cycle leaves behind
      const after = venue.account.balance();
      navLog.append({
        schema_version: TELEMETRY_SCHEMA_VERSION, ts: T, account: accountId, cycle_id: cycleId, nav_usd: after.marginBalance, wallet_balance_usd: after.walletBalance,
        unrealized_pnl_usd: after.unrealizedPnl, realized_pnl_usd: 0, fees_usd: 0, funding_usd: 0, gross_exposure_usd: grossOf(), net_exposure_usd: netOf(), source: 'paper', config_fingerprint: fingerprint,
      });
      navLog.flush();
      writeJsonAtomic(paths.positions, positionsSnapshot(T, cycleId, after.marginBalance));
      writeJsonAtomic(paths.heartbeat('executor'), {
        schema_version: TELEMETRY_SCHEMA_VERSION, ts: T, service: 'executor', pid: process.pid, host: os.hostname(), status: 'running', cycle, cycle_ms: decisionMs, lag_ms: null, last_error: null, config_fingerprint: fingerprint,
      });
      saveRiskState(paths.riskState, risk.state);
      // the commit point of the cycle
      navLog.flush();
      const live = new Set([...owner.values()].map((h) => h.stopId).filter((id): id is string => id !== null));
      const cp: Checkpoint = {
        schema_version: 1, config_fingerprint: fingerprint, from_ms: o.fromMs, to_ms: o.toMs, account: accountId, cycle, last_close_ms: T,
        offsets: { orders: sizeOf(paths.orders), vetoes: sizeOf(paths.vetoes), nav: sizeOf(paths.nav) }, counts: { ...counts }, nav_start_usd: navStart,
        owner: [...owner], strategy_of_order: [...strategyOfOrder].filter(([id]) => live.has(id)), funding_index: [...fundingIdx], risk: risk.state, paper: venue.snapshot(),
      };
      writeJsonAtomic(checkpointFile, cp);
      // the cycle is committed: let signal handlers run, and stop here if asked
      if (o.stop !== undefined) {
        await setImmediate();
        if (o.stop.aborted) {
          stopped = true;
          break;
        }
      }
    }
  } finally {
    orders.close();
    vetoes.close();
    navLog.close();
  }
  const end = venue.account.balance().marginBalance;
  return {
    account: accountId, from: new Date(o.fromMs).toISOString(), to: new Date(o.toMs).toISOString(), cycles: cycle, resumed: checkpoint !== undefined, stopped, orders: counts,
    navStartUsd: navStart ?? account.starting_nav_usd, navEndUsd: end,
    positions: venue.account.symbols().map((symbol) => ({ symbol, strategy: owner.get(symbol)?.strategy ?? 'unknown', qty: venue.account.qtyOf(symbol) })),
    configFingerprint: fingerprint,
    decisionMs: latencyStats(decisionTimes),
    regimeRefitMs: refitTotalMs,
    files: { orders: paths.orders, vetoes: paths.vetoes, nav: paths.nav, positions: paths.positions, heartbeat: paths.heartbeat('executor'), riskState: paths.riskState },
  };

  function ctxOf(strategy: string) {
    return { tsMs: clock.nowMs(), cycleId: `c${cycle}-${new Date(clock.nowMs()).toISOString()}`, account: accountId, venue: venueId, strategy, configFingerprint: fingerprint };
  }

  function emit(order: Order, strategy: string, action: 'create' | 'cancel' = 'create'): void {
    strategyOfOrder.set(order.clientOrderId, strategy);
    const inst = instruments.get(order.symbol);
    const ctx = ctxOf(strategy);
    if (action === 'cancel') {
      if (order.reject === null) orders.append(orderEvent(order, inst, ctx, { event: 'order.canceled' }));
      return;
    }
    if (order.status === 'rejected') {
      orders.append(orderEvent(order, inst, ctx, { event: 'order.rejected' }));
      counts.rejected++;
      return;
    }
    counts.submitted++;
    orders.append(orderEvent(order, inst, ctx, { event: 'order.submitted' }));
    if (order.status !== 'filled') orders.append(orderEvent(order, inst, ctx));
  }

  async function recordFills(fills: Fill[]): Promise<void> {
    for (const f of fills) {
      const strategy = strategyOfOrder.get(f.clientOrderId) ?? owner.get(f.symbol)?.strategy ?? 'liquidation';
      const order = f.liquidation ? undefined : await venue.fetchOrder(f.symbol, f.clientOrderId);
      const inst = instruments.get(f.symbol);
      if (order !== undefined) orders.append(orderEvent(order, inst, ctxOf(strategy), { fill: f }));
      counts.filled++;
      if (f.realizedPnlUsd !== 0) risk.observeClose(f.symbol, f.realizedPnlUsd, clock.nowMs());
      if (venue.account.qtyOf(f.symbol) === 0) {
        const held = owner.get(f.symbol);
        if (held?.stopId !== undefined && held.stopId !== null && held.stopId !== f.clientOrderId) emit(await venue.cancelOrder(f.symbol, held.stopId), held.strategy, 'cancel');
        owner.delete(f.symbol);
      }
    }
  }

  async function portfolio(nav: number, T: number): Promise<PortfolioView> {
    return {
      navUsd: nav, navTsMs: T, openOrders: (await venue.fetchOpenOrders()).length,
      positions: venue.account.symbols().map((symbol) => ({ symbol, strategy: owner.get(symbol)?.strategy ?? 'unknown', qty: venue.account.qtyOf(symbol), markPrice: venue.account.markOf(symbol) ?? 0 })),
    };
  }

  function grossOf(): number {
    return venue.account.symbols().reduce((a, s) => a + Math.abs(venue.account.qtyOf(s) * (venue.account.markOf(s) ?? 0)), 0);
  }
  function netOf(): number {
    return venue.account.symbols().reduce((a, s) => a + venue.account.qtyOf(s) * (venue.account.markOf(s) ?? 0), 0);
  }

  function positionsSnapshot(T: number, cycleId: string, navUsd: number) {
    return {
      schema_version: TELEMETRY_SCHEMA_VERSION, ts: T, account: accountId, cycle_id: cycleId, nav_usd: navUsd, config_fingerprint: fingerprint,
      positions: venue.account.symbols().flatMap((symbol) => {
        const p = venue.account.position(symbol, instruments.get(symbol)?.spec.brackets ?? []);
        if (p === undefined) return [];
        const held = owner.get(symbol);
        return [{
          symbol, strategy: held?.strategy ?? 'unknown', side: p.qty > 0 ? 'long' : 'short', qty: Math.abs(p.qty), entry_price: p.entryPrice, mark_price: p.markPrice,
          notional_usd: Math.abs(p.qty) * p.markPrice, unrealized_pnl_usd: p.unrealizedPnlUsd, leverage: p.leverage, margin_usd: p.marginUsd, liquidation_price: p.liquidationPrice,
          stop_price: held?.stopPrice ?? null, opened_ts: held?.openedTs ?? T, updated_ts: T,
        }];
      }),
    };
  }

  function regimeOf(symbol: string, T: number): Regime | null {
    const day = Math.floor(T / 86_400_000);
    const cached = regimes.get(symbol);
    if (cached?.day === day) return cached.regime;
    const s = seriesOf(symbol, '1h');
    const refit = new Stopwatch();
    const reading = regimeAt(s, lastClosedIndex(s, T), o.stateDir, clock);
    refitMs += refit.elapsedMs();
    regimes.set(symbol, { day, regime: reading?.regime ?? null });
    return reading?.regime ?? null;
  }
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

function truncateTo(file: string, size: number): void {
  if (existsSync(file) && statSync(file).size > size) truncateSync(file, size);
}

/**
 * The checkpoint of this very run, if one exists. A checkpoint of another run (other config, range or
 * account), or telemetry with no checkpoint, is refused: a replay never mixes its records with others'.
 */
function loadCheckpoint(file: string, run: { fingerprint: string; fromMs: number; toMs: number; account: string }, streams: string[]): Checkpoint | undefined {
  const raw = readJsonSnapshot(file);
  if (raw === undefined) {
    const used = streams.filter((f) => sizeOf(f) > 0);
    if (used.length > 0) throw new UsageError(`${path.dirname(used[0] ?? '')} already holds telemetry of another run (${used.map((f) => path.basename(f)).join(', ')}); give this replay its own --state-dir`);
    return undefined;
  }
  const cp = CheckpointSchema.safeParse(raw);
  if (!cp.success) throw new UsageError(`${file} is not a replay checkpoint hedge can read (${cp.error.issues[0]?.message ?? ''})`);
  const c = cp.data;
  if (c.config_fingerprint !== run.fingerprint || c.from_ms !== run.fromMs || c.to_ms !== run.toMs || c.account !== run.account)
    throw new UsageError(`${file} belongs to another run (config ${c.config_fingerprint.slice(0, 12)}, ${new Date(c.from_ms).toISOString()} → ${new Date(c.to_ms).toISOString()}, account ${c.account}); give this replay its own --state-dir`);
  return c;
}

function latencyStats(xs: number[]): ReplaySummary['decisionMs'] {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { median: q(0.5), p99: q(0.99), max: s.at(-1) ?? 0 };
}



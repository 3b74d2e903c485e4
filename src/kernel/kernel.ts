import { z } from 'zod';
import { Stopwatch, type Clock } from '../core/clock.js';
import type { ConfigSet } from '../config/files.js';
import type { RouterPolicyConfig } from '../config/schemas/router-policy.js';
import { lastClosedIndex, type CandleSeries } from '../domain/candle.js';
import type { BookTop } from '../domain/book.js';
import type { Balance, Fill, Order, Position } from '../domain/order.js';
import { atrAtIndex } from '../indicators/atr.js';
import type { InstrumentCatalog } from '../market/instrument-provider.js';
import type { PortfolioView, RiskEngine } from '../risk/risk-engine.js';
import { sizeOrder } from '../risk/size-model.js';
import { vetoRecordOf } from '../risk/veto-record.js';
import { OrderRouter, type OrderRouterDeps } from '../router/order-router.js';
import type { RouterHealth } from '../router/router-health.js';
import { stopPriceOf, type StrategySignal } from '../screener/signals.js';
import type { RecordSink } from '../telemetry/jsonl-writer.js';
import { TELEMETRY_SCHEMA_VERSION } from '../telemetry/records/common.js';
import type { NavRecord } from '../telemetry/records/nav.js';
import type { Venue } from '../venues/port.js';
import { orderEvent } from './order-events.js';

/** A symbol's position as the executor owns it: which strategy holds it and its protective stop. */
export const HoldingSchema = z.strictObject({ strategy: z.string(), stopId: z.string().nullable(), stopPrice: z.number().nullable(), openedTs: z.number() });
export type Holding = z.infer<typeof HoldingSchema>;

const BookSchema = z.strictObject({ realized_usd: z.number(), fees_usd: z.number(), funding_usd: z.number() });
/** Money booked: realized PnL before fees, fees paid (positive), funding received (+) or paid (−). */
export type Book = z.infer<typeof BookSchema>;
/** A book, or a copy of one; all made by this literal, so `book` sees one shape (a spread copy has another). */
const bookOf = (b?: Book): Book => ({ realized_usd: b?.realized_usd ?? 0, fees_usd: b?.fees_usd ?? 0, funding_usd: b?.funding_usd ?? 0 });

/** The executor's own books, carried across cycles and restarts. */
export const KernelStateSchema = z.strictObject({
  owner: z.array(z.tuple([z.string(), HoldingSchema])),
  strategy_of_order: z.array(z.tuple([z.string(), z.string()])),
  counts: z.strictObject({ submitted: z.number(), filled: z.number(), rejected: z.number(), vetoed: z.number() }),
  /** Realized PnL (gross), fees and funding since the account's first cycle, in all and by strategy (absent in older checkpoints: from zero). */
  books: z.strictObject({ all: BookSchema, by_strategy: z.record(z.string(), BookSchema) }).optional(),
});
export type KernelState = z.infer<typeof KernelStateSchema>;
/**
 * Order counts, or a copy of them; all made by this literal, as books are by `bookOf` (V8 gave spread copies
 * of the counts two shapes, and the code counting was compiled again).
 */
const countsOf = (c?: KernelState['counts']): KernelState['counts'] => ({ submitted: c?.submitted ?? 0, filled: c?.filled ?? 0, rejected: c?.rejected ?? 0, vetoed: c?.vetoed ?? 0 });


/** Where fills come from: the paper venue reports its own; a live venue's are read off its orders. */
export interface FillSource {
  /** Fills since the last call, oldest first. `realizedPnlUsd` may be NaN when the source cannot know it. */
  take(): Promise<Fill[]>;
  /** `take` without a promise, where the fills are in this process (the paper venue). */
  takeNow?(): Fill[];
  /** An order as last seen (placed, polled, cancelled): a source that reads fills off orders learns here. */
  observe(order: Order): void;
}

const strategyIds = new WeakMap<ConfigSet['strategy_registry'], string[]>();

/** The strategy's position in the registry (part of every client order id), the id list made once per registry. */
function strategyIndexOf(config: ConfigSet, strategy: string): number {
  const registry = config.strategy_registry;
  let ids = strategyIds.get(registry);
  if (ids === undefined) {
    ids = Object.keys(registry.strategies);
    strategyIds.set(registry, ids);
  }
  return ids.indexOf(strategy);
}

/** A record the kernel writes before an order leaves (the live write-ahead journal). */
export interface SendIntent {
  readonly id: string;
  readonly kind: 'entry' | 'exit' | 'stop';
  readonly strategy: string;
  readonly symbol: string;
  readonly stopPrice: number | null;
}

export interface KernelDeps {
  config(): ConfigSet;
  fingerprint(): string;
  readonly accountId: string;
  readonly venueId: string;
  readonly venue: Venue;
  readonly fills: FillSource;
  readonly clock: Clock;
  readonly instruments: InstrumentCatalog;
  /** The risk engine in force (a config reload replaces it, state carried over). */
  risk(): RiskEngine;
  readonly health: RouterHealth;
  readonly orders: RecordSink;
  readonly vetoes: RecordSink;
  /** Best bid/ask where the environment has a book; absent in a replay of bars (every order goes taker). */
  readonly book?: ((symbol: string) => Promise<BookTop | undefined>) | undefined;
  /** Called before an order is sent (the live journal); a replay commits whole cycles instead. */
  readonly beforeSend?: ((intent: SendIntent) => void) | undefined;
  /** Whether an order with this base id already reached the venue (found by reconciliation): it is never sent again. */
  readonly alreadySent?: ((id: string) => boolean) | undefined;
  readonly pollMs?: number;
  readonly state?: KernelState | undefined;
  /** The strategies this account runs (venues.json `strategies`); absent: every enabled one. */
  readonly strategies?: readonly string[] | undefined;
  /** A stop (SIGINT/SIGTERM): no further signal is acted on, and resting router orders are cancelled at once. */
  readonly stop?: AbortSignal | undefined;
}

/** What a decision step of a cycle cost. */
export interface DecisionTiming {
  /** Wall time of the decision step, ms. */
  readonly totalMs: number;
  /** Of which: waiting for the venue (orders, fills, positions). */
  readonly venueMs: number;
  /** A stop came before every signal was acted on: the bar is to be decided again. */
  readonly interrupted: boolean;
}

/**
 * The cycle's decision half, the same code for replay, dry-run and production: strategies' signals →
 * ownership (one strategy holds a symbol at a time) → sizing → risk gate → order router → venue, with
 * protective stops after entries, and every order change, fill and veto written as it happens. What
 * differs between environments comes in through `KernelDeps` (clock, venue, fill source, book).
 */
export class Kernel {
  readonly owner: Map<string, Holding>;
  readonly strategyOfOrder: Map<string, string>;
  readonly counts: KernelState['counts'];
  /** What the account has booked, in all and by the strategy that held the position. */
  readonly books: { all: Book; by_strategy: Record<string, Book> };
  readonly router: OrderRouter;
  private positions = new Map<string, Position>();
  private cycleId = '';
  /** Client ids this run placed or adopted, with when (clock ms): kept two days, far longer than a bar is ever decided again. */
  private readonly seen = new Map<string, number>();
  /** Orders that ended (cancelled, expired) after a partial fill: their end is written after the fill. */
  private readonly endAfterFills = new Map<string, Order>();

  constructor(private readonly d: KernelDeps) {
    this.owner = new Map(d.state?.owner ?? []);
    this.strategyOfOrder = new Map(d.state?.strategy_of_order ?? []);
    this.counts = countsOf(d.state?.counts);
    const b = d.state?.books;
    this.books = { all: bookOf(b?.all), by_strategy: Object.fromEntries(Object.entries(b?.by_strategy ?? {}).map(([k, v]) => [k, bookOf(v)])) };
    this.router = new OrderRouter(new RouterDeps(this, d));
  }

  state(): KernelState {
    const live = new Set([...this.owner.values()].map((h) => h.stopId).filter((id): id is string => id !== null));
    return {
      owner: [...this.owner], strategy_of_order: [...this.strategyOfOrder].filter(([id]) => live.has(id)), counts: countsOf(this.counts),
      books: { all: bookOf(this.books.all), by_strategy: Object.fromEntries(Object.entries(this.books.by_strategy).map(([k, v]) => [k, bookOf(v)])) },
    };
  }

  /** Starts a cycle: the id its records carry, and the venue's positions as they stand. */
  beginCycle(cycleId: string): Promise<void> | undefined {
    this.cycleId = cycleId;
    const horizon = this.d.clock.nowMs() - 2 * 86_400_000;
    for (const [id, at] of this.seen) if (at < horizon) this.seen.delete(id);
    return this.refreshPositions();
  }

  /** Whether this run has seen the order with this client id (placed it, or adopted it). */
  knows(clientOrderId: string): boolean {
    return this.seen.has(clientOrderId);
  }

  /** Takes an order found at the venue (by reconciliation) into the books, as the strategy's own. */
  adopt(order: Order, strategy: string): void {
    this.seen.set(order.clientOrderId, this.d.clock.nowMs());
    this.strategyOfOrder.set(order.clientOrderId, strategy);
  }

  qtyOf(symbol: string): number {
    return this.positions.get(symbol)?.qty ?? 0;
  }

  heldPositions(): Position[] {
    return [...this.positions.values()];
  }

  /** Records the fills the venue reported since the last call (and returns them); a position closed by its stop loses its owner. */
  async syncFills(): Promise<Fill[]> {
    const fills = this.d.fills.takeNow?.() ?? (await this.d.fills.take());
    if (fills.length === 0) return fills;
    for (const f of fills) {
      const strategy = this.strategyOfOrder.get(f.clientOrderId) ?? this.owner.get(f.symbol)?.strategy ?? 'liquidation';
      const order = f.liquidation || this.d.orders.discards === true ? undefined : await this.d.venue.fetchOrder(f.symbol, f.clientOrderId);
      if (order !== undefined) {
        const event = order.filledQty >= order.qty ? 'order.filled' : 'order.partially_filled';
        this.write(order, strategy, { fill: f, event });
      }
      this.counts.filled++;
      const held = this.positions.get(f.symbol);
      const realized = Number.isNaN(f.realizedPnlUsd) ? realizedOf(held, f) : f.realizedPnlUsd;
      if (realized !== 0) this.d.risk().observeClose(f.symbol, realized, this.d.clock.nowMs());
      this.book(strategy, Number.isNaN(f.realizedPnlUsd) ? grossRealizedOf(held, f) : f.realizedPnlUsd, f.feeUsd, 0);
    }
    for (const [id, order] of this.endAfterFills) this.write(order, this.strategyOfOrder.get(id) ?? 'unknown');
    this.endAfterFills.clear();
    await this.refreshPositions();
    for (const f of fills) {
      if (this.qtyOf(f.symbol) !== 0) continue;
      const held = this.owner.get(f.symbol);
      if (held === undefined) continue;
      if (held.stopId !== null && held.stopId !== f.clientOrderId) this.emitCancel(await this.d.venue.cancelOrder(f.symbol, held.stopId), held.strategy);
      this.owner.delete(f.symbol);
    }
    return fills;
  }

  /**
   * Lets the signals act, strongest first: a held position whose owner now wants the other side (or
   * flat) is closed with its stop; a wanted position not held is sized, gated by risk, routed, and
   * followed by its reduce-only protective stop.
   */
  async decide(T: number, nav: number, signals: readonly StrategySignal[], hourly: (symbol: string) => CandleSeries): Promise<DecisionTiming> {
    const config = this.d.config();
    const watch = new Stopwatch();
    let venueMs = 0;
    const mine = this.d.strategies === undefined ? signals : signals.filter((x) => this.d.strategies?.includes(x.strategy));
    const ordered = mine.length <= 1 ? mine : [...mine].sort((a, b) => b.signal.strength - a.signal.strength || a.strategy.localeCompare(b.strategy) || a.signal.symbol.localeCompare(b.signal.symbol));
    const idOf = (strategy: string, symbol: string, kind: 'e' | 'x' | 's') => `h${Math.floor(T / 3_600_000).toString(36)}-${strategyIndexOf(config, strategy)}-${symbol}-${kind}`;
    let interrupted = false;
    for (const { strategy, settings, signal, price } of ordered) {
      if (this.d.stop?.aborted === true) {
        interrupted = true;
        break;
      }
      const symbol = signal.symbol;
      const held = this.owner.get(symbol);
      const qtyHeld = this.qtyOf(symbol);
      if (held !== undefined && held.strategy !== strategy) continue; // another strategy holds the symbol
      const want = signal.direction === 'long' ? 1 : signal.direction === 'short' ? -1 : 0;
      if (qtyHeld !== 0 && Math.sign(qtyHeld) !== want && held !== undefined) {
        const sent = new Stopwatch();
        const id = idOf(strategy, symbol, 'x');
        if (!this.d.alreadySent?.(id)) {
          if (held.stopId !== null) this.emitCancel(await this.d.venue.cancelOrder(symbol, held.stopId), strategy);
          this.d.beforeSend?.({ id, kind: 'exit', strategy, symbol, stopPrice: null });
          this.strategyOfOrder.set(id, strategy);
          await this.router.route({ clientOrderId: id, symbol, side: qtyHeld > 0 ? 'sell' : 'buy', qty: Math.abs(qtyHeld), reduceOnly: true, urgent: true, decisionPrice: price });
          await this.syncFills();
        }
        if (this.qtyOf(symbol) === 0) this.owner.delete(symbol);
        // an entry that follows in the same step (a reversal) is sized on the NAV the exit left, fees paid
        if (want !== 0) nav = (await this.d.venue.fetchBalance()).marginBalance;
        venueMs += sent.elapsedMs();
      }
      if (want === 0 || this.qtyOf(symbol) !== 0) continue;
      const inst = this.d.instruments.get(symbol);
      if (inst === undefined) continue;
      let atr: number | null = null;
      if (settings.stop.type === 'atr') {
        const series = hourly(symbol);
        atr = atrAtIndex(series, lastClosedIndex(series, T));
      }
      const limits = config.risk_limits;
      const size = sizeOrder({
        navUsd: nav, price, side: want > 0 ? 'buy' : 'sell', instrument: inst, leverage: settings.leverage,
        target: { kind: 'nav_pct', pct: signal.targetNavPct ?? settings.trade_nav_percentage },
        caps: {
          maxTradeNavPct: Math.min(settings.max_trade_nav_pct, limits.global.max_trade_nav_pct),
          maxSymbolNavPct: limits.per_symbol[symbol]?.max_nav_pct ?? limits.global.max_symbol_nav_pct,
          maxOrderNotionalUsd: limits.per_symbol[symbol]?.max_order_notional_usd ?? limits.global.max_order_notional_usd,
          maxLeverage: Math.min(limits.global.max_leverage, limits.per_symbol[symbol]?.max_leverage ?? Infinity, limits.per_strategy[strategy]?.max_leverage ?? Infinity),
        },
      });
      const rawStop = stopPriceOf(settings, want > 0 ? 1 : -1, price, atr);
      const stopPrice = rawStop === null ? null : inst.roundPrice(rawStop, want > 0 ? 'buy' : 'sell');
      const intent = { strategy, symbol, venue: this.d.venueId, side: size.side, qty: size.qty, price, reduceOnly: false, leverage: size.leverage, stopPrice };
      const openNow = this.d.venue.openOrderCountNow?.();
      const decision = this.d.risk().check(intent, openNow === undefined ? await this.portfolio(nav, T) : this.portfolioOf(nav, T, openNow));
      const vetoCtx = { tsMs: T, cycleId: this.cycleId, account: this.d.accountId, configFingerprint: this.d.fingerprint() };
      if (size.qty <= 0 || decision.type === 'denied') {
        const denied = decision.type === 'denied' ? decision : { type: 'denied' as const, reasons: ['min_notional' as const], details: { nav_pct: size.navPct } };
        if (this.d.vetoes.discards !== true) this.d.vetoes.append(vetoRecordOf(denied, intent, vetoCtx));
        this.counts.vetoed++;
        continue;
      }
      const sent = new Stopwatch();
      const entryId = idOf(strategy, symbol, 'e');
      if (this.d.alreadySent?.(entryId)) continue; // reached the venue before a restart: reconciliation adopted it
      await this.d.venue.setLeverage(symbol, size.leverage);
      this.d.beforeSend?.({ id: entryId, kind: 'entry', strategy, symbol, stopPrice });
      this.strategyOfOrder.set(entryId, strategy);
      const routed = await this.router.route({ clientOrderId: entryId, symbol, side: size.side, qty: size.qty, reduceOnly: false, urgent: false, decisionPrice: price });
      if (routed.blocked !== null) {
        if (this.d.vetoes.discards !== true) this.d.vetoes.append({ ...vetoRecordOf({ type: 'denied', reasons: ['router_blocked'], details: { reason: routed.blocked } }, intent, vetoCtx), stage: 'router' });
        this.counts.vetoed++;
        venueMs += sent.elapsedMs();
        continue;
      }
      await this.syncFills();
      const qty = Math.abs(this.qtyOf(symbol));
      if (qty > 0) {
        let stopId: string | null = null;
        if (stopPrice !== null) {
          const id = idOf(strategy, symbol, 's');
          this.d.beforeSend?.({ id, kind: 'stop', strategy, symbol, stopPrice });
          stopId = await this.placeStop(strategy, symbol, id, size.side === 'buy' ? 'sell' : 'buy', qty, stopPrice);
        }
        this.owner.set(symbol, { strategy, stopId, stopPrice: stopId === null ? null : stopPrice, openedTs: T });
      }
      venueMs += sent.elapsedMs();
    }
    return { totalMs: watch.elapsedMs(), venueMs, interrupted };
  }

  /** Places a reduce-only protective stop; its client id when it rests, else null. */
  async placeStop(strategy: string, symbol: string, id: string, side: 'buy' | 'sell', qty: number, stopPrice: number): Promise<string | null> {
    this.strategyOfOrder.set(id, strategy);
    const sent = this.d.clock.nowMs();
    const stop = await this.d.venue.createOrder({ clientOrderId: id, symbol, side, type: 'stop_market', qty, stopPrice, reduceOnly: true });
    this.onRouted(stop, this.d.clock.nowMs() - sent);
    return stop.status === 'new' ? stop.clientOrderId : null;
  }

  /** The risk engine's view of the account. */
  async portfolio(nav: number, T: number): Promise<PortfolioView> {
    return this.portfolioOf(nav, T, (await this.d.venue.fetchOpenOrders()).length);
  }

  private portfolioOf(nav: number, T: number, openOrders: number): PortfolioView {
    // pushed, not mapped: Array.prototype.map's arrays change elements kind with the caller's tier (V8), and
    // the risk engine's check was compiled again for each new kind
    const positions: PortfolioView['positions'][number][] = [];
    for (const p of this.heldPositions()) positions.push({ symbol: p.symbol, strategy: this.owner.get(p.symbol)?.strategy ?? 'unknown', qty: p.qty, markPrice: p.markPrice });
    return { navUsd: nav, navTsMs: T, openOrders, positions };
  }

  /** A funding payment on `symbol` (received +, paid −), booked to the strategy holding it. */
  onFunding(symbol: string, paidUsd: number): void {
    this.book(this.owner.get(symbol)?.strategy ?? 'unowned', 0, 0, paidUsd);
  }

  private book(strategy: string, realizedUsd: number, feeUsd: number, fundingUsd: number): void {
    const s = (this.books.by_strategy[strategy] ??= bookOf());
    for (const x of [this.books.all, s]) {
      x.realized_usd += realizedUsd;
      x.fees_usd += feeUsd;
      x.funding_usd += fundingUsd;
    }
  }

  navRecord(T: number, b: Balance, source: NavRecord['source']): NavRecord {
    const ps = this.heldPositions();
    // each strategy: what it booked, and its open positions marked now
    const strategies: NonNullable<NavRecord['strategies']> = {};
    for (const [id, k] of Object.entries(this.books.by_strategy)) strategies[id] = { pnl_usd: k.realized_usd - k.fees_usd + k.funding_usd, unrealized_pnl_usd: 0, exposure_usd: 0 };
    for (const p of ps) {
      const id = this.owner.get(p.symbol)?.strategy ?? 'unowned';
      const s = (strategies[id] ??= { pnl_usd: 0, unrealized_pnl_usd: 0, exposure_usd: 0 });
      s.pnl_usd += p.unrealizedPnlUsd;
      s.unrealized_pnl_usd += p.unrealizedPnlUsd;
      s.exposure_usd += Math.abs(p.qty * p.markPrice);
    }
    return {
      schema_version: TELEMETRY_SCHEMA_VERSION, ts: T, account: this.d.accountId, cycle_id: this.cycleId, nav_usd: b.marginBalance, wallet_balance_usd: b.walletBalance,
      unrealized_pnl_usd: b.unrealizedPnl, realized_pnl_usd: this.books.all.realized_usd, fees_usd: this.books.all.fees_usd, funding_usd: this.books.all.funding_usd,
      gross_exposure_usd: ps.reduce((a, p) => a + Math.abs(p.qty * p.markPrice), 0), net_exposure_usd: ps.reduce((a, p) => a + p.qty * p.markPrice, 0), source, config_fingerprint: this.d.fingerprint(),
      strategies,
    };
  }

  /** positions.json. */
  positionsSnapshot(T: number, navUsd: number) {
    return {
      schema_version: TELEMETRY_SCHEMA_VERSION, ts: T, account: this.d.accountId, cycle_id: this.cycleId, nav_usd: navUsd, config_fingerprint: this.d.fingerprint(),
      positions: this.heldPositions().map((p) => {
        const held = this.owner.get(p.symbol);
        return {
          symbol: p.symbol, strategy: held?.strategy ?? 'unknown', side: p.qty > 0 ? 'long' : 'short', qty: Math.abs(p.qty), entry_price: p.entryPrice, mark_price: p.markPrice,
          notional_usd: Math.abs(p.qty) * p.markPrice, unrealized_pnl_usd: p.unrealizedPnlUsd, leverage: p.leverage, margin_usd: p.marginUsd, liquidation_price: p.liquidationPrice,
          stop_price: held?.stopPrice ?? null, opened_ts: held?.openedTs ?? T, updated_ts: T,
        };
      }),
    };
  }

  /**
   * Reads the venue's positions. An in-process venue answers at once and no promise is made (`undefined`:
   * a backtest's hot loop skips the await); otherwise the promise of the venue's answer.
   */
  refreshPositions(): Promise<void> | undefined {
    const now = this.d.venue.positionsNow?.();
    if (now !== undefined) {
      this.setPositions(now);
      return undefined;
    }
    return this.d.venue.fetchPositions().then((list) => this.setPositions(list));
  }

  private setPositions(list: readonly Position[]): void {
    // a plain loop: filter + map + new Map(pairs) was 2 % of a sweep point (two arrays and a pair per position)
    const positions = new Map<string, Position>();
    for (const p of list) if (p.qty !== 0) positions.set(p.symbol, p);
    this.positions = positions;
  }

  /**
   * Every state change of an order this kernel's router or stops placed: watched for fills, counted, and
   * written (its event the first time it is reported, its end — cancel, expiry — after).
   */
  onRouted(order: Order, latencyMs: number): void {
    this.d.fills.observe(order);
    const strategy = this.strategyOfOrder.get(order.clientOrderId) ?? this.strategyOfOrder.get(order.clientOrderId.replace(/\.(\d+|t)$/, '')) ?? 'unknown';
    this.strategyOfOrder.set(order.clientOrderId, strategy);
    if (!this.seen.has(order.clientOrderId)) {
      this.seen.set(order.clientOrderId, this.d.clock.nowMs());
      if (order.status === 'rejected') {
        this.write(order, strategy, { event: 'order.rejected', latencyMs });
        this.counts.rejected++;
        return;
      }
      this.counts.submitted++;
      this.write(order, strategy, { event: 'order.submitted', latencyMs });
      if (order.status === 'new' || order.status === 'partially_filled') this.write(order, strategy, { event: 'order.acknowledged', latencyMs });
    }
    // fills are written by syncFills; an order's end (cancel, expiry) here, or after its last fill when it had some
    if (order.status === 'canceled' || order.status === 'expired') {
      if (order.filledQty > 0) this.endAfterFills.set(order.clientOrderId, order);
      else this.write(order, strategy);
    }
  }

  private emitCancel(order: Order, strategy: string): void {
    this.d.fills.observe(order);
    if (order.reject === null) this.write(order, strategy, { event: 'order.canceled' });
  }

  /** An orders.jsonl record of the order as it stands (not built where records are discarded). */
  private write(order: Order, strategy: string, opts?: Parameters<typeof orderEvent>[3]): void {
    if (this.d.orders.discards !== true) this.d.orders.append(orderEvent(order, this.d.instruments.get(order.symbol), this.ctxOf(strategy), opts));
  }

  private ctxOf(strategy: string) {
    return { tsMs: this.d.clock.nowMs(), cycleId: this.cycleId, account: this.d.accountId, venue: this.d.venueId, strategy, configFingerprint: this.d.fingerprint() };
  }
}

/** Realised PnL of a fill that reduces `held`: (price − entry) × qty, signed by the position's side. */
function realizedOf(held: Position | undefined, f: Fill): number {
  if (held === undefined || held.qty === 0) return 0;
  const reduces = (held.qty > 0 && f.side === 'sell') || (held.qty < 0 && f.side === 'buy');
  return reduces ? grossRealizedOf(held, f) - f.feeUsd : 0;
}

/** PnL a fill realizes on the position it reduces, before its fee (0 when it adds). */
function grossRealizedOf(held: Position | undefined, f: Fill): number {
  if (held === undefined || held.qty === 0) return 0;
  const reduces = (held.qty > 0 && f.side === 'sell') || (held.qty < 0 && f.side === 'buy');
  if (!reduces) return 0;
  const qty = Math.min(Math.abs(held.qty), f.qty);
  return (f.price - held.entryPrice) * qty * Math.sign(held.qty);
}

/** The paper venue reports its fills itself. */
export function paperFills(venue: { takeFills(): Fill[] }): FillSource {
  return { take: () => Promise.resolve(venue.takeFills()), takeNow: () => venue.takeFills(), observe: () => undefined };
}

/**
 * Fills of a live venue, read off its orders: every order the kernel placed is watched until it ends;
 * growth of its filled quantity is a fill at the growth of its average price. Fees are estimated at the
 * account's maker/taker rates (Binance's own figure is in its trade list).
 */
export class OrderFillTracker implements FillSource {
  private readonly watched = new Map<string, Order>();
  private readonly pending: Fill[] = [];
  constructor(private readonly venue: Venue, private readonly fees: { makerBps: number; takerBps: number }, private readonly clock: Clock) {}

  observe(order: Order): void {
    if (order.status === 'rejected') return;
    const before = this.watched.get(order.clientOrderId);
    const prevQty = before?.filledQty ?? 0;
    if (order.filledQty > prevQty + 1e-12) {
      const prevNotional = prevQty * (before?.avgFillPrice ?? 0);
      const qty = order.filledQty - prevQty;
      const price = ((order.avgFillPrice ?? 0) * order.filledQty - prevNotional) / qty;
      const liquidity = order.type === 'limit' && order.timeInForce === 'GTX' ? 'maker' : 'taker';
      this.pending.push({
        clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, symbol: order.symbol, side: order.side, qty, price,
        feeUsd: (qty * price * (liquidity === 'maker' ? this.fees.makerBps : this.fees.takerBps)) / 10_000, liquidity, realizedPnlUsd: Number.NaN, tsMs: order.updatedMs || this.clock.nowMs(), liquidation: false,
      });
    }
    if (order.status === 'new' || order.status === 'partially_filled') this.watched.set(order.clientOrderId, order);
    else this.watched.delete(order.clientOrderId);
  }

  /** Client ids of the orders still watched (open at the venue as last seen). */
  open(): string[] {
    return [...this.watched.keys()];
  }

  async take(): Promise<Fill[]> {
    if (this.watched.size > 0) {
      // one read of the open orders; only an order that left it is fetched, to learn how it ended
      const open = new Map((await this.venue.fetchOpenOrders()).map((o) => [o.clientOrderId, o]));
      for (const o of [...this.watched.values()]) {
        const now = open.get(o.clientOrderId) ?? (await this.venue.fetchOrder(o.symbol, o.clientOrderId));
        if (now === undefined) this.watched.delete(o.clientOrderId);
        else this.observe(now);
      }
    }
    return this.pending.splice(0, this.pending.length);
  }
}

/**
 * What the kernel's router is given: its policy and the kernel's order handler as methods, the same
 * functions for every kernel. A sweep worker makes a kernel per point; closures made per kernel were new
 * call targets at each point for the router's optimised `route`, which V8 threw away each time.
 */
class RouterDeps implements OrderRouterDeps {
  readonly venue: Venue;
  readonly clock: Clock;
  readonly health: RouterHealth;
  readonly instruments: InstrumentCatalog;
  readonly book: KernelDeps['book'];
  readonly pollMs?: number;
  readonly stop: AbortSignal | undefined;
  constructor(
    private readonly kernel: Kernel,
    private readonly d: KernelDeps,
  ) {
    this.venue = d.venue;
    this.clock = d.clock;
    this.health = d.health;
    this.instruments = d.instruments;
    this.book = d.book;
    if (d.pollMs !== undefined) this.pollMs = d.pollMs;
    this.stop = d.stop;
  }

  policy(): RouterPolicyConfig {
    return this.d.config().router_policy;
  }

  onOrder(order: Order, latencyMs: number): void {
    this.kernel.onRouted(order, latencyMs);
  }
}

import type { Clock } from '../../core/clock.js';
import { objectArray } from '../../core/arrays.js';
import type { Level } from '../../domain/book.js';
import type { Candle } from '../../domain/candle.js';
import type { Instrument, LeverageBracket } from '../../domain/instrument.js';
import type { Balance, Fill, Order, OrderReject, OrderSide, Position, SubmitOrder } from '../../domain/order.js';
import { checkOrderFilters } from '../../domain/order-filters.js';
import type { InstrumentCatalog } from '../../market/instrument-provider.js';
import { Rejects } from '../errors.js';
import type { Venue, VenueCapabilities } from '../port.js';
import { rejectedOrder, unknownOrder } from '../rejected-order.js';
import { barPath } from './bar-path.js';
import { PaperAccount, type PaperAccountState } from './paper-account.js';

export type { Level } from '../../domain/book.js';

/** Settings of the paper venue (from venues.json). */
export interface PaperVenueOptions {
  readonly id?: string;
  readonly instruments: InstrumentCatalog;
  readonly clock: Clock;
  readonly startingBalanceUsd: number;
  readonly makerBps: number;
  readonly takerBps: number;
  /** Assumed full spread when no book is known, bps. */
  readonly spreadBps: number;
  /** Extra slippage per 10,000 USD of order notional when no book is known, bps. */
  readonly impactBpsPer10kUsd: number;
  readonly defaultLeverage?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A copy of an order, made by one literal: every copy has one shape. A spread (`{ ...o }`) does not
 * promise that: V8 gave spread copies of the same orders two shapes during a sweep, and the optimised code
 * reading them was thrown away and compiled again.
 */
function copyOf(o: Order): Mutable<Order> {
  return {
    clientOrderId: o.clientOrderId, venueOrderId: o.venueOrderId, symbol: o.symbol, side: o.side, type: o.type, timeInForce: o.timeInForce, qty: o.qty, price: o.price,
    stopPrice: o.stopPrice, reduceOnly: o.reduceOnly, status: o.status, filledQty: o.filledQty, avgFillPrice: o.avgFillPrice, createdMs: o.createdMs, updatedMs: o.updatedMs, reject: o.reject,
  };
}

/** The paper venue as data, for checkpoints: restoring it continues exactly where it was. */
export interface PaperVenueState {
  readonly account: PaperAccountState;
  readonly orders: Order[];
  readonly leverage: [string, number][];
  readonly nextOrderId: string;
}

const FIRST_ORDER_ID = 2n ** 53n + 1n;

/**
 * How long the venue answers for an order, as Binance's order query does (GET /fapi/v1/order): not for one
 * that ended canceled or expired without a fill and was created more than 3 days ago, nor for one created
 * more than 90 days ago. Resting orders are always kept, and the 90 days of one that rested longer run from
 * when it ended (a stop that fills after resting for months can still be read, with its fill).
 */
const FORGET_AFTER_MS = 90 * 86_400_000;
const FORGET_UNFILLED_AFTER_MS = 3 * 86_400_000;

/**
 * The simulated venue, the embedded default. Binance USD-M rules: exchange filters with the
 * reduce-only exemption from MIN_NOTIONAL, post-only rejection, maker/taker fees, isolated margin,
 * funding, liquidation at maintenance margin by the leverage brackets. Fill assumptions are stated on
 * each method and in the README.
 */
export class PaperVenue implements Venue {
  readonly id: string;
  readonly has: VenueCapabilities = {
    market: true, limit: true, postOnly: true, ioc: true, stopMarket: true, takeProfitMarket: true, reduceOnly: true, amend: false, fundingHistory: true,
  };
  readonly account: PaperAccount;
  /** Every order the venue still answers for, by client id, in the order they were created. */
  private readonly orders = new Map<string, Mutable<Order>>();
  /** Those that ended canceled or expired without a fill, in the order they ended: forgotten after 3 days. */
  private readonly unfilledDone = new Map<string, Mutable<Order>>();
  /** The orders still open (new or partially filled), by client id: what a bar can reach. */
  private readonly open = new Map<string, Mutable<Order>>();
  /** How many of them rest on each symbol. */
  private readonly openCount = new Map<string, number>();
  private readonly books = new Map<string, { bids: [number, number][]; asks: [number, number][] }>();
  private readonly leverage = new Map<string, number>();
  private readonly fills: Fill[] = objectArray<Fill>();
  /** The leverage brackets of a symbol (none for a symbol the catalog does not know). */
  private readonly bracketsOf = (symbol: string): readonly LeverageBracket[] => this.o.instruments.get(symbol)?.spec.brackets ?? [];
  private nextOrderId = FIRST_ORDER_ID;

  constructor(private readonly o: PaperVenueOptions) {
    this.id = o.id ?? 'paper';
    this.account = new PaperAccount(o.startingBalanceUsd);
  }

  /** The venue's whole state as plain data (books and undelivered fills excluded: they live within a cycle). */
  snapshot(): PaperVenueState {
    this.forgetOld(this.o.clock.nowMs());
    return { account: this.account.snapshot(), orders: [...this.orders.values()].map(copyOf), leverage: [...this.leverage], nextOrderId: String(this.nextOrderId) };
  }

  /** Replaces the venue's state with a snapshot. */
  restore(state: PaperVenueState): void {
    this.account.restore(state.account);
    this.orders.clear();
    this.unfilledDone.clear();
    this.open.clear();
    this.openCount.clear();
    for (const o of state.orders) {
      const copy = copyOf(o);
      this.orders.set(o.clientOrderId, copy);
      if (isOpen(copy)) this.markOpen(copy);
      else if (endedUnfilled(copy)) this.unfilledDone.set(copy.clientOrderId, copy);
    }
    this.leverage.clear();
    for (const [k, v] of state.leverage) this.leverage.set(k, v);
    this.nextOrderId = BigInt(state.nextOrderId);
    this.books.clear();
    this.fills.length = 0;
  }

  // ---- market data in -------------------------------------------------------------------------

  /** Sets the order book of `symbol`; market and marketable orders take liquidity from it until the next call. */
  setBook(symbol: string, bids: readonly Level[], asks: readonly Level[]): void {
    this.books.set(symbol, { bids: bids.map(([p, q]) => [p, q]), asks: asks.map(([p, q]) => [p, q]) });
    const [bid, ask] = [bids[0]?.[0], asks[0]?.[0]];
    if (bid !== undefined && ask !== undefined) this.account.setMark(symbol, (bid + ask) / 2);
  }

  /** The order book last set for `symbol`, as it stands after the liquidity taken from it. */
  bookOf(symbol: string): { readonly bids: readonly Level[]; readonly asks: readonly Level[] } | undefined {
    return this.books.get(symbol);
  }

  setMark(symbol: string, price: number): void {
    this.account.setMark(symbol, price);
  }

  /**
   * A bar closed: resting limits, stops and take-profits fill and positions are liquidated in the order
   * the bar's assumed path (see `barPath`) reaches their prices; the mark becomes the close.
   */
  onBar(c: Candle): void {
    const inst = this.o.instruments.get(c.symbol);
    if (inst === undefined) return;
    this.books.delete(c.symbol);
    // nothing rests on the symbol and its position (if any) survives the bar's extreme: only the mark moves
    // (equity less maintenance margin is monotone in price, so the extreme is where a liquidation would come first)
    if (!this.hasResting(c.symbol)) {
      const held = this.account.qtyOf(c.symbol);
      if (held === 0 || this.account.liquidationAt(c.symbol, held > 0 ? c.low : c.high, inst.spec.brackets) === null) {
        this.account.setMark(c.symbol, c.close);
        return;
      }
    }
    const path = barPath(c);
    const brackets = inst.spec.brackets;
    for (let leg = 1; leg < path.length; leg++) {
      const from = path[leg - 1] as number;
      const to = path[leg] as number;
      const lo = Math.min(from, to);
      const hi = Math.max(from, to);
      // orders this leg reaches, nearest to where it starts first; a liquidation on the way comes first
      const reached = this.restingOn(c.symbol).filter((o) => this.reachedOn(o, lo, hi, leg === 1 ? from : undefined));
      reached.sort((a, b) => Math.abs(this.triggerOf(a) - from) - Math.abs(this.triggerOf(b) - from));
      for (const o of reached) {
        if (!isOpen(o)) continue;
        const at = Math.min(hi, Math.max(lo, this.triggerOf(o)));
        const liq = this.account.liquidationAt(c.symbol, at, brackets);
        if (liq !== null) this.liquidate(inst, liq);
        this.executeResting(inst, o, from);
      }
      const liq = this.account.liquidationAt(c.symbol, to, brackets);
      if (liq !== null) this.liquidate(inst, liq);
    }
    this.account.setMark(c.symbol, c.close);
  }

  /**
   * A bar on which nothing can happen here: no order rests on `symbol` and its position (if any) is not
   * liquidated within [low, high]. Then the mark moves to the close and true comes back; otherwise nothing
   * changes and false comes back (the bar is for `onBar`).
   */
  quietBar(symbol: string, low: number, high: number, close: number): boolean {
    if (this.hasResting(symbol)) return false;
    const held = this.account.qtyOf(symbol);
    if (held !== 0) {
      const inst = this.o.instruments.get(symbol);
      if (inst === undefined || this.account.liquidationAt(symbol, held > 0 ? low : high, inst.spec.brackets) !== null) return false;
    }
    this.books.delete(symbol);
    this.account.setMark(symbol, close);
    return true;
  }

  /**
   * A book update from live market data (dry-run on a live feed): the book is set, then the resting
   * orders the new prices reach execute as they would on a bar: a buy limit when the best ask trades
   * below its price, a sell limit when the best bid trades above it (strict trade-through, never a
   * touch), a stop or take-profit when the mid reaches its trigger; a position whose liquidation price
   * the mid passes is liquidated first.
   */
  onBook(symbol: string, bids: readonly Level[], asks: readonly Level[]): void {
    const inst = this.o.instruments.get(symbol);
    this.setBook(symbol, bids, asks);
    const [bid, ask] = [bids[0]?.[0], asks[0]?.[0]];
    if (inst === undefined || bid === undefined || ask === undefined) return;
    const mid = (bid + ask) / 2;
    const liq = this.account.liquidationAt(symbol, mid, inst.spec.brackets);
    if (liq !== null) this.liquidate(inst, liq);
    for (const o of this.restingOn(symbol)) {
      if (!isOpen(o)) continue;
      const px = this.triggerOf(o);
      const upward = (o.type === 'stop_market') === (o.side === 'buy');
      const reached = o.type === 'limit' ? (o.side === 'buy' ? ask < px : bid > px) : upward ? mid >= px : mid <= px;
      if (reached) this.executeResting(inst, o, mid);
    }
    if (!this.books.has(symbol)) this.setBook(symbol, bids, asks);
  }

  /** Funding at `timeMs`: the open position on `symbol` pays or receives `rate × notional at mark`. */
  applyFunding(symbol: string, rate: number): number {
    const mark = this.account.markOf(symbol);
    return mark === undefined ? 0 : this.account.applyFunding(symbol, rate, mark);
  }

  /** Whether the account holds no position and has no open order (its NAV cannot move with the market). */
  isFlat(): boolean {
    return this.open.size === 0 && this.account.isFlat();
  }

  /** Whether fills are waiting for `takeFills`. */
  hasUndeliveredFills(): boolean {
    return this.fills.length > 0;
  }

  /** Fills since the last call, oldest first. */
  takeFills(): Fill[] {
    return this.fills.splice(0, this.fills.length);
  }

  // ---- the venue port -------------------------------------------------------------------------

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    this.leverage.set(symbol, leverage);
  }

  async createOrder(cmd: SubmitOrder): Promise<Order> {
    const now = this.o.clock.nowMs();
    this.forgetOld(now);
    if (this.orders.has(cmd.clientOrderId)) {
      // a client id is taken while the venue answers for its order (by the rule, not by what was freed yet)
      if (this.answersFor(cmd.clientOrderId, now) !== undefined) return this.rejected(cmd, Rejects.duplicateClientId, now);
      this.orders.delete(cmd.clientOrderId);
      this.unfilledDone.delete(cmd.clientOrderId);
    }
    const inst = this.o.instruments.get(cmd.symbol);
    if (inst === undefined) return this.rejected(cmd, Rejects.invalidSymbol, now);
    const mark = this.account.markOf(cmd.symbol);
    if (mark === undefined) return this.rejected(cmd, { code: -1102, message: `No market price for ${cmd.symbol} yet.` }, now);
    const invalid = this.validate(inst, cmd, mark);
    if (invalid !== undefined) return this.rejected(cmd, invalid, now);

    const held = this.account.qtyOf(cmd.symbol);
    if (cmd.reduceOnly && (held === 0 || Math.sign(held) === (cmd.side === 'buy' ? 1 : -1))) return this.rejected(cmd, Rejects.reduceOnlyRejected, now);
    if (!cmd.reduceOnly && !this.marginSuffices(cmd, mark)) return this.rejected(cmd, Rejects.marginInsufficient, now);

    const order: Mutable<Order> = {
      clientOrderId: cmd.clientOrderId, venueOrderId: String(this.nextOrderId++), symbol: cmd.symbol, side: cmd.side, type: cmd.type,
      timeInForce: cmd.type === 'limit' ? (cmd.timeInForce ?? 'GTC') : null, qty: cmd.qty, price: cmd.price ?? null, stopPrice: cmd.stopPrice ?? null,
      reduceOnly: cmd.reduceOnly, status: 'new', filledQty: 0, avgFillPrice: null, createdMs: now, updatedMs: now, reject: null,
    };
    if (order.type === 'limit' && order.timeInForce === 'GTX' && this.wouldTake(order, mark)) {
      return this.rejected(cmd, Rejects.postOnlyWouldTake, now);
    }
    this.orders.set(order.clientOrderId, order);
    this.markOpen(order);
    if (order.type === 'market') this.takeLiquidity(inst, order, mark, order.side === 'buy' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
    else if (order.type === 'limit' && this.wouldTake(order, mark)) this.takeLiquidity(inst, order, mark, order.price ?? mark);
    if (order.type === 'market' || order.timeInForce === 'IOC') this.finish(order, order.filledQty > 0 && order.filledQty < order.qty ? 'expired' : order.filledQty >= order.qty ? 'filled' : 'expired');
    return copyOf(order);
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    const now = this.o.clock.nowMs();
    const order = this.answersFor(clientOrderId, now);
    if (order === undefined || order.symbol !== symbol || !isOpen(order)) {
      const copy = copyOf(order ?? unknownOrder(symbol, clientOrderId, Rejects.unknownOrder, now));
      copy.reject = Rejects.unknownOrder;
      return copy;
    }
    this.finish(order, 'canceled');
    return copyOf(order);
  }

  async fetchOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    const order = this.answersFor(clientOrderId, this.o.clock.nowMs());
    return order !== undefined && order.symbol === symbol ? copyOf(order) : undefined;
  }

  /** The order of that client id, unless the venue no longer answers for it. */
  private answersFor(clientOrderId: string, now: number): Mutable<Order> | undefined {
    const order = this.orders.get(clientOrderId);
    return order === undefined || forgotten(order, now) ? undefined : order;
  }

  /**
   * Drops the orders the venue no longer answers for, oldest first, so that the venue's memory and its
   * snapshots (a DRY-RUN executor's state, a replay's checkpoint) stay bounded however long it runs. The
   * lookups above apply the rule exactly; this only frees what it can reach from the oldest end.
   */
  private forgetOld(now: number): void {
    for (const [id, o] of this.unfilledDone) {
      if (!forgotten(o, now)) break;
      this.unfilledDone.delete(id);
      this.orders.delete(id);
    }
    for (const [id, o] of this.orders) {
      if (o.createdMs + FORGET_AFTER_MS >= now) break;
      if (!forgotten(o, now)) continue;
      this.orders.delete(id);
      this.unfilledDone.delete(id);
    }
  }

  async fetchOpenOrders(symbol?: string): Promise<Order[]> {
    return [...this.open.values()].filter((o) => symbol === undefined || o.symbol === symbol).map(copyOf);
  }

  async fetchPositions(): Promise<Position[]> {
    return this.positionsNow();
  }

  positionsNow(): Position[] {
    return this.account.allPositions(this.bracketsOf);
  }

  openOrderCountNow(): number {
    return this.open.size;
  }

  async fetchBalance(): Promise<Balance> {
    return this.balanceNow();
  }

  /** NAV (margin balance) now, as `balanceNow().marginBalance`, without building the balance. */
  navNow(): number {
    return this.account.marginBalance();
  }

  /** The balance as `fetchBalance` gives it, without the promise (the backtest's per-bar NAV). */
  balanceNow(): Balance {
    return this.account.balance(this.reservedMargin());
  }

  // ---- matching -------------------------------------------------------------------------------

  private validate(inst: Instrument, cmd: SubmitOrder, mark: number): OrderReject | undefined {
    if (!(cmd.qty > 0)) return Rejects.qtyNotPositive;
    if (cmd.type === 'limit' && cmd.price === undefined) return Rejects.missingParameter;
    if ((cmd.type === 'stop_market' || cmd.type === 'take_profit_market') && cmd.stopPrice === undefined) return Rejects.missingParameter;
    const violations = checkOrderFilters(inst, { type: cmd.type, qty: cmd.qty, price: cmd.price, stopPrice: cmd.stopPrice, markPrice: mark, reduceOnly: cmd.reduceOnly });
    const first = violations[0];
    if (first === undefined) return undefined;
    if (first.detail.includes('not a multiple')) return Rejects.precision;
    switch (first.filter) {
      case 'MIN_NOTIONAL':
        return { code: Rejects.minNotional.code, message: `Order's notional must be no smaller than ${inst.minNotional} (unless you choose reduce only).` };
      case 'PERCENT_PRICE':
        return (cmd.price ?? 0) > mark ? Rejects.priceAbove : Rejects.priceBelow;
      case 'PRICE_FILTER':
        return Rejects.priceFilter;
      default:
        return Rejects.lotSize;
    }
  }

  /** Leverage new positions on `symbol` use. */
  leverageFor(symbol: string): number {
    return this.leverage.get(symbol) ?? this.o.defaultLeverage ?? 1;
  }

  private reservedMargin(): number {
    let reserved = 0;
    for (const o of this.open.values())
      if (!o.reduceOnly && o.type === 'limit') reserved += ((o.qty - o.filledQty) * (o.price ?? 0)) / this.leverageFor(o.symbol);
    return reserved;
  }

  private marginSuffices(cmd: SubmitOrder, mark: number): boolean {
    const px = cmd.price ?? cmd.stopPrice ?? mark;
    const needed = (cmd.qty * px) / this.leverageFor(cmd.symbol) + (cmd.qty * px * this.o.takerBps) / 10_000;
    return needed <= this.account.balance(this.reservedMargin()).availableBalance + 1e-9;
  }

  private wouldTake(o: Order, mark: number): boolean {
    const book = this.books.get(o.symbol);
    const px = o.price ?? 0;
    if (book !== undefined) {
      const best = o.side === 'buy' ? book.asks[0]?.[0] : book.bids[0]?.[0];
      return best !== undefined && (o.side === 'buy' ? px >= best : px <= best);
    }
    const half = (mark * this.o.spreadBps) / 20_000;
    return o.side === 'buy' ? px >= mark + half : px <= mark - half;
  }

  /**
   * Takes liquidity for `order` up to `limit`: level by level from the book when one is known; otherwise
   * all at once at mark ± half the spread ± size impact, rounded to the tick against the taker (at the mark
   * itself when both are zero); a market order always fills fully then.
   */
  private takeLiquidity(inst: Instrument, order: Mutable<Order>, mark: number, limit: number): void {
    const book = this.books.get(order.symbol);
    const dir = order.side === 'buy' ? 1 : -1;
    if (book !== undefined) {
      const levels = order.side === 'buy' ? book.asks : book.bids;
      for (const level of levels) {
        const remaining = this.remainingQty(order);
        if (remaining <= 0) break;
        if (dir * (level[0] - limit) > 0) break;
        const qty = inst.roundQtyDown(Math.min(remaining, level[1]));
        if (qty <= 0) continue;
        level[1] -= qty;
        this.fill(inst, order, qty, level[0], 'taker');
      }
      book[order.side === 'buy' ? 'asks' : 'bids'] = levels.filter((l) => l[1] > 0);
      return;
    }
    const remaining = this.remainingQty(order);
    if (remaining <= 0) return;
    const bps = this.o.spreadBps / 2 + (this.o.impactBpsPer10kUsd * remaining * mark) / 10_000;
    // with no spread and no impact the fill is at the mark itself, a price that traded (history may be finer than today's tick)
    const px = bps === 0 ? mark : inst.roundPrice(mark * (1 + (dir * bps) / 10_000), order.side === 'buy' ? 'sell' : 'buy');
    this.fill(inst, order, remaining, dir * (px - limit) > 0 ? limit : px, 'taker');
  }

  /** Quantity still to fill; a reduce-only order never exceeds the position it reduces. */
  private remainingQty(order: Order): number {
    const left = order.qty - order.filledQty;
    return order.reduceOnly ? Math.min(left, Math.abs(this.account.qtyOf(order.symbol))) : left;
  }

  private triggerOf(o: Order): number {
    return (o.type === 'limit' ? o.price : o.stopPrice) ?? 0;
  }

  /** Whether price moving within [lo, hi] reaches the order (limits need to trade through, not touch). */
  private reachedOn(o: Order, lo: number, hi: number, open: number | undefined): boolean {
    const px = this.triggerOf(o);
    if (o.type === 'limit') return o.side === 'buy' ? lo < px : hi > px;
    const upward = (o.type === 'stop_market') === (o.side === 'buy');
    if (open !== undefined && (upward ? open >= px : open <= px)) return true;
    return upward ? hi >= px : lo <= px;
  }

  /** Executes a resting order reached on the bar path; stops fill at their trigger or at a gapped open, as takers. */
  private executeResting(inst: Instrument, order: Mutable<Order>, from: number): void {
    if (order.type === 'limit') {
      const qty = this.remainingQty(order);
      if (qty <= 0) return this.finish(order, 'expired');
      this.fill(inst, order, qty, order.price ?? from, 'maker');
      return this.finish(order, order.filledQty >= order.qty ? 'filled' : 'expired');
    }
    if (order.reduceOnly && this.remainingQty(order) <= 0) return this.finish(order, 'expired');
    const trigger = order.stopPrice ?? from;
    const upward = (order.type === 'stop_market') === (order.side === 'buy');
    const start = upward ? Math.max(trigger, from) : Math.min(trigger, from);
    this.books.delete(order.symbol);
    this.takeLiquidity(inst, order, start, Number.POSITIVE_INFINITY * (order.side === 'buy' ? 1 : -1));
    this.finish(order, order.filledQty > 0 ? 'filled' : 'expired');
  }

  private fill(inst: Instrument, order: Mutable<Order>, qty: number, price: number, liquidity: 'maker' | 'taker'): void {
    const feeUsd = (qty * price * (liquidity === 'maker' ? this.o.makerBps : this.o.takerBps)) / 10_000;
    const effect = this.account.applyFill(order.symbol, order.side, qty, price, feeUsd, this.leverageFor(order.symbol));
    const filled = order.filledQty + qty;
    order.avgFillPrice = ((order.avgFillPrice ?? 0) * order.filledQty + price * qty) / filled;
    order.filledQty = Number(filled.toFixed(inst.qtyDecimals));
    order.status = order.filledQty >= order.qty ? 'filled' : 'partially_filled';
    order.updatedMs = this.o.clock.nowMs();
    if (order.status === 'filled') this.markClosed(order);
    this.fills.push({
      clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, symbol: order.symbol, side: order.side, qty, price, feeUsd, liquidity,
      realizedPnlUsd: effect.realizedPnlUsd, tsMs: order.updatedMs, liquidation: false,
    });
  }

  private liquidate(inst: Instrument, price: number): void {
    const symbol = inst.symbol;
    const { qty, realizedPnlUsd } = this.account.liquidate(symbol);
    if (qty === 0) return;
    const now = this.o.clock.nowMs();
    const side: OrderSide = qty > 0 ? 'sell' : 'buy';
    this.fills.push({ clientOrderId: `liquidation-${symbol}-${now}`, venueOrderId: String(this.nextOrderId++), symbol, side, qty: Math.abs(qty), price, feeUsd: 0, liquidity: 'taker', realizedPnlUsd, tsMs: now, liquidation: true });
    for (const o of this.restingOn(symbol)) if (o.reduceOnly) this.finish(o, 'expired');
  }

  private restingOn(symbol: string): Mutable<Order>[] {
    return [...this.open.values()].filter((o) => o.symbol === symbol);
  }

  private hasResting(symbol: string): boolean {
    return (this.openCount.get(symbol) ?? 0) > 0;
  }


  private finish(order: Mutable<Order>, status: 'filled' | 'canceled' | 'expired'): void {
    order.status = order.filledQty >= order.qty ? 'filled' : status;
    order.updatedMs = this.o.clock.nowMs();
    this.markClosed(order);
    if (endedUnfilled(order)) this.unfilledDone.set(order.clientOrderId, order);
  }

  private markOpen(order: Mutable<Order>): void {
    if (this.open.has(order.clientOrderId)) return;
    this.open.set(order.clientOrderId, order);
    this.openCount.set(order.symbol, (this.openCount.get(order.symbol) ?? 0) + 1);
  }

  private markClosed(order: Order): void {
    if (!this.open.delete(order.clientOrderId)) return;
    this.openCount.set(order.symbol, (this.openCount.get(order.symbol) ?? 1) - 1);
  }

  /** A refused order is not stored: like Binance, the venue keeps no order it never accepted. */
  private rejected(cmd: SubmitOrder, reject: OrderReject, now: number): Order {
    return rejectedOrder(cmd, reject, now);
  }
}

function isOpen(o: Order): boolean {
  return o.status === 'new' || o.status === 'partially_filled';
}

/** Whether the venue no longer answers for an order (see FORGET_AFTER_MS): never while it rests. */
function forgotten(o: Order, now: number): boolean {
  return !isOpen(o) && (o.updatedMs + FORGET_AFTER_MS < now || (endedUnfilled(o) && o.createdMs + FORGET_UNFILLED_AFTER_MS < now));
}

/** Canceled or expired without a fill: the orders Binance forgets after 3 days. */
function endedUnfilled(o: Order): boolean {
  return o.filledQty === 0 && (o.status === 'canceled' || o.status === 'expired');
}

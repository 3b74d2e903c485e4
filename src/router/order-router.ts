import type { Clock } from '../core/clock.js';
import type { RouterPolicyConfig } from '../config/schemas/router-policy.js';
import type { BookTop } from '../domain/book.js';
import type { Instrument, InstrumentLookup } from '../domain/instrument.js';
import type { Order, OrderSide } from '../domain/order.js';
import { VenueError } from '../venues/errors.js';
import type { Venue } from '../venues/port.js';
import { decideRoute, type RouterHealth } from './router-health.js';

/** One order to work: the router picks how (maker limit, taker market) under the symbol's policy. */
export interface RouteRequest {
  /** Deterministic base id; a replacement adds `.1`, `.2`, …, the taker fallback `.t`. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  readonly reduceOnly: boolean;
  /** Must execute now (a protective exit, a flip): always taker. */
  readonly urgent: boolean;
  /** Price the decision was made at (bar close): slippage is measured against the mid at decision, else this. */
  readonly decisionPrice: number;
}

/** What came of a request: every order placed for it (in placement order, final states) and the total filled. */
export interface RouteResult {
  readonly orders: readonly Order[];
  readonly filledQty: number;
  readonly avgFillPrice: number | null;
  /** The policy blocks the symbol (bad health with `bad_symbol_action: "block"`): nothing was sent. */
  readonly blocked: string | null;
}

export interface OrderRouterDeps {
  readonly venue: Venue;
  readonly clock: Clock;
  readonly health: RouterHealth;
  policy(): RouterPolicyConfig;
  readonly instruments: InstrumentLookup;
  /**
   * The best bid and ask now, where the environment has a book (live data). Without one (a replay of
   * bars) every order goes taker: a maker order's fate within its TTL cannot be told from hourly bars.
   */
  readonly book?: ((symbol: string) => Promise<BookTop | undefined>) | undefined;
  /** Called with every state change of every order the router places (for orders.jsonl). */
  onOrder(order: Order, latencyMs: number): void;
  /** Poll interval of a resting order, ms (default min(1000, ttl)). */
  readonly pollMs?: number;
  /** A stop (SIGINT/SIGTERM): a resting order is cancelled at once, and nothing more is sent for it. */
  readonly stop?: AbortSignal | undefined;
}

/**
 * The order router: per the symbol's policy and health, an order goes taker (market) or maker (a
 * post-only limit at the mid less the adaptive offset, never past the touch); a resting limit lives for
 * the policy's TTL, is then cancelled and replaced at the new price up to `max_replaces` times, and
 * what is still unfilled after that crosses the spread when `taker_fallback` allows. Every order's
 * outcome (filled or not, rejected, time to fill, slippage vs the mid at decision, latency) feeds router
 * health, which moves the offset and the symbol's state.
 */
export class OrderRouter {
  constructor(private readonly d: OrderRouterDeps) {}

  async route(req: RouteRequest): Promise<RouteResult> {
    const inst = this.d.instruments.get(req.symbol);
    const route = decideRoute(this.d.health, this.d.policy(), req.symbol, req.urgent);
    if (route.type === 'blocked') return { orders: [], filledQty: 0, avgFillPrice: null, blocked: route.reason };
    const top = this.d.book === undefined || route.type === 'taker' ? undefined : await this.d.book(req.symbol).catch(() => undefined);
    const decisionMid = top === undefined ? req.decisionPrice : (top.bidPrice + top.askPrice) / 2;
    const placed: Order[] = [];
    let filled = 0;
    let notional = 0;
    const account = (o: Order, before: number) => {
      const add = o.filledQty - before;
      if (add > 0) {
        // the part filled by this order since last seen, at its average price (exact when it filled once)
        notional += add * (o.avgFillPrice ?? req.decisionPrice);
        filled += add;
      }
    };
    const remaining = () => (inst === undefined ? req.qty - filled : inst.roundQtyDown(req.qty - filled));

    if (route.type === 'maker' && top !== undefined && inst !== undefined) {
      const policy = this.d.health.settingsOf(req.symbol);
      const ttlMs = route.ttlS * 1000;
      for (let k = 0; k <= policy.max_replaces && remaining() > 0 && !this.stopped(); k++) {
        const book = k === 0 ? top : await this.d.book?.(req.symbol).catch(() => undefined);
        if (book === undefined) break;
        const price = this.makerPrice(inst, req.side, book, this.d.health.offsetOf(req.symbol));
        const id = k === 0 ? req.clientOrderId : `${req.clientOrderId}.${k}`;
        const sent = this.d.clock.nowMs();
        let order = await this.d.venue.createOrder({ clientOrderId: id, symbol: req.symbol, side: req.side, type: 'limit', timeInForce: 'GTX', price, qty: remaining(), reduceOnly: req.reduceOnly });
        const latency = this.d.clock.nowMs() - sent;
        this.d.onOrder(order, latency);
        if (order.status === 'rejected') {
          // a post-only limit the market moved onto is a miss, not a venue fault
          const postOnly = order.reject?.code === -5022;
          this.d.health.record(req.symbol, { filled: false, rejected: !postOnly, timeToFillMs: null, slippageBps: null, latencyMs: latency, missed: postOnly }, this.d.clock.nowMs());
          placed.push(order);
          if (!postOnly) break;
          continue;
        }
        account(order, 0);
        let seen = order.filledQty;
        const deadline = sent + ttlMs;
        while (isOpen(order) && this.d.clock.nowMs() < deadline && !this.stopped()) {
          await this.d.clock.sleep(Math.min(this.d.pollMs ?? Math.min(1000, ttlMs), Math.max(0, deadline - this.d.clock.nowMs())));
          // the book moves on (in DRY-RUN this is what lets the paper venue fill a resting order)
          await this.d.book?.(req.symbol).catch(() => undefined);
          const now = await this.d.venue.fetchOrder(req.symbol, id).catch((e: unknown) => (e instanceof VenueError ? undefined : Promise.reject(e)));
          if (now === undefined) continue;
          if (now.status !== order.status || now.filledQty !== order.filledQty) this.d.onOrder(now, 0);
          account(now, seen);
          seen = now.filledQty;
          order = now;
        }
        if (isOpen(order)) {
          const canceled = await this.d.venue.cancelOrder(req.symbol, id);
          // the cancel may race a fill: the venue's answer is the final word
          const final = canceled.reject === null ? canceled : ((await this.d.venue.fetchOrder(req.symbol, id)) ?? order);
          if (final.status !== order.status || final.filledQty !== order.filledQty) this.d.onOrder(final, 0);
          account(final, seen);
          order = final;
        }
        placed.push(order);
        const done = order.filledQty > 0;
        this.d.health.record(req.symbol, {
          filled: done, rejected: false, timeToFillMs: done ? order.updatedMs - order.createdMs : null,
          slippageBps: done ? slippageBps(req.side, order.avgFillPrice ?? price, decisionMid) : null, latencyMs: latency, missed: !done,
        }, this.d.clock.nowMs());
      }
      if (remaining() <= 0 || !route.takerFallback || this.stopped()) return this.result(placed, filled, notional);
    }

    const qty = remaining();
    if (qty <= 0) return this.result(placed, filled, notional);
    const id = placed.length === 0 ? req.clientOrderId : `${req.clientOrderId}.t`;
    const sent = this.d.clock.nowMs();
    const order = await this.d.venue.createOrder({ clientOrderId: id, symbol: req.symbol, side: req.side, type: 'market', qty, reduceOnly: req.reduceOnly });
    const latency = this.d.clock.nowMs() - sent;
    this.d.onOrder(order, latency);
    account(order, 0);
    placed.push(order);
    const done = order.filledQty > 0;
    this.d.health.record(req.symbol, {
      filled: done, rejected: order.status === 'rejected', timeToFillMs: done ? latency : null,
      slippageBps: done ? slippageBps(req.side, order.avgFillPrice ?? decisionMid, decisionMid) : null, latencyMs: latency, missed: false,
    }, this.d.clock.nowMs());
    return this.result(placed, filled, notional);
  }

  private stopped(): boolean {
    return this.d.stop?.aborted === true;
  }

  /** A post-only price: the mid less the offset, never past our side of the touch, on the tick grid. */
  private makerPrice(inst: Instrument, side: OrderSide, top: BookTop, offsetBps: number): number {
    const mid = (top.bidPrice + top.askPrice) / 2;
    const raw = side === 'buy' ? Math.min(top.bidPrice, mid * (1 - offsetBps / 10_000)) : Math.max(top.askPrice, mid * (1 + offsetBps / 10_000));
    return inst.roundPrice(raw, side);
  }

  private result(orders: Order[], filled: number, notional: number): RouteResult {
    return { orders, filledQty: filled, avgFillPrice: filled > 0 ? notional / filled : null, blocked: null };
  }
}

function isOpen(o: Order): boolean {
  return o.status === 'new' || o.status === 'partially_filled';
}

/** Fill price vs the reference, in bps, positive when worse for us. */
export function slippageBps(side: OrderSide, price: number, reference: number): number {
  return reference > 0 ? ((side === 'buy' ? price - reference : reference - price) / reference) * 10_000 : 0;
}

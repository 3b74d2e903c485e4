import type * as CcxtNamespace from 'ccxt';
import type { Exchange } from 'ccxt';
import type { Clock } from '../../core/clock.js';
import { UsageError } from '../../core/errors.js';
import type { Balance, Order, Position, SubmitOrder } from '../../domain/order.js';
import { orderOnGrid } from '../../domain/order-filters.js';
import type { InstrumentCatalog } from '../../market/instrument-provider.js';
import { CircuitBreaker } from '../circuit-breaker.js';
import type { VenueError} from '../errors.js';
import { AuthError, ClockSkewError, RateLimitError, Rejects, VenueUnavailableError } from '../errors.js';
import type { Venue, VenueCapabilities } from '../port.js';
import { RejectSignal, submitOrder } from '../submit-order.js';
import { rejectedOrder, unknownOrder } from '../rejected-order.js';
import { parseCcxtOrder, type CcxtOrder } from './map-order.js';

/** Where the venue's markets come from, so nothing needs a network until an order is sent. */
export type SavedMarkets =
  /** A Binance `GET /fapi/v1/exchangeInfo` document (binanceusdm): parsed by ccxt's own `parseMarket`. */
  | { readonly kind: 'binance-exchange-info'; readonly json: unknown }
  /** What ccxt's `loadMarkets()` returned, saved as JSON (any venue). */
  | { readonly kind: 'ccxt-markets'; readonly json: unknown };

export interface CcxtVenueOptions {
  readonly id?: string;
  /** ccxt exchange id: binanceusdm, okx, bybit, deribit, … */
  readonly exchangeId: string;
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string;
  /** Overrides of `exchange.urls.api` entries (testnet, or a loopback server in tests). */
  readonly apiUrls?: Readonly<Record<string, string>>;
  readonly markets: SavedMarkets;
  readonly instruments: InstrumentCatalog;
  readonly clock: Clock;
  readonly recvWindowMs?: number;
  readonly timeoutMs?: number;
  readonly breaker?: { readonly failures: number; readonly cooldownMs: number };
  readonly expect?: { readonly positionMode: 'one-way' | 'hedge' };
}

type CcxtModule = typeof CcxtNamespace;

/**
 * The venue port over ccxt, for venues other than Binance USD-M's native adapter (OKX, Bybit,
 * Deribit, …) and as a second implementation on Binance itself. ccxt is imported only when a
 * ccxt venue is created (it costs about a second to load). Markets come from a saved document, so
 * nothing reaches the network until an order is sent. ccxt's exceptions are mapped to hedge's typed
 * errors, and order refusals become values with Binance-style codes where the venue's code is known.
 */
export class CcxtVenue implements Venue {
  readonly id: string;
  readonly has: VenueCapabilities;
  private readonly breaker: CircuitBreaker;

  private constructor(private readonly ccxt: CcxtModule, private readonly ex: Exchange, private readonly o: CcxtVenueOptions) {
    this.id = o.id ?? `ccxt-${o.exchangeId}`;
    this.breaker = new CircuitBreaker(this.id, o.clock, o.breaker?.failures ?? 5, o.breaker?.cooldownMs ?? 30_000);
    const h = ex.has as Record<string, unknown>;
    this.has = {
      market: true, limit: true, postOnly: true, ioc: true, stopMarket: h['createStopMarketOrder'] !== false, takeProfitMarket: h['createTakeProfitOrder'] !== false,
      reduceOnly: true, amend: h['editOrder'] === true, fundingHistory: h['fetchFundingRateHistory'] === true,
    };
  }

  /** Loads ccxt (lazily), builds the exchange and installs the saved markets; no network. */
  static async create(o: CcxtVenueOptions): Promise<CcxtVenue> {
    const ccxt = await import('ccxt');
    const Ctor = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[o.exchangeId];
    if (typeof Ctor !== 'function') throw new UsageError(`unknown ccxt exchange "${o.exchangeId}"`);
    const ex = new Ctor({
      apiKey: o.apiKey, secret: o.secret, ...(o.password === undefined ? {} : { password: o.password }),
      enableRateLimit: true, timeout: o.timeoutMs ?? 10_000, options: { recvWindow: o.recvWindowMs ?? 5_000, adjustForTimeDifference: false },
    });
    const api = ex.urls['api'] as Record<string, string>;
    for (const [k, v] of Object.entries(o.apiUrls ?? {})) api[k] = v;
    if (o.markets.kind === 'binance-exchange-info') {
      const symbols = ((o.markets.json as { symbols?: unknown[] }).symbols ?? []) as Record<string, unknown>[];
      ex.setMarkets(symbols.filter((s) => s['contractType'] === 'PERPETUAL').map((s) => (ex as unknown as { parseMarket(m: object): object }).parseMarket(s)) as never);
    } else {
      ex.setMarkets(Object.values(o.markets.json as Record<string, object>) as never);
    }
    return new CcxtVenue(ccxt, ex, o);
  }

  /** Syncs the time offset and checks the position mode; refuses (never changes) a mismatch. */
  async start(): Promise<void> {
    await this.call(() => this.ex.loadTimeDifference());
    if (this.ex.has['fetchPositionMode'] === true) {
      const mode = (await this.call(() => this.ex.fetchPositionMode(this.unified('BTCUSDT')))) as { hedged?: boolean };
      const actual = mode.hedged === true ? 'hedge' : 'one-way';
      const expected = this.o.expect?.positionMode ?? 'one-way';
      if (actual !== expected) throw new UsageError(`${this.id}: account is in ${actual} position mode, config expects ${expected}; hedge never changes it`);
    }
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    await this.call(() => this.ex.setLeverage(leverage, this.unified(symbol)));
  }

  async createOrder(cmd: SubmitOrder): Promise<Order> {
    const inst = this.o.instruments.get(cmd.symbol);
    const now = this.o.clock.nowMs();
    if (inst === undefined || this.findUnified(cmd.symbol) === undefined) return rejectedOrder(cmd, Rejects.invalidSymbol, now);
    if (!orderOnGrid(inst, cmd)) return rejectedOrder(cmd, Rejects.precision, now);
    const symbol = this.unified(cmd.symbol);
    const params: Record<string, unknown> = { clientOrderId: cmd.clientOrderId };
    if (cmd.reduceOnly) params['reduceOnly'] = true;
    if (cmd.type === 'limit') params['timeInForce'] = cmd.timeInForce ?? 'GTC';
    if (cmd.stopPrice !== undefined) params['stopPrice'] = cmd.stopPrice;
    const type = cmd.type === 'stop_market' ? 'STOP_MARKET' : cmd.type === 'take_profit_market' ? 'TAKE_PROFIT_MARKET' : cmd.type;
    return submitOrder(cmd, {
      send: async () => parseCcxtOrder((await this.call(() => this.ex.createOrder(symbol, type, cmd.side, cmd.qty, cmd.type === 'limit' ? cmd.price : undefined, params))) as CcxtOrder, cmd.symbol),
      lookup: () => this.fetchOrder(cmd.symbol, cmd.clientOrderId),
      resync: () => this.call(() => this.ex.loadTimeDifference()),
      nowMs: () => this.o.clock.nowMs(),
    });
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    const existing = await this.fetchOrder(symbol, clientOrderId);
    if (existing === undefined || (existing.status !== 'new' && existing.status !== 'partially_filled'))
      return { ...(existing ?? unknownOrder(symbol, clientOrderId, Rejects.unknownOrder, this.o.clock.nowMs())), reject: Rejects.unknownOrder };
    const trigger = existing.type === 'stop_market' || existing.type === 'take_profit_market';
    try {
      const o = await this.call(() => this.ex.cancelOrder(undefined as unknown as string, this.unified(symbol), { clientOrderId, ...(trigger ? { trigger: true } : {}) }));
      return { ...parseCcxtOrder(o as CcxtOrder, symbol), type: existing.type };
    } catch (err) {
      if (err instanceof RejectSignal) return { ...existing, reject: err.reject };
      throw err;
    }
  }

  async fetchOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    for (const trigger of [false, true]) {
      try {
        const o = await this.call(() => this.ex.fetchOrder(undefined as unknown as string, this.unified(symbol), { clientOrderId, ...(trigger ? { trigger: true } : {}) }));
        return parseCcxtOrder(o as CcxtOrder, symbol);
      } catch (err) {
        if (!(err instanceof RejectSignal && err.notFound)) throw err;
      }
    }
    return undefined;
  }

  async fetchOpenOrders(symbol?: string): Promise<Order[]> {
    const unified = symbol === undefined ? undefined : this.unified(symbol);
    const plain = (await this.call(() => this.ex.fetchOpenOrders(unified))) as CcxtOrder[];
    const trigger = (await this.call(() => this.ex.fetchOpenOrders(unified, undefined, undefined, { trigger: true }))) as CcxtOrder[];
    return [...plain, ...trigger].map((o) => parseCcxtOrder(o, this.venueSymbol(o.symbol ?? '')));
  }

  async fetchPositions(): Promise<Position[]> {
    const rows = (await this.call(() => this.ex.fetchPositions())) as { symbol?: string; contracts?: number; side?: string; entryPrice?: number; leverage?: number; collateral?: number; initialMargin?: number; markPrice?: number; unrealizedPnl?: number; liquidationPrice?: number }[];
    return rows
      .filter((p) => (p.contracts ?? 0) !== 0)
      .map((p) => ({
        symbol: this.venueSymbol(p.symbol ?? ''),
        qty: (p.side === 'short' ? -1 : 1) * (p.contracts ?? 0),
        entryPrice: p.entryPrice ?? 0,
        leverage: p.leverage ?? 1,
        marginUsd: p.collateral ?? p.initialMargin ?? 0,
        markPrice: p.markPrice ?? p.entryPrice ?? 0,
        unrealizedPnlUsd: p.unrealizedPnl ?? 0,
        liquidationPrice: p.liquidationPrice !== undefined && p.liquidationPrice > 0 ? p.liquidationPrice : null,
      }));
  }

  async fetchBalance(): Promise<Balance> {
    const b = (await this.call(() => this.ex.fetchBalance())) as unknown as Record<string, { free?: number; total?: number } | undefined>;
    const usdt = b['USDT'];
    const total = usdt?.total ?? 0;
    return { asset: 'USDT', walletBalance: total, unrealizedPnl: 0, marginBalance: total, availableBalance: usdt?.free ?? 0 };
  }

  // ---- symbols and errors -------------------------------------------------------------------

  private findUnified(symbol: string): string | undefined {
    const byId = (this.ex.markets_by_id as Record<string, { symbol: string }[] | undefined> | undefined)?.[symbol];
    return byId?.find((m) => m.symbol.includes(':'))?.symbol ?? byId?.[0]?.symbol;
  }

  private unified(symbol: string): string {
    const s = this.findUnified(symbol);
    if (s === undefined) throw new UsageError(`${this.id} has no market for ${symbol}`);
    return s;
  }

  private venueSymbol(unified: string): string {
    return (this.ex.markets?.[unified] as { id?: string } | undefined)?.id ?? unified;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    this.breaker.check();
    try {
      const r = await fn();
      this.breaker.onSuccess();
      return r;
    } catch (e) {
      const mapped = this.mapError(e);
      if (mapped instanceof VenueUnavailableError) this.breaker.onFailure();
      else this.breaker.onSuccess();
      throw mapped;
    }
  }

  /** ccxt's exception classes → what the caller must do. The venue's own code is kept when it has one. */
  private mapError(e: unknown): VenueError | RejectSignal {
    const c = this.ccxt;
    const msg = e instanceof Error ? e.message : String(e);
    const venueCode = /"code"\s*:\s*(-?\d+)/.exec(msg)?.[1];
    const venueMsg = /"msg"\s*:\s*"([^"]*)"/.exec(msg)?.[1] ?? msg;
    if (e instanceof c.InvalidNonce) return new ClockSkewError(this.id, venueMsg);
    if (e instanceof c.RateLimitExceeded || e instanceof c.DDoSProtection) {
      const banned = /banned|418/i.test(msg);
      return new RateLimitError(this.id, banned ? 120_000 : 60_000, banned);
    }
    if (e instanceof c.AuthenticationError) return new AuthError(this.id, venueMsg);
    if (e instanceof c.NetworkError) return new VenueUnavailableError(this.id, `${e.constructor.name}: the outcome is unknown`);
    if (e instanceof c.OrderNotFound) return new RejectSignal(this.id, Rejects.unknownOrder, true);
    if (e instanceof c.InsufficientFunds) return new RejectSignal(this.id, venueCode === undefined ? Rejects.marginInsufficient : { code: Number(venueCode), message: venueMsg });
    if (e instanceof c.OrderImmediatelyFillable) return new RejectSignal(this.id, Rejects.postOnlyWouldTake);
    if (e instanceof c.DuplicateOrderId) return new RejectSignal(this.id, Rejects.duplicateClientId);
    if (e instanceof c.BaseError) {
      const code = venueCode === undefined ? -1000 : Number(venueCode);
      return new RejectSignal(this.id, { code, message: venueMsg }, code === -2013 || code === -2011);
    }
    return new VenueUnavailableError(this.id, `unexpected failure: ${msg.slice(0, 200)}`);
  }
}

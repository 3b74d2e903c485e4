import { USDMClient } from 'binance';
import { systemClock, type Clock } from '../../core/clock.js';
import { ExitCode, HedgeError } from '../../core/errors.js';
import type { BookTop, Depth, MarkPrice } from '../../domain/book.js';
import type { Candle } from '../../domain/candle.js';
import type { FundingRate } from '../../domain/funding.js';
import type { Balance, Order, Position, SubmitOrder } from '../../domain/order.js';
import { timeframeMs, type Timeframe } from '../../domain/timeframe.js';
import { orderOnGrid } from '../../domain/order-filters.js';
import type { InstrumentCatalog } from '../../market/instrument-provider.js';
import { ClockSkewError, RateLimitError, Rejects, VenueError, VenueUnavailableError } from '../errors.js';
import type { MarketData } from '../../market/market-data.js';
import type { Venue, VenueCapabilities } from '../port.js';
import { RejectSignal, submitOrder } from '../submit-order.js';
import { rejectedOrder, unknownOrder } from '../rejected-order.js';
import { CircuitBreaker } from '../circuit-breaker.js';
import { BadRequestError, mapBinanceError } from './map-error.js';
import { parseBinanceAlgoOrder, parseBinanceBalance, parseBinanceOrder, parseBinancePositions } from './parse.js';
import { parseBinanceBookTop, parseBinanceDepth, parseBinanceFunding, parseBinanceKlines, parseBinanceMarkPrice, parseBinanceSymbolConfig, type SymbolConfig } from './parse-market.js';
import { isAlgoType, orderParams } from './payload.js';
import { parseBinanceJson } from './safe-json.js';

/** The account is not in the mode hedge expects; hedge refuses to trade rather than change it. */
export class AccountModeError extends HedgeError {
  readonly code = 'ACCOUNT_MODE_MISMATCH';
  readonly retryable = false;
  readonly exitCode = ExitCode.Runtime;
}

export interface BinanceVenueOptions {
  readonly id?: string;
  /** REST base URL: https://fapi.binance.com, the testnet, or a loopback server in tests. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly recvWindowMs: number;
  readonly instruments: InstrumentCatalog;
  readonly clock: Clock;
  readonly timeoutMs?: number;
  /** Attempts of a read that failed for a retryable reason. */
  readonly maxAttempts?: number;
  readonly backoffMs?: number;
  /** Pause when the used request weight of the minute passes this (Binance allows 2400). */
  readonly weightBudget?: number;
  readonly breaker?: { readonly failures: number; readonly cooldownMs: number };
  readonly expect?: { readonly positionMode: 'one-way' | 'hedge'; readonly multiAssetsMode: boolean };
}

const NOT_FOUND = new Set([-2013, -2011]);

/**
 * The SDK wants client order ids to carry its own broker prefix and prints a warning on stdout for every
 * order whose id does not (its private `validateOrderId`). hedge's ids are deterministic and its own
 * (they are how a restart finds an order), so that check is switched off on our instance; Binance itself
 * accepts any id matching ^[.A-Z:/a-z0-9_-]{1,36}$.
 */
function quietOrderIds(client: USDMClient): USDMClient {
  Object.defineProperty(client, 'validateOrderId', { value: () => undefined });
  return client;
}

/**
 * Binance USD-M futures through the `binance` SDK. Only whitelisted order parameters leave the process;
 * the server-time offset is kept so requests never fall outside recvWindow; request weight is watched
 * and the adapter pauses before Binance would answer 429/418; retryable failures are retried with
 * backoff; a circuit breaker stops hammering a venue that keeps failing. An order whose answer was lost
 * is looked up by its client id before anything is resent.
 */
const KLINE_PAGE = 1_500;
const FUNDING_PAGE = 1_000;

export class BinanceVenue implements Venue, MarketData {
  readonly id: string;
  readonly has: VenueCapabilities = {
    market: true, limit: true, postOnly: true, ioc: true, stopMarket: true, takeProfitMarket: true, reduceOnly: true, amend: false, fundingHistory: true,
  };
  private readonly client: USDMClient;
  private readonly breaker: CircuitBreaker;
  private readonly leverage = new Map<string, number>();
  private pausedUntilMs = 0;
  private timeOffsetMs = 0;

  constructor(private readonly o: BinanceVenueOptions) {
    this.id = o.id ?? 'binance-usdm';
    this.breaker = new CircuitBreaker(this.id, o.clock, o.breaker?.failures ?? 5, o.breaker?.cooldownMs ?? 30_000);
    this.client = quietOrderIds(new USDMClient(
      { api_key: o.apiKey, api_secret: o.apiSecret, baseUrl: o.baseUrl, recvWindow: o.recvWindowMs, disableTimeSync: true, parseExceptions: false, beautifyResponses: false, keepAlive: false },
      { timeout: o.timeoutMs ?? 10_000, transformResponse: [(data: unknown) => (typeof data === 'string' ? parseBinanceJson(data) : data)] },
    ));
  }

  /** Syncs the clock offset and checks the account's modes; refuses (never changes) a mismatch. */
  async start(): Promise<void> {
    await this.syncTime();
    const expect = this.o.expect ?? { positionMode: 'one-way', multiAssetsMode: false };
    const dual = await this.read(() => this.client.getCurrentPositionMode());
    const mode = dual.dualSidePosition ? 'hedge' : 'one-way';
    if (mode !== expect.positionMode)
      throw new AccountModeError(`${this.id}: account is in ${mode} position mode, config expects ${expect.positionMode}; change it on Binance or in venues.json (hedge never changes it)`);
    const multi = await this.read(() => this.client.getMultiAssetsMode());
    if (multi.multiAssetsMargin !== expect.multiAssetsMode)
      throw new AccountModeError(`${this.id}: multi-assets mode is ${multi.multiAssetsMargin ? 'on' : 'off'}, config expects ${expect.multiAssetsMode ? 'on' : 'off'}; hedge never changes it`);
  }

  /**
   * Measures the offset between Binance's clock and the wall clock the SDK signs requests with (half
   * the round trip) and applies it, so `timestamp` stays inside recvWindow (no -1021).
   */
  async syncTime(): Promise<number> {
    const before = systemClock.nowMs();
    const server = await this.read(() => this.client.getServerTime(), false);
    const after = systemClock.nowMs();
    const offset = Math.round(server - (before + after) / 2);
    this.client.setTimeOffset(offset);
    this.timeOffsetMs = offset;
    return offset;
  }

  /** Binance's clock minus the wall clock, as last measured by `syncTime` (0 before). */
  get offsetMs(): number {
    return this.timeOffsetMs;
  }

  /** Used request weight of the current minute, as Binance last reported it. */
  usedWeight(): number {
    return Number(this.client.getRateLimitStates()['x-mbx-used-weight-1m'] ?? 0);
  }

  get circuitOpen(): boolean {
    return this.breaker.isOpen;
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    await this.write(() => this.client.setLeverage({ symbol, leverage }));
    this.leverage.set(symbol, leverage);
  }

  async createOrder(cmd: SubmitOrder): Promise<Order> {
    const inst = this.o.instruments.get(cmd.symbol);
    if (inst === undefined) return rejectedOrder(cmd, Rejects.invalidSymbol, this.o.clock.nowMs());
    // numbers are put on the grid once, by the caller; one that is off it is refused here, never rounded
    if (!orderOnGrid(inst, cmd)) return rejectedOrder(cmd, Rejects.precision, this.o.clock.nowMs());
    const params = orderParams(inst, cmd);
    return submitOrder(cmd, {
      send: async () =>
        isAlgoType(cmd.type)
          ? parseBinanceAlgoOrder(await this.write(() => this.client.submitNewAlgoOrder(params as never)))
          : parseBinanceOrder(await this.write(() => this.client.submitNewOrder(params as never))),
      lookup: () => this.fetchOrder(cmd.symbol, cmd.clientOrderId),
      resync: () => this.syncTime(),
      nowMs: () => this.o.clock.nowMs(),
    });
  }

  /**
   * Cancels by client id. Whether the id names a plain or a conditional (algo) order is known from the
   * venue's own records, looked up first.
   */
  async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    const existing = await this.fetchOrder(symbol, clientOrderId);
    try {
      if (existing !== undefined && isAlgoType(existing.type)) {
        await this.write(() => this.client.cancelAlgoOrder({ clientAlgoId: clientOrderId }));
        return (await this.fetchOrder(symbol, clientOrderId)) ?? { ...existing, status: 'canceled' };
      }
      return parseBinanceOrder(await this.write(() => this.client.cancelOrder({ symbol, origClientOrderId: clientOrderId })));
    } catch (err) {
      if (!isReject(err)) throw err;
      const known = await this.fetchOrder(symbol, clientOrderId);
      const base = known ?? unknownOrder(symbol, clientOrderId, err.reject, this.o.clock.nowMs());
      return { ...base, reject: NOT_FOUND.has(err.reject.code) ? Rejects.unknownOrder : err.reject };
    }
  }

  /** The order with this client id: a plain order, else a conditional (algo) order, else `undefined`. */
  async fetchOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    try {
      return parseBinanceOrder(await this.read(() => this.client.getOrder({ symbol, origClientOrderId: clientOrderId }), true, true));
    } catch (err) {
      if (!(isReject(err) && NOT_FOUND.has(err.reject.code))) throw err;
    }
    try {
      const algo = parseBinanceAlgoOrder(await this.read(() => this.client.getAlgoOrder({ clientAlgoId: clientOrderId }), true, true));
      return algo.symbol === symbol ? algo : undefined;
    } catch (err) {
      if (isReject(err) && NOT_FOUND.has(err.reject.code)) return undefined;
      throw err;
    }
  }

  async fetchOpenOrders(symbol?: string): Promise<Order[]> {
    const params = symbol === undefined ? {} : { symbol };
    const plain = (await this.read(() => this.client.getAllOpenOrders(params))) as unknown[];
    const algo = (await this.read(() => this.client.getOpenAlgoOrders(params))) as unknown[];
    return [...plain.map(parseBinanceOrder), ...algo.map(parseBinanceAlgoOrder)];
  }

  async fetchPositions(): Promise<Position[]> {
    return parseBinancePositions(await this.read(() => this.client.getPositionsV3()), (s) => this.leverage.get(s) ?? 1);
  }

  async fetchBalance(): Promise<Balance> {
    return parseBinanceBalance(await this.read(() => this.client.getBalanceV3()));
  }

  /** Leverage and margin type the account has set for `symbol` (`GET /fapi/v1/symbolConfig`). */
  async fetchSymbolConfig(symbol: string): Promise<SymbolConfig> {
    const rows = (await this.read(() => this.client.getFuturesSymbolConfig({ symbol }))) as unknown;
    const row = parseBinanceSymbolConfig(rows).find((r) => r.symbol === symbol);
    if (row === undefined) throw new BadRequestError(this.id, undefined, `no symbol configuration for ${symbol}`);
    return row;
  }

  // ---- public market data ---------------------------------------------------------------------

  async fetchCandles(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<Candle[]> {
    const out: Candle[] = [];
    let start = fromMs;
    while (start <= toMs) {
      const rows = (await this.read(() => this.client.getKlines({ symbol, interval: timeframe, startTime: start, endTime: toMs, limit: KLINE_PAGE }))) as unknown[];
      const page = parseBinanceKlines(rows, symbol, timeframe);
      // a bar still forming at the venue (by the venue's clock) is not history yet
      const now = systemClock.nowMs() + this.timeOffsetMs;
      out.push(...page.filter((c) => c.openTimeMs + timeframeMs[timeframe] <= now));
      const last = page.at(-1);
      if (last === undefined || page.length < KLINE_PAGE) break;
      start = last.openTimeMs + timeframeMs[timeframe];
    }
    return out;
  }

  async fetchFundingHistory(symbol: string, fromMs: number, toMs: number): Promise<FundingRate[]> {
    const out: FundingRate[] = [];
    let start = fromMs;
    while (start <= toMs) {
      const rows = (await this.read(() => this.client.getFundingRateHistory({ symbol, startTime: start, endTime: toMs, limit: FUNDING_PAGE }))) as unknown[];
      const page = parseBinanceFunding(rows);
      out.push(...page);
      const last = page.at(-1);
      if (last === undefined || page.length < FUNDING_PAGE) break;
      start = last.fundingTimeMs + 1;
    }
    return out;
  }

  async fetchBookTop(symbol: string): Promise<BookTop> {
    return parseBinanceBookTop(await this.read(() => this.client.getSymbolOrderBookTicker({ symbol })));
  }

  async fetchDepth(symbol: string, limit: number): Promise<Depth> {
    return parseBinanceDepth(await this.read(() => this.client.getOrderBook({ symbol, limit: limit as 5 })), symbol);
  }

  async fetchMarkPrice(symbol: string): Promise<MarkPrice> {
    return parseBinanceMarkPrice(await this.read(() => this.client.getMarkPrice({ symbol })));
  }

  // ---- transport policy ---------------------------------------------------------------------

  /**
   * A read: retried with backoff on retryable failures. A refusal by the venue is a `BadRequestError`,
   * or, with `keepRejects`, the `RejectSignal` for the caller to turn into a value.
   */
  private async read<T>(call: () => Promise<T>, resyncOnSkew = true, keepRejects = false): Promise<T> {
    const attempts = this.o.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.call(call);
      } catch (err) {
        if (isReject(err)) throw keepRejects ? err : new BadRequestError(this.id, err.reject.code, err.reject.message);
        if (!(err instanceof VenueError) || !err.retryable || attempt >= attempts || this.breaker.isOpen) throw err;
        if (err instanceof RateLimitError) await this.o.clock.sleep(err.retryAfterMs);
        else if (err instanceof ClockSkewError && resyncOnSkew) await this.syncTime();
        else await this.o.clock.sleep((this.o.backoffMs ?? 250) * 2 ** (attempt - 1));
      }
    }
  }

  /** A write: sent once; the caller decides what to do with an unknown outcome. */
  private write<T>(call: () => Promise<T>): Promise<T> {
    return this.call(call);
  }

  private async call<T>(call: () => Promise<T>): Promise<T> {
    this.breaker.check();
    const now = this.o.clock.nowMs();
    if (now < this.pausedUntilMs) await this.o.clock.sleep(this.pausedUntilMs - now);
    try {
      const res = await call();
      this.breaker.onSuccess();
      this.watchWeight();
      return res;
    } catch (e) {
      this.watchWeight();
      const mapped = mapBinanceError(this.id, e);
      if (mapped.kind === 'reject') {
        this.breaker.onSuccess();
        throw new RejectSignal(this.id, mapped.reject);
      }
      if (mapped.error instanceof VenueUnavailableError) this.breaker.onFailure();
      if (mapped.error instanceof RateLimitError) this.pausedUntilMs = this.o.clock.nowMs() + mapped.error.retryAfterMs;
      throw mapped.error;
    }
  }

  /** Pauses until the next minute when the used weight passes the budget, so 429/418 never come. */
  private watchWeight(): void {
    if (this.usedWeight() >= (this.o.weightBudget ?? 2_000)) {
      const now = this.o.clock.nowMs();
      this.pausedUntilMs = Math.max(this.pausedUntilMs, now - (now % 60_000) + 60_000);
    }
  }
}

function isReject(err: unknown): err is RejectSignal {
  return err instanceof RejectSignal;
}

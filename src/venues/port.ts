import type { Balance, Order, Position, SubmitOrder } from '../domain/order.js';

/** What a venue can do, declared (not probed). */
export interface VenueCapabilities {
  readonly market: boolean;
  readonly limit: boolean;
  readonly postOnly: boolean;
  readonly ioc: boolean;
  readonly stopMarket: boolean;
  readonly takeProfitMarket: boolean;
  readonly reduceOnly: boolean;
  /** Amending in place; when false, amend is cancel + new order with a new client id. */
  readonly amend: boolean;
  readonly fundingHistory: boolean;
}

/**
 * The venue port every adapter implements (paper, Binance USD-M, ccxt). `fetch*` reads, `create*` and
 * `cancel*` write. A venue's refusal of an order is an `Order` with status `rejected`; transport
 * failures throw the typed errors of `venues/errors.ts`.
 */
export interface Venue {
  readonly id: string;
  readonly has: VenueCapabilities;
  /** Places an order. A second order with a client id already used is rejected (-4116), never placed twice. */
  createOrder(cmd: SubmitOrder): Promise<Order>;
  /** Cancels a resting order by client id; an unknown or finished order is rejected (-2011). */
  cancelOrder(symbol: string, clientOrderId: string): Promise<Order>;
  /** The order with this client id, or `undefined` when the venue does not know it. */
  fetchOrder(symbol: string, clientOrderId: string): Promise<Order | undefined>;
  fetchOpenOrders(symbol?: string): Promise<Order[]>;
  /** Open positions (zero positions are left out). */
  fetchPositions(): Promise<Position[]>;
  fetchBalance(): Promise<Balance>;
  /** Sets the leverage used by new positions on `symbol`. */
  setLeverage(symbol: string, leverage: number): Promise<void>;
  /** An in-process venue (paper) answers `fetchPositions` at once: the kernel reads this instead of awaiting a round trip. */
  positionsNow?(): Position[];
  /** An in-process venue's number of open orders, at once. */
  openOrderCountNow?(): number;
}

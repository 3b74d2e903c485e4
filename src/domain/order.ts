/** Order sides. */
export const OrderSides = ['buy', 'sell'] as const;
export type OrderSide = (typeof OrderSides)[number];

/** Order types hedge sends; protective stops and take-profits trigger market orders. */
export const OrderTypes = ['market', 'limit', 'stop_market', 'take_profit_market'] as const;
export type OrderType = (typeof OrderTypes)[number];

/** GTC rests; GTX is post-only (rejected if it would take); IOC takes what it can and cancels the rest. */
export const TimeInForces = ['GTC', 'GTX', 'IOC'] as const;
export type TimeInForce = (typeof TimeInForces)[number];

export type OrderStatus = 'new' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

/** A command to place an order. Quantities and prices are already on the instrument's grid. */
export interface SubmitOrder {
  /** Deterministic id (derived from cycle, strategy, symbol, sequence): the venue refuses a duplicate. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly qty: number;
  /** Limit price (limit orders only). */
  readonly price?: number;
  /** Trigger price (stop and take-profit orders only). */
  readonly stopPrice?: number;
  /** Limit orders only; default GTC. */
  readonly timeInForce?: TimeInForce;
  readonly reduceOnly: boolean;
}

/** Why a venue refused an order: the venue's own code and message (Binance codes on every venue). */
export interface OrderReject {
  readonly code: number;
  readonly message: string;
}

/** The venue's view of an order. A rejection is a value (`status: 'rejected'`), never an exception. */
export interface Order {
  readonly clientOrderId: string;
  /** Text: Binance order ids exceed 2^53. Empty for an order the venue never accepted. */
  readonly venueOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce | null;
  readonly qty: number;
  readonly price: number | null;
  readonly stopPrice: number | null;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  readonly filledQty: number;
  readonly avgFillPrice: number | null;
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly reject: OrderReject | null;
}

/** One execution. */
export interface Fill {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  readonly price: number;
  readonly feeUsd: number;
  readonly liquidity: 'maker' | 'taker';
  readonly realizedPnlUsd: number;
  readonly tsMs: number;
  /** The venue closed the position at its liquidation price. */
  readonly liquidation: boolean;
}

/** A net (one-way mode) position. `qty` is signed: positive long, negative short. */
export interface Position {
  readonly symbol: string;
  readonly qty: number;
  readonly entryPrice: number;
  readonly leverage: number;
  /** Isolated margin posted for the position, including realised funding. */
  readonly marginUsd: number;
  readonly markPrice: number;
  readonly unrealizedPnlUsd: number;
  readonly liquidationPrice: number | null;
}

/** Account balance in the margin asset (USDT). */
export interface Balance {
  readonly asset: string;
  readonly walletBalance: number;
  readonly unrealizedPnl: number;
  readonly marginBalance: number;
  readonly availableBalance: number;
}

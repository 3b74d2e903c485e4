import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import type { Balance, Order, OrderStatus, OrderType, Position, TimeInForce } from '../../domain/order.js';

const num = z.union([z.string(), z.number()]).transform(Number);

/** A Binance USD-M order object (order, cancel, openOrders answers). */
export const BinanceOrderSchema = z.looseObject({
  orderId: z.union([z.string(), z.number()]).transform(String),
  symbol: z.string(),
  status: z.string(),
  clientOrderId: z.string(),
  price: num,
  avgPrice: num,
  origQty: num,
  executedQty: num,
  timeInForce: z.string(),
  type: z.string(),
  reduceOnly: z.boolean(),
  side: z.enum(['BUY', 'SELL']),
  stopPrice: num.optional(),
  time: num.optional(),
  updateTime: num,
});

const STATUS: Record<string, OrderStatus> = {
  NEW: 'new', PARTIALLY_FILLED: 'partially_filled', FILLED: 'filled', CANCELED: 'canceled', EXPIRED: 'expired', EXPIRED_IN_MATCH: 'expired', REJECTED: 'rejected',
};
const TYPES: Record<string, OrderType> = { MARKET: 'market', LIMIT: 'limit', STOP_MARKET: 'stop_market', TAKE_PROFIT_MARKET: 'take_profit_market' };

/** Binance order JSON → domain order. */
export function parseBinanceOrder(json: unknown): Order {
  const r = BinanceOrderSchema.safeParse(json);
  if (!r.success) throw new DataError('binance order', `unexpected shape: ${r.error.issues[0]?.message ?? ''}`);
  const o = r.data;
  const type = TYPES[o.type];
  const status = STATUS[o.status];
  if (type === undefined || status === undefined) throw new DataError('binance order', `unknown type ${o.type} or status ${o.status}`);
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.orderId,
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    type,
    timeInForce: type === 'limit' && ['GTC', 'GTX', 'IOC'].includes(o.timeInForce) ? (o.timeInForce as TimeInForce) : null,
    qty: o.origQty,
    price: type === 'limit' ? o.price : null,
    stopPrice: o.stopPrice !== undefined && o.stopPrice > 0 ? o.stopPrice : null,
    reduceOnly: o.reduceOnly,
    status,
    filledQty: o.executedQty,
    avgFillPrice: o.executedQty > 0 ? o.avgPrice : null,
    createdMs: o.time ?? o.updateTime,
    updatedMs: o.updateTime,
    reject: null,
  };
}

const PositionRiskSchema = z.array(
  z.looseObject({
    symbol: z.string(),
    positionAmt: num,
    entryPrice: num,
    markPrice: num,
    unRealizedProfit: num,
    liquidationPrice: num,
    isolatedWallet: num.optional(),
    isolatedMargin: num.optional(),
    notional: num.optional(),
    initialMargin: num.optional(),
    leverage: num.optional(),
  }),
);

/** `GET /fapi/v3/positionRisk` → open positions (zero rows dropped). */
export function parseBinancePositions(json: unknown, leverageOf: (symbol: string) => number): Position[] {
  const r = PositionRiskSchema.safeParse(json);
  if (!r.success) throw new DataError('binance positionRisk', `unexpected shape: ${r.error.issues[0]?.message ?? ''}`);
  return r.data
    .filter((p) => p.positionAmt !== 0)
    .map((p) => ({
      symbol: p.symbol,
      qty: p.positionAmt,
      entryPrice: p.entryPrice,
      leverage: p.leverage ?? leverageOf(p.symbol),
      marginUsd: p.isolatedWallet !== undefined && p.isolatedWallet > 0 ? p.isolatedWallet : (p.initialMargin ?? 0),
      markPrice: p.markPrice,
      unrealizedPnlUsd: p.unRealizedProfit,
      liquidationPrice: p.liquidationPrice > 0 ? p.liquidationPrice : null,
    }));
}

const BalanceSchema = z.array(z.looseObject({ asset: z.string(), balance: num, crossUnPnl: num, availableBalance: num }));

/** `GET /fapi/v2|v3/balance` → the USDT balance. */
export function parseBinanceBalance(json: unknown, asset = 'USDT'): Balance {
  const r = BalanceSchema.safeParse(json);
  if (!r.success) throw new DataError('binance balance', `unexpected shape: ${r.error.issues[0]?.message ?? ''}`);
  const row = r.data.find((b) => b.asset === asset);
  const wallet = row?.balance ?? 0;
  const upnl = row?.crossUnPnl ?? 0;
  return { asset, walletBalance: wallet, unrealizedPnl: upnl, marginBalance: wallet + upnl, availableBalance: row?.availableBalance ?? 0 };
}

/** A Binance conditional (algo) order: `POST|GET|DELETE /fapi/v1/algoOrder`, `GET /fapi/v1/openAlgoOrders`. */
export const BinanceAlgoOrderSchema = z.looseObject({
  algoId: z.union([z.string(), z.number()]).transform(String),
  clientAlgoId: z.string(),
  orderType: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  quantity: num,
  algoStatus: z.string(),
  triggerPrice: num.optional(),
  reduceOnly: z.boolean(),
  actualQty: num.optional(),
  actualPrice: num.optional(),
  createTime: num,
  updateTime: num,
});

const ALGO_STATUS: Record<string, OrderStatus> = {
  NEW: 'new', TRIGGERING: 'new', TRIGGERED: 'filled', FINISHED: 'filled', CANCELED: 'canceled', REJECTED: 'rejected', EXPIRED: 'expired',
};

/** Binance algo order JSON → domain order (a triggered order reports the fill of the market order it became). */
export function parseBinanceAlgoOrder(json: unknown): Order {
  const r = BinanceAlgoOrderSchema.safeParse(json);
  if (!r.success) throw new DataError('binance algo order', `unexpected shape: ${r.error.issues[0]?.message ?? ''}`);
  const o = r.data;
  const type = TYPES[o.orderType];
  const status = ALGO_STATUS[o.algoStatus];
  if (type === undefined || status === undefined) throw new DataError('binance algo order', `unknown type ${o.orderType} or status ${o.algoStatus}`);
  const filled = status === 'filled' ? (o.actualQty ?? o.quantity) : 0;
  return {
    clientOrderId: o.clientAlgoId,
    venueOrderId: o.algoId,
    symbol: o.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    type,
    timeInForce: null,
    qty: o.quantity,
    price: null,
    stopPrice: o.triggerPrice !== undefined && o.triggerPrice > 0 ? o.triggerPrice : null,
    reduceOnly: o.reduceOnly,
    status,
    filledQty: filled,
    avgFillPrice: filled > 0 && o.actualPrice !== undefined && o.actualPrice > 0 ? o.actualPrice : null,
    createdMs: o.createTime,
    updatedMs: o.updateTime,
    reject: null,
  };
}

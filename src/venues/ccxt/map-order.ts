import { DataError } from '../../core/errors.js';
import type { Order, OrderStatus, OrderType, TimeInForce } from '../../domain/order.js';

/** The members of a ccxt unified order hedge reads. */
export interface CcxtOrder {
  id?: string;
  clientOrderId?: string;
  symbol?: string;
  side?: string;
  type?: string;
  status?: string;
  amount?: number;
  filled?: number;
  price?: number;
  average?: number;
  triggerPrice?: number;
  stopPrice?: number;
  reduceOnly?: boolean;
  timeInForce?: string;
  timestamp?: number;
  lastUpdateTimestamp?: number;
  info?: Record<string, unknown>;
}

const TYPES: Record<string, OrderType> = { STOP_MARKET: 'stop_market', TAKE_PROFIT_MARKET: 'take_profit_market', MARKET: 'market', LIMIT: 'limit' };

/** A ccxt unified order → domain order, with the venue symbol (`BTCUSDT`) hedge uses. */
export function parseCcxtOrder(o: CcxtOrder, venueSymbol: string): Order {
  const raw = String(o.info?.['orderType'] ?? o.info?.['type'] ?? '').toUpperCase();
  const trigger = o.triggerPrice ?? o.stopPrice;
  const type: OrderType | undefined = TYPES[raw] ?? (trigger !== undefined && trigger > 0 ? 'stop_market' : o.type === 'limit' ? 'limit' : o.type === 'market' ? 'market' : undefined);
  if (type === undefined || o.clientOrderId === undefined) throw new DataError('ccxt order', `cannot read order ${o.id ?? '?'} of type ${o.type ?? '?'}`);
  const filled = o.filled ?? 0;
  const amount = o.amount ?? 0;
  const status: OrderStatus =
    o.status === 'open' ? (filled > 0 ? 'partially_filled' : 'new') : o.status === 'closed' ? 'filled' : o.status === 'canceled' ? 'canceled' : o.status === 'expired' ? 'expired' : 'rejected';
  const tif = o.timeInForce === 'PO' ? 'GTX' : o.timeInForce;
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.id ?? '',
    symbol: venueSymbol,
    side: o.side === 'sell' ? 'sell' : 'buy',
    type,
    timeInForce: type === 'limit' && (tif === 'GTC' || tif === 'GTX' || tif === 'IOC') ? (tif as TimeInForce) : null,
    qty: amount,
    price: type === 'limit' ? (o.price ?? null) : null,
    stopPrice: trigger !== undefined && trigger > 0 ? trigger : null,
    reduceOnly: o.reduceOnly ?? false,
    status,
    filledQty: filled,
    avgFillPrice: filled > 0 ? (o.average ?? null) : null,
    createdMs: o.timestamp ?? 0,
    updatedMs: o.lastUpdateTimestamp ?? o.timestamp ?? 0,
    reject: null,
  };
}

import type { Order, OrderReject, SubmitOrder } from '../domain/order.js';

/** The value a venue returns for an order it refused: never stored, never given a venue id. */
export function rejectedOrder(cmd: SubmitOrder, reject: OrderReject, now: number): Order {
  return {
    clientOrderId: cmd.clientOrderId,
    venueOrderId: '',
    symbol: cmd.symbol,
    side: cmd.side,
    type: cmd.type,
    timeInForce: cmd.type === 'limit' ? (cmd.timeInForce ?? 'GTC') : null,
    qty: cmd.qty,
    price: cmd.price ?? null,
    stopPrice: cmd.stopPrice ?? null,
    reduceOnly: cmd.reduceOnly,
    status: 'rejected',
    filledQty: 0,
    avgFillPrice: null,
    createdMs: now,
    updatedMs: now,
    reject,
  };
}

/** A refused cancel or lookup of an order the venue does not know. */
export function unknownOrder(symbol: string, clientOrderId: string, reject: OrderReject, now: number): Order {
  return rejectedOrder({ clientOrderId, symbol, side: 'buy', type: 'market', qty: 0, reduceOnly: false }, reject, now);
}

import type { Instrument } from '../domain/instrument.js';
import type { Fill, Order } from '../domain/order.js';
import { TELEMETRY_SCHEMA_VERSION } from '../telemetry/records/common.js';
import type { OrderEventRecord } from '../telemetry/records/order-event.js';

/** Who and what an order event belongs to. */
export interface OrderEventContext {
  readonly tsMs: number;
  readonly cycleId: string;
  readonly account: string;
  readonly venue: string;
  readonly strategy: string;
  readonly configFingerprint: string;
}

const EVENT_OF: Record<Order['status'], OrderEventRecord['event']> = {
  new: 'order.acknowledged', partially_filled: 'order.partially_filled', filled: 'order.filled', canceled: 'order.canceled', expired: 'order.expired', rejected: 'order.rejected',
};

/** An orders.jsonl record of an order's state, with exact decimal text for what the venue saw. */
export function orderEvent(order: Order, inst: Instrument | undefined, ctx: OrderEventContext, opts: { event?: OrderEventRecord['event']; fill?: Fill; feeUsd?: number; latencyMs?: number } = {}): OrderEventRecord {
  const q = (x: number) => (inst === undefined ? String(x) : inst.formatQty(x));
  const p = (x: number | null) => (x === null ? null : inst === undefined ? String(x) : inst.formatPrice(x));
  const avg = (x: number | null) => (x === null ? null : decimalText(x));
  return {
    schema_version: TELEMETRY_SCHEMA_VERSION,
    ts: ctx.tsMs,
    event: opts.event ?? EVENT_OF[order.status],
    cycle_id: ctx.cycleId,
    account: ctx.account,
    venue: ctx.venue,
    strategy: ctx.strategy,
    symbol: order.symbol,
    client_order_id: order.clientOrderId,
    venue_order_id: order.venueOrderId === '' ? null : order.venueOrderId,
    side: order.side,
    type: order.type,
    time_in_force: order.timeInForce,
    reduce_only: order.reduceOnly,
    qty: q(order.qty),
    price: p(order.price),
    stop_price: p(order.stopPrice),
    filled_qty: q(order.filledQty),
    avg_fill_price: avg(order.avgFillPrice),
    last_fill_qty: opts.fill === undefined ? null : q(opts.fill.qty),
    last_fill_price: opts.fill === undefined ? null : avg(opts.fill.price),
    fee_usd: opts.feeUsd ?? opts.fill?.feeUsd ?? 0,
    liquidity: opts.fill?.liquidity ?? null,
    latency_ms: Math.max(0, Math.round(opts.latencyMs ?? 0)),
    reason: order.reject === null ? null : `${order.reject.code} ${order.reject.message}`,
    config_fingerprint: ctx.configFingerprint,
  };
}

/** Plain decimal text (never exponent notation) with trailing zeros dropped. */
export function decimalText(x: number): string {
  const t = x.toFixed(12);
  return t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t;
}

import { z } from 'zod';
import { decimalString, fingerprint, schemaVersion, side, tsMs } from './common.js';

/** Order life-cycle events, past tense. */
export const OrderEventTypes = [
  'order.submitted',
  'order.acknowledged',
  'order.partially_filled',
  'order.filled',
  'order.canceled',
  'order.rejected',
  'order.expired',
  'order.replaced',
] as const;

/** One line of `orders.jsonl`: one state change of one order. */
export const OrderEventRecord = z.strictObject({
  schema_version: schemaVersion,
  ts: tsMs,
  event: z.enum(OrderEventTypes),
  cycle_id: z.string(),
  account: z.string(),
  venue: z.string(),
  strategy: z.string(),
  symbol: z.string(),
  client_order_id: z.string().min(1).max(36),
  /** Kept as text: Binance order ids exceed 2^53. */
  venue_order_id: z.string().nullable(),
  side,
  type: z.enum(['market', 'limit', 'stop_market', 'take_profit_market']),
  time_in_force: z.enum(['GTC', 'GTX', 'IOC', 'FOK']).nullable(),
  reduce_only: z.boolean(),
  qty: decimalString,
  price: decimalString.nullable(),
  stop_price: decimalString.nullable(),
  filled_qty: decimalString,
  avg_fill_price: decimalString.nullable(),
  last_fill_qty: decimalString.nullable(),
  last_fill_price: decimalString.nullable(),
  fee_usd: z.number(),
  liquidity: z.enum(['maker', 'taker']).nullable(),
  latency_ms: z.number().nonnegative().nullable(),
  reason: z.string().nullable(),
  config_fingerprint: fingerprint,
});
export type OrderEventRecord = z.infer<typeof OrderEventRecord>;

import { z } from 'zod';
import { fingerprint, schemaVersion, tsMs } from './common.js';

export const PositionRecord = z.strictObject({
  symbol: z.string(),
  strategy: z.string(),
  side: z.enum(['long', 'short']),
  qty: z.number().positive(),
  entry_price: z.number().positive(),
  mark_price: z.number().positive(),
  notional_usd: z.number(),
  unrealized_pnl_usd: z.number(),
  leverage: z.number().positive(),
  margin_usd: z.number().nonnegative(),
  liquidation_price: z.number().nonnegative().nullable(),
  stop_price: z.number().positive().nullable(),
  opened_ts: tsMs,
  updated_ts: tsMs,
});

/** `positions.json`: the open positions of one account at `ts`. Snapshot, replaced atomically. */
export const PositionsSnapshot = z.strictObject({
  schema_version: schemaVersion,
  ts: tsMs,
  account: z.string(),
  cycle_id: z.string(),
  nav_usd: z.number(),
  positions: z.array(PositionRecord),
  config_fingerprint: fingerprint,
});
export type PositionsSnapshot = z.infer<typeof PositionsSnapshot>;

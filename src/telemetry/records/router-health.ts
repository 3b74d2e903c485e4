import { z } from 'zod';
import { schemaVersion, tsMs } from './common.js';

export const RouterHealthStates = ['good', 'broken', 'bad'] as const;

export const SymbolHealthRecord = z.strictObject({
  state: z.enum(RouterHealthStates),
  since_ts: tsMs,
  samples: z.number().int().nonnegative(),
  fill_rate: z.number().min(0).max(1).nullable(),
  avg_time_to_fill_ms: z.number().nonnegative().nullable(),
  slippage_bps: z.number().nullable(),
  reject_rate: z.number().min(0).max(1).nullable(),
  latency_ms: z.number().nonnegative().nullable(),
  offset_bps: z.number(),
  pending_state: z.enum(RouterHealthStates).nullable(),
  pending_count: z.number().int().nonnegative(),
});

/** `router_health.json`: per-symbol router health. Snapshot; the router warm-starts from it. */
export const RouterHealthSnapshot = z.strictObject({
  schema_version: schemaVersion,
  ts: tsMs,
  account: z.string(),
  symbols: z.record(z.string(), SymbolHealthRecord),
});
export type RouterHealthSnapshot = z.infer<typeof RouterHealthSnapshot>;

/**
 * One line of `router_health.jsonl`: a symbol's router health when it changed at the end of a cycle (state,
 * figures or offset), so the dashboard can draw it over time. Only changes are written.
 */
export const RouterHealthChangeRecord = z.strictObject({
  schema_version: schemaVersion,
  ts: tsMs,
  account: z.string(),
  symbol: z.string(),
  state: z.enum(RouterHealthStates),
  samples: z.number().int().nonnegative(),
  fill_rate: z.number().min(0).max(1).nullable(),
  slippage_bps: z.number().nullable(),
  reject_rate: z.number().min(0).max(1).nullable(),
  latency_ms: z.number().nonnegative().nullable(),
  offset_bps: z.number(),
});
export type RouterHealthChangeRecord = z.infer<typeof RouterHealthChangeRecord>;

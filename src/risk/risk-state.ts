import { z } from 'zod';
import { readJsonSnapshot, writeJsonAtomic } from '../telemetry/atomic-json.js';
import { objectArray } from '../core/arrays.js';
import { StorageError } from '../core/errors.js';
import { TradingStates } from './trading-state.js';

/** `cache/risk_state.json`: what the risk engine must remember across restarts. */
export const RiskStateSchema = z.strictObject({
  schema_version: z.literal(1),
  trading_state: z.enum(TradingStates),
  state_reason: z.string(),
  state_since_ms: z.number(),
  /** The trading day (YYYY-MM-DD in the reset time zone) and the NAV it started with. */
  day: z.strictObject({ date: z.string(), start_nav_usd: z.number() }).nullable(),
  high_water_mark_usd: z.number().nullable(),
  /** Symbol → time until which new entries are refused. */
  cooldowns: z.record(z.string(), z.number()),
  /** Symbol → times of recent vetoes (for the veto-streak guard). */
  veto_times: z.record(z.string(), z.array(z.number())),
  /** Venue → times of recent orders (for the order-rate guard). */
  order_times: z.record(z.string(), z.array(z.number())),
  /** The last vetoes, newest last, for people and the dashboard. */
  last_vetoes: z.array(z.strictObject({ ts: z.number(), symbol: z.string(), strategy: z.string(), reasons: z.array(z.string()) })),
  updated_ms: z.number(),
});
export type RiskState = z.infer<typeof RiskStateSchema>;

/** A fresh state: ACTIVE, nothing remembered. */
export function freshRiskState(nowMs: number): RiskState {
  return { schema_version: 1, trading_state: 'ACTIVE', state_reason: 'fresh start', state_since_ms: nowMs, day: null, high_water_mark_usd: null, cooldowns: {}, veto_times: {}, order_times: {}, last_vetoes: objectArray<RiskState['last_vetoes'][number]>(), updated_ms: nowMs };
}

/** Loads the risk state; a missing file is a fresh start, a corrupt one an error (never silently reset). */
export function loadRiskState(file: string, nowMs: number): RiskState {
  const raw = readJsonSnapshot(file);
  if (raw === undefined) return freshRiskState(nowMs);
  const parsed = RiskStateSchema.safeParse(raw);
  if (!parsed.success) throw new StorageError(file, `risk state does not validate (${parsed.error.issues[0]?.message ?? ''}); refusing to start with limits forgotten`);
  return parsed.data;
}

/** Writes the risk state atomically. */
export function saveRiskState(file: string, state: RiskState): void {
  writeJsonAtomic(file, state);
}

import { z } from 'zod';
import { VetoReasons, VetoStages } from '../../domain/veto.js';
import { fingerprint, schemaVersion, side, tsMs } from './common.js';

/** One line of `risk_vetoes.jsonl`: an intent dropped or cut, with the numbers that decided it. */
export const VetoRecord = z.strictObject({
  schema_version: schemaVersion,
  ts: tsMs,
  cycle_id: z.string(),
  stage: z.enum(VetoStages),
  /** `veto`: dropped; `cut`: reduced in size and let through. */
  outcome: z.enum(['veto', 'cut']),
  reasons: z.array(z.enum(VetoReasons)).min(1),
  account: z.string(),
  strategy: z.string(),
  symbol: z.string(),
  side,
  reduce_only: z.boolean(),
  requested_notional_usd: z.number(),
  approved_notional_usd: z.number(),
  /** The limits and observed values behind each reason, e.g. `{ limit_pct: 5, trade_pct: 7.2 }`. */
  details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  config_fingerprint: fingerprint,
});
export type VetoRecord = z.infer<typeof VetoRecord>;

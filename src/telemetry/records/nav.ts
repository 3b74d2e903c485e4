import { z } from 'zod';
import { fingerprint, schemaVersion, tsMs } from './common.js';

/** One line of `nav.jsonl`: the account's NAV and its parts at `ts`. */
export const NavRecord = z.strictObject({
  schema_version: schemaVersion,
  ts: tsMs,
  account: z.string(),
  cycle_id: z.string(),
  nav_usd: z.number(),
  wallet_balance_usd: z.number(),
  unrealized_pnl_usd: z.number(),
  realized_pnl_usd: z.number(),
  fees_usd: z.number(),
  funding_usd: z.number(),
  gross_exposure_usd: z.number().nonnegative(),
  net_exposure_usd: z.number(),
  /** Where the figure came from: the venue's account endpoint, or the paper venue. */
  source: z.enum(['venue', 'paper']),
  config_fingerprint: fingerprint,
});
export type NavRecord = z.infer<typeof NavRecord>;

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
  /** Since the account's first cycle: PnL realized by fills (before fees), fees paid, funding received (+) or paid (−). */
  realized_pnl_usd: z.number(),
  fees_usd: z.number(),
  funding_usd: z.number(),
  gross_exposure_usd: z.number().nonnegative(),
  net_exposure_usd: z.number(),
  /** Where the figure came from: the venue's account endpoint, or the paper venue. */
  source: z.enum(['venue', 'paper']),
  config_fingerprint: fingerprint,
  /**
   * By strategy: PnL since the account's first cycle (realized net of fees, funding, and its open positions
   * marked now), of which unrealized, and its gross exposure. Absent in records of older builds.
   */
  strategies: z.record(z.string(), z.strictObject({ pnl_usd: z.number(), unrealized_pnl_usd: z.number(), exposure_usd: z.number().nonnegative() })).optional(),
});
export type NavRecord = z.infer<typeof NavRecord>;

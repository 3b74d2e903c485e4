import { z } from 'zod';
import { fingerprint, schemaVersion, tsMs } from './common.js';

/** One line of `config_lineage.jsonl`: an effective config seen by an audit or a service start. */
export const LineageRecord = z.strictObject({
  schema_version: schemaVersion,
  ts: tsMs,
  by: z.enum(['audit', 'executor', 'backtest', 'screener']),
  fingerprint,
  profile: z.string().nullable(),
  env: z.enum(['dev', 'testnet', 'prod']),
  git_commit: z.string().nullable(),
  git_dirty: z.boolean().nullable(),
  config_dir: z.string(),
  file_hashes: z.record(z.string(), z.string()),
  audit_ok: z.boolean().nullable(),
});
export type LineageRecord = z.infer<typeof LineageRecord>;

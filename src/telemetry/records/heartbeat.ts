import { z } from 'zod';
import { fingerprint, schemaVersion, tsMs } from './common.js';

/** `heartbeat_<service>.json`: proof of life of a service, replaced every cycle. */
export const HeartbeatSnapshot = z.strictObject({
  schema_version: schemaVersion,
  ts: tsMs,
  service: z.enum(['executor', 'sync', 'dashboard', 'guardian']),
  pid: z.number().int().positive(),
  host: z.string(),
  status: z.enum(['starting', 'running', 'degraded', 'stopping', 'stopped']),
  cycle: z.number().int().nonnegative(),
  cycle_ms: z.number().nonnegative().nullable(),
  lag_ms: z.number().nullable(),
  last_error: z.string().nullable(),
  config_fingerprint: fingerprint.nullable(),
});
export type HeartbeatSnapshot = z.infer<typeof HeartbeatSnapshot>;

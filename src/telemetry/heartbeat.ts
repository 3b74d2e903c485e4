import os from 'node:os';
import { writeJsonAtomic } from './atomic-json.js';
import { TELEMETRY_SCHEMA_VERSION } from './records/common.js';
import type { HeartbeatSnapshot } from './records/heartbeat.js';
import type { StatePaths } from './state-paths.js';

/** Replaces `logs/heartbeat_<service>.json` with this process's beat (its pid and host filled in). */
export function writeHeartbeat(
  paths: StatePaths, service: HeartbeatSnapshot['service'],
  b: Pick<HeartbeatSnapshot, 'ts' | 'status' | 'cycle' | 'cycle_ms' | 'lag_ms' | 'last_error' | 'config_fingerprint'>,
): void {
  writeJsonAtomic(paths.heartbeat(service), {
    schema_version: TELEMETRY_SCHEMA_VERSION, ts: b.ts, service, pid: process.pid, host: os.hostname(), status: b.status, cycle: b.cycle, cycle_ms: b.cycle_ms, lag_ms: b.lag_ms,
    last_error: b.last_error, config_fingerprint: b.config_fingerprint,
  } satisfies HeartbeatSnapshot);
}

import path from 'node:path';
import { sleepUnlessStopped, Stopwatch, type Clock } from '../core/clock.js';
import { HedgeError, UsageError, errorMessage } from '../core/errors.js';
import type { SyncConfig } from '../config/schemas/sync.js';
import { acquireInstanceLock, instanceLockFile } from '../core/instance-lock.js';
import type { Logger } from '../telemetry/logger.js';
import { writeHeartbeat } from '../telemetry/heartbeat.js';
import { statePaths } from '../telemetry/state-paths.js';
import { dirSinkPlugin } from './dir-sink.js';
import { s3SinkPlugin } from './s3-sink.js';
import { sinkPlugins, type SinkPlugin } from './sink.js';
import { SyncEngine, type SyncPass } from './sync-engine.js';

sinkPlugins.add(dirSinkPlugin as SinkPlugin).add(s3SinkPlugin as SinkPlugin);

/** `--sink dir:<path>` or `s3://bucket/prefix` as a sink config. */
export function parseSinkFlag(text: string): SyncConfig['sink'] {
  if (text.startsWith('dir:') && text.length > 4) return { type: 'dir', path: text.slice(4) };
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (s3 !== null) return { type: 's3', bucket: s3[1] ?? '', prefix: s3[2] ?? '', region: 'us-east-1', force_path_style: false };
  throw new UsageError(`--sink must be dir:<path> or s3://bucket/prefix, was "${text}"`);
}

export interface SyncRunOptions {
  readonly stateDir: string;
  readonly config: SyncConfig;
  readonly sinkOverride?: SyncConfig['sink'] | undefined;
  readonly once: boolean;
  readonly clock: Clock;
  readonly log: Logger;
  readonly stop?: AbortSignal | undefined;
}

export interface SyncSummary {
  readonly sink: string;
  readonly passes: number;
  readonly streamBytes: number;
  readonly snapshots: number;
  readonly stopped: boolean;
  readonly lastError: string | null;
}

/**
 * `hedge sync`: one pass (`--once`) or a pass every `interval_s` until SIGINT/SIGTERM, each finished
 * before stopping. One sync per state dir and node. Writes `logs/heartbeat_sync.json` after every pass
 * (pass count, duration, lag, last error); a failed pass is retried at the next interval.
 */
export async function runSync(o: SyncRunOptions): Promise<SyncSummary> {
  const sinkConfig = o.sinkOverride ?? o.config.sink;
  const plugin = sinkPlugins.get(sinkConfig.type);
  const sink = await plugin.create(sinkConfig, { stateDir: o.stateDir, nodeId: o.config.node_id });
  const paths = statePaths(o.stateDir);
  const lock = acquireInstanceLock(instanceLockFile(paths.cacheDir, 'sync', o.config.node_id), 'sync', o.config.node_id);
  const engine = new SyncEngine({ stateDir: o.stateDir, sink, stateFile: path.join(paths.cacheDir, `sync_state_${o.config.node_id}.json`), clock: o.clock });
  const log = o.log.child({ sink: sink.description, node: o.config.node_id });
  let passes = 0;
  let streamBytes = 0;
  let snapshots = 0;
  let lastError: string | null = null;
  let stopped = false;
  const heartbeat = (status: 'running' | 'degraded' | 'stopped', cycleMs: number | null, lagMs: number | null) =>
    writeHeartbeat(paths, 'sync', { ts: o.clock.nowMs(), status, cycle: passes, cycle_ms: cycleMs, lag_ms: lagMs, last_error: lastError, config_fingerprint: null });
  log.info('sync.started', { once: o.once, interval_s: o.config.interval_s });
  try {
    for (;;) {
      const watch = new Stopwatch();
      let result: SyncPass | undefined;
      try {
        result = await engine.pass();
        passes++;
        streamBytes += result.streamBytes;
        snapshots += result.snapshots;
        lastError = null;
        for (const rel of result.rewritten) log.warn('sync.stream_rewritten', { file: rel });
        if (result.streamBytes > 0 || result.snapshots > 0) log.debug('sync.pass', { bytes: result.streamBytes, snapshots: result.snapshots, lag_ms: result.lagMs });
        heartbeat('running', watch.elapsedMs(), result.lagMs);
      } catch (err) {
        lastError = errorMessage(err);
        log.error('sync.pass_failed', { error: lastError, code: err instanceof HedgeError ? err.code : undefined });
        heartbeat('degraded', watch.elapsedMs(), null);
        if (o.once) throw err;
      }
      if (o.once) break;
      if (await sleepUnlessStopped(o.clock, o.config.interval_s * 1000, o.stop)) {
        stopped = true;
        break;
      }
    }
  } finally {
    heartbeat(lastError === null ? 'stopped' : 'degraded', null, null);
    await sink.close();
    lock.release();
  }
  log.info('sync.finished', { passes, bytes: streamBytes, snapshots, stopped });
  return { sink: sink.description, passes, streamBytes, snapshots, stopped, lastError };
}


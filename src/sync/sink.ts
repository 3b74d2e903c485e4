import { createRegistry } from '../core/registry.js';
import type { SyncConfig } from '../config/schemas/sync.js';

/**
 * Where telemetry is mirrored. Streams are written at an offset (the sink cuts its copy back to that
 * offset first, so a pass interrupted after writing and before recording its progress rewrites the same
 * bytes, never appends them twice); snapshots are replaced whole, so a reader sees the old or the new one.
 */
export interface Sink {
  /** Where, in words: `dir:/mnt/mirror/node-1`. */
  readonly description: string;
  /** Writes `bytes` at `offset` of stream `rel`, after cutting the copy to `offset`; durable on return. */
  appendAt(rel: string, offset: number, bytes: Buffer): Promise<void>;
  /** Cuts stream `rel` to `length` bytes (the local stream was cut back or rewritten). */
  truncate(rel: string, length: number): Promise<void>;
  /** How many bytes the sink holds of `rel`, or null when it holds nothing: checked once per run, so a copy lost at the sink is rebuilt. */
  lengthOf(rel: string): Promise<number | null>;
  /** Replaces snapshot `rel` whole. */
  putSnapshot(rel: string, bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** What a sink plugin is built from. */
export interface SinkContext {
  readonly stateDir: string;
  readonly nodeId: string;
}

/** A sink type: `dir`, `s3`, … */
export interface SinkPlugin<C extends SyncConfig['sink'] = SyncConfig['sink']> {
  readonly name: C['type'];
  create(config: C, ctx: SinkContext): Promise<Sink>;
}

/** The sink plugins, by `type` in sync.json. */
export const sinkPlugins = createRegistry<SinkPlugin>('sink');

import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { readJsonSnapshot, writeJsonAtomic } from '../telemetry/atomic-json.js';
import { telemetryFiles } from '../telemetry/state-paths.js';
import { readFully } from '../telemetry/stream-offsets.js';
import type { Sink } from './sink.js';

/** How much of a stream's confirmed end is fingerprinted, to notice a stream cut back or rewritten locally. */
const TAIL_BYTES = 4_096;

/** `cache/sync_state_<node>.json`: what the sink is known to hold, written after every confirmed write. */
const SyncStateSchema = z.strictObject({
  schema_version: z.literal(1),
  sink: z.string(),
  streams: z.record(z.string(), z.strictObject({ offset: z.number().int().nonnegative(), tail_sha256: z.string() })),
  snapshots: z.record(z.string(), z.string()),
});
type SyncState = z.infer<typeof SyncStateSchema>;

export interface SyncEngineOptions {
  readonly stateDir: string;
  readonly sink: Sink;
  readonly stateFile: string;
  readonly clock: Clock;
  /** Largest stream piece sent in one write (whole lines only). */
  readonly chunkBytes?: number;
}

/** What one pass did. */
export interface SyncPass {
  readonly files: number;
  readonly streamBytes: number;
  readonly snapshots: number;
  /** Streams whose local copy was cut back or rewritten, mirrored again from their start. */
  readonly rewritten: readonly string[];
  /** Age of the newest local change this pass carried to the sink when it arrived there, ms (null: nothing new). */
  readonly lagMs: number | null;
}

/**
 * Mirrors the telemetry of a state dir (`logs/` and every `accounts/<id>/logs/`: JSONL streams, JSON
 * snapshots and the config lineage; not the pino log) to a sink, incrementally: only the new whole lines
 * of a stream, only a snapshot that changed. Progress is recorded after every confirmed write, so a pass
 * killed at any instant resumes exactly there: the sink's copy is always a prefix of the local stream,
 * and it ends byte-identical.
 */
export class SyncEngine {
  private state: SyncState;
  /** Files whose copy at the sink was checked against the recorded progress in this run. */
  private readonly checked = new Set<string>();

  constructor(private readonly o: SyncEngineOptions) {
    const raw = readJsonSnapshot(o.stateFile);
    const parsed = raw === undefined ? undefined : SyncStateSchema.safeParse(raw);
    // another sink's progress says nothing about this one: start over (the sink copy is rewritten in place)
    this.state = parsed?.success === true && parsed.data.sink === o.sink.description ? parsed.data : { schema_version: 1, sink: o.sink.description, streams: {}, snapshots: {} };
  }

  async pass(): Promise<SyncPass> {
    let streamBytes = 0;
    let snapshots = 0;
    let newestChange: number | null = null;
    const rewritten: string[] = [];
    const files = telemetryFiles(this.o.stateDir);
    for (const rel of files) {
      const abs = path.join(this.o.stateDir, rel);
      if (rel.endsWith('.jsonl')) {
        const r = await this.syncStream(rel, abs);
        streamBytes += r.bytes;
        if (r.rewritten) rewritten.push(rel);
        if (r.bytes > 0) newestChange = Math.max(newestChange ?? 0, r.mtimeMs);
      } else if (await this.syncSnapshot(rel, abs)) {
        snapshots++;
        newestChange = Math.max(newestChange ?? 0, statSync(abs, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      }
    }
    return { files: files.length, streamBytes, snapshots, rewritten, lagMs: newestChange === null ? null : Math.max(0, this.o.clock.nowMs() - newestChange) };
  }

  private async syncStream(rel: string, abs: string): Promise<{ bytes: number; rewritten: boolean; mtimeMs: number }> {
    let fd: number;
    try {
      fd = openSync(abs, 'r');
    } catch {
      return { bytes: 0, rewritten: false, mtimeMs: 0 };
    }
    try {
      const stat = fstatSync(fd);
      let st = this.state.streams[rel] ?? { offset: 0, tail_sha256: '' };
      let rewritten = false;
      // the local stream was cut back (a dry-run rolled back to its commit) or rewritten: mirror it again
      if (st.offset > stat.size || (st.offset > 0 && tailSha(fd, st.offset) !== st.tail_sha256)) {
        await this.o.sink.truncate(rel, 0);
        st = { offset: 0, tail_sha256: '' };
        this.state.streams[rel] = st;
        this.save();
        rewritten = true;
      }
      // once per run: a copy the sink lost (a volume replaced, a file deleted) is resumed from what it holds
      if (!this.checked.has(rel)) {
        this.checked.add(rel);
        const held = (await this.o.sink.lengthOf(rel)) ?? 0;
        if (held < st.offset) {
          st = { offset: held, tail_sha256: tailSha(fd, held) };
          this.state.streams[rel] = st;
          this.save();
        }
      }
      const chunk = this.o.chunkBytes ?? 8 * 1024 * 1024;
      let sent = 0;
      while (st.offset < stat.size) {
        const want = Math.min(chunk, stat.size - st.offset);
        const buf = Buffer.allocUnsafe(want);
        const got = readFully(fd, buf, st.offset);
        // whole lines only: a line still being written (or torn) waits for the next pass
        const end = buf.lastIndexOf(10, got - 1) + 1;
        if (end <= 0) break;
        const piece = buf.subarray(0, end);
        await this.o.sink.appendAt(rel, st.offset, piece);
        const offset = st.offset + end;
        st = { offset, tail_sha256: tailSha(fd, offset) };
        this.state.streams[rel] = st;
        this.save();
        sent += end;
      }
      return { bytes: sent, rewritten, mtimeMs: stat.mtimeMs };
    } finally {
      closeSync(fd);
    }
  }

  private async syncSnapshot(rel: string, abs: string): Promise<boolean> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch {
      return false;
    }
    const sha = createHash('sha256').update(bytes).digest('hex');
    const lost = !this.checked.has(rel) && (await this.o.sink.lengthOf(rel)) === null;
    this.checked.add(rel);
    if (this.state.snapshots[rel] === sha && !lost) return false;
    await this.o.sink.putSnapshot(rel, bytes);
    this.state.snapshots[rel] = sha;
    this.save();
    return true;
  }

  private save(): void {
    writeJsonAtomic(this.o.stateFile, this.state);
  }
}

/** SHA-256 of the `TAIL_BYTES` before `offset`. */
function tailSha(fd: number, offset: number): string {
  const from = Math.max(0, offset - TAIL_BYTES);
  const buf = Buffer.alloc(offset - from);
  const got = readFully(fd, buf, from);
  return createHash('sha256').update(buf.subarray(0, got)).digest('hex');
}

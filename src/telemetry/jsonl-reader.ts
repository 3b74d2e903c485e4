import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import type { z } from 'zod';
import { StorageError } from '../core/errors.js';

/** A line that is not valid JSON or fails its record schema. */
export interface BadLine {
  readonly line: number;
  readonly offset: number;
  readonly reason: string;
}

/** Result of reading a JSONL stream. */
export interface JsonlRead<T> {
  readonly records: T[];
  /** Byte offset just after the last complete line: where an incremental reader resumes. */
  readonly endOffset: number;
  /** A last line without its newline (a write in progress, or torn by a crash): skipped and reported. */
  readonly tornTail: { readonly offset: number; readonly bytes: number } | null;
  /** Complete lines that did not parse or validate; they are reported, never silently dropped. */
  readonly badLines: BadLine[];
}

/**
 * Reads JSON Lines from `fromOffset`, tolerating a torn last line. With a zod `schema`, each record is
 * validated; lines that fail are listed in `badLines`. A missing file reads as empty.
 */
export function readJsonl<S extends z.ZodType>(file: string, schema?: S, fromOffset = 0): JsonlRead<z.infer<S>> {
  const records: z.infer<S>[] = [];
  const scan = scanJsonl(file, schema, (r) => records.push(r), fromOffset);
  return { records, ...scan };
}

/** What `scanJsonl` says of the lines it read: `readJsonl`'s answer but for the records. */
export type JsonlScan = Omit<JsonlRead<unknown>, 'records'>;

/**
 * `readJsonl`, a record at a time: each valid record of the complete lines from `fromOffset` to the end the
 * file had when opened goes to `onRecord`, and the file is read `chunkBytes` at a time, so a fold of a stream
 * holds neither the file nor its records (a year of a 60-s loop's NAV log is ~430 MB of ~525,000 records).
 */
export function scanJsonl<S extends z.ZodType>(file: string, schema: S | undefined, onRecord: (record: z.infer<S>) => void, fromOffset = 0, chunkBytes = 1 << 20): JsonlScan {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { endOffset: 0, tornTail: null, badLines: [] };
    throw new StorageError(file, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  const badLines: BadLine[] = [];
  try {
    const size = fstatSync(fd).size;
    // `buf[0, held)` is the file from `base`: a line begun in the chunk before, then what was just read
    let buf = Buffer.alloc(Math.max(0, Math.min(chunkBytes, size - fromOffset)));
    let held = 0;
    let base = fromOffset;
    let lineNo = 0;
    while (base + held < size) {
      if (held === buf.length) {
        // a line longer than what is held: room for another chunk of it
        const bigger = Buffer.alloc(Math.min(buf.length + chunkBytes, size - base));
        buf.copy(bigger, 0, 0, held);
        buf = bigger;
      }
      const n = readSync(fd, buf, held, buf.length - held, base + held);
      if (n === 0) break;
      held += n;
      // what is held (the buffer's bytes beyond it are stale)
      const data = buf.subarray(0, held);
      let start = 0;
      for (;;) {
        const nl = data.indexOf(10, start);
        if (nl < 0) break;
        lineNo++;
        const text = data.toString('utf8', start, nl);
        if (text.trim().length > 0) {
          try {
            const value = JSON.parse(text) as unknown;
            if (schema === undefined) onRecord(value as z.infer<S>);
            else {
              const r = schema.safeParse(value);
              if (r.success) onRecord(r.data);
              else badLines.push({ line: lineNo, offset: base + start, reason: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
            }
          } catch {
            badLines.push({ line: lineNo, offset: base + start, reason: 'not valid JSON' });
          }
        }
        start = nl + 1;
      }
      // the start of the next line moves to the front
      buf.copy(buf, 0, start, held);
      held -= start;
      base += start;
    }
    return { endOffset: base, tornTail: held > 0 ? { offset: base, bytes: held } : null, badLines };
  } finally {
    closeSync(fd);
  }
}

/**
 * The newest records of a JSON Lines stream, read backwards from its end a chunk at a time, for a reader
 * that needs the last records of a stream that grows for months (a 60-s executor loop appends ~525,000
 * NAV records a year) and not the rest. Records come newest first to `keep(record, newest)`; reading stops
 * at the first it does not keep (that one is left out) or at the start of the file. A last line without
 * its newline (a write in progress) and lines that do not parse or validate are skipped. Returns the kept
 * records oldest first, as `readJsonl` would list them. A missing file reads as empty. A stream cut back
 * while it is read (an executor restarting cuts its streams to its last commit) is read again from its new
 * end, up to three times.
 */
export function readJsonlTail<S extends z.ZodType>(file: string, schema: S, keep: (record: z.infer<S>, newest: z.infer<S>) => boolean, chunkBytes = 1 << 16): z.infer<S>[] {
  for (let attempt = 1; ; attempt++) {
    const kept = readTailOnce(file, schema, keep, chunkBytes);
    if (kept !== 'shrank') return kept;
    if (attempt === 3) throw new StorageError(file, 'shrank while being read, three times in a row');
  }
}

/** One pass of `readJsonlTail`; 'shrank' when the stream got shorter while the pass read it. */
function readTailOnce<S extends z.ZodType>(file: string, schema: S, keep: (record: z.infer<S>, newest: z.infer<S>) => boolean, chunkBytes: number): z.infer<S>[] | 'shrank' {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StorageError(file, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  const kept: z.infer<S>[] = [];
  try {
    const size = fstatSync(fd).size;
    let pos = size;
    // bytes after `pos` not yet parsed: the end of a line whose start lies before `pos`
    let carry = Buffer.alloc(0);
    let seenEnd = false;
    while (pos > 0) {
      const start = Math.max(0, pos - chunkBytes);
      const buf = Buffer.alloc(pos - start);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, start + got);
        if (n === 0) return 'shrank';
        got += n;
      }
      pos = start;
      let data = carry.length === 0 ? buf : Buffer.concat([buf, carry]);
      if (!seenEnd) {
        // what follows the last newline is a line still being written: not a record yet
        const nl = data.lastIndexOf(10);
        if (nl < 0) {
          carry = data;
          continue;
        }
        data = data.subarray(0, nl + 1);
        seenEnd = true;
      }
      // data ends with a newline; each line ends at one, and starts after the one before (or at byte 0)
      let end = data.length - 1;
      for (;;) {
        const nl = end > 0 ? data.lastIndexOf(10, end - 1) : -1;
        if (nl < 0 && pos > 0) {
          carry = data.subarray(0, end + 1);
          break;
        }
        const text = data.toString('utf8', nl + 1, end);
        if (text.trim().length > 0) {
          let value: unknown;
          let valid = true;
          try {
            value = JSON.parse(text) as unknown;
          } catch {
            valid = false;
          }
          const r = valid ? schema.safeParse(value) : undefined;
          if (r?.success === true) {
            const record = r.data as z.infer<S>;
            if (!keep(record, kept[0] ?? record)) return fstatSync(fd).size < size ? 'shrank' : kept.reverse();
            kept.push(record);
          }
        }
        if (nl < 0) break;
        end = nl;
      }
    }
    // cut back below where this pass started: records it kept from the end may be gone
    return fstatSync(fd).size < size ? 'shrank' : kept.reverse();
  } finally {
    closeSync(fd);
  }
}

/** A `readJsonlTail` predicate that keeps the newest record only. */
export function newestOnly<T>(record: T, newest: T): boolean {
  return record === newest;
}

/** Where a follower of a stream stands: the end of the last complete line it read, and the bytes before it. */
export interface FollowPosition {
  readonly offset: number;
  /** Up to 64 bytes before `offset`, hex: the stream still holds them there unless it was rewritten. */
  readonly before: string;
}

/**
 * A JSON Lines stream followed across calls (and, by its `position`, across processes): each call of `each()` parses
 * only the complete lines appended since the last, validated by `schema`. A stream rewritten since — shorter,
 * or other bytes where the last read ended (a replay's restart cuts its streams back) — is read again from
 * its start, and `each()` says so first (`onRestart`), so that the caller folds again from nothing.
 */
export class JsonlFollower<S extends z.ZodType> {
  private at: FollowPosition;
  constructor(
    readonly file: string,
    private readonly schema: S,
    from: FollowPosition = { offset: 0, before: '' },
  ) {
    this.at = from;
  }

  get position(): FollowPosition {
    return this.at;
  }

  /** Whether the stream no longer holds what was read of it: shorter, or other bytes before where reading stopped. */
  rewritten(): boolean {
    return this.at.offset > 0 && bytesBefore(this.file, this.at.offset) !== this.at.before;
  }

  /** Reads from the start again at the next call. */
  rewind(): void {
    this.at = { offset: 0, before: '' };
  }

  /**
   * The complete lines appended since the last call, a record at a time to `onRecord` (see `scanJsonl`): a
   * fold of them holds none of the records. `onRestart` is called first when the stream was rewritten (its
   * records then come from its start).
   */
  each(onRecord: (record: z.infer<S>) => void, onRestart?: () => void): { readonly badLines: number; readonly restarted: boolean } {
    const restarted = this.rewritten();
    if (restarted) onRestart?.();
    const r = scanJsonl(this.file, this.schema, onRecord, restarted ? 0 : this.at.offset);
    this.at = { offset: r.endOffset, before: bytesBefore(this.file, r.endOffset) };
    return { badLines: r.badLines.length, restarted };
  }
}

/** Up to 64 bytes of `file` before `offset`, hex; '' when the file is missing or shorter: what says a stream still holds what was read of it. */
export function bytesBefore(file: string, offset: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const n = Math.min(64, offset);
    const buf = Buffer.alloc(n);
    return readSync(fd, buf, 0, n, offset - n) === n ? buf.toString('hex') : '';
  } finally {
    closeSync(fd);
  }
}

import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StorageError } from '../core/errors.js';
import { fsyncDir } from './atomic-json.js';

/**
 * When appended records reach the disk:
 * - `every`: fsync after each record; `append` returns only once the record is durable (orders, vetoes).
 * - `batch`: fsync when `flush()` is called, e.g. once per executor cycle (NAV, health streams).
 * - `none`: leave it to the OS (logs of no consequence).
 */
export type FsyncPolicy = 'every' | 'batch' | 'none';

/** What the writer found and mended when it opened the file. */
export interface OpenReport {
  /** Bytes of a torn last line (no trailing newline) that were cut off, 0 when the file was clean. */
  readonly truncatedBytes: number;
  /** Size of the file after opening. */
  readonly sizeBytes: number;
}

/**
 * Append-only JSON Lines writer. Each record is serialised to one line and written with a single
 * `write` call on an O_APPEND descriptor, so concurrent readers never see half a record from a live
 * writer. A line left torn by a crash (power loss, full disk) is cut off when the next writer opens
 * the file: it was never reported as written, and keeping it would glue it to the next record.
 */
/** Where records go, one JSON object per line (the kernel writes orders and vetoes to one). */
export interface RecordSink {
  append(record: unknown): void;
  /** Nothing is kept (a backtest without files, a sweep point): a writer may skip building the records. */
  readonly discards?: true;
}

/** The sink of records nobody reads. */
export const discardRecords: RecordSink = { append: () => undefined, discards: true };

export class JsonlWriter implements RecordSink {
  private fd: number | undefined;
  private dirty = false;
  readonly opened: OpenReport;

  constructor(readonly file: string, readonly policy: FsyncPolicy = 'every') {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      this.fd = openSync(file, 'a+', 0o644);
      this.opened = this.repairTail(this.fd);
      if (this.opened.sizeBytes === 0) fsyncDir(path.dirname(file));
    } catch (err) {
      throw new StorageError(file, `cannot open for append: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Appends one record; with policy `every` it is on disk when this returns. */
  append(record: unknown): void {
    this.appendLine(JSON.stringify(record));
  }

  /** Appends many records in one write (and at most one fsync). */
  appendMany(records: readonly unknown[]): void {
    if (records.length === 0) return;
    this.write(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  }

  /** Appends a line already serialised (must not contain a newline). */
  appendLine(line: string): void {
    if (line.includes('\n')) throw new StorageError(this.file, 'a JSONL record must not contain a newline');
    this.write(`${line}\n`);
  }

  /** Forces buffered appends to disk (policy `batch`). */
  flush(): void {
    if (this.fd !== undefined && this.dirty) {
      fsyncSync(this.fd);
      this.dirty = false;
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }

  private write(text: string): void {
    if (this.fd === undefined) throw new StorageError(this.file, 'writer is closed');
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    if (this.policy === 'every') fsyncSync(this.fd);
    else if (this.policy === 'batch') this.dirty = true;
  }

  private repairTail(fd: number): OpenReport {
    const size = fstatSync(fd).size;
    if (size === 0) return { truncatedBytes: 0, sizeBytes: 0 };
    const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
    let end = size;
    // find the last newline, reading backwards in chunks
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const idx = chunk.subarray(0, n).lastIndexOf(10);
      if (idx >= 0) {
        const keep = start + idx + 1;
        if (keep === size) return { truncatedBytes: 0, sizeBytes: size };
        ftruncateSync(fd, keep);
        fsyncSync(fd);
        return { truncatedBytes: size - keep, sizeBytes: keep };
      }
      end = start;
    }
    ftruncateSync(fd, 0);
    fsyncSync(fd);
    return { truncatedBytes: size, sizeBytes: 0 };
  }
}

/**
 * A JSONL file written in large chunks, for runs whose output is only read after they end (a backtest):
 * records are kept in memory and written (and fsynced) when `bufferBytes` is exceeded and at `close`. The
 * file is opened (created, or emptied) at the first write, not before: a run that fails before it writes
 * holds no descriptor and leaves the previous run's file as it was.
 */
export class BufferedJsonlWriter implements RecordSink {
  private lines: string[] = [];
  private bytes = 0;
  private fd: number | null = null;
  constructor(readonly file: string, private readonly bufferBytes = 1 << 20) {}

  append(record: unknown): void {
    const line = JSON.stringify(record);
    this.lines.push(line);
    this.bytes += line.length + 1;
    if (this.bytes >= this.bufferBytes) this.drain();
  }

  close(): void {
    this.drain();
    const fd = this.open();
    this.fd = null;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, 'w', 0o644);
    } catch (err) {
      throw new StorageError(this.file, `cannot open for writing: ${(err as Error).message}`, { cause: err });
    }
    return this.fd;
  }

  private drain(): void {
    if (this.lines.length === 0) return;
    const fd = this.open();
    const buf = Buffer.from(`${this.lines.join('\n')}\n`, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    this.lines = [];
    this.bytes = 0;
  }
}

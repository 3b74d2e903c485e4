import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StorageError } from '../core/errors.js';

/**
 * Replaces `file` with the JSON of `value` so that a reader, or a crash at any instant, sees either
 * the old complete file or the new complete file: write a temp file beside it, fsync it, rename it
 * over the target (atomic on POSIX), then fsync the directory so the rename itself is durable.
 */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeTextAtomic(file, `${JSON.stringify(value)}\n`);
}

/** Replaces `file` with `text` (or bytes) atomically and durably (see `writeJsonAtomic`). */
export function writeTextAtomic(file: string, text: string | Uint8Array): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, 'wx', 0o644);
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
    fsyncDir(dir);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was renamed or never created
    }
    throw new StorageError(file, `atomic write failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads a JSON snapshot; `undefined` when the file does not exist. Throws `StorageError` on bad JSON. */
export function readJsonSnapshot(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StorageError(file, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StorageError(file, 'snapshot is not valid JSON');
  }
}

/** Makes a directory entry change (create, rename) durable. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { StorageError } from '../core/errors.js';
import type { DirSinkSchema } from '../config/schemas/sync.js';
import { fsyncDir, writeTextAtomic } from '../telemetry/atomic-json.js';
import type { Sink, SinkPlugin } from './sink.js';

/**
 * The `dir` sink (the embedded default): another directory, e.g. a mounted volume, holding the same
 * files at the same relative paths under `<path>/<node_id>/`. A stream is cut to the offset, written
 * there with positional writes and fsynced; a snapshot goes through a temp file and a rename.
 */
export class DirSink implements Sink {
  readonly description: string;
  constructor(private readonly root: string) {
    this.description = `dir:${root}`;
  }

  async appendAt(rel: string, offset: number, bytes: Buffer): Promise<void> {
    const file = path.join(this.root, rel);
    this.withFile(file, (fd) => {
      ftruncateSync(fd, offset);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, offset + done);
      fsyncSync(fd);
    });
    if (offset === 0) fsyncDir(path.dirname(file));
  }

  async truncate(rel: string, length: number): Promise<void> {
    this.withFile(path.join(this.root, rel), (fd) => {
      ftruncateSync(fd, length);
      fsyncSync(fd);
    });
  }

  async lengthOf(rel: string): Promise<number | null> {
    return Promise.resolve(statSync(path.join(this.root, rel), { throwIfNoEntry: false })?.size ?? null);
  }

  async putSnapshot(rel: string, bytes: Buffer): Promise<void> {
    writeTextAtomic(path.join(this.root, rel), bytes);
  }

  async close(): Promise<void> {
    return Promise.resolve();
  }

  /** Opens the mirror copy for positional writes (created if missing; never O_APPEND, which ignores offsets). */
  private withFile(file: string, use: (fd: number) => void): void {
    let fd: number | undefined;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      closeSync(openSync(file, 'a'));
      fd = openSync(file, 'r+');
      use(fd);
    } catch (err) {
      throw new StorageError(file, `cannot write the mirror copy: ${(err as Error).message}`, { cause: err });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

export const dirSinkPlugin: SinkPlugin<z.infer<typeof DirSinkSchema>> = {
  name: 'dir',
  create: (config, ctx) => Promise.resolve(new DirSink(path.join(path.resolve(ctx.stateDir, config.path), ctx.nodeId))),
};

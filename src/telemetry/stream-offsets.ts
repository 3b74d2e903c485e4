import { existsSync, readSync, statSync, truncateSync } from 'node:fs';
import type { StatePaths } from './state-paths.js';

/** Reads `buf.length` bytes at `position` (fewer at the end of the file); how many were read. */
export function readFully(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Byte length of a stream (0 when it does not exist yet). */
export function streamSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** Cuts a stream back to `size` bytes when it is longer: what was appended after a commit goes. */
export function cutStream(file: string, size: number): void {
  if (streamSize(file) > size) truncateSync(file, size);
}

/** Lengths of the executor's streams, as a commit records them. */
export interface StreamOffsets {
  readonly orders: number;
  readonly vetoes: number;
  readonly nav: number;
  /** The router-health change log (absent in commits of older builds: left as it is). */
  readonly router_health?: number | undefined;
}

export function executorStreamOffsets(p: StatePaths): StreamOffsets {
  return { orders: streamSize(p.orders), vetoes: streamSize(p.vetoes), nav: streamSize(p.nav), router_health: streamSize(p.routerHealthLog) };
}

/** Cuts the executor's streams back to a commit's offsets: a restart redoes the cycle that was half written. */
export function cutExecutorStreams(p: StatePaths, o: StreamOffsets): void {
  cutStream(p.orders, o.orders);
  cutStream(p.vetoes, o.vetoes);
  cutStream(p.nav, o.nav);
  if (o.router_health !== undefined) cutStream(p.routerHealthLog, o.router_health);
}

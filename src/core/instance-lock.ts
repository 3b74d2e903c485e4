import { linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, closeSync, fsyncSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isoOf, systemClock, type Clock } from './clock.js';
import { HedgeError, ExitCode } from './errors.js';

/** Another live process already runs this service on this account and state dir. */
export class AlreadyRunningError extends HedgeError {
  readonly code = 'ALREADY_RUNNING';
  readonly retryable = false;
  readonly exitCode = ExitCode.Runtime;
}

/** What a lock file holds: enough for an operator to find the holder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly service: string;
  readonly account: string;
  readonly started: string;
  /** Linux: the kernel's boot id when the lock was taken (a lock from before a reboot is stale). */
  readonly boot_id?: string;
  /** Linux: the holder's start time in clock ticks since boot (/proc/<pid>/stat field 22); a pid that now names a process or thread started at another tick was reused. */
  readonly start_ticks?: number;
}

/** A held lock; `release` removes the file only if it is still ours. */
export interface InstanceLock {
  readonly file: string;
  release(): void;
}

/** Where the lock of one service on one account lives under a state dir. */
export function instanceLockFile(cacheDir: string, service: string, account: string): string {
  return path.join(cacheDir, `${service}_${account}.lock`);
}

/**
 * Takes the single-instance lock of a service on one account. The file is created exclusively
 * (`wx`); a lock left by a process that died (SIGKILL, power loss) is recognised and taken over:
 * its pid no longer exists, is our own pid (a container restarted us as the same pid), or was
 * reused: on Linux it now names a thread, a process started at another tick than the one recorded,
 * or the machine has rebooted since; elsewhere, a process that is not node. A lock held by a live
 * process, or by another host (a shared volume, where the pid cannot be checked), refuses with the
 * holder's details.
 */
export function acquireInstanceLock(file: string, service: string, account: string, clock: Clock = systemClock): InstanceLock {
  mkdirSync(path.dirname(file), { recursive: true });
  const self = procIdentity(process.pid);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), service, account, started: isoOf(clock.nowMs()), ...(self === undefined ? {} : { boot_id: self.bootId, start_ticks: self.startTicks }) };
  const body = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, body)) return { file, release: () => releaseIfOurs(file) };
    const raw = readIfExists(file);
    if (raw === null) continue; // vanished between the two calls: try again
    const holder = parseHolder(raw);
    if (holder !== undefined && !isStale(holder)) throw refusal(file, raw);
    // stale: move it aside under a private name, check that what moved is what was judged, then retry
    const aside = `${file}.stale.${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue;
    }
    const moved = readIfExists(aside);
    if (moved !== raw) {
      // a live process took the lock between our read and our rename: give it back and refuse
      try {
        linkSync(aside, file);
      } catch {
        /* someone else holds it again; their lock stands */
      }
      unlinkQuiet(aside);
      throw refusal(file, moved);
    }
    unlinkQuiet(aside);
  }
  throw refusal(file, readIfExists(file));
}

function tryCreate(file: string, body: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string') return v as LockHolder;
  } catch {
    /* a torn or empty file: the holder died while writing it */
  }
  return undefined;
}

/** Whether a process with this pid exists on this machine (signal 0: EPERM means it exists, ESRCH that it does not). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function isStale(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return false;
  if (h.pid === process.pid) return true;
  if (!pidAlive(h.pid)) return true;
  // the pid is alive. PIDs wrap (pid_max is often 32768, and every thread takes one from the same
  // space), so after a SIGKILL the number can name a thread of some long-lived process, which
  // kill(pid, 0) and /proc/<pid>/cmdline both accept: on Linux compare the process's identity
  const now = procIdentity(h.pid);
  if (now !== undefined) {
    if (now.tgid !== h.pid) return true; // a thread of another process, not a process
    if (h.boot_id !== undefined && h.boot_id !== now.bootId) return true; // written before a reboot
    if (h.start_ticks !== undefined) return h.start_ticks !== now.startTicks;
  }
  // no recorded identity (another platform, or a lock written by an older hedge): a live node process is the holder
  try {
    const cmd = readFileSync(`/proc/${h.pid}/cmdline`, 'utf8');
    return !/node/.test(cmd);
  } catch {
    return false;
  }
}

interface ProcIdentity {
  readonly bootId: string;
  readonly startTicks: number;
  readonly tgid: number;
}

/** Linux only: what names a process beyond its reusable pid (undefined elsewhere, or if it is gone). */
export function procIdentity(pid: number): ProcIdentity | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]); // field 22 of the whole line; fields[0] is field 3
    const tgid = Number(/^Tgid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    if (!Number.isSafeInteger(startTicks) || !Number.isSafeInteger(tgid) || bootId === '') return undefined;
    return { bootId, startTicks, tgid };
  } catch {
    return undefined;
  }
}

/** The refusal names the holder as its lock file records it (`raw`, as read; null or torn when unknown). */
function refusal(file: string, raw: string | null): AlreadyRunningError {
  const h: Partial<LockHolder> = parseHolder(raw ?? '') ?? {};
  return new AlreadyRunningError(
    `another ${h.service ?? 'hedge'} already runs ${h.service === 'sync' ? 'node' : 'account'} "${h.account ?? '?'}" on this state dir: pid ${h.pid ?? '?'} on ${h.host ?? 'unknown host'}, started ${h.started ?? '?'} (lock ${file}). ` +
      `${h.service === 'executor' ? 'Nothing was traded' : 'Nothing was done'}. Stop that process first; if it is gone (another host sharing this volume), delete the lock file.`,
  );
}

function releaseIfOurs(file: string): void {
  const raw = readIfExists(file);
  const h = raw === null ? undefined : parseHolder(raw);
  if (h?.pid === process.pid && h.host === os.hostname()) unlinkQuiet(file);
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/**
 * The only module that reads the wall clock or schedules timers. Everything else takes a `Clock`,
 * which is what lets backtest, dry-run and production run the same code.
 */

/** Source of time for a component. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** The wall clock, for dry-run and production. */
export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** A clock moved by its owner: the replay feed in backtests, or a test. `sleep` advances it. */
export class ManualClock implements Clock {
  constructor(private currentMs: number) {}
  nowMs(): number {
    return this.currentMs;
  }
  /** Moves the clock to `ms`; time never goes backwards. */
  setMs(ms: number): void {
    if (ms > this.currentMs) this.currentMs = ms;
  }
  sleep(ms: number): Promise<void> {
    this.currentMs += Math.max(0, ms);
    return Promise.resolve();
  }
}

/**
 * The venue's clock: the wall clock corrected by an offset the venue measured (its server time minus
 * ours). The live kernel decides on the venue's time, so a host clock that drifted never takes a bar
 * that is still forming at the venue for closed.
 */
export class OffsetClock implements Clock {
  constructor(private readonly offsetMs: () => number) {}
  nowMs(): number {
    return Date.now() + this.offsetMs();
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** Sleeps `ms` of `clock`'s time in short steps; returns true as soon as `stop` is aborted (a service's wait between cycles). */
export async function sleepUnlessStopped(clock: Clock, ms: number, stop: AbortSignal | undefined): Promise<boolean> {
  const end = clock.nowMs() + ms;
  while (clock.nowMs() < end) {
    if (stop?.aborted) return true;
    await clock.sleep(Math.min(100, end - clock.nowMs()));
  }
  return stop?.aborted ?? false;
}

/** Shared wall clock for code that runs outside any kernel (commands, audit). */
export const systemClock: Clock = new SystemClock();

/** ISO-8601 UTC text of an epoch-millisecond instant (as `toISOString`, by calendar arithmetic). */
export { isoOf } from './iso-time.js';

/** Parses an ISO-8601 date or date-time (UTC when no offset is given) into epoch ms, or `undefined`. */
export function parseIsoMs(text: string): number | undefined {
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Measures elapsed wall time for latency figures (never for decisions, which read the injected Clock). */
export class Stopwatch {
  private readonly start = performance.now();
  elapsedMs(): number {
    return performance.now() - this.start;
  }
}

/**
 * Measures the CPU time (user + system) the whole process has used since it was made: every thread, so a
 * sweep's workers and V8's compiler and garbage-collector threads too. Over a wall-clock span, CPU / wall
 * is the number of cores the process kept busy.
 */
export class CpuStopwatch {
  private readonly start = process.cpuUsage();
  elapsedMs(): number {
    const d = process.cpuUsage(this.start);
    return (d.user + d.system) / 1000;
  }
}

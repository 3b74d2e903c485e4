import os from 'node:os';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Metrics } from '../backtest/metrics.js';
import type { SweepPoint } from '../backtest/sweep-grid.js';
import type { CandleSeries } from '../domain/candle.js';
import type { BacktestOptions, BacktestResult } from './backtest.js';

/** What every point of a sweep shares: the grid's strategy, symbols, range and costs. */
export type PointBase = Pick<BacktestOptions, 'strategies' | 'symbols' | 'timeframe' | 'fromMs' | 'toMs' | 'navUsd' | 'fee' | 'slippageBps' | 'execution' | 'resumeNextDay'>;

/** Main thread → worker: run this point. */
export interface PointRequest {
  readonly id: string;
  readonly params: string[];
  /** A window of the grid's range (walk-forward), and the NAV it starts with. */
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  readonly navUsd?: number | undefined;
  readonly keepCurve?: boolean | undefined;
}

/** What a sweep keeps of a point's backtest. */
export interface PointSummary {
  readonly final_equity: number;
  readonly metrics: Metrics;
  readonly orders: BacktestResult['orders'];
  readonly config_fingerprint: string;
  readonly run_ms: number;
}

/** Main thread → worker, before any point: the bars, by the keys of a backtest's series memo. */
export interface PreloadedBars {
  readonly bars: readonly (readonly [string, CandleSeries])[];
}

/** Worker → main thread. */
export type PointReply =
  | { readonly id: string; readonly ok: true; readonly summary: PointSummary; readonly curve?: { readonly ts: Float64Array; readonly nav: Float64Array } }
  | { readonly id: string; readonly ok: false; readonly error: string };

/**
 * V8 work that runs on threads beside a worker: optimising compiles (TurboFan's concurrent recompilation)
 * and the parallel tasks of young-generation collections. Beside one worker on two cores they run on the
 * idle core and shorten the sweep; once the workers take every core they only take turns with the workers,
 * and cost more CPU than the same work done on the worker's own thread (a 64-point sweep on two workers of a
 * two-core machine, eight interleaved pairs: 6.01 s and 11.63 s of CPU without them, 6.46 s and 12.34 s
 * with; one worker with them off took 10.14 s against 8.78 s with them on).
 */
const HELPER_FLAGS = ['concurrent-recompilation', 'parallel-scavenge'] as const;

/**
 * The helper flags a pool of `workers` turns off for as long as it runs: none unless the workers take every
 * one of the `cores`, and none that the process was started with (`given`: node's arguments and
 * NODE_OPTIONS, either spelling), which are the operator's to set.
 */
export function helperFlagsToTurnOff(workers: number, cores: number, given: readonly string[]): string[] {
  if (workers < cores) return [];
  const named = given.map((a) => a.replaceAll('_', '-'));
  return HELPER_FLAGS.filter((f) => !named.some((a) => a.endsWith(`-${f}`) || a.includes(`-${f}=`)));
}

/** The flags turned off by the pools still open, restored when the last one closes. */
let helpersOff: { readonly flags: readonly string[]; pools: number } | null = null;

/** Worker threads that run backtests, one at a time each. */
export class SweepPool {
  private readonly workers: Worker[];
  private holdsHelpers = false;
  /** The helper flags off while this pool runs (reported in the summaries: they change the CPU a run takes). */
  readonly helperFlagsOff: readonly string[];
  constructor(size: number, workerData: unknown) {
    // built: sweep-worker.js beside this file; run from the sources (bin/dev.js), its .ts through tsx
    const script = new URL(import.meta.url.endsWith('.ts') ? './sweep-worker.ts' : './sweep-worker.js', import.meta.url);
    // before the workers start: a worker's isolate reads the compile flag when it is made
    const flags = helperFlagsToTurnOff(size, os.availableParallelism(), [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)]);
    if (flags.length > 0) {
      if (helpersOff === null) {
        v8.setFlagsFromString(flags.map((f) => `--no-${f}`).join(' '));
        helpersOff = { flags, pools: 0 };
      }
      helpersOff.pools++;
      this.holdsHelpers = true;
    }
    this.helperFlagsOff = flags;
    this.workers = Array.from({ length: size }, () => new Worker(script, { workerData }));
  }

  /**
   * Hands every worker the bars its points read; call before `run`. Each worker gets its own copy (a
   * structured clone, ~20 MB for the bundled universe): columns in a `SharedArrayBuffer` measured 6–8 %
   * slower per point (sma-cross at 4h on the 11 bundled symbols, a point run 40 times in one thread).
   */
  share(bars: ReadonlyMap<string, CandleSeries>): void {
    const m: PreloadedBars = { bars: [...bars] };
    for (const w of this.workers) w.postMessage(m);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs the requests, `onReply` for each as it ends; stops handing out new ones once `stop` aborts (returns true then). */
  run(requests: readonly PointRequest[], onReply: (reply: PointReply) => void, stop?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let next = 0;
      let busy = 0;
      let stopped = false;
      const listeners: [Worker, (m: PointReply) => void][] = [];
      const finish = () => {
        for (const [w, l] of listeners) {
          w.off('message', l);
          w.off('error', reject);
        }
        resolve(stopped);
      };
      const feed = (w: Worker) => {
        if (stop?.aborted === true) stopped = true;
        if (stopped || next >= requests.length) {
          if (busy === 0) finish();
          return;
        }
        busy++;
        w.postMessage(requests[next++]);
      };
      for (const w of this.workers) {
        const l = (m: PointReply) => {
          busy--;
          onReply(m);
          feed(w);
        };
        listeners.push([w, l]);
        w.on('message', l);
        w.on('error', reject);
      }
      if (requests.length === 0) return finish();
      stop?.addEventListener(
        'abort',
        () => {
          stopped = true;
          if (busy === 0) finish();
        },
        { once: true },
      );
      for (const w of this.workers) feed(w);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    if (this.holdsHelpers && helpersOff !== null) {
      this.holdsHelpers = false;
      if (--helpersOff.pools === 0) {
        v8.setFlagsFromString(helpersOff.flags.map((f) => `--${f}`).join(' '));
        helpersOff = null;
      }
    }
  }
}

/** `key=value` flags of a point. */
export function paramsOf(p: SweepPoint): string[] {
  return Object.entries(p).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

/** A line of results.jsonl: one finished point (a point the strategy refuses is finished too: it is not retried). */
export interface PointRecord {
  readonly schema_version: 1;
  readonly point: SweepPoint;
  readonly result: PointSummary | null;
  readonly error: string | null;
}

export function pointSummary(r: BacktestResult): PointSummary {
  return { final_equity: r.finalEquity, metrics: r.metrics.blended, orders: r.orders, config_fingerprint: r.configFingerprint, run_ms: r.timing.run_ms };
}


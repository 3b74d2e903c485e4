import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CpuStopwatch, Stopwatch, parseIsoMs } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import type { LoadedConfig } from '../config/load.js';
import { backtestConfig } from '../backtest/backtest-config.js';
import type { Metrics } from '../backtest/metrics.js';
import { strategyPlugins } from '../strategies/registry.js';
import { gridPoints, loadSweepGrid, pointId, sweepIdentity, type SweepGrid, type SweepPoint } from '../backtest/sweep-grid.js';
import { readJsonSnapshot, writeJsonAtomic, writeTextAtomic } from '../telemetry/atomic-json.js';
import { renderSweepPage } from '../backtest/report-page.js';
import { readJsonl } from '../telemetry/jsonl-reader.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import { preloadBars } from './backtest-bars.js';
import type { CandleSeries } from '../domain/candle.js';
import { paramsOf, SweepPool, type PointBase, type PointRecord } from './sweep-pool.js';
import { runWalkForward, type WalkForwardSummary } from './walk-forward.js';

export interface SweepOptions {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly gridFile: string;
  /** Default `<state-dir>/research/sweeps/<name>/`. */
  readonly outDir?: string | undefined;
  /** A UTC date (YYYY-MM-DD): the results go to a folder of that day inside the sweep's folder. */
  readonly dated?: string | undefined;
  /** Worker threads (default: every core the process may use). */
  readonly workers?: number | undefined;
  readonly stop?: AbortSignal | undefined;
  readonly onPoint?: ((done: number, total: number) => void) | undefined;
}

export interface SweepSummary {
  readonly schema_version: 1;
  readonly name: string;
  readonly strategy: string;
  readonly objective: SweepGrid['objective'];
  readonly points: number;
  /** Finished points, this run and earlier ones. */
  readonly done: number;
  /** Points this run ran (the others were in results.jsonl already). */
  readonly ran: number;
  readonly failed: number;
  readonly stopped: boolean;
  readonly workers: number;
  readonly wall_ms: number;
  /** CPU time of the process over the same span (every thread: the workers, V8's compiler and GC threads, this one); cpu_ms / wall_ms is the cores the sweep kept busy. */
  readonly cpu_ms: number;
  /**
   * V8 flags turned off while the workers ran (`concurrent-recompilation`, `parallel-scavenge`): when the
   * workers take every core, V8's compiles and young-generation collections run on each worker's own thread
   * instead of helper threads that would take turns with the workers. Empty with fewer workers than cores.
   */
  readonly v8_helpers_off: readonly string[];
  /** The finished points, best first by the objective (a point without a value for it last). */
  readonly ranking: { readonly point: SweepPoint; readonly value: number | null; readonly final_equity: number; readonly trades: number; readonly max_drawdown_pct: number }[];
  readonly best: { readonly point: SweepPoint; readonly metrics: Metrics; readonly final_equity: number } | null;
  readonly grid: SweepGrid;
  readonly files: { readonly results: string; readonly summary: string; readonly html: string; readonly manifest: string };
}

/**
 * `hedge backtest --sweep <grid.json>`: one backtest per point of the grid, on worker threads (the same
 * `runBacktest`, results in memory), each finished point appended to `results.jsonl` (fsynced) as it
 * comes. Run again, it skips the points already there, so an interrupted sweep (SIGINT, a kill, a
 * crash) resumes where it stopped; a folder of a sweep with another identity (strategy, range, costs,
 * parameter names, config) is refused.
 */
export async function runSweep(o: SweepOptions): Promise<SweepSummary | WalkForwardSummary> {
  const wall = new Stopwatch();
  const cpu = new CpuStopwatch();
  const grid = loadSweepGrid(o.gridFile);
  const outDir = path.resolve(o.outDir ?? path.join(o.stateDir, 'research', 'sweeps', grid.name), o.dated ?? '.');
  const files = { results: path.join(outDir, 'results.jsonl'), summary: path.join(outDir, 'summary.json'), html: path.join(outDir, 'summary.html'), manifest: path.join(outDir, 'sweep.json') };
  const base = baseOptions(grid);
  // what is wrong for every point is wrong with the grid: refused before any point runs
  const bt = backtestConfig(o.loaded.config, base);
  const plugin = strategyPlugins.get(o.loaded.config.strategy_registry.strategies[grid.strategy]?.plugin ?? grid.strategy);
  const known = Object.keys((plugin.params as unknown as { shape?: Record<string, unknown> }).shape ?? {});
  const unknown = Object.keys(grid.params).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new UsageError(`${o.gridFile}: params ${unknown.join(', ')}: ${plugin.name} has no such parameter (it has ${known.join(', ')})`);
  const identity = sweepIdentity(grid, o.loaded.fingerprint);
  const manifest = readJsonSnapshot(files.manifest) as { identity?: string } | undefined;
  if (manifest !== undefined && manifest.identity !== identity)
    throw new UsageError(`${outDir} holds another sweep (its strategy, range, costs, parameter names or config differ); give this one its own folder or remove that one`);
  if (manifest === undefined && existsSync(files.results)) throw new UsageError(`${files.results} exists without its sweep.json; give this sweep its own folder`);
  writeJsonAtomic(files.manifest, { schema_version: 1, identity, grid });

  const points = gridPoints(grid);
  /** Workers start (each loads the kernel) while this thread loads the bars once for all of them. */
  const startPool = (size: number): SweepPool => {
    const pool = new SweepPool(size, { loaded: o.loaded, stateDir: o.stateDir, base });
    try {
      const memo = new Map<string, CandleSeries>();
      const timeframes = new Set(bt.strategies.flatMap((id) => bt.config.strategy_config.strategies[id]?.timeframe ?? []));
      preloadBars(o.stateDir, bt.symbols, [...timeframes].filter((tf) => tf !== '1m'), memo);
      pool.share(memo);
    } catch (err) {
      void pool.close();
      throw err;
    }
    return pool;
  };
  if (grid.walk_forward !== undefined) {
    const pool = startPool(Math.max(1, Math.min(o.workers ?? os.availableParallelism(), points.length)));
    try {
      return await runWalkForward({
        grid, pool, startNav: bt.navUsd, fromMs: base.fromMs as number, toMs: base.toMs as number, stop: o.stop, onWindow: o.onPoint,
        files: { windows: path.join(outDir, 'windows.jsonl'), summary: files.summary, manifest: files.manifest },
      });
    } finally {
      await pool.close();
    }
  }
  // written as each point ends (a kill loses nothing written); fsynced every 2 s and at the end, not per point
  const results = new JsonlWriter(files.results, 'batch');
  let lastSync = wall.elapsedMs();
  const done = new Map<string, PointRecord>();
  for (const r of readJsonl(files.results).records as PointRecord[]) done.set(pointId(r.point), r);
  const todo = points.filter((p) => !done.has(pointId(p)));
  const workers = Math.max(1, Math.min(o.workers ?? os.availableParallelism(), todo.length));
  let ran = 0;
  let stopped = false;
  let helpersOff: readonly string[] = [];
  try {
    if (todo.length > 0) {
      const pool = startPool(workers);
      helpersOff = pool.helperFlagsOff;
      try {
        const byId = new Map(todo.map((p) => [pointId(p), p]));
        stopped = await pool.run(
          todo.map((p) => ({ id: pointId(p), params: paramsOf(p) })),
          (m) => {
            const rec: PointRecord = { schema_version: 1, point: byId.get(m.id) as SweepPoint, result: m.ok ? m.summary : null, error: m.ok ? null : m.error };
            results.append(rec);
            if (wall.elapsedMs() - lastSync > 2_000) {
              results.flush();
              lastSync = wall.elapsedMs();
            }
            done.set(m.id, rec);
            ran++;
            o.onPoint?.(done.size, points.length);
          },
          o.stop,
        );
      } finally {
        await pool.close();
      }
    }
  } finally {
    results.close();
  }
  const finished = points.flatMap((p) => {
    const r = done.get(pointId(p));
    return r === undefined ? [] : [r];
  });
  const valueOf = (r: PointRecord) => (r.result === null ? null : r.result.metrics[grid.objective]);
  const ranked = finished.filter((r) => r.result !== null).sort((a, b) => (valueOf(b) ?? -Infinity) - (valueOf(a) ?? -Infinity));
  const top = ranked[0];
  const summary: SweepSummary = {
    schema_version: 1, name: grid.name, strategy: grid.strategy, objective: grid.objective, points: points.length, done: finished.length, ran, failed: finished.filter((r) => r.error !== null).length,
    stopped, workers, wall_ms: wall.elapsedMs(), cpu_ms: cpu.elapsedMs(), v8_helpers_off: helpersOff,
    ranking: ranked.map((r) => ({ point: r.point, value: valueOf(r), final_equity: r.result?.final_equity ?? 0, trades: r.result?.metrics.trades ?? 0, max_drawdown_pct: r.result?.metrics.max_drawdown_pct ?? 0 })),
    best: top?.result === null || top === undefined ? null : { point: top.point, metrics: top.result.metrics, final_equity: top.result.final_equity },
    grid, files,
  };
  writeJsonAtomic(files.summary, summary);
  writeTextAtomic(
    files.html,
    renderSweepPage({ title: `hedge sweep · ${grid.name}`, subtitle: `${grid.strategy} · ${summary.done}/${summary.points} points · objective ${grid.objective}`, objective: grid.objective, params: grid.params, ranking: summary.ranking }),
  );
  return summary;
}

/** The backtest every point shares: the grid's strategy, symbols, range and costs. */
function baseOptions(grid: SweepGrid): PointBase {
  const date = (field: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const ms = parseIsoMs(v);
    if (ms === undefined) throw new UsageError(`the grid's ${field} ${v}: expected an ISO date (2024-01-01) or date-time`);
    return ms;
  };
  return {
    strategies: [grid.strategy], symbols: grid.symbols, timeframe: grid.timeframe, fromMs: date('from', grid.from), toMs: date('to', grid.to), navUsd: grid.nav, fee: grid.fee, slippageBps: grid.slippage_bps,
    execution: grid.trade_on_close ? 'close' : 'next_open', resumeNextDay: grid.resume_next_day,
  };
}

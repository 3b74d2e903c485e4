import { annualisationOf, metricsOf, returnsOf, type Metrics } from '../backtest/metrics.js';
import { gridPoints, pointId, type SweepGrid, type SweepPoint } from '../backtest/sweep-grid.js';
import { CpuStopwatch, Stopwatch } from '../core/clock.js';
import { writeJsonAtomic } from '../telemetry/atomic-json.js';
import { readJsonl } from '../telemetry/jsonl-reader.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import { paramsOf, type PointSummary, type SweepPool } from './sweep-pool.js';

const DAY_MS = 86_400_000;

export type StitchedMetrics = Pick<Metrics, 'total_return_pct' | 'annualized_return_pct' | 'volatility_pct' | 'sharpe' | 'sortino' | 'calmar' | 'max_drawdown_pct' | 'max_drawdown_duration_days' | 'trades' | 'fees_usd' | 'funding_paid_usd'>;

/** One window of a walk-forward: the point the in-sample run chose and what it did out of sample. */
export interface WindowRecord {
  readonly schema_version: 1;
  readonly window: number;
  readonly in_sample: { readonly from: string; readonly to: string };
  readonly out_of_sample: { readonly from: string; readonly to: string };
  /** Null when no point of the grid could run in sample (every one refused). */
  readonly best: SweepPoint | null;
  readonly in_sample_value: number | null;
  readonly out_of_sample_value: number | null;
  readonly start_equity: number;
  readonly final_equity: number;
  readonly metrics: Metrics | null;
  /** The out-of-sample equity of every bar: [close time, NAV]. */
  readonly curve: readonly [number, number][];
}

export interface WalkForwardSummary {
  readonly schema_version: 1;
  readonly name: string;
  readonly strategy: string;
  readonly objective: SweepGrid['objective'];
  readonly windows: readonly Omit<WindowRecord, 'curve' | 'schema_version'>[];
  readonly stopped: boolean;
  /** The out-of-sample segments end to end (each starts with the equity the previous one ended with). */
  readonly stitched: {
    readonly start_equity: number; readonly final_equity: number; readonly bars: number;
    /** From the stitched curve (returns, risk, drawdown), and the windows' trades and fees added up. */
    readonly metrics: StitchedMetrics | null;
    readonly equity: { readonly ts: number[]; readonly nav_usd: number[] };
  };
  readonly wall_ms: number;
  /** CPU time of the process over the same span (every thread); cpu_ms / wall_ms is the cores the run kept busy. */
  readonly cpu_ms: number;
  /** V8 flags turned off while the workers ran, as a sweep's `v8_helpers_off`. */
  readonly v8_helpers_off: readonly string[];
  readonly files: { readonly windows: string; readonly summary: string; readonly manifest: string };
}

/**
 * Rolling walk-forward: the grid's range is cut into windows of `in_sample_days` followed by
 * `out_of_sample_days`, rolled by the out-of-sample length. Each window's points run in sample (on the
 * worker pool, bars before the window being warm-up history only), the best by the objective then trades
 * the next, unseen, out-of-sample stretch starting with the equity the previous stretch ended with.
 * Each finished window is appended to windows.jsonl; run again, the finished windows are kept.
 */
export async function runWalkForward(o: {
  grid: SweepGrid; pool: SweepPool; startNav: number; fromMs: number; toMs: number; files: WalkForwardSummary['files']; stop?: AbortSignal | undefined; onWindow?: ((done: number, total: number) => void) | undefined;
}): Promise<WalkForwardSummary> {
  const wall = new Stopwatch();
  const cpu = new CpuStopwatch();
  const { grid, pool } = o;
  const wf = grid.walk_forward as NonNullable<SweepGrid['walk_forward']>;
  const points = gridPoints(grid);
  const windows: { isFrom: number; isTo: number; oosFrom: number; oosTo: number }[] = [];
  for (let s = o.fromMs; s + wf.in_sample_days * DAY_MS < o.toMs; s += wf.out_of_sample_days * DAY_MS) {
    const isTo = s + wf.in_sample_days * DAY_MS;
    windows.push({ isFrom: s, isTo, oosFrom: isTo + 1, oosTo: Math.min(o.toMs, isTo + wf.out_of_sample_days * DAY_MS) });
  }
  const done = (readJsonl(o.files.windows).records as WindowRecord[]).filter((r) => r.window < windows.length);
  const out = new JsonlWriter(o.files.windows, 'every');
  let stopped = false;
  try {
    for (let k = done.length; k < windows.length; k++) {
      if (o.stop?.aborted === true) {
        stopped = true;
        break;
      }
      const w = windows[k] as (typeof windows)[number];
      const start = done.at(-1)?.final_equity ?? o.startNav;
      // in sample: every point, on every worker
      const inSample = new Map<string, PointSummary>();
      stopped = await pool.run(
        points.map((p) => ({ id: pointId(p), params: paramsOf(p), fromMs: w.isFrom, toMs: w.isTo, navUsd: start })),
        (m) => {
          if (m.ok) inSample.set(m.id, m.summary);
        },
        o.stop,
      );
      if (stopped) break;
      const valueOf = (s: PointSummary | undefined) => (s === undefined ? null : s.metrics[grid.objective]);
      let best: SweepPoint | null = null;
      for (const p of points) {
        const v = valueOf(inSample.get(pointId(p)));
        if (v !== null && (best === null || v > (valueOf(inSample.get(pointId(best))) ?? -Infinity))) best = p;
      }
      // out of sample: the chosen point on the bars it has not seen
      let oos: { summary: PointSummary; curve: [number, number][] } | null = null;
      if (best !== null) {
        const chosen = best;
        stopped = await pool.run([{ id: pointId(chosen), params: paramsOf(chosen), fromMs: w.oosFrom, toMs: w.oosTo, navUsd: start, keepCurve: true }], (m) => {
          if (m.ok && m.curve !== undefined) oos = { summary: m.summary, curve: Array.from(m.curve.ts, (t, i) => [t, m.curve?.nav[i] ?? 0] as [number, number]) };
        });
      }
      const got = oos as { summary: PointSummary; curve: [number, number][] } | null;
      const rec: WindowRecord = {
        schema_version: 1, window: k, in_sample: { from: new Date(w.isFrom).toISOString(), to: new Date(w.isTo).toISOString() }, out_of_sample: { from: new Date(w.oosFrom).toISOString(), to: new Date(w.oosTo).toISOString() },
        best, in_sample_value: best === null ? null : valueOf(inSample.get(pointId(best))), out_of_sample_value: got === null ? null : got.summary.metrics[grid.objective],
        start_equity: start, final_equity: got?.summary.final_equity ?? start, metrics: got?.summary.metrics ?? null, curve: got?.curve ?? [],
      };
      out.append(rec);
      done.push(rec);
      o.onWindow?.(done.length, windows.length);
    }
  } finally {
    out.close();
  }
  // the stitched out-of-sample curve and its figures
  const curve = done.flatMap((r) => r.curve);
  const ts = Float64Array.from(curve, (c) => c[0]);
  const nav = Float64Array.from(curve, (c) => c[1]);
  let barMs = Infinity;
  for (let i = 1; i < ts.length; i++) barMs = Math.min(barMs, (ts[i] as number) - (ts[i - 1] as number));
  const returns = returnsOf(nav, o.startNav);
  const stride = Math.max(1, Math.ceil(ts.length / 2_000));
  const summary: WalkForwardSummary = {
    schema_version: 1, name: grid.name, strategy: grid.strategy, objective: grid.objective, stopped,
    windows: done.map(({ curve: _c, schema_version: _v, ...w }) => w),
    stitched: {
      start_equity: o.startNav, final_equity: done.at(-1)?.final_equity ?? o.startNav, bars: ts.length,
      metrics: ts.length < 2 ? null : stitchedMetrics(metricsOf({ startUsd: o.startNav, levels: nav, returns, spanMs: ts.length * barMs, annualisation: annualisationOf(barMs), trades: [], exposedBars: 0, notionalUsd: 0, feesUsd: 0, fundingUsd: 0 }), done),
      equity: { ts: Array.from(ts).filter((_, i) => i % stride === 0), nav_usd: Array.from(nav).filter((_, i) => i % stride === 0) },
    },
    wall_ms: wall.elapsedMs(), cpu_ms: cpu.elapsedMs(), v8_helpers_off: o.pool.helperFlagsOff, files: o.files,
  };
  writeJsonAtomic(o.files.summary, summary);
  return summary;
}

function stitchedMetrics(m: Metrics, windows: readonly WindowRecord[]): StitchedMetrics {
  const sum = (f: (x: Metrics) => number) => windows.reduce((a, w) => a + (w.metrics === null ? 0 : f(w.metrics)), 0);
  return {
    total_return_pct: m.total_return_pct, annualized_return_pct: m.annualized_return_pct, volatility_pct: m.volatility_pct, sharpe: m.sharpe, sortino: m.sortino, calmar: m.calmar,
    max_drawdown_pct: m.max_drawdown_pct, max_drawdown_duration_days: m.max_drawdown_duration_days, trades: sum((x) => x.trades), fees_usd: sum((x) => x.fees_usd), funding_paid_usd: sum((x) => x.funding_paid_usd),
  };
}

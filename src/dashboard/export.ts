import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { watch } from 'chokidar';
import { sleepUnlessStopped, type Clock } from '../core/clock.js';
import { readJsonSnapshot, writeJsonAtomic, writeTextAtomic } from '../telemetry/atomic-json.js';
import { telemetryFiles } from '../telemetry/state-paths.js';
import { readFleet, type FleetSource } from '../sync/fleet.js';
import { buildDashboardData, type AccountFold, type DashboardData, type RiskLimitsView } from './model.js';
import { renderDashboardPage } from './page.js';

/** The page's title and refresh, and the limits its risk overview compares with. */
export interface PageOptions {
  readonly title: string;
  readonly refreshS: number;
  readonly limits?: RiskLimitsView | null;
}

export interface ExportResult {
  readonly out: string;
  readonly files: readonly string[];
  /** False when no telemetry changed since the last export: nothing was rewritten. */
  readonly written: boolean;
  readonly accounts: number;
  readonly ms: number;
}

/** Points a chart series keeps on the page: a year of hourly cycles whole, months of a 60-s loop thinned. */
export const PAGE_POINTS = 20_000;

/**
 * A `[ts, value]` series thinned to at most `max` + 2 points: each of `max / 2` runs of consecutive points
 * keeps its lowest and its highest, in time order, and the first and last points stay. A chart still shows
 * every peak and trough — the worst drawdown of the thinned series is the series' own — and what the page
 * reads off the ends (the first NAV, the last PnL) is unchanged.
 */
export function thinSeries(points: readonly (readonly [number, number])[], max = PAGE_POINTS): (readonly [number, number])[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / Math.max(1, Math.floor(max / 2)));
  const out: (readonly [number, number])[] = [];
  const keep = (i: number) => {
    const p = points[i] as readonly [number, number];
    if (out.at(-1) !== p) out.push(p);
  };
  keep(0);
  for (let s = 0; s < points.length; s += size) {
    const e = Math.min(points.length, s + size);
    let lo = s;
    let hi = s;
    for (let i = s + 1; i < e; i++) {
      const v = (points[i] as readonly [number, number])[1];
      if (v < (points[lo] as readonly [number, number])[1]) lo = i;
      if (v > (points[hi] as readonly [number, number])[1]) hi = i;
    }
    keep(Math.min(lo, hi));
    keep(Math.max(lo, hi));
  }
  keep(points.length - 1);
  return out;
}

/** The data as the page gets it: every chart series thinned to `PAGE_POINTS` (the figures are the whole data's). */
function forPage(data: DashboardData): DashboardData {
  const thin = <T extends readonly (readonly [number, number])[]>(xs: T) => thinSeries(xs) as unknown as T;
  return {
    ...data,
    accounts: data.accounts.map((a) => ({ ...a, nav: thin(a.nav), strategies: Object.fromEntries(Object.entries(a.strategies).map(([id, xs]) => [id, thin(xs)])) })),
    fund: data.fund === null ? null : { ...data.fund, nav: thin(data.fund.nav), index: thin(data.fund.index), rollingSharpe: thin(data.fund.rollingSharpe) },
  };
}

/** The telemetry files (and regime reports) the dashboard reads, with their sizes and mtimes: what "changed" means for an export. */
function inputsOf(stateDir: string): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  const regimes = path.join(stateDir, 'research', 'regimes');
  const reports = existsSync(regimes) ? readdirSync(regimes).map((f) => path.join('research', 'regimes', f)) : [];
  for (const rel of [...telemetryFiles(stateDir), ...reports]) {
    const st = statSync(path.join(stateDir, rel), { throwIfNoEntry: false });
    if (st !== undefined) out[rel] = [st.size, st.mtimeMs];
  }
  return out;
}

/**
 * `hedge dashboard-export`: folds the telemetry of `stateDir` into `<out>/data.json` and a self-contained
 * `<out>/index.html` (works from file://). Re-run, it rewrites nothing unless a telemetry file changed. With
 * `folds` kept between calls (`--watch`), an export reads only what was appended since the last.
 */
export function exportDashboard(stateDir: string, out: string, clock: Clock, page: PageOptions, folds?: Map<string, AccountFold>): ExportResult {
  const t0 = clock.nowMs();
  const stampFile = path.join(out, '.export_inputs.json');
  const inputs = inputsOf(stateDir);
  const files = [path.join(out, 'index.html'), path.join(out, 'data.json')];
  const same = JSON.stringify(readJsonSnapshot(stampFile) ?? null) === JSON.stringify(inputs) && files.every((f) => existsSync(f));
  if (same) return { out, files, written: false, accounts: 0, ms: clock.nowMs() - t0 };
  const data = forPage({ ...buildDashboardData(stateDir, clock.nowMs(), folds), limits: page.limits ?? null });
  writeTextAtomic(path.join(out, 'data.json'), JSON.stringify(data));
  writeTextAtomic(path.join(out, 'index.html'), renderDashboardPage(data, page));
  writeJsonAtomic(stampFile, inputs);
  return { out, files, written: true, accounts: data.accounts.length, ms: clock.nowMs() - t0 };
}

/**
 * `hedge dashboard-export --fleet`: every node synced to a sink (`readFleet`: a dir mirror, or S3 fetched into
 * `cacheDir`) as one dashboard — each node's accounts, named `<node>/<account>`, and the blended fund. Re-run,
 * it rewrites nothing unless a node's telemetry changed.
 */
export async function exportFleetDashboard(source: FleetSource, o: { cacheDir: string; baseDir: string; folds?: Map<string, AccountFold> }, out: string, clock: Clock, page: PageOptions): Promise<ExportResult> {
  const t0 = clock.nowMs();
  const view = await readFleet(source, { cacheDir: o.cacheDir, nowMs: clock.nowMs(), baseDir: o.baseDir, ...(o.folds === undefined ? {} : { folds: o.folds }) });
  const stampFile = path.join(out, '.export_inputs.json');
  const inputs = Object.fromEntries(view.nodes.flatMap((n) => Object.entries(inputsOf(n.dir)).map(([rel, v]) => [`${n.node}/${rel}`, v])));
  const files = [path.join(out, 'index.html'), path.join(out, 'data.json')];
  if (JSON.stringify(readJsonSnapshot(stampFile) ?? null) === JSON.stringify(inputs) && files.every((f) => existsSync(f))) return { out, files, written: false, accounts: 0, ms: clock.nowMs() - t0 };
  const accounts = view.nodes.flatMap((n) => n.data.accounts.map((a) => ({ ...a, account: `${n.node}/${a.account}` })));
  const data = forPage({ schema_version: 1, generatedTs: clock.nowMs(), stateDir: view.source, accounts, fund: accounts.length === 0 ? null : view.blended, nodes: view.nodes.map((n) => n.node), limits: null, regimes: null, screener: null });
  writeTextAtomic(path.join(out, 'data.json'), JSON.stringify(data));
  writeTextAtomic(path.join(out, 'index.html'), renderDashboardPage(data, page));
  writeJsonAtomic(stampFile, inputs);
  return { out, files, written: true, accounts: accounts.length, ms: clock.nowMs() - t0 };
}

/**
 * Re-exports when telemetry changes (chokidar; 300 ms after the last change) and every 15 s, until `stop`
 * aborts. Each account's streams stay folded in `folds` between exports: an export reads what the last
 * cycle appended, not the months behind it.
 */
export async function watchAndExport(stateDir: string, out: string, clock: Clock, page: PageOptions, onExport: (r: ExportResult) => void, stop: AbortSignal, folds = new Map<string, AccountFold>()): Promise<void> {
  const watcher = watch([path.join(stateDir, 'logs'), path.join(stateDir, 'accounts')], { ignoreInitial: true, depth: 3, ignored: (p) => p.endsWith('.tmp') || p.endsWith('.log') });
  let changedAt: number | null = null;
  watcher.on('all', () => (changedAt = clock.nowMs()));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  let lastRun = clock.nowMs();
  try {
    // a periodic export as well, so a missed event never leaves the page stale for long
    while (!(await sleepUnlessStopped(clock, 100, stop))) {
      const now = clock.nowMs();
      if (!((changedAt !== null && now - changedAt >= 300) || now - lastRun >= 15_000)) continue;
      changedAt = null;
      lastRun = now;
      try {
        onExport(exportDashboard(stateDir, out, clock, page, folds));
      } catch {
        // a file mid-replace: the next change exports again
      }
    }
  } finally {
    await watcher.close();
  }
}

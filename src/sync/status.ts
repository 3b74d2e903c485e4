import { statusInputsOf, type StatusInputs } from '../dashboard/model.js';
import { accountRoots } from '../telemetry/state-paths.js';

/** Ages past which `hedge status` calls a figure stale, in seconds. */
export interface StatusThresholds {
  readonly executorS: number;
  readonly syncS: number;
  readonly navS: number;
}

export interface AccountStatus {
  readonly account: string;
  readonly executor: { readonly status: string; readonly ageS: number; readonly cycle: number; readonly lagMs: number | null; readonly lastError: string | null } | null;
  readonly sync: { readonly status: string; readonly ageS: number; readonly lagMs: number | null; readonly lastError: string | null } | null;
  readonly nav: { readonly usd: number; readonly ageS: number } | null;
  readonly positions: number;
  /** Symbols whose router health is not good, and every symbol's limit offset (bps). */
  readonly router: { readonly notGood: Record<string, string>; readonly offsetsBps: Record<string, number> };
  /** Veto reasons of the last 24 h of records (by record time), with counts. */
  readonly recentVetoes: Record<string, number>;
  /** What is stale or failing, in words; empty when all is well. */
  readonly problems: readonly string[];
}

/**
 * The health of every account of a state dir, from the files the services write: executor heartbeat
 * age, sync heartbeat age and lag, NAV freshness, router states and offsets, recent gate outcomes. The
 * streams are read from their end, as far back as the figures need.
 */
export function readStatus(stateDir: string, nowMs: number, t: StatusThresholds): AccountStatus[] {
  return accountRoots(stateDir).flatMap((root) => {
    const a = statusInputsOf(root);
    return a === undefined ? [] : [statusOf(a, nowMs, t)];
  });
}

/** The health of one account's telemetry (as `readStatus` gives it for each account of a state dir). */
export function statusOf(a: StatusInputs, nowMs: number, t: StatusThresholds): AccountStatus {
  const problems: string[] = [];
  const age = (ts: number) => Math.max(0, (nowMs - ts) / 1000);
  const ex = a.heartbeats['executor'];
  const sy = a.heartbeats['sync'];
  const executor = ex === undefined ? null : { status: ex.status, ageS: age(ex.ts), cycle: ex.cycle, lagMs: ex.lag_ms, lastError: ex.last_error };
  const sync = sy === undefined ? null : { status: sy.status, ageS: age(sy.ts), lagMs: sy.lag_ms, lastError: sy.last_error };
  if (executor === null) problems.push('no executor heartbeat');
  else {
    if (executor.ageS > t.executorS) problems.push(`executor heartbeat is ${executor.ageS.toFixed(0)} s old (limit ${t.executorS} s)`);
    if (executor.status === 'degraded') problems.push(`executor is degraded: ${executor.lastError ?? 'no reason given'}`);
  }
  if (sync !== null && sync.ageS > t.syncS) problems.push(`sync heartbeat is ${sync.ageS.toFixed(0)} s old (limit ${t.syncS} s)`);
  if (sync?.status === 'degraded') problems.push(`sync is degraded: ${sync.lastError ?? 'no reason given'}`);
  const nav = a.lastNav === null ? null : { usd: a.lastNav.nav_usd, ageS: age(a.lastNav.ts) };
  if (nav === null) problems.push('no NAV record');
  else if (nav.ageS > t.navS) problems.push(`NAV is ${nav.ageS.toFixed(0)} s old (limit ${t.navS} s)`);
  const notGood: Record<string, string> = {};
  const offsetsBps: Record<string, number> = {};
  for (const [symbol, h] of Object.entries(a.routerHealth?.symbols ?? {})) {
    offsetsBps[symbol] = h.offset_bps;
    if (h.state !== 'good') notGood[symbol] = h.state;
  }
  const since = (a.recentVetoes.at(-1)?.ts ?? 0) - 86_400_000;
  const recentVetoes: Record<string, number> = {};
  for (const v of a.recentVetoes) if (v.ts > since) for (const r of v.reasons) recentVetoes[r] = (recentVetoes[r] ?? 0) + 1;
  return { account: a.account, executor, sync, nav, positions: a.positions?.positions.length ?? 0, router: { notGood, offsetsBps }, recentVetoes, problems };
}

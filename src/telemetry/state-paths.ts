import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where each telemetry file lives under a state dir (`--state-dir`). */
export interface StatePaths {
  readonly root: string;
  readonly logsDir: string;
  readonly cacheDir: string;
  readonly orders: string;
  readonly vetoes: string;
  readonly nav: string;
  readonly positions: string;
  readonly routerHealth: string;
  /** The change log of router health (`router_health.jsonl`). */
  readonly routerHealthLog: string;
  readonly riskState: string;
  readonly lineage: string;
  readonly log: string;
  heartbeat(service: string): string;
}

/** The telemetry layout: streams and snapshots in `logs/`, warm-start state in `cache/`. */
export function statePaths(stateDir: string): StatePaths {
  const logsDir = path.join(stateDir, 'logs');
  const cacheDir = path.join(stateDir, 'cache');
  return {
    root: stateDir,
    logsDir,
    cacheDir,
    orders: path.join(logsDir, 'orders.jsonl'),
    vetoes: path.join(logsDir, 'risk_vetoes.jsonl'),
    nav: path.join(logsDir, 'nav.jsonl'),
    positions: path.join(logsDir, 'positions.json'),
    routerHealth: path.join(logsDir, 'router_health.json'),
    routerHealthLog: path.join(logsDir, 'router_health.jsonl'),
    riskState: path.join(cacheDir, 'risk_state.json'),
    lineage: path.join(logsDir, 'config_lineage.jsonl'),
    log: path.join(logsDir, 'hedge.log'),
    heartbeat: (service) => path.join(logsDir, `heartbeat_${service}.json`),
  };
}

/**
 * Where an account's telemetry and state live: the state dir itself for the default account, and
 * `<state-dir>/accounts/<id>/` for any other, so two accounts run on one state dir never share
 * positions, NAV, orders, risk state or locks.
 */
export function accountStateDir(stateDir: string, account: string, defaultAccount: string): string {
  return account === defaultAccount ? stateDir : path.join(stateDir, 'accounts', account);
}

/** The state dir and each `accounts/<id>/` under it: the roots of every account's telemetry. */
export function accountRoots(stateDir: string): string[] {
  const more = path.join(stateDir, 'accounts');
  return [stateDir, ...(existsSync(more) ? readdirSync(more).sort().map((a) => path.join(more, a)) : [])];
}

/**
 * The telemetry files of every account of a state dir, relative to it: the JSONL streams and JSON
 * snapshots of each `logs/` (the config lineage included), not the pino log, temp files or dot files.
 */
export function telemetryFiles(stateDir: string): string[] {
  const out: string[] = [];
  for (const root of accountRoots(stateDir)) {
    const logs = statePaths(root).logsDir;
    if (!existsSync(logs)) continue;
    for (const name of readdirSync(logs).sort()) {
      if (name.startsWith('.') || !(name.endsWith('.jsonl') || name.endsWith('.json'))) continue;
      if (statSync(path.join(logs, name), { throwIfNoEntry: false })?.isFile() === true) out.push(path.relative(stateDir, path.join(logs, name)));
    }
  }
  return out;
}

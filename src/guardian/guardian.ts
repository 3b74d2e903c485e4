import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sleepUnlessStopped, type Clock } from '../core/clock.js';
import { ActionError, errorMessage, HedgeError } from '../core/errors.js';
import { acquireInstanceLock, instanceLockFile } from '../core/instance-lock.js';
import type { ConfigSet } from '../config/files.js';
import type { GuardianCheck, GuardianConfig, Playbook } from '../config/schemas/guardian.js';
import { accountOfRoot, heartbeatsOf, readSnapshot, type AccountView } from '../dashboard/model.js';
import { engageKillSwitch } from '../risk/kill-switch.js';
import { readJsonSnapshot, writeJsonAtomic } from '../telemetry/atomic-json.js';
import { JsonlFollower, readJsonlTail, type FollowPosition } from '../telemetry/jsonl-reader.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import { NavRecord } from '../telemetry/records/nav.js';
import { OrderEventRecord } from '../telemetry/records/order-event.js';
import { PositionsSnapshot } from '../telemetry/records/positions.js';
import type { Logger } from '../telemetry/logger.js';
import { writeHeartbeat } from '../telemetry/heartbeat.js';
import { accountRoots, statePaths } from '../telemetry/state-paths.js';
import { alertSinkPlugins, severityRank, type AlertRecord, type AlertSink } from './alert-sinks.js';

/** What a check found on one account now. */
export interface CheckResult {
  readonly fired: boolean;
  /** In words, with the figure and its limit. */
  readonly message: string;
  /** The figure the check judged (age in s, drawdown %, error count), null when there is none. */
  readonly value: number | null;
}

/** What the checks read of one account. */
export interface GuardianView {
  readonly account: string;
  readonly heartbeats: AccountView['heartbeats'];
  /** The NAV log's high-water mark and its last NAV; null without a NAV record. */
  readonly nav: { readonly hwm: number; readonly last: number } | null;
  /** The order events of the longest `venue_errors` window before now, oldest first. */
  readonly recentOrders: readonly AccountView['recentOrders'][number][];
}

/** Judges one account's telemetry by a playbook's check, at `nowMs`. */
export function runCheck(check: GuardianCheck, a: GuardianView, nowMs: number): CheckResult {
  const ageS = (ts: number) => Math.max(0, (nowMs - ts) / 1000);
  switch (check.type) {
    case 'executor_stale': {
      const hb = a.heartbeats['executor'];
      if (hb === undefined) return { fired: true, message: 'no executor heartbeat', value: null };
      const age = ageS(hb.ts);
      if (hb.status === 'stopped') return { fired: false, message: `executor stopped (heartbeat ${age.toFixed(0)} s old)`, value: age };
      return { fired: age > check.max_age_s, message: `executor heartbeat is ${age.toFixed(0)} s old (limit ${check.max_age_s} s)`, value: age };
    }
    case 'executor_degraded': {
      const hb = a.heartbeats['executor'];
      const degraded = hb?.status === 'degraded';
      return { fired: degraded, message: degraded ? `executor degraded: ${hb.last_error ?? 'no reason given'}` : 'executor not degraded', value: null };
    }
    case 'sync_stale': {
      const hb = a.heartbeats['sync'];
      if (hb === undefined || hb.status === 'stopped') return { fired: false, message: 'no running sync', value: null };
      const age = ageS(hb.ts);
      return { fired: age > check.max_age_s, message: `sync heartbeat is ${age.toFixed(0)} s old (limit ${check.max_age_s} s)`, value: age };
    }
    case 'drawdown': {
      if (a.nav === null || !(a.nav.hwm > 0)) return { fired: false, message: 'no NAV record', value: null };
      const { hwm, last } = a.nav;
      const dd = (100 * (hwm - last)) / hwm;
      return { fired: dd >= check.max_pct, message: `drawdown ${dd.toFixed(2)}% from the high-water mark ${hwm.toFixed(2)} USD (limit ${check.max_pct}%)`, value: dd };
    }
    case 'venue_errors': {
      const since = nowMs - check.window_s * 1000;
      const n = a.recentOrders.filter((o) => o.event === 'order.rejected' && o.ts > since).length;
      return { fired: n >= check.count, message: `${n} order(s) rejected by the venue in the last ${check.window_s} s (limit ${check.count})`, value: n };
    }
  }
}

/** `logs/guardian_actions.jsonl`: what the guardian did about a playbook on an account, and why. */
export interface GuardianActionRecord {
  readonly schema_version: 1;
  readonly ts: number;
  readonly node_id: string;
  readonly account: string;
  readonly playbook: string;
  readonly check: GuardianCheck['type'];
  /** acted: the actions ran; cooldown / rate_limited: the check fired and the playbook held back; cleared: it stopped firing. */
  readonly outcome: 'acted' | 'cooldown' | 'rate_limited' | 'cleared';
  readonly finding: string;
  readonly value: number | null;
  readonly actions: readonly { readonly type: string; readonly ok: boolean; readonly detail: string }[];
}

/** The guardian's memory across passes and restarts (`cache/guardian_state.json`). */
export interface GuardianState {
  readonly schema_version: 1;
  /** By `<playbook>|<account>`: when it acted (the last hour's), whether it is firing, and what was last recorded. */
  readonly keys: Record<string, { acted_ms: number[]; firing: boolean; last_outcome: GuardianActionRecord['outcome'] | null }>;
  /** By account root (relative to the state dir): the NAV log folded so far, so that a pass reads only what was appended since. */
  nav_folds?: Record<string, NavFold>;
}

/** The NAV log of an account folded up to `offset` (a complete line's end; a log rewritten since is folded again). */
interface NavFold extends FollowPosition {
  readonly hwm: number | null;
  readonly last: number | null;
  readonly account: string | null;
}

export interface GuardianOptions {
  readonly stateDir: string;
  readonly config: ConfigSet;
  /** guardian.json as the operator has it (for errors that name it). */
  readonly configFile: string;
  readonly nodeId: string;
  readonly once: boolean;
  readonly clock: Clock;
  readonly log: Logger;
  readonly stop?: AbortSignal | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** The PM2 CLI used by `restart` actions (default: the pm2 package's own). */
  readonly pm2Bin?: string | undefined;
}

export interface GuardianSummary {
  readonly passes: number;
  readonly fired: number;
  readonly acted: number;
  readonly suppressed: number;
  readonly alertsSent: number;
  readonly alertFailures: number;
  readonly stopped: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * The guardian: every pass judges each account of the state dir by every enabled playbook; a check that
 * fires makes the playbook act (alert, kill switch, PM2 restart) unless it acted on that account within its
 * cooldown or already `max_per_hour` times in the last hour. Every firing, suppression and clearance is a
 * record in `logs/guardian_actions.jsonl`, with each action's outcome; alerts go to every sink whose
 * minimum severity they reach. One guardian per state dir; `once` for PM2 cron, else a pass every
 * `interval_s` until stopped. Writes `logs/heartbeat_guardian.json`.
 */
export async function runGuardian(o: GuardianOptions): Promise<GuardianSummary> {
  const g: GuardianConfig = o.config.guardian;
  // a sink that cannot be made (its URL variable unset) is a config error, before anything is written
  const sinks: AlertSink[] = g.alerts.map((c, index) => alertSinkPlugins.get(c.type).create(c, { stateDir: o.stateDir, env: o.env ?? process.env, configFile: o.configFile, index, clock: o.clock }));
  const paths = statePaths(o.stateDir);
  const lock = acquireInstanceLock(instanceLockFile(paths.cacheDir, 'guardian', o.nodeId), 'guardian', o.nodeId, o.clock);
  const stateFile = path.join(paths.cacheDir, 'guardian_state.json');
  const state = loadState(stateFile);
  const records = new JsonlWriter(path.join(paths.logsDir, 'guardian_actions.jsonl'));
  const log = o.log.child({ node: o.nodeId });
  let passes = 0;
  const counts = { fired: 0, acted: 0, suppressed: 0, alertsSent: 0, alertFailures: 0 };
  let lastError: string | null = null;
  let stopped = false;
  const heartbeat = (status: 'running' | 'degraded' | 'stopped', cycleMs: number | null) =>
    writeHeartbeat(paths, 'guardian', { ts: o.clock.nowMs(), status, cycle: passes, cycle_ms: cycleMs, lag_ms: null, last_error: lastError, config_fingerprint: null });

  const alert = async (a: AlertRecord) => {
    for (const sink of sinks) {
      if (severityRank[a.severity] < severityRank[sink.minSeverity]) continue;
      try {
        await sink.send(a);
        counts.alertsSent++;
      } catch (err) {
        counts.alertFailures++;
        log.error('guardian.alert_failed', { sink: sink.description, error: errorMessage(err) });
      }
    }
  };

  const act = async (p: Playbook, root: string, account: string, r: CheckResult, T: number) => {
    const done: { type: string; ok: boolean; detail: string }[] = [];
    for (const action of p.actions) {
      try {
        if (action.type === 'alert') {
          await alert({ schema_version: 1, ts: T, id: `${p.id}/${account}/${T}`, node_id: o.nodeId, account, playbook: p.id, check: p.check.type, severity: action.severity, status: 'firing', message: r.message });
          done.push({ type: 'alert', ok: true, detail: `${action.severity} to ${sinks.length} sink(s)` });
        } else if (action.type === 'kill') {
          const k = engageKillSwitch(root, o.config, `guardian ${p.id}: ${r.message}`, `guardian@${os.hostname()}`, o.clock);
          done.push({ type: 'kill', ok: true, detail: `kill switch engaged at ${k.ts}` });
        } else {
          done.push({ type: 'restart', ok: true, detail: await pm2Restart(action.service, o.pm2Bin, o.env ?? process.env) });
        }
      } catch (err) {
        done.push({ type: action.type, ok: false, detail: errorMessage(err) });
      }
    }
    return done;
  };

  // the venue_errors checks look back this far
  const ordersWindowMs = Math.max(0, ...g.playbooks.map((p) => (p.enabled && p.check.type === 'venue_errors' ? p.check.window_s * 1000 : 0)));
  const pass = async () => {
    const T = o.clock.nowMs();
    const folds = (state.nav_folds ??= {});
    for (const root of accountRoots(o.stateDir)) {
      const rootKey = path.relative(o.stateDir, root) || '.';
      const view = guardianView(root, folds, rootKey, T - ordersWindowMs);
      if (view === undefined) continue;
      for (const p of g.playbooks) {
        if (!p.enabled) continue;
        const key = `${p.id}|${view.account}`;
        const st = (state.keys[key] ??= { acted_ms: [], firing: false, last_outcome: null });
        st.acted_ms = st.acted_ms.filter((t) => t > T - HOUR_MS);
        const r = runCheck(p.check, view, T);
        const base = { schema_version: 1 as const, ts: T, node_id: o.nodeId, account: view.account, playbook: p.id, check: p.check.type, finding: r.message, value: r.value };
        if (!r.fired) {
          if (st.firing) {
            records.append({ ...base, outcome: 'cleared', actions: [] } satisfies GuardianActionRecord);
            st.last_outcome = 'cleared';
            if (p.actions.some((x) => x.type === 'alert')) await alert({ schema_version: 1, ts: T, id: `${p.id}/${view.account}/${T}`, node_id: o.nodeId, account: view.account, playbook: p.id, check: p.check.type, severity: 'info', status: 'resolved', message: r.message });
            log.info('guardian.cleared', { playbook: p.id, account: view.account, finding: r.message });
          }
          st.firing = false;
          continue;
        }
        st.firing = true;
        counts.fired++;
        const lastActed = st.acted_ms.at(-1);
        const held: GuardianActionRecord['outcome'] | null =
          lastActed !== undefined && T - lastActed < p.cooldown_s * 1000 ? 'cooldown' : st.acted_ms.length >= p.max_per_hour ? 'rate_limited' : null;
        if (held !== null) {
          counts.suppressed++;
          // recorded once per stretch of holding back, not every pass
          if (st.last_outcome !== held) records.append({ ...base, outcome: held, actions: [] } satisfies GuardianActionRecord);
          st.last_outcome = held;
          continue;
        }
        const done = await act(p, root, view.account, r, T);
        st.acted_ms.push(T);
        st.last_outcome = 'acted';
        counts.acted++;
        records.append({ ...base, outcome: 'acted', actions: done } satisfies GuardianActionRecord);
        log.warn('guardian.acted', { playbook: p.id, account: view.account, finding: r.message, actions: done.map((d) => `${d.type}:${d.ok ? 'ok' : 'failed'}`) });
      }
    }
    writeJsonAtomic(stateFile, state);
  };

  try {
    log.info('guardian.started', { once: o.once, playbooks: g.playbooks.filter((p) => p.enabled).map((p) => p.id), sinks: sinks.map((s) => s.description) });
    for (;;) {
      const t0 = o.clock.nowMs();
      try {
        await pass();
        passes++;
        lastError = null;
        heartbeat('running', o.clock.nowMs() - t0);
      } catch (err) {
        lastError = errorMessage(err);
        log.error('guardian.pass_failed', { error: lastError, code: err instanceof HedgeError ? err.code : undefined });
        heartbeat('degraded', null);
        if (o.once) throw err;
      }
      if (o.once) break;
      if (await sleepUnlessStopped(o.clock, g.interval_s * 1000, o.stop)) {
        stopped = true;
        break;
      }
    }
  } finally {
    heartbeat(lastError === null ? 'stopped' : 'degraded', null);
    records.close();
    for (const s of sinks) s.close();
    lock.release();
  }
  log.info('guardian.finished', { passes, ...counts });
  return { passes, ...counts, stopped };
}

/**
 * What the checks read of an account root, or `undefined` when it holds no telemetry: its heartbeats, its
 * NAV log folded from where the last pass stopped (`folds`, kept in the guardian's state), and the order
 * events since `ordersSinceMs` read off the end of the stream. A pass costs what was appended since the last,
 * not the months of telemetry behind it.
 */
function guardianView(root: string, folds: Record<string, NavFold>, rootKey: string, ordersSinceMs: number): GuardianView | undefined {
  const p = statePaths(root);
  const fold = foldNav(p.nav, folds[rootKey]);
  folds[rootKey] = fold;
  const account = accountOfRoot(p, readSnapshot(p.positions, PositionsSnapshot), fold.account);
  if (account === undefined) return undefined;
  const nav = fold.hwm === null || fold.last === null ? null : { hwm: fold.hwm, last: fold.last };
  return { account, heartbeats: heartbeatsOf(p), nav, recentOrders: readJsonlTail(p.orders, OrderEventRecord, (r) => r.ts > ordersSinceMs) };
}

/** Folds the NAV records appended to `file` since `prev` (all of them when the file was rewritten since, or is new). */
function foldNav(file: string, prev: NavFold | undefined): NavFold {
  const follower = new JsonlFollower(file, NavRecord, prev);
  let hwm = prev?.hwm ?? null;
  let last = prev?.last ?? null;
  let account = prev?.account ?? null;
  follower.each(
    (n) => {
      hwm = hwm === null ? n.nav_usd : Math.max(hwm, n.nav_usd);
      last = n.nav_usd;
      account = n.account;
    },
    // rewritten since: the fold starts again from its first record
    () => {
      hwm = null;
      last = null;
      account = null;
    },
  );
  return { ...follower.position, hwm, last, account };
}

function loadState(file: string): GuardianState {
  const s = readJsonSnapshot(file) as GuardianState | undefined;
  return s?.schema_version === 1 && typeof s.keys === 'object' ? s : { schema_version: 1, keys: {} };
}

/** Asks PM2 to restart an app (the PM2 of the guardian's environment: its PM2_HOME); what PM2 said, or a thrown error. */
async function pm2Restart(service: string, pm2Bin: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const bin = pm2Bin ?? path.join(path.dirname(createRequire(import.meta.url).resolve('pm2/package.json')), 'bin', 'pm2');
  // the PM2 CLI starts a daemon when none runs: a guardian outside PM2 must not leave one behind
  const home = env['PM2_HOME'] ?? path.join(os.homedir(), '.pm2');
  if (!(await pm2Answers(home))) throw new ActionError(`pm2 restart ${service}`, `PM2 is not running (no daemon answers at ${path.join(home, 'rpc.sock')})`);
  try {
    await promisify(execFile)(process.execPath, [bin, 'restart', service], { timeout: 60_000, encoding: 'utf8', env: { ...env, PM2_HOME: home } });
    return `pm2 restart ${service}: done`;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const said = `${e.stderr ?? ''}${e.stdout ?? ''}`.split('\n').find((l) => /error|not found/i.test(l))?.trim();
    throw new ActionError(`pm2 restart ${service}`, said ?? e.message, { cause: err });
  }
}

/**
 * Whether a PM2 daemon listens on `home`'s RPC socket, as the PM2 CLI reaches it. Not pm2.pid: after a
 * reboot or a killed daemon the file stays, and its number can name another process by now.
 */
function pm2Answers(home: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(path.join(home, 'rpc.sock'));
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(5_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}


import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { RiskStateSchema } from '../risk/risk-state.js';
import { blend, type BlendedFund } from './fund.js';
import { readJsonSnapshot } from '../telemetry/atomic-json.js';
import { JsonlFollower, newestOnly, readJsonlTail } from '../telemetry/jsonl-reader.js';
import { HeartbeatSnapshot } from '../telemetry/records/heartbeat.js';
import { NavRecord } from '../telemetry/records/nav.js';
import { OrderEventRecord } from '../telemetry/records/order-event.js';
import { PositionsSnapshot } from '../telemetry/records/positions.js';
import { RouterHealthChangeRecord, RouterHealthSnapshot } from '../telemetry/records/router-health.js';
import { VetoRecord } from '../telemetry/records/veto.js';
import { accountRoots, statePaths, type StatePaths } from '../telemetry/state-paths.js';

/** How many of the newest vetoes and orders the page lists (the counts cover all of them). */
const RECENT = 1_000;

export interface AccountView {
  readonly account: string;
  /** [ts, nav_usd] of every NAV record, oldest first (one per cycle). */
  readonly nav: [number, number][];
  /** Router health as it changed over time (router_health.jsonl; the newest changes). */
  readonly routerHistory: z.infer<typeof RouterHealthChangeRecord>[];
  /** By strategy: [ts, PnL since the first cycle] at every NAV record that has it (realized net of fees, funding, open positions marked). */
  readonly strategies: Record<string, [number, number][]>;
  readonly lastNav: z.infer<typeof NavRecord> | null;
  readonly positions: z.infer<typeof PositionsSnapshot> | null;
  readonly routerHealth: z.infer<typeof RouterHealthSnapshot> | null;
  readonly orderCounts: Record<string, number>;
  readonly recentOrders: z.infer<typeof OrderEventRecord>[];
  readonly vetoCounts: Record<string, number>;
  readonly recentVetoes: z.infer<typeof VetoRecord>[];
  readonly heartbeats: Record<string, z.infer<typeof HeartbeatSnapshot>>;
  /** Lines of the streams that did not parse or validate: shown, never silently dropped. */
  readonly badLines: number;
  /** The risk engine's state (cache/risk_state.json): trading state, the day's start NAV, the high-water mark; null where not kept (a mirror). */
  readonly risk: { readonly trading_state: string; readonly state_reason: string; readonly state_since_ms: number; readonly day_start_nav_usd: number | null; readonly high_water_mark_usd: number | null } | null;
}

/** The global limits the risk overview compares the figures with (risk_limits.json of the exporting config). */
export interface RiskLimitsView {
  readonly max_gross_exposure_pct: number;
  readonly max_net_exposure_pct: number;
  readonly daily_loss_limit_pct: number;
  readonly max_drawdown_pct: number;
}

export interface DashboardData {
  readonly schema_version: 1;
  readonly generatedTs: number;
  /** Where the telemetry came from: the state dir, or the sink of a fleet. */
  readonly stateDir: string;
  readonly accounts: AccountView[];
  /** Every account blended into one fund (NAV, return index, exposure, drawdown, rolling Sharpe); null without accounts. */
  readonly fund: BlendedFund | null;
  /** The nodes of a fleet export (accounts are then named <node>/<account>); absent for one state dir. */
  readonly nodes?: readonly string[];
  /** The limits of the exporting config, for the risk overview; null when not known (a fleet's nodes run their own). */
  readonly limits?: RiskLimitsView | null;
  /** The latest regime report (research/regimes/<date>.json, written by hedge regime refit --dated): each symbol's regime. */
  readonly regimes?: RegimeReportView | null;
  /** The last screen (logs/screener.json, written by hedge screener): each symbol's ML score and features, the ranked intents. */
  readonly screener?: ScreenerView | null;
}

export interface ScreenerView {
  readonly at: string;
  readonly features: readonly {
    readonly symbol: string; readonly mlScore: number | null; readonly regime: string | null; readonly trendPct: number | null; readonly atrPct: number | null;
    readonly volBucket: string | null; readonly fundingRate: number | null; readonly tradable: boolean;
  }[];
  readonly intents: readonly { readonly rank: number; readonly strategy: string; readonly symbol: string; readonly side: string; readonly strength: number; readonly navPct: number; readonly notionalUsd: number }[];
}

/** `logs/screener.json` of a state dir as the page shows it, or null. */
export function screenerView(stateDir: string): ScreenerView | null {
  const r = readJsonSnapshot(path.join(stateDir, 'logs', 'screener.json')) as { at?: unknown; features?: unknown; intents?: unknown } | undefined;
  if (r === undefined || typeof r.at !== 'string' || !Array.isArray(r.features) || !Array.isArray(r.intents)) return null;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const t = (x: unknown) => (typeof x === 'string' ? x : null);
  return {
    at: r.at,
    features: (r.features as Record<string, unknown>[]).map((f) => ({
      symbol: String(f['symbol']), mlScore: n(f['mlScore']), regime: t(f['regime']), trendPct: n(f['trendPct']), atrPct: n(f['atrPct']), volBucket: t(f['volBucket']), fundingRate: n(f['fundingRate']), tradable: f['tradable'] === true,
    })),
    intents: (r.intents as Record<string, unknown>[]).map((i) => ({
      rank: n(i['rank']) ?? 0, strategy: String(i['strategy']), symbol: String(i['symbol']), side: String(i['side']), strength: n(i['strength']) ?? 0, navPct: n(i['navPct']) ?? 0, notionalUsd: n(i['notionalUsd']) ?? 0,
    })),
  };
}

export interface RegimeReportView {
  readonly file: string;
  readonly fitted_ts: number;
  readonly models: readonly { readonly symbol: string; readonly regime: string | null; readonly to: string | null; readonly model_fingerprint: string | null; readonly reason: string | null }[];
}

/** The newest `research/regimes/<date>.json` of a state dir, or null. */
export function latestRegimeReport(stateDir: string): RegimeReportView | null {
  const dir = path.join(stateDir, 'research', 'regimes');
  if (!existsSync(dir)) return null;
  const newest = readdirSync(dir).filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f)).sort().at(-1);
  if (newest === undefined) return null;
  const r = readJsonSnapshot(path.join(dir, newest)) as { fitted_ts?: unknown; models?: unknown } | undefined;
  if (r === undefined || typeof r.fitted_ts !== 'number' || !Array.isArray(r.models)) return null;
  const models = (r.models as Record<string, unknown>[]).map((m) => ({
    symbol: String(m['symbol']), regime: typeof m['regime'] === 'string' ? m['regime'] : null, to: typeof m['to'] === 'string' ? m['to'] : null,
    model_fingerprint: typeof m['model_fingerprint'] === 'string' ? m['model_fingerprint'] : null, reason: typeof m['reason'] === 'string' ? m['reason'] : null,
  }));
  return { file: path.join('research', 'regimes', newest), fitted_ts: r.fitted_ts, models };
}

/**
 * Folds the telemetry of a state dir (and of each `accounts/<id>/`) into what the dashboard shows. With
 * `folds` (kept by the caller between exports, as `--watch` does), each account's streams are read from
 * where the last export stopped.
 */
export function buildDashboardData(stateDir: string, nowMs: number, folds?: Map<string, AccountFold>): DashboardData {
  const accounts = accountRoots(stateDir).flatMap((root) => {
    let fold = folds?.get(root);
    if (fold === undefined) {
      fold = new AccountFold(root);
      folds?.set(root, fold);
    }
    const v = fold.view();
    return v === undefined ? [] : [v];
  });
  return { schema_version: 1, generatedTs: nowMs, stateDir, accounts, fund: accounts.length === 0 ? null : blend([{ node: 'local', data: { accounts } }], 30), regimes: latestRegimeReport(stateDir), screener: screenerView(stateDir) };
}

/** One account root's telemetry (a state dir or `accounts/<id>/`), or `undefined` when it holds none. */
export function accountView(root: string): AccountView | undefined {
  return new AccountFold(root).view();
}

/**
 * One account root's streams folded so far into what `AccountView` shows: each `view()` reads the lines
 * appended since the last (a stream rewritten since is folded again from its start) and the snapshots as
 * they stand.
 */
export class AccountFold {
  private readonly p: ReturnType<typeof statePaths>;
  private readonly navIn: JsonlFollower<typeof NavRecord>;
  private readonly ordersIn: JsonlFollower<typeof OrderEventRecord>;
  private readonly vetoesIn: JsonlFollower<typeof VetoRecord>;
  private readonly routerIn: JsonlFollower<typeof RouterHealthChangeRecord>;
  private nav: [number, number][] = [];
  private strategies: Record<string, [number, number][]> = {};
  private lastNav: z.infer<typeof NavRecord> | null = null;
  private lastOrderAccount: string | undefined = undefined;
  private orderCounts: Record<string, number> = {};
  private recentOrders: z.infer<typeof OrderEventRecord>[] = [];
  private vetoCounts: Record<string, number> = {};
  private recentVetoes: z.infer<typeof VetoRecord>[] = [];
  private routerHistory: z.infer<typeof RouterHealthChangeRecord>[] = [];
  private readonly bad = { nav: 0, orders: 0, vetoes: 0 };

  constructor(root: string) {
    this.p = statePaths(root);
    this.navIn = new JsonlFollower(this.p.nav, NavRecord);
    this.ordersIn = new JsonlFollower(this.p.orders, OrderEventRecord);
    this.vetoesIn = new JsonlFollower(this.p.vetoes, VetoRecord);
    this.routerIn = new JsonlFollower(this.p.routerHealthLog, RouterHealthChangeRecord);
  }

  view(): AccountView | undefined {
    // each stream's new records a record at a time (a first fold of a year's logs holds none of them but the newest few)
    this.bad.nav += this.navIn.each(
      (r) => {
        this.nav.push([r.ts, r.nav_usd]);
        for (const [id, x] of Object.entries(r.strategies ?? {})) (this.strategies[id] ??= []).push([r.ts, x.pnl_usd]);
        this.lastNav = r;
      },
      () => {
        this.nav = [];
        this.strategies = {};
        this.lastNav = null;
        this.bad.nav = 0;
      },
    ).badLines;
    this.bad.orders += this.ordersIn.each(
      (o) => {
        this.orderCounts[o.event] = (this.orderCounts[o.event] ?? 0) + 1;
        keepNewest(this.recentOrders, o, RECENT);
        this.lastOrderAccount = o.account;
      },
      () => {
        this.orderCounts = {};
        this.recentOrders = [];
        this.lastOrderAccount = undefined;
        this.bad.orders = 0;
      },
    ).badLines;
    this.recentOrders = trimmed(this.recentOrders, RECENT);
    this.bad.vetoes += this.vetoesIn.each(
      (v) => {
        for (const r of v.reasons) this.vetoCounts[r] = (this.vetoCounts[r] ?? 0) + 1;
        keepNewest(this.recentVetoes, v, RECENT);
      },
      () => {
        this.vetoCounts = {};
        this.recentVetoes = [];
        this.bad.vetoes = 0;
      },
    ).badLines;
    this.recentVetoes = trimmed(this.recentVetoes, RECENT);
    this.routerIn.each(
      (r) => keepNewest(this.routerHistory, r, RECENT * 10),
      () => {
        this.routerHistory = [];
      },
    );
    this.routerHistory = trimmed(this.routerHistory, RECENT * 10);

    const positions = readSnapshot(this.p.positions, PositionsSnapshot);
    const account = positions?.account ?? this.lastNav?.account ?? this.lastOrderAccount;
    if (account === undefined) return undefined;
    return {
      account,
      nav: [...this.nav],
      strategies: Object.fromEntries(Object.entries(this.strategies).map(([id, xs]) => [id, [...xs]])),
      routerHistory: [...this.routerHistory],
      lastNav: this.lastNav,
      positions,
      routerHealth: readSnapshot(this.p.routerHealth, RouterHealthSnapshot),
      orderCounts: { ...this.orderCounts },
      recentOrders: [...this.recentOrders],
      vetoCounts: { ...this.vetoCounts },
      recentVetoes: [...this.recentVetoes],
      heartbeats: heartbeatsOf(this.p),
      badLines: this.bad.nav + this.bad.orders + this.bad.vetoes,
      risk: riskOf(this.p.riskState),
    };
  }
}

/** Appends `x` to the newest `max` of a list, cutting it back now and then (`trimmed` gives the newest `max`). */
function keepNewest<T>(list: T[], x: T, max: number): void {
  list.push(x);
  if (list.length >= 2 * max) list.splice(0, list.length - max);
}

function trimmed<T>(list: T[], max: number): T[] {
  return list.length > max ? list.slice(-max) : list;
}

/** What `hedge status` reads of an account: the snapshots and the newest records of its streams. */
export type StatusInputs = Pick<AccountView, 'account' | 'heartbeats' | 'lastNav' | 'positions' | 'routerHealth' | 'recentVetoes'>;

/**
 * An account root's status inputs, read off the end of its streams (the last NAV record, the vetoes of the
 * newest record's last 24 h), not the whole of them: `hedge status` costs the same after a year of cycles
 * as after a day. `undefined` when the root holds no telemetry (as `accountView`).
 */
export function statusInputsOf(root: string): StatusInputs | undefined {
  const p = statePaths(root);
  const lastNav = readJsonlTail(p.nav, NavRecord, newestOnly)[0] ?? null;
  const positions = readSnapshot(p.positions, PositionsSnapshot);
  const account = accountOfRoot(p, positions, lastNav?.account);
  if (account === undefined) return undefined;
  const recentVetoes = readJsonlTail(p.vetoes, VetoRecord, (v, newest) => v.ts > newest.ts - 86_400_000);
  return { account, heartbeats: heartbeatsOf(p), lastNav, positions, routerHealth: readSnapshot(p.routerHealth, RouterHealthSnapshot), recentVetoes };
}

/**
 * Whose telemetry an account root holds, for a reader that reads its streams from their end: its positions
 * snapshot's account, else its last NAV record's, else its last order event's (read off the end of the
 * stream only then); undefined when none says.
 */
export function accountOfRoot(p: StatePaths, positions: z.infer<typeof PositionsSnapshot> | null, navAccount: string | null | undefined): string | undefined {
  return positions?.account ?? navAccount ?? readJsonlTail(p.orders, OrderEventRecord, newestOnly)[0]?.account;
}

/** The executor's and the sync's heartbeats of an account root (those it has). */
export function heartbeatsOf(p: ReturnType<typeof statePaths>): Record<string, z.infer<typeof HeartbeatSnapshot>> {
  const heartbeats: Record<string, z.infer<typeof HeartbeatSnapshot>> = {};
  for (const service of ['executor', 'sync']) {
    const hb = readSnapshot(p.heartbeat(service), HeartbeatSnapshot);
    if (hb !== null) heartbeats[service] = hb;
  }
  return heartbeats;
}

function riskOf(file: string): AccountView['risk'] {
  const r = readSnapshot(file, RiskStateSchema);
  return r === null ? null : { trading_state: r.trading_state, state_reason: r.state_reason, state_since_ms: r.state_since_ms, day_start_nav_usd: r.day?.start_nav_usd ?? null, high_water_mark_usd: r.high_water_mark_usd };
}

/** A JSON snapshot checked against its schema; null when missing, unreadable or not valid. */
export function readSnapshot<S extends z.ZodType>(file: string, schema: S): z.infer<S> | null {
  try {
    const parsed = schema.safeParse(readJsonSnapshot(file));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

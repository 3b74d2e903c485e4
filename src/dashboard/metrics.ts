import path from 'node:path';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { RiskStateSchema } from '../risk/risk-state.js';
import { readSnapshot } from './model.js';
import { HeartbeatSnapshot } from '../telemetry/records/heartbeat.js';
import { NavRecord } from '../telemetry/records/nav.js';
import { OrderEventRecord } from '../telemetry/records/order-event.js';
import { PositionsSnapshot } from '../telemetry/records/positions.js';
import { RouterHealthSnapshot, RouterHealthStates } from '../telemetry/records/router-health.js';
import { VetoRecord } from '../telemetry/records/veto.js';
import { accountRoots, statePaths } from '../telemetry/state-paths.js';
import { JsonlFollower } from '../telemetry/jsonl-reader.js';

const SERVICES = ['executor', 'sync', 'guardian', 'dashboard'] as const;
const ROUTER_STATES = RouterHealthStates;
const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
/** What the metrics read of a guardian_actions.jsonl record. */
const GuardianLine = z.object({ playbook: z.string(), outcome: z.string() });

/** One account root's tails. */
interface AccountTails {
  readonly root: string;
  readonly orders: JsonlFollower<typeof OrderEventRecord>;
  readonly vetoes: JsonlFollower<typeof VetoRecord>;
  readonly nav: JsonlFollower<typeof NavRecord>;
  readonly guardian: JsonlFollower<typeof GuardianLine>;
  account: string | null;
  firstNav: number | null;
  hwm: number;
}

/**
 * The Prometheus metrics of a state dir (every account), read off the telemetry files at each scrape: the
 * snapshots (positions, router health, heartbeats, risk state) as they stand, the streams (orders, vetoes,
 * NAV, guardian actions) from where the last scrape stopped, so a scrape costs the new lines only. A stream
 * that got shorter (rewritten) is read again from its start and its counters restart (Prometheus reads a
 * counter that goes down as a reset).
 */
export class TelemetryMetrics {
  readonly registry = new Registry();
  private readonly tails = new Map<string, AccountTails>();
  private readonly nav: Gauge;
  private readonly pnl: Gauge;
  private readonly upnl: Gauge;
  private readonly gross: Gauge;
  private readonly drawdown: Gauge;
  private readonly positions: Gauge;
  private readonly tradingState: Gauge;
  private readonly vetoes: Counter;
  private readonly orders: Counter;
  private readonly latency: Histogram;
  private readonly guard: Counter;
  private readonly routerState: Gauge;
  private readonly routerOffset: Gauge;
  private readonly routerFillRate: Gauge;
  private readonly heartbeatAge: Gauge;
  private readonly heartbeatUp: Gauge;
  private readonly syncLag: Gauge;
  private readonly badLines: Counter;

  constructor(private readonly stateDir: string, private readonly clock: Clock) {
    const r = [this.registry];
    const a = ['account'];
    this.nav = new Gauge({ name: 'hedge_nav_usd', help: 'NAV (margin balance) of the last NAV record, USD', labelNames: a, registers: r });
    this.pnl = new Gauge({ name: 'hedge_pnl_usd', help: 'NAV of the last record less the first record of the NAV log, USD', labelNames: a, registers: r });
    this.upnl = new Gauge({ name: 'hedge_unrealized_pnl_usd', help: 'Unrealised PnL of the last NAV record, USD', labelNames: a, registers: r });
    this.gross = new Gauge({ name: 'hedge_gross_exposure_usd', help: 'Gross exposure of the last NAV record, USD', labelNames: a, registers: r });
    this.drawdown = new Gauge({ name: 'hedge_drawdown_pct', help: 'NAV below its high-water mark in the NAV log, percent', labelNames: a, registers: r });
    this.positions = new Gauge({ name: 'hedge_open_positions', help: 'Open positions of positions.json', labelNames: a, registers: r });
    this.tradingState = new Gauge({ name: 'hedge_trading_state', help: 'Risk engine trading state (1 for the current one)', labelNames: [...a, 'state'], registers: r });
    this.vetoes = new Counter({ name: 'hedge_vetoes_total', help: 'Risk vetoes and cuts by reason code', labelNames: [...a, 'reason', 'stage'], registers: r });
    this.orders = new Counter({ name: 'hedge_order_events_total', help: 'Order events of orders.jsonl by event', labelNames: [...a, 'event'], registers: r });
    this.latency = new Histogram({ name: 'hedge_order_latency_ms', help: 'Venue round trip of order submissions, ms', labelNames: a, buckets: [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000], registers: r });
    this.guard = new Counter({ name: 'hedge_guard_triggers_total', help: 'Guardian playbook firings by outcome (acted, cooldown, rate_limited, cleared)', labelNames: [...a, 'playbook', 'outcome'], registers: r });
    this.routerState = new Gauge({ name: 'hedge_router_state', help: 'Router health state per symbol (1 for the current one)', labelNames: [...a, 'symbol', 'state'], registers: r });
    this.routerOffset = new Gauge({ name: 'hedge_router_offset_bps', help: 'Adaptive maker offset per symbol, bps', labelNames: [...a, 'symbol'], registers: r });
    this.routerFillRate = new Gauge({ name: 'hedge_router_fill_rate', help: 'Maker fill rate per symbol over its window', labelNames: [...a, 'symbol'], registers: r });
    this.heartbeatAge = new Gauge({ name: 'hedge_heartbeat_age_seconds', help: 'Age of each service heartbeat at the scrape', labelNames: [...a, 'service'], registers: r });
    this.heartbeatUp = new Gauge({ name: 'hedge_heartbeat_status', help: 'Service status from its heartbeat (1 for the current one)', labelNames: [...a, 'service', 'status'], registers: r });
    this.syncLag = new Gauge({ name: 'hedge_sync_lag_ms', help: 'Sync lag of the last pass (oldest unmirrored write), ms', labelNames: a, registers: r });
    this.badLines = new Counter({ name: 'hedge_telemetry_bad_lines_total', help: 'Stream lines that did not parse or validate (shown, never dropped silently)', labelNames: ['file'], registers: r });
  }

  /** Brings every metric up to the files now, then renders the Prometheus text. */
  async render(): Promise<string> {
    this.collect();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  collect(): void {
    const now = this.clock.nowMs();
    // a stream that got shorter was rewritten: every counter starts again from every stream's start
    const all = [...this.tails.values()];
    if (all.some((t) => [t.orders, t.vetoes, t.nav, t.guardian].some((s) => s.rewritten()))) {
      for (const c of [this.orders, this.vetoes, this.guard]) c.reset();
      this.latency.reset();
      for (const t of all) {
        for (const s of [t.orders, t.vetoes, t.nav, t.guardian]) s.rewind();
        t.firstNav = null;
        t.hwm = Number.NEGATIVE_INFINITY;
      }
    }
    for (const root of accountRoots(this.stateDir)) {
      const p = statePaths(root);
      let t = this.tails.get(root);
      if (t === undefined) {
        t = {
          root, orders: new JsonlFollower(p.orders, OrderEventRecord), vetoes: new JsonlFollower(p.vetoes, VetoRecord), nav: new JsonlFollower(p.nav, NavRecord),
          guardian: new JsonlFollower(path.join(p.logsDir, 'guardian_actions.jsonl'), GuardianLine), account: null, firstNav: null, hwm: Number.NEGATIVE_INFINITY,
        };
        this.tails.set(root, t);
      }
      const positions = readSnapshot(p.positions, PositionsSnapshot);
      // the account's id: as its records name it
      t.account ??= positions?.account ?? null;
      // each stream's new records a record at a time (the first scrape of a year's NAV log holds none of them)
      const nav: { last?: NavRecord } = {};
      this.follow(t.nav, (n) => {
        t.account ??= n.account;
        t.firstNav ??= n.nav_usd;
        t.hwm = Math.max(t.hwm, n.nav_usd);
        nav.last = n;
      });
      this.follow(t.orders, (o) => {
        const account = (t.account ??= o.account);
        this.orders.inc({ account, event: o.event });
        if (o.event === 'order.submitted' && o.latency_ms !== null) this.latency.observe({ account }, o.latency_ms);
      });
      this.follow(t.vetoes, (v) => {
        const account = (t.account ??= v.account);
        for (const reason of v.reasons) this.vetoes.inc({ account, reason, stage: v.stage });
      });
      const known = t.account;
      // a guardian record names no account: it counts for the account the others name (none yet: not counted)
      this.follow(t.guardian, (g) => {
        if (known !== null) this.guard.inc({ account: known, playbook: g.playbook, outcome: g.outcome });
      });
      if (known === null) continue;
      const account = known;
      const lastNav = nav.last;
      if (lastNav !== undefined) {
        this.nav.set({ account }, lastNav.nav_usd);
        this.upnl.set({ account }, lastNav.unrealized_pnl_usd);
        this.gross.set({ account }, lastNav.gross_exposure_usd);
        this.pnl.set({ account }, lastNav.nav_usd - (t.firstNav ?? lastNav.nav_usd));
        this.drawdown.set({ account }, t.hwm > 0 ? (100 * (t.hwm - lastNav.nav_usd)) / t.hwm : 0);
      }
      if (positions !== null) this.positions.set({ account }, positions.positions.length);
      const risk = readSnapshot(p.riskState, RiskStateSchema);
      if (risk !== null) for (const s of TRADING_STATES) this.tradingState.set({ account, state: s }, risk.trading_state === s ? 1 : 0);
      const router = readSnapshot(p.routerHealth, RouterHealthSnapshot);
      for (const [symbol, h] of Object.entries(router?.symbols ?? {})) {
        for (const s of ROUTER_STATES) this.routerState.set({ account, symbol, state: s }, h.state === s ? 1 : 0);
        this.routerOffset.set({ account, symbol }, h.offset_bps);
        if (h.fill_rate !== null) this.routerFillRate.set({ account, symbol }, h.fill_rate);
      }
      for (const service of SERVICES) {
        const hb = readSnapshot(p.heartbeat(service), HeartbeatSnapshot);
        if (hb === null) continue;
        this.heartbeatAge.set({ account, service }, Math.max(0, (now - hb.ts) / 1000));
        for (const s of ['starting', 'running', 'degraded', 'stopping', 'stopped'] as const) this.heartbeatUp.set({ account, service, status: s }, hb.status === s ? 1 : 0);
        if (service === 'sync' && hb.lag_ms !== null) this.syncLag.set({ account }, hb.lag_ms);
      }
    }
  }

  /** The records appended to a stream since the last scrape, to `onRecord`; its lines that do not parse or validate counted. */
  private follow<S extends z.ZodType>(f: JsonlFollower<S>, onRecord: (r: z.infer<S>) => void): void {
    const { badLines } = f.each(onRecord);
    if (badLines > 0) this.badLines.inc({ file: path.basename(f.file) }, badLines);
  }

}

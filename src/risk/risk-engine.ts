import type { Clock } from '../core/clock.js';
import { isoDateOfDay } from '../core/iso-time.js';
import type { RiskLimitsConfig } from '../config/schemas/risk-limits.js';
import type { StrategyConfig } from '../config/schemas/strategy-config.js';
import type { InstrumentLookup } from '../domain/instrument.js';
import type { VetoReason } from '../domain/veto.js';
import { freshRiskState, type RiskState } from './risk-state.js';
import { strictness, type TradingState } from './trading-state.js';

/** An order the router wants to send, sized and priced. */
export interface OrderIntent {
  readonly strategy: string;
  readonly symbol: string;
  readonly venue: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  /** Expected fill price (limit price, or mark for a market order). */
  readonly price: number;
  readonly reduceOnly: boolean;
  readonly leverage: number;
  /** The protective stop placed with an entry; `null` for none. */
  readonly stopPrice: number | null;
}

/** A held position as the risk engine sees it. `qty` is signed. */
export interface HeldPosition {
  readonly symbol: string;
  readonly strategy: string;
  readonly qty: number;
  readonly markPrice: number;
}

/** The portfolio an intent is checked against. */
export interface PortfolioView {
  readonly navUsd: number | null;
  /** When the NAV was last measured. */
  readonly navTsMs: number | null;
  readonly positions: readonly HeldPosition[];
  readonly openOrders: number;
}

/** The outcome of a check: a value, never an exception. */
export type RiskDecision =
  | { readonly type: 'approved' }
  | { readonly type: 'denied'; readonly reasons: VetoReason[]; readonly details: Record<string, number | string | boolean | null> };

const EPS = 1e-9;

/**
 * The last line before money. Checks each sized order against the portfolio it would change and the
 * risk limits, and answers approved or denied with every reason and the numbers that decided it.
 * Orders that only reduce a position pass every gate that limits new risk (closing must always be
 * possible). It keeps its memory (trading state, day-start NAV, high-water mark, cooldowns, veto and
 * order windows) in a `RiskState` the caller persists.
 */
export class RiskEngine {
  private s: RiskState;
  constructor(
    private readonly limits: RiskLimitsConfig,
    private readonly strategies: StrategyConfig,
    private readonly instruments: InstrumentLookup,
    private readonly clock: Clock,
    state?: RiskState,
  ) {
    this.s = state ?? freshRiskState(clock.nowMs());
  }

  get state(): Readonly<RiskState> {
    return this.s;
  }

  get tradingState(): TradingState {
    return this.s.trading_state;
  }

  /** Checks one intent. A denial is recorded for the veto-streak guard; an approval for the order-rate guard. */
  check(o: OrderIntent, view: PortfolioView): RiskDecision {
    const now = this.clock.nowMs();
    const g = this.limits.global;
    const reasons: VetoReason[] = [];
    const details: Record<string, number | string | boolean | null> = {};
    const deny = (reason: VetoReason, d: Record<string, number | string | boolean | null>) => {
      reasons.push(reason);
      Object.assign(details, d);
    };
    const held = view.positions.find((p) => p.symbol === o.symbol && p.strategy === o.strategy);
    const symbolQty = view.positions.reduce((a, p) => (p.symbol === o.symbol ? a + p.qty : a), 0);
    const signed = o.side === 'buy' ? o.qty : -o.qty;
    // an order reduces risk when it moves the symbol's net position towards zero without crossing it
    const reducing = o.reduceOnly || (symbolQty !== 0 && Math.sign(signed) !== Math.sign(symbolQty) && Math.abs(signed) <= Math.abs(symbolQty) + EPS);
    const notional = o.qty * o.price;
    const inst = this.instruments.get(o.symbol);

    // order rate applies to every order: the venue's limits count closes too
    const rate = this.limits.order_rate;
    const times = (this.s.order_times[o.venue] ?? []).filter((t) => t > now - 60_000);
    const in10 = times.filter((t) => t > now - 10_000).length;
    if (in10 >= rate.orders_per_10s || times.length >= rate.orders_per_minute) deny('order_rate', { orders_10s: in10, orders_60s: times.length, limit_10s: rate.orders_per_10s, limit_60s: rate.orders_per_minute });

    if (!reducing) {
      if (this.s.trading_state === 'HALTED') deny('kill_switch', { trading_state: 'HALTED', state_reason: this.s.state_reason });
      else if (this.s.trading_state === 'REDUCING') deny('reduce_only_state', { trading_state: 'REDUCING', state_reason: this.s.state_reason });
      const nav = view.navUsd;
      if (nav === null || !(nav > 0)) deny('nav_missing', { nav_usd: nav });
      else {
        const ageS = view.navTsMs === null ? Number.POSITIVE_INFINITY : (now - view.navTsMs) / 1000;
        if (ageS > g.nav_max_age_s) deny('nav_stale', { nav_age_s: Number.isFinite(ageS) ? ageS : null, nav_max_age_s: g.nav_max_age_s });
        if (this.s.day !== null && this.s.day.start_nav_usd > 0) {
          const lossPct = (100 * (this.s.day.start_nav_usd - nav)) / this.s.day.start_nav_usd;
          if (lossPct >= g.daily_loss_limit_pct) deny('daily_loss', { daily_loss_pct: lossPct, limit_pct: g.daily_loss_limit_pct });
        }
        if (this.s.high_water_mark_usd !== null && this.s.high_water_mark_usd > 0) {
          const ddPct = (100 * (this.s.high_water_mark_usd - nav)) / this.s.high_water_mark_usd;
          if (ddPct >= g.max_drawdown_pct) deny('drawdown', { drawdown_pct: ddPct, limit_pct: g.max_drawdown_pct });
        }
        const symLim = this.limits.per_symbol[o.symbol];
        const stratLim = this.limits.per_strategy[o.strategy];
        const stratCfg = this.strategies.strategies[o.strategy];
        if (symLim?.enabled === false) deny('symbol_disabled', { symbol: o.symbol });
        const maxLev = Math.min(g.max_leverage, symLim?.max_leverage ?? Infinity, stratLim?.max_leverage ?? Infinity, inst !== undefined && inst.maxLeverage > 0 ? inst.maxLeverageAt(notional) : Infinity);
        if (o.leverage > maxLev) deny('leverage_exceeded', { leverage: o.leverage, limit: maxLev });
        const orderCap = symLim?.max_order_notional_usd ?? g.max_order_notional_usd;
        if (notional > orderCap + EPS) deny('order_notional', { notional_usd: notional, limit_usd: orderCap });
        const tradePct = (100 * notional) / nav;
        const tradeCap = Math.min(g.max_trade_nav_pct, stratCfg?.max_trade_nav_pct ?? Infinity);
        if (tradePct > tradeCap + EPS) deny('trade_gt_nav_pct', { trade_pct: tradePct, limit_pct: tradeCap });
        let gross = 0;
        let net = 0;
        let symbolAbs = 0;
        let strategyAbs = 0;
        for (const p of view.positions) {
          const v = p.qty * p.markPrice;
          gross += Math.abs(v);
          net += v;
          if (p.symbol === o.symbol) symbolAbs += v;
          if (p.strategy === o.strategy) strategyAbs += Math.abs(v);
        }
        const after = (v: number) => v + signed * o.price;
        const symbolPct = (100 * Math.abs(after(symbolAbs))) / nav;
        const symbolCap = symLim?.max_nav_pct ?? g.max_symbol_nav_pct;
        if (symbolPct > symbolCap + EPS) deny('symbol_exposure', { symbol_pct: symbolPct, limit_pct: symbolCap });
        const strategyPct = (100 * (strategyAbs + notional)) / nav;
        const strategyCap = Math.min(stratCfg?.max_nav_pct ?? Infinity, stratLim?.max_nav_pct ?? Infinity);
        if (strategyPct > strategyCap + EPS) deny('strategy_exposure', { strategy_pct: strategyPct, limit_pct: strategyCap });
        const grossPct = (100 * (gross + notional)) / nav;
        if (grossPct > g.max_gross_exposure_pct + EPS) deny('global_exposure', { gross_pct: grossPct, limit_pct: g.max_gross_exposure_pct });
        const netPct = (100 * Math.abs(after(net))) / nav;
        if (netPct > g.max_net_exposure_pct + EPS) deny('net_exposure', { net_pct: netPct, limit_pct: g.max_net_exposure_pct });
        const newPosition = held === undefined || held.qty === 0;
        const positions = view.positions.filter((p) => p.qty !== 0).length;
        const posCap = Math.min(g.max_concurrent_positions, stratLim?.max_concurrent_positions ?? Infinity);
        const stratPositions = view.positions.filter((p) => p.qty !== 0 && p.strategy === o.strategy).length;
        if (newPosition && (positions >= g.max_concurrent_positions || stratPositions >= Math.min(posCap, stratCfg?.max_concurrent_positions ?? Infinity)))
          deny('max_positions', { positions, strategy_positions: stratPositions, limit: g.max_concurrent_positions });
        const openCap = Math.min(g.max_open_orders, stratLim?.max_open_orders ?? Infinity);
        if (view.openOrders >= openCap) deny('max_open_orders', { open_orders: view.openOrders, limit: openCap });
        const cooldown = this.s.cooldowns[o.symbol];
        if (cooldown !== undefined && cooldown > now) deny('cooldown', { cooldown_until_ms: cooldown });
        const streak = (this.s.veto_times[o.symbol] ?? []).filter((t) => t > now - g.veto_streak.window_s * 1000).length;
        if (streak >= g.veto_streak.count) deny('veto_streak', { vetoes_in_window: streak, limit: g.veto_streak.count });
        const optedOut = stratCfg?.stop.type === 'none';
        if (g.require_stop && !optedOut && o.stopPrice === null) deny('missing_stop', { stop_price: null });
        if (inst !== undefined && notional < inst.minNotional) deny('min_notional', { notional_usd: notional, min_notional_usd: inst.minNotional });
      }
    }

    if (reasons.length === 0) {
      this.s.order_times[o.venue] = [...times, now];
      return { type: 'approved' };
    }
    if (!reducing) {
      const window = (this.s.veto_times[o.symbol] ?? []).filter((t) => t > now - this.limits.global.veto_streak.window_s * 1000);
      this.s.veto_times[o.symbol] = [...window, now];
      if (window.length + 1 === this.limits.global.veto_streak.count)
        this.s.cooldowns[o.symbol] = Math.max(this.s.cooldowns[o.symbol] ?? 0, now + this.limits.global.veto_streak.cooldown_s * 1000);
    }
    this.s.last_vetoes = [...this.s.last_vetoes.slice(-49), { ts: now, symbol: o.symbol, strategy: o.strategy, reasons }];
    this.s.updated_ms = now;
    return { type: 'denied', reasons, details };
  }

  /**
   * Feeds a NAV measurement: starts a new trading day at midnight of the reset time zone, raises the
   * high-water mark, and moves to REDUCING when the daily loss or the drawdown passes its limit.
   */
  observeNav(navUsd: number, atMs: number): void {
    const g = this.limits.global;
    const date = dayOf(atMs, g.day_reset_timezone);
    if (this.s.day === null || this.s.day.date !== date) this.s.day = { date, start_nav_usd: navUsd };
    if (this.s.high_water_mark_usd === null || navUsd > this.s.high_water_mark_usd) this.s.high_water_mark_usd = navUsd;
    const lossPct = (100 * (this.s.day.start_nav_usd - navUsd)) / this.s.day.start_nav_usd;
    const ddPct = (100 * (this.s.high_water_mark_usd - navUsd)) / this.s.high_water_mark_usd;
    if (lossPct >= g.daily_loss_limit_pct) this.escalate('REDUCING', `daily loss ${lossPct.toFixed(2)}% ≥ ${g.daily_loss_limit_pct}%`, atMs);
    else if (ddPct >= g.max_drawdown_pct) this.escalate('REDUCING', `drawdown ${ddPct.toFixed(2)}% ≥ ${g.max_drawdown_pct}%`, atMs);
    this.s.updated_ms = atMs;
  }

  /** A position closed with `realizedPnlUsd`: a loss starts the symbol's cooldown. */
  observeClose(symbol: string, realizedPnlUsd: number, atMs: number): void {
    if (realizedPnlUsd < 0 && this.limits.global.cooldown_after_loss_s > 0)
      this.s.cooldowns[symbol] = Math.max(this.s.cooldowns[symbol] ?? 0, atMs + this.limits.global.cooldown_after_loss_s * 1000);
    this.s.updated_ms = atMs;
  }

  /** A critical guard failed (stale data, repeated venue errors): reduce-only until an operator resumes. */
  guardFailed(reason: string): void {
    this.escalate('REDUCING', reason, this.clock.nowMs());
  }

  /** The kill switch. */
  kill(reason: string): void {
    this.escalate('HALTED', reason, this.clock.nowMs());
  }

  /** The operator's explicit command to trade again. */
  resume(operatorReason: string): void {
    this.s.trading_state = 'ACTIVE';
    this.s.state_reason = `resumed: ${operatorReason}`;
    this.s.state_since_ms = this.clock.nowMs();
    this.s.updated_ms = this.s.state_since_ms;
  }

  private escalate(to: TradingState, reason: string, atMs: number): void {
    if (strictness[to] <= strictness[this.s.trading_state]) return;
    this.s.trading_state = to;
    this.s.state_reason = reason;
    this.s.state_since_ms = atMs;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const dateFormatters = new Map<string, Intl.DateTimeFormat>();

const DAY_MS = 86_400_000;
/** Per zone: the UTC day last asked about and the zone's offset through it (null when it changes that day). */
const zoneDays = new Map<string, { utcDay: number; offsetMs: number | null; localDay: number; date: string }>();
/** The last answer and the span of instants it holds for (updated in place: a backtest asks once a bar). */
const last = { zone: '', fromMs: 0, toMs: 0, date: '' };

/** The calendar date (YYYY-MM-DD) of `ms` in `timeZone`; one Intl call per zone and UTC day, not per call. */
export function dayOf(ms: number, timeZone: string): string {
  if (timeZone === last.zone && ms >= last.fromMs && ms < last.toMs) return last.date;
  const utcDay = Math.floor(ms / DAY_MS);
  let z = zoneDays.get(timeZone);
  if (z === undefined) {
    z = { utcDay: Number.NaN, offsetMs: null, localDay: Number.NaN, date: '' };
    zoneDays.set(timeZone, z);
  }
  if (z.utcDay !== utcDay) {
    const start = offsetOf(utcDay * DAY_MS, timeZone);
    // a zone changes its offset at most once a day: equal at both ends means constant all day
    z.utcDay = utcDay;
    z.offsetMs = start === offsetOf((utcDay + 1) * DAY_MS - 1, timeZone) ? start : null;
    z.localDay = Number.NaN;
  }
  if (z.offsetMs === null) return dateFormatterOf(timeZone).format(ms);
  const localDay = Math.floor((ms + z.offsetMs) / DAY_MS);
  if (z.localDay !== localDay) {
    z.localDay = localDay;
    z.date = isoDateOfDay(localDay);
  }
  // where this date holds with this offset: the local day within the UTC day
  last.zone = timeZone;
  last.fromMs = Math.max(utcDay * DAY_MS, localDay * DAY_MS - z.offsetMs);
  last.toMs = Math.min((utcDay + 1) * DAY_MS, (localDay + 1) * DAY_MS - z.offsetMs);
  last.date = z.date;
  return z.date;
}

function dateFormatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timeZone, f);
  }
  return f;
}

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at `ms` (local wall time − UTC), whole minutes. */
function offsetOf(ms: number, timeZone: string): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const parts = Object.fromEntries(formatterOf(timeZone).formatToParts(ms).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']));
  return local - Math.floor(ms / 60_000) * 60_000;
}

import { isoOf, Stopwatch, type ManualClock } from '../core/clock.js';
import type { ConfigSet } from '../config/files.js';
import { lastClosedIndex, seriesHead, type Candle, type CandleSeries } from '../domain/candle.js';
import type { FundingRate } from '../domain/funding.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';
import type { ReplayTick } from '../market/replay-feed.js';
import type { RiskEngine } from '../risk/risk-engine.js';
import type { DailyRegimes } from '../screener/regime-models.js';
import { collectSignals, prepareSignals, type SignalSources, type StrategySignal } from '../screener/signals.js';
import type { PaperVenue } from '../venues/paper/paper-venue.js';
import type { Kernel } from './kernel.js';

/** The id a cycle's records carry: its number and the close it ran at. */
export function cycleId(cycle: number, closeTimeMs: number): string {
  return `c${cycle}-${isoOf(closeTimeMs)}`;
}

/** How a decision taken at a bar's close is executed on bars (stated with every backtest report). */
export type BarExecution =
  /** At the close of the bar the signal was decided on (the executor's replay: it acts the moment the bar closes). */
  | 'close'
  /** At the open of the next bar: the decision is taken on the closed bar and acted on at the next open, sized at that price. */
  | 'next_open';

export interface BarLoopDeps {
  readonly config: ConfigSet;
  readonly kernel: Kernel;
  readonly venue: PaperVenue;
  readonly clock: ManualClock;
  readonly risk: RiskEngine;
  /** The symbols whose base bars move the market. */
  readonly universe: readonly string[];
  /** The timeframe of the bars that move the market (1h for the cache; a user's own file may be coarser). */
  readonly base: Exclude<Timeframe, '1m'>;
  /** The base bars (the feed's timeframe) and the ones built from them. */
  seriesOf(symbol: string, tf: Exclude<Timeframe, '1m'>): CandleSeries;
  /** Funding events by symbol, and where each symbol stands in them (carried across restarts). */
  readonly funding: ReadonlyMap<string, readonly FundingRate[]>;
  readonly fundingIndex: Map<string, number>;
  /** Regime models for strategies that read them; null where none is fitted (a user's own data). */
  readonly regimes: DailyRegimes | null;
  readonly execution: BarExecution;
  /**
   * Optional fast path (backtests): whether no strategy can act at `T`. A quiet bar still moves the market,
   * pays funding and updates NAV and risk; it skips the signal step and the decision, which would do nothing.
   */
  readonly quiet?: ((T: number) => boolean) | undefined;
  /** A funding payment was received (+) or paid (−), USD. */
  readonly onFunding?: ((symbol: string, paidUsd: number) => void) | undefined;
}

/** The equity curve a backtest fills: close time and NAV of each bar, `n` so far, of which `quietBars` took the quiet path. */
export interface CurveBuffer {
  readonly times: Float64Array;
  readonly levels: Float64Array;
  n: number;
  quietBars: number;
}

/** What one cycle of the loop did. */
export interface CycleResult {
  readonly T: number;
  /** NAV (margin balance) before the decision, as the risk engine saw it. */
  readonly navUsd: number;
  /** Decision latency (signals, sizing, risk; no venue calls or model refits), ms; 0 on a quiet bar. */
  readonly decisionMs: number;
  readonly quiet: boolean;
}

/**
 * One cycle per tick of closed bars, the same for `hedge executor --replay` and `hedge backtest`: the bars
 * move the paper market (resting stops fill, liquidations happen), fills are booked, funding that came
 * due is paid, NAV is observed by risk, the strategies whose bar closed decide and the kernel acts on
 * their signals. What each caller writes after a cycle (telemetry and checkpoint, or an equity curve) is
 * the caller's.
 */
export class BarLoop {
  private readonly next = new Map<string, number>();
  private readonly bar: { -readonly [K in keyof Candle]: Candle[K] } = { symbol: '', timeframe: '1h', openTimeMs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  /** The earliest funding time not yet paid (−∞ until the first pass over the events). */
  private fundingDueMs = Number.NEGATIVE_INFINITY;
  /** The close the cycle decides at (read by `sources`). */
  private T = 0;
  /** What the strategies read at `T`: made once, not per cycle. */
  private readonly sources: SignalSources = {
    due: (tf) => this.T % timeframeMs[tf] === 0,
    bars: (symbol, tf) => {
      if (!this.d.universe.includes(symbol)) return undefined;
      const s = this.d.seriesOf(symbol, tf);
      const end = lastClosedIndex(s, this.T) + 1;
      return end <= 0 ? undefined : seriesHead(s, end);
    },
    regime: (symbol) => this.d.regimes?.at(this.d.seriesOf(symbol, this.d.base), this.T) ?? null,
  };
  constructor(private readonly d: BarLoopDeps) {
    // before the first bar, so that the per-bar collectSignals finds its strategies and instances made
    prepareSignals(d.config);
  }

  /** Runs the cycle numbered `cycle` (its records carry `cycleId(cycle, T)`). */
  async cycle(tick: ReplayTick, cycle: number): Promise<CycleResult> {
    const nav = this.quietTick(tick);
    if (!Number.isNaN(nav)) return { T: tick.closeTimeMs, navUsd: nav, decisionMs: 0, quiet: true };
    return this.decideTick(tick, cycle);
  }

  /**
   * The first half of a cycle, without a promise: the tick's bars move the paper market. When the tick is
   * quiet (the `quiet` fast path), it is finished here — funding, NAV observed by risk — and its NAV is
   * returned; otherwise NaN, and `decideTick` runs the rest of the cycle.
   */
  quietTick(tick: ReplayTick): number {
    const { venue, risk } = this.d;
    const T = tick.closeTimeMs;
    this.d.clock.setMs(T);
    // 1. the bars that just closed move the paper market
    const bar = this.bar;
    for (let k = 0; k < tick.count; k++) {
      const s = tick.series[k] as CandleSeries;
      const i = tick.indices[k] ?? 0;
      // one scratch candle for every bar (the venue reads it and keeps nothing of it)
      bar.symbol = s.symbol;
      bar.timeframe = s.timeframe;
      bar.openTimeMs = s.openTimeMs[i] ?? 0;
      bar.open = s.open[i] ?? 0;
      bar.high = s.high[i] ?? 0;
      bar.low = s.low[i] ?? 0;
      bar.close = s.close[i] ?? 0;
      bar.volume = s.volume[i] ?? 0;
      venue.onBar(bar);
      this.next.set(s.symbol, i + 1);
    }
    if (this.d.quiet === undefined || venue.hasUndeliveredFills() || !this.d.quiet(T)) return Number.NaN;
    this.payFunding(T);
    const nav = venue.navNow();
    risk.observeNav(nav, T);
    return nav;
  }

  /** The rest of a cycle whose tick `quietTick` moved the market with and found not quiet: fills, funding, NAV, decisions. */
  async decideTick(tick: ReplayTick, cycle: number): Promise<CycleResult> {
    const { kernel, venue, risk } = this.d;
    const T = tick.closeTimeMs;
    const begun = kernel.beginCycle(cycleId(cycle, T));
    if (begun !== undefined) await begun;
    if (venue.hasUndeliveredFills()) await kernel.syncFills();
    // 2. funding events that came due (a payment moves a position's margin: read the positions again)
    if (this.payFunding(T)) await kernel.refreshPositions();
    // 3. NAV
    let nav = venue.balanceNow().marginBalance;
    risk.observeNav(nav, T);
    // 4. strategies whose bar closed decide
    const { regimes, config } = this.d;
    const refitBefore = regimes?.refitMs ?? 0;
    const watch = new Stopwatch();
    this.T = T;
    let signals = collectSignals(config, T, this.sources);
    const signalMs = watch.elapsedMs();
    const navObserved = nav;
    if (this.d.execution === 'next_open') {
      // acted on at the next bar's open: a symbol without a next bar cannot be traded at this decision
      signals = this.atNextOpen(signals);
      nav = venue.balanceNow().marginBalance;
    }
    const timing = await kernel.decide(T, nav, signals, (symbol) => this.d.seriesOf(symbol, this.d.base));
    if (this.d.execution === 'next_open') for (const symbol of this.d.universe) this.markAtClose(symbol);
    // model maintenance (the daily regime refit) is not a decision: it belongs off the cycle
    const decisionMs = signalMs + timing.totalMs - timing.venueMs - ((regimes?.refitMs ?? 0) - refitBefore);
    return { T, navUsd: navObserved, decisionMs, quiet: false };
  }

  /**
   * Runs the quiet bars of one series from index `from` on (the only series the run trades): each bar
   * moves the mark, pays the funding that came due and has its NAV observed by risk, exactly as the quiet
   * path of `cycle` does, with no tick and no promise per bar, and its close time and NAV go to `curve`.
   * Stops at the first bar that is not quiet (`quiet(T)` false, or an order or a liquidation the bar can
   * reach) and returns its index, or `to`.
   *
   * While the account holds nothing, NAV is the wallet and cannot move: only the last bar's mark matters,
   * no funding is paid, and risk sees the same NAV at every bar — a loss or drawdown limit it passes does
   * so at the first bar, and a new day starts at that same NAV — so risk observes the first bar (before the
   * next is asked whether it is quiet) and the last, which leaves it exactly as observing each would.
   */
  skipQuiet(s: CandleSeries, from: number, to: number, quiet: (T: number) => boolean, curve: CurveBuffer): number {
    const { venue, risk } = this.d;
    if (venue.hasUndeliveredFills()) return from;
    const step = timeframeMs[s.timeframe];
    const symbol = s.symbol;
    const open = s.openTimeMs;
    const { times, levels } = curve;
    let i = from;
    if (venue.isFlat()) {
      const nav = venue.navNow();
      for (; i < to; i++) {
        const T = (open[i] as number) + step;
        if (!quiet(T)) break;
        // the first bar: where a limit this NAV passes is passed (and seen by the next bar's `quiet`)
        if (i === from) risk.observeNav(nav, T);
        times[curve.n] = T;
        levels[curve.n] = nav;
        curve.n++;
      }
      if (i > from) {
        curve.quietBars += i - from;
        const firstT = (open[from] as number) + step;
        const lastT = (open[i - 1] as number) + step;
        venue.quietBar(symbol, s.low[i - 1] as number, s.high[i - 1] as number, s.close[i - 1] as number);
        this.d.clock.setMs(lastT);
        if (this.d.funding.size > 0) this.payFunding(lastT);
        if (lastT !== firstT) risk.observeNav(nav, lastT);
        this.next.set(symbol, i);
      }
      return i;
    }
    for (; i < to; i++) {
      const T = (open[i] as number) + step;
      if (!quiet(T) || !venue.quietBar(symbol, s.low[i] as number, s.high[i] as number, s.close[i] as number)) break;
      // nothing else in a quiet bar reads the clock: it moves for funding (its records carry the time), and at the end
      if (this.d.funding.size > 0) {
        this.d.clock.setMs(T);
        this.payFunding(T);
      }
      const nav = venue.navNow();
      risk.observeNav(nav, T);
      times[curve.n] = T;
      levels[curve.n] = nav;
      curve.n++;
    }
    curve.quietBars += i - from;
    if (i > from) {
      this.d.clock.setMs((open[i - 1] as number) + step);
      this.next.set(symbol, i);
    }
    return i;
  }

  /** Pays the funding events due by T; whether any payment was made. */
  private payFunding(T: number): boolean {
    // nothing is due before the earliest unpaid event (the per-symbol walk is for when something is)
    if (T < this.fundingDueMs) return false;
    let paidAny = false;
    let due = Number.POSITIVE_INFINITY;
    for (const [symbol, events] of this.d.funding) {
      let j = this.d.fundingIndex.get(symbol) ?? events.findIndex((f) => f.fundingTimeMs > T - 3_600_000);
      while (j >= 0 && j < events.length && (events[j]?.fundingTimeMs ?? Infinity) <= T) {
        const paid = this.d.venue.applyFunding(symbol, events[j]?.rate ?? 0);
        if (paid !== 0) {
          paidAny = true;
          this.d.kernel.onFunding(symbol, paid);
          this.d.onFunding?.(symbol, paid);
        }
        j++;
      }
      this.d.fundingIndex.set(symbol, j);
      if (j >= 0 && j < events.length) due = Math.min(due, (events[j] as FundingRate).fundingTimeMs);
    }
    this.fundingDueMs = due;
    return paidAny;
  }

  /** Moves every traded symbol's mark to its next bar's open and prices the signals there; drops signals of symbols with no next bar. */
  private atNextOpen(signals: StrategySignal[]): StrategySignal[] {
    const open = new Map<string, number>();
    for (const symbol of this.d.universe) {
      const s = this.d.seriesOf(symbol, this.d.base);
      const i = this.next.get(symbol) ?? -1;
      if (i < 0 || i >= s.length) continue;
      const px = s.open[i] as number;
      open.set(symbol, px);
      this.d.venue.setMark(symbol, px);
    }
    // a literal as collectSignals makes them (one shape of signal for decide), not a spread copy; pushed, not
    // flatMapped (whose arrays change elements kind with the caller's tier)
    const priced: StrategySignal[] = [];
    for (const x of signals) {
      const px = open.get(x.signal.symbol);
      if (px !== undefined) priced.push({ strategy: x.strategy, settings: x.settings, signal: x.signal, price: px });
    }
    return priced;
  }

  private markAtClose(symbol: string): void {
    const s = this.d.seriesOf(symbol, this.d.base);
    const i = (this.next.get(symbol) ?? 0) - 1;
    if (i >= 0 && i < s.length) this.d.venue.setMark(symbol, s.close[i] as number);
  }
}

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { Stopwatch, type ManualClock } from '../core/clock.js';
import { InvariantError, UsageError } from '../core/errors.js';
import type { ConfigSet } from '../config/files.js';
import type { LoadedConfig } from '../config/load.js';
import { lastClosedIndex, type CandleSeries } from '../domain/candle.js';
import type { FundingRate } from '../domain/funding.js';
import type { Fill, Order } from '../domain/order.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';
import { loadBundledFunding } from '../market/history.js';
import { loadBundledInstruments } from '../market/instrument-provider.js';
import { ReplayFeed } from '../market/replay-feed.js';
import { dayOf, RiskEngine } from '../risk/risk-engine.js';
import { freshRiskState } from '../risk/risk-state.js';
import { RouterHealth } from '../router/router-health.js';
import { DailyRegimes } from '../screener/regime-models.js';
import { NO_SIGNAL } from '../strategies/define-strategy.js';
import { strategyPlugins } from '../strategies/registry.js';
import { writeJsonAtomic, writeTextAtomic } from '../telemetry/atomic-json.js';
import { renderBacktestPage } from '../backtest/report-page.js';
import { checkLookAhead, type LookAheadFinding } from '../backtest/look-ahead.js';
import { BufferedJsonlWriter, discardRecords } from '../telemetry/jsonl-writer.js';
import type { PaperVenue } from '../venues/paper/paper-venue.js';
import { BarLoop, type CurveBuffer, type BarExecution } from './bar-loop.js';
import { cacheBars, fileBars, type Bars } from './backtest-bars.js';
import { replayEnvironment } from './environment.js';
import { Kernel, type FillSource, type KernelDeps } from './kernel.js';
import { backtestConfig, type BacktestConfig, type BacktestOverrides } from '../backtest/backtest-config.js';
import { annualisationOf, metricsOf, returnsOf, type Annualisation, type Metrics } from '../backtest/metrics.js';
import { monteCarlo, type MonteCarloReport } from '../backtest/monte-carlo.js';
import { TradeBook, type Trade } from '../backtest/trades.js';

/** A run without files: one object for every run (a sweep worker's optimised code keeps seeing the same shape). */
const discardAndClose = { ...discardRecords, close: (): void => undefined };

export interface BacktestOptions extends BacktestOverrides {
  readonly loaded: LoadedConfig;
  /** Where the candle cache and regime models are (as for the executor). */
  readonly stateDir: string;
  /** First and last bar close of the run (default: all the data); bars before `fromMs` are warm-up history. */
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  readonly execution: BarExecution;
  /** A user's own OHLCV CSV (one symbol) instead of the cache. */
  readonly data?: string | undefined;
  /** Where the run's files go; null writes none (sweeps keep results in memory). */
  readonly outDir: string | null;
  /** Skip the bars where no strategy can act (when every strategy declares `directions`); default true. */
  readonly fastPath?: boolean | undefined;
  readonly stop?: AbortSignal | undefined;
  /**
   * Assume an operator resumes trading at the next day's reset after the daily loss limit moved it to
   * reduce-only (the executor waits for `hedge resume`; a multi-year backtest would otherwise stop trading
   * at the first bad day). Every resume is listed in the result's `risk.events`.
   */
  readonly resumeNextDay?: boolean | undefined;
  /** Only the first `maxBars` bars (of the data's timeframe) of the range: a sweep worker's warm-up run. */
  readonly maxBars?: number | undefined;
  /** Keep the equity of every bar in the result (`curve`; a walk-forward stitches its windows' curves). */
  readonly keepCurve?: boolean | undefined;
  /** Monte Carlo of the finished run (trade-order bootstrap and block bootstrap of bar returns). */
  readonly monteCarlo?: { readonly simulations: number; readonly seed: number; readonly blockBars?: number | undefined } | undefined;
  /** Bars already loaded by an earlier run in this process (a sweep worker keeps one for all its points). */
  readonly seriesMemo?: Map<string, CandleSeries> | undefined;
  /** Called about a hundred times over the run. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** What a backtest states about how it filled, priced and counted: printed with every report. */
export interface Assumptions {
  readonly execution: BarExecution;
  readonly execution_note: string;
  readonly fees: { readonly maker_bps: number; readonly taker_bps: number };
  readonly slippage: { readonly spread_bps: number; readonly impact_bps_per_10k_usd: number; readonly note: string };
  readonly funding: string;
  readonly liquidation: string;
  readonly sizing: string;
  readonly risk_limits: 'configured' | 'lifted';
  readonly operator: string;
  readonly final_equity: string;
  readonly annualisation: Annualisation;
  readonly data: string;
}

export interface BacktestResult {
  readonly schema_version: 1;
  readonly configFingerprint: string;
  readonly account: string;
  readonly strategies: readonly string[];
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly from: string;
  readonly to: string;
  readonly bars: number;
  readonly cycles: number;
  readonly stopped: boolean;
  readonly startEquity: number;
  readonly finalEquity: number;
  readonly orders: { readonly submitted: number; readonly filled: number; readonly rejected: number; readonly vetoed: number };
  readonly metrics: { readonly blended: Metrics; readonly per_strategy: Record<string, Metrics> };
  readonly trades: readonly Trade[];
  readonly assumptions: Assumptions;
  /** The risk engine's trading state at the end, and every change of it during the run (reduce-only, halts, resumes). */
  readonly risk: { readonly final_state: string; readonly reason: string; readonly events: readonly { readonly ts: number; readonly state: string; readonly reason: string }[] };
  /** Every bar's close time and equity, when asked for (`keepCurve`); not in report.json (equity.csv has it). */
  readonly curve?: { readonly ts: Float64Array; readonly nav: Float64Array } | undefined;
  /** Present when asked for (`--monte-carlo N`). */
  readonly monte_carlo: MonteCarloReport | null;
  /** The equity curve, at most 2,000 points (every bar is in equity.csv), and each strategy's (start + its PnL) at the same points. */
  readonly equity: { readonly ts: number[]; readonly nav_usd: number[]; readonly strategies: Record<string, number[]> };
  /**
   * load: config and bars; run: the kernel over every bar (strategy precomputation included); wall: all of
   * it, results and files too. bars_per_s is bars over run_ms. peak_rss_mb: the process's, so far.
   */
  readonly timing: {
    readonly load_ms: number; readonly run_ms: number; readonly wall_ms: number; readonly bars_per_s: number; readonly fast_path: boolean; readonly quiet_bars: number; readonly peak_rss_mb: number;
  };
  readonly files: Record<string, string>;
}

/**
 * `hedge backtest`: cached history (or a user's CSV) through the executor's kernel on the paper venue —
 * the same `BarLoop` as `hedge executor --replay`, the risk engine and the router in the loop — with the
 * equity of every bar, round trips and metrics out. With `execution: 'close'` and no overrides it sends
 * exactly the orders the executor's replay sends (the parity test holds it to that).
 */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const wall = new Stopwatch();
  const bt = backtestConfig(o.loaded.config, o);
  const { config, fingerprint } = bt;
  const instruments = loadBundledInstruments();
  const account = config.venues.accounts[bt.account];
  if (account === undefined) throw new UsageError(`no account ${bt.account}`);

  // the bars: the cache, or the user's file
  const data = o.data === undefined ? cacheBars(o.stateDir, bt.symbols, o.seriesMemo) : fileBars(o.data, bt, o.seriesMemo);
  for (const s of data.universe) if (instruments.get(s) === undefined) throw new UsageError(`${s} is not a Binance USD-M symbol of the bundled exchangeInfo: its filters, fees and margin rules are unknown`);
  const seriesOf = data.seriesOf;
  /** Each symbol's bars at the data's own timeframe: what the replay delivers and strategyCurves marks to. */
  const baseSeries = new Map<string, CandleSeries>();
  for (const s of data.universe) baseSeries.set(s, seriesOf(s, data.base));
  const baseList = [...baseSeries.values()];
  const first = Math.min(...baseList.map((s) => (s.openTimeMs[0] ?? 0) + timeframeMs[data.base]));
  const fromMs = o.fromMs ?? first;
  const toMs = o.maxBars === undefined ? o.toMs : Math.min(o.toMs ?? Infinity, fromMs + (o.maxBars - 1) * timeframeMs[data.base]);
  const feed = new ReplayFeed(baseList, { fromMs, ...(toMs === undefined ? {} : { toMs }) });
  const bars = feed.countBars();
  if (bars === 0) throw new UsageError(`no bars of ${data.universe.join(', ')} close between ${new Date(fromMs).toISOString()} and ${toMs === undefined ? 'the end of the data' : new Date(toMs).toISOString()}`);

  const loadMs = wall.elapsedMs();
  const { clock, venue, fills: venueFills } = replayEnvironment(config, bt.account, account, instruments, fromMs);
  const risk = new RiskEngine(config.risk_limits, config.strategy_config, instruments, clock, freshRiskState(fromMs));
  const out = o.outDir;
  const orders = out === null ? discardAndClose : new BufferedJsonlWriter(path.join(out, 'orders.jsonl'));
  const vetoes = out === null ? discardAndClose : new BufferedJsonlWriter(path.join(out, 'risk_vetoes.jsonl'));
  const fills = new BookedFills(venue, venueFills, clock);
  const book = fills.book;
  const fillLog = fills.log;
  const fundingLog: { T: number; strategy: string; paid: number }[] = [];
  const health = new RouterHealth(config.router_policy);
  const kernel: Kernel = new Kernel(new ReplayKernelDeps(config, fingerprint, risk, { accountId: bt.account, venueId: account.venue, venue, fills, clock, instruments, health, orders, vetoes, strategies: account.strategies }));
  fills.kernel = kernel;
  const fundingEvents = new Map<string, readonly FundingRate[]>(data.universe.includes('BTCUSDT') ? [['BTCUSDT', loadBundledFunding()]] : []);
  const tz = config.risk_limits.global.day_reset_timezone;
  /** The assumed operator (--resume-next-day) acts at T: stopped by the daily loss limit on an earlier day. */
  const operatorActs = (T: number) => {
    const st = risk.state;
    return o.resumeNextDay === true && st.trading_state === 'REDUCING' && st.state_reason.startsWith('daily loss') && dayOf(T, tz) !== dayOf(st.state_since_ms, tz);
  };
  const quietOnly = o.fastPath === false ? undefined : quietCheck(bt, config, data.universe, seriesOf, kernel);
  // a bar where the operator acts is a full cycle, as every bar is without the fast path
  const quiet = quietOnly === undefined || o.resumeNextDay !== true ? quietOnly : (T: number) => !operatorActs(T) && quietOnly(T);
  const loop = new BarLoop({
    config, kernel, venue, clock, risk, universe: data.universe, base: data.base, seriesOf, funding: fundingEvents, fundingIndex: new Map(), regimes: new DailyRegimes(o.stateDir, clock),
    execution: o.execution, quiet,
    onFunding: (symbol, paid) => {
      const holder = book.holder(symbol);
      if (holder !== undefined) fundingLog.push({ T: clock.nowMs(), strategy: holder, paid });
      book.onFunding(symbol, paid);
    },
  });

  const curve: CurveBuffer = { times: new Float64Array(bars), levels: new Float64Array(bars), n: 0, quietBars: 0 };
  let stopped: boolean;
  const every = Math.max(1, Math.floor(bars / 100));
  const riskEvents: { ts: number; state: string; reason: string }[] = [];
  const noteRisk = () => {
    const st = risk.state;
    const last = riskEvents.at(-1);
    if (last === undefined ? st.trading_state !== 'ACTIVE' : last.ts !== st.state_since_ms || last.state !== st.trading_state)
      riskEvents.push({ ts: st.state_since_ms, state: st.trading_state, reason: st.state_reason });
  };
  /** Before a full cycle: the assumed operator's resume on a new day after a daily-loss stop. */
  const operator = (T: number) => {
    noteRisk();
    if (operatorActs(T)) {
      clock.setMs(T);
      risk.resume('backtest --resume-next-day: an operator resumes at the next day');
      noteRisk();
    }
  };
  const record = (T: number, nav: number, wasQuiet: boolean) => {
    curve.times[curve.n] = T;
    curve.levels[curve.n] = nav;
    if (wasQuiet) curve.quietBars++;
    curve.n++;
  };
  try {
    stopped = await driveBars({ feed, loop, venue, curve, bars, every, operator, record, onProgress: o.onProgress, stop: o.stop, single: quiet !== undefined && data.universe.length === 1 ? { series: seriesOf(data.universe[0] as string, data.base), quiet } : undefined });
  } finally {
    try {
      orders.close();
    } finally {
      vetoes.close();
    }
  }
  noteRisk();
  const runMs = wall.elapsedMs() - loadMs;

  // results
  const { n, quietBars } = curve;
  const T = curve.times.subarray(0, n);
  const L = curve.levels.subarray(0, n);
  const lastT = T[n - 1] ?? fromMs;
  const closeAt = (symbol: string, atMs: number) => {
    const s = seriesOf(symbol, data.base);
    return s.close[lastClosedIndex(s, atMs)] ?? Number.NaN;
  };
  const trades = [...book.closed, ...book.openTrades((s) => closeAt(s, lastT))];
  const barMs = timeframeMs[data.base];
  const annualisation = annualisationOf(barMs);
  const spanMs = n * barMs;
  const tot = (k: 'notional' | 'fees' | 'funding') => [...book.totals.values()].reduce((a, t) => a + t[k], 0);
  const curves = strategyCurves(bt.strategies, T, L, bt.navUsd, fillLog, fundingLog, baseSeries, data.base);
  const barReturns = returnsOf(L, bt.navUsd);
  const blended = metricsOf({
    startUsd: bt.navUsd, levels: L, returns: barReturns, spanMs, annualisation, trades, exposedBars: curves.exposedAny,
    notionalUsd: tot('notional'), feesUsd: tot('fees'), fundingUsd: tot('funding'),
  });
  const perStrategy: Record<string, Metrics> = {};
  for (const id of bt.strategies) {
    const c = curves.by.get(id);
    const t = book.totals.get(id) ?? { notional: 0, fees: 0, funding: 0 };
    if (c === undefined) continue;
    perStrategy[id] = metricsOf({
      startUsd: bt.navUsd, levels: c.levels, returns: c.returns, spanMs, annualisation, trades: trades.filter((x) => x.strategy === id), exposedBars: c.exposed,
      notionalUsd: t.notional, feesUsd: t.fees, fundingUsd: t.funding,
    });
  }
  const picks = sampleIndices(n, 2_000);
  const result: BacktestResult = {
    schema_version: 1, configFingerprint: fingerprint, account: bt.account, strategies: bt.strategies, symbols: data.universe,
    timeframe: [...new Set(bt.strategies.map((id) => config.strategy_config.strategies[id]?.timeframe))].join(','),
    from: new Date(T[0] ?? fromMs).toISOString(), to: new Date(lastT).toISOString(), bars, cycles: n, stopped,
    startEquity: bt.navUsd, finalEquity: L[n - 1] ?? bt.navUsd, orders: { ...kernel.counts }, metrics: { blended, per_strategy: perStrategy }, trades,
    assumptions: assumptionsOf(bt, o.execution, annualisation, data.description, o.resumeNextDay === true, fundingNote(data.universe, fundingEvents, T[0] ?? fromMs, lastT)),
    risk: { final_state: risk.state.trading_state, reason: risk.state.state_reason, events: riskEvents },
    monte_carlo: o.monteCarlo === undefined || o.monteCarlo.simulations <= 0 ? null : monteCarlo(tradeReturnsOnEquity(trades, T, L, bt.navUsd), barReturns, o.monteCarlo),
    equity: { ts: picks.map((i) => T[i] as number), nav_usd: picks.map((i) => L[i] as number), strategies: Object.fromEntries([...curves.by].filter(([id]) => bt.strategies.includes(id)).map(([id, c]) => [id, picks.map((i) => c.levels[i] as number)])) },
    timing: { load_ms: loadMs, run_ms: runMs, wall_ms: wall.elapsedMs(), bars_per_s: n / (runMs / 1000), fast_path: quiet !== undefined, quiet_bars: quietBars, peak_rss_mb: process.resourceUsage().maxRSS / 1024 },
    files: {},
    ...(o.keepCurve === true ? { curve: { ts: T.slice(), nav: L.slice() } } : {}),
  };
  if (out === null) return result;
  const files = { report: path.join(out, 'report.json'), html: path.join(out, 'report.html'), orders: path.join(out, 'orders.jsonl'), vetoes: path.join(out, 'risk_vetoes.jsonl'), equity: path.join(out, 'equity.csv'), trades: path.join(out, 'trades.jsonl') };
  const tr = new BufferedJsonlWriter(files.trades);
  writeCsv(files.equity, T, L);
  for (const t of trades) tr.append(t);
  tr.close();
  const withFiles = { ...result, files, timing: { ...result.timing, wall_ms: wall.elapsedMs(), peak_rss_mb: process.resourceUsage().maxRSS / 1024 } };
  writeJsonAtomic(files.report, withFiles);
  writeTextAtomic(
    files.html,
    renderBacktestPage({
      title: `hedge backtest · ${result.strategies.join(', ')}`, subtitle: `${result.symbols.join(', ')} (${result.timeframe}) · ${result.from} → ${result.to} · ${result.cycles} bars · config ${fingerprint.slice(0, 16)}`,
      metrics: result.metrics, equity: result.equity, assumptions: { ...result.assumptions },
    }),
  );
  return withFiles;
}

/**
 * The replay's fills: the paper venue's, in this process (read at once by `takeNow`, or through the
 * promise), each logged with its strategy and put in the trade book as it is taken. A class, as the kernel's
 * deps below: a sweep worker makes a run per point, and functions made per run (an object of closures)
 * were new call targets at each run for code V8 had compiled against the last run's (the kernel's
 * `syncFills`, the trade book's `onFill`), which it threw away.
 */
class BookedFills implements FillSource {
  readonly book: TradeBook = new TradeBook(this);
  readonly log: { T: number; strategy: string; symbol: string; signed: number; price: number; fee: number }[] = [];
  /** The run's kernel, once made: whose orders the fills are. */
  kernel: Kernel | undefined = undefined;
  constructor(
    private readonly venue: PaperVenue,
    private readonly source: FillSource,
    private readonly clock: ManualClock,
  ) {}

  observe(order: Order): void {
    this.source.observe(order);
  }

  async take(): Promise<Fill[]> {
    return this.booked(await this.source.take());
  }

  takeNow(): Fill[] {
    return this.booked(this.venue.takeFills());
  }

  /** The strategy whose order filled (a fill of no order of the run's: a liquidation). */
  strategyOf(f: Fill): string {
    return this.kernel?.strategyOfOrder.get(f.clientOrderId) ?? this.kernel?.owner.get(f.symbol)?.strategy ?? 'liquidation';
  }

  private booked(got: Fill[]): Fill[] {
    for (const f of got) {
      this.log.push({ T: this.clock.nowMs(), strategy: this.book.holder(f.symbol) ?? this.strategyOf(f), symbol: f.symbol, signed: f.side === 'buy' ? f.qty : -f.qty, price: f.price, fee: f.feeUsd });
      this.book.onFill(f);
    }
    return got;
  }
}

type ReplayDepsRest = Pick<KernelDeps, 'accountId' | 'venueId' | 'venue' | 'fills' | 'clock' | 'instruments' | 'health' | 'orders' | 'vetoes' | 'strategies'>;

/** The kernel's deps in a replay: `config`, `fingerprint` and `risk` are the same functions in every run (see `BookedFills`). */
class ReplayKernelDeps implements KernelDeps {
  readonly accountId: string;
  readonly venueId: string;
  readonly venue: KernelDeps['venue'];
  readonly fills: FillSource;
  readonly clock: KernelDeps['clock'];
  readonly instruments: KernelDeps['instruments'];
  readonly health: RouterHealth;
  readonly orders: KernelDeps['orders'];
  readonly vetoes: KernelDeps['vetoes'];
  readonly strategies: KernelDeps['strategies'];
  constructor(
    private readonly configSet: ConfigSet,
    private readonly configFingerprint: string,
    private readonly riskEngine: RiskEngine,
    rest: ReplayDepsRest,
  ) {
    this.accountId = rest.accountId;
    this.venueId = rest.venueId;
    this.venue = rest.venue;
    this.fills = rest.fills;
    this.clock = rest.clock;
    this.instruments = rest.instruments;
    this.health = rest.health;
    this.orders = rest.orders;
    this.vetoes = rest.vetoes;
    this.strategies = rest.strategies;
  }

  config(): ConfigSet {
    return this.configSet;
  }

  fingerprint(): string {
    return this.configFingerprint;
  }

  risk(): RiskEngine {
    return this.riskEngine;
  }
}

/** Reports a run's progress; whether it is to stop (with a stop signal, the event loop gets a turn to deliver it). */
async function progressed(d: { readonly curve: CurveBuffer; readonly bars: number; readonly onProgress: ((done: number, total: number) => void) | undefined; readonly stop: AbortSignal | undefined }): Promise<boolean> {
  d.onProgress?.(d.curve.n, d.bars);
  if (d.stop === undefined) return false;
  await setImmediate();
  return d.stop.aborted;
}

/**
 * The bars through the loop: the only part of a run that is hot. Kept out of `runBacktest` (which the
 * loop would otherwise re-enter at every `await`) so that V8 optimises, and on a shape it has not seen
 * re-optimises, this small function rather than the whole run with its set-up and results (measured in
 * a sweep worker: the whole run had been compiled ten times, ~530 ms of TurboFan). Returns whether the run was stopped.
 */
async function driveBars(d: {
  readonly feed: ReplayFeed;
  readonly loop: BarLoop;
  readonly venue: { balanceNow(): { marginBalance: number } };
  readonly curve: CurveBuffer;
  readonly bars: number;
  readonly every: number;
  readonly operator: (T: number) => void;
  readonly record: (T: number, nav: number, wasQuiet: boolean) => void;
  readonly onProgress: ((done: number, total: number) => void) | undefined;
  readonly stop: AbortSignal | undefined;
  /** One series with a quiet check: runs of quiet bars skipped at once. */
  readonly single: { readonly series: CandleSeries; readonly quiet: (T: number) => boolean } | undefined;
}): Promise<boolean> {
  const { feed, loop, venue, curve, every, operator, record } = d;
  if (d.single !== undefined) {
    // one series: runs of quiet bars go through BarLoop.skipQuiet, every other bar through the full cycle
    const { series: s, quiet } = d.single;
    const [lo, hi] = feed.bounds(s);
    const tick = { closeTimeMs: 0, count: 1, series: [s], indices: new Int32Array(1) };
    let nextReport = every;
    for (let i = lo; i < hi; ) {
      i = loop.skipQuiet(s, i, Math.min(hi, lo + nextReport), quiet, curve);
      if (curve.n >= nextReport) {
        nextReport += every;
        if (await progressed(d)) return true;
        continue;
      }
      if (i >= hi) break;
      tick.closeTimeMs = (s.openTimeMs[i] as number) + timeframeMs[s.timeframe];
      tick.indices[0] = i;
      operator(tick.closeTimeMs);
      await loop.cycle(tick, curve.n + 1);
      record(tick.closeTimeMs, venue.balanceNow().marginBalance, false);
      i++;
    }
    d.onProgress?.(curve.n, d.bars);
    return false;
  }
  for (const tick of feed.ticks()) {
    operator(tick.closeTimeMs);
    // a quiet tick ends without a promise; the others decide
    const nav = loop.quietTick(tick);
    if (Number.isNaN(nav)) {
      await loop.decideTick(tick, curve.n + 1);
      record(tick.closeTimeMs, venue.balanceNow().marginBalance, false);
    } else record(tick.closeTimeMs, nav, true);
    if (curve.n % every === 0 && (await progressed(d))) return true;
  }
  return false;
}
/**
 * `hedge backtest --look-ahead`: the chosen strategies (flags as for a backtest) decide at `samples` bars
 * of the run's data with and without the later bars; see `checkLookAhead`.
 */
export function runLookAheadCheck(o: Pick<BacktestOptions, 'loaded' | 'stateDir' | 'data' | 'strategies' | 'params' | 'symbols' | 'timeframe'>, samples: number): LookAheadFinding[] {
  const bt = backtestConfig(o.loaded.config, o);
  const data = o.data === undefined ? cacheBars(o.stateDir, bt.symbols, undefined) : fileBars(o.data, bt, undefined);
  return checkLookAhead(bt.config, bt.strategies, (symbol, tf) => (data.universe.includes(symbol) ? data.seriesOf(symbol, tf) : undefined), samples);
}

/** Writes `ts_ms,nav_usd` lines, 16,384 to a chunk. */
function writeCsv(file: string, T: Float64Array, L: Float64Array): void {
  const fd = openSync(file, 'w', 0o644);
  try {
    writeSync(fd, 'ts_ms,nav_usd\n');
    for (let from = 0; from < T.length; from += 16_384) {
      let chunk = '';
      const to = Math.min(T.length, from + 16_384);
      for (let i = from; i < to; i++) chunk += `${T[i]},${L[i]}\n`;
      writeSync(fd, chunk);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The fast path: when every strategy of the run declares `directions`, a bar is quiet when each signal due
 * at it would do nothing in `Kernel.decide` — no signal, the direction already held by its strategy, flat
 * while flat, or a symbol held by another strategy.
 */
function quietCheck(bt: BacktestConfig, config: BacktestConfig['config'], universe: readonly string[], seriesOf: Bars['seriesOf'], kernel: Kernel): ((T: number) => boolean) | undefined {
  const lanes: { strategy: string; symbol: string; step: number; series: CandleSeries; dirs: Int8Array }[] = [];
  for (const id of bt.strategies) {
    const settings = config.strategy_config.strategies[id];
    const entry = config.strategy_registry.strategies[id];
    if (settings === undefined || entry === undefined || settings.timeframe === '1m') return undefined;
    const plugin = strategyPlugins.get(entry.plugin);
    const instance = plugin.create(plugin.params.parse(settings.params));
    if (instance.directions === undefined) return undefined;
    for (const symbol of settings.symbols ?? config.strategy_config.universe) {
      if (!universe.includes(symbol)) continue;
      const series = seriesOf(symbol, settings.timeframe);
      lanes.push({ strategy: id, symbol, step: timeframeMs[settings.timeframe], series, dirs: instance.directions(series) });
    }
  }
  const cursor = new Int32Array(lanes.length).fill(-1);
  return (T) => {
    for (let k = 0; k < lanes.length; k++) {
      const lane = lanes[k] as (typeof lanes)[number];
      if (T % lane.step !== 0) continue;
      // the last bar closed by T, walking forward (T only grows)
      let i = cursor[k] as number;
      const open = lane.series.openTimeMs;
      while (i + 1 < lane.series.length && (open[i + 1] as number) + lane.step <= T) i++;
      cursor[k] = i;
      if (i < 0) continue;
      const d = lane.dirs[i] as number;
      if (d === NO_SIGNAL) continue;
      const held = kernel.owner.get(lane.symbol);
      if (held !== undefined && held.strategy !== lane.strategy) continue;
      const qty = kernel.qtyOf(lane.symbol);
      if (qty !== 0 && held !== undefined && Math.sign(qty) !== d) return false;
      if (d !== 0 && qty === 0) return false;
    }
    return true;
  };
}

/**
 * Each strategy's PnL marked to the close of every bar (from its fills, fees and funding), and its return
 * as a contribution to the fund: PnL of the bar over the fund's equity before it.
 */
function strategyCurves(
  strategies: readonly string[], T: Float64Array, nav: Float64Array, start: number,
  fills: readonly { T: number; strategy: string; symbol: string; signed: number; price: number; fee: number }[],
  funding: readonly { T: number; strategy: string; paid: number }[],
  baseSeries: ReadonlyMap<string, CandleSeries>, base: Exclude<Timeframe, '1m'>,
): { by: Map<string, { levels: Float64Array; returns: Float64Array; exposed: number }>; exposedAny: number } {
  const n = T.length;
  // in loops, not mapped or spread: Array.prototype.map's arrays change elements kind with the caller's
  // tier (V8), and this function's code (run once per sweep point) was thrown away and compiled again for
  // each kind it met
  const idSet = new Set(strategies);
  const symbolSet = new Set<string>();
  for (const f of fills) {
    idSet.add(f.strategy);
    symbolSet.add(f.symbol);
  }
  // symbols by index: every strategy's quantities and every symbol's close at the bar in flat arrays (a
  // sweep point marks 11 positions at each of 30,000 bars)
  const symbolIndex = new Map<string, number>();
  const series: CandleSeries[] = [];
  for (const s of symbolSet) {
    // a map of the run's series, not a closure the caller makes: a new closure each run was a new call
    // target for V8's optimised code of this function, which it threw away
    const bars = baseSeries.get(s);
    if (bars === undefined) throw new InvariantError(`strategyCurves: ${s} was filled but is not in the run's universe`);
    symbolIndex.set(s, series.length);
    series.push(bars);
  }
  const symbols = series.length;
  const cursor = new Int32Array(symbols).fill(-1);
  const close = new Float64Array(symbols);
  const state = new Map<string, { cash: number; qty: Float64Array; held: number; prev: number; levels: Float64Array; returns: Float64Array; exposed: number }>();
  for (const id of idSet) state.set(id, { cash: 0, qty: new Float64Array(symbols), held: 0, prev: 0, levels: new Float64Array(n), returns: new Float64Array(n), exposed: 0 });
  const states = [...state.values()];
  const step = timeframeMs[base];
  let fi = 0;
  let gi = 0;
  let exposedAny = 0;
  for (let i = 0; i < n; i++) {
    const t = T[i] as number;
    while (fi < fills.length && (fills[fi]?.T ?? Infinity) <= t) {
      const f = fills[fi++] as (typeof fills)[number];
      const st = state.get(f.strategy);
      if (st === undefined) continue;
      st.cash -= f.signed * f.price + f.fee;
      const k = symbolIndex.get(f.symbol) as number;
      const was = st.qty[k] as number;
      let q = was + f.signed;
      if (Math.abs(q) < 1e-12) q = 0;
      st.qty[k] = q;
      st.held += (q !== 0 ? 1 : 0) - (was !== 0 ? 1 : 0);
    }
    while (gi < funding.length && (funding[gi]?.T ?? Infinity) <= t) {
      const g = funding[gi++] as (typeof funding)[number];
      const st = state.get(g.strategy);
      if (st !== undefined) st.cash += g.paid;
    }
    // each symbol's close at t: its last bar closed by t
    for (let k = 0; k < symbols; k++) {
      const s = series[k] as CandleSeries;
      let c = cursor[k] as number;
      while (c + 1 < s.length && (s.openTimeMs[c + 1] as number) + step <= t) c++;
      cursor[k] = c;
      close[k] = c < 0 ? 0 : (s.close[c] as number);
    }
    const before = i === 0 ? start : (nav[i - 1] as number);
    let any = false;
    for (const st of states) {
      let value = st.cash;
      if (st.held > 0) for (let k = 0; k < symbols; k++) if (st.qty[k] !== 0) value += (st.qty[k] as number) * (close[k] as number);
      st.levels[i] = start + value;
      st.returns[i] = (value - st.prev) / before;
      st.prev = value;
      if (st.held > 0) {
        st.exposed++;
        any = true;
      }
    }
    if (any) exposedAny++;
  }
  const by = new Map<string, { levels: Float64Array; returns: Float64Array; exposed: number }>();
  for (const [id, s] of state) by.set(id, { levels: s.levels, returns: s.returns, exposed: s.exposed });
  return { by, exposedAny };
}

/** Each closed trade's net PnL over the fund's equity just before it opened (the bar before its entry). */
function tradeReturnsOnEquity(trades: readonly Trade[], T: Float64Array, L: Float64Array, start: number): number[] {
  return trades
    .filter((t) => !t.open)
    .map((t) => {
      let lo = 0;
      let hi = T.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((T[mid] as number) < t.entry_ts) lo = mid + 1;
        else hi = mid;
      }
      const before = lo === 0 ? start : (L[lo - 1] as number);
      return t.net_pnl_usd / before;
    });
}


/** Every `stride`-th bar and the last: at most `max` points. */
function sampleIndices(n: number, max: number): number[] {
  const stride = Math.max(1, Math.ceil(n / max));
  const out: number[] = [];
  for (let i = 0; i < n; i += stride) out.push(i);
  if (n > 0 && out.at(-1) !== n - 1) out.push(n - 1);
  return out;
}

/**
 * What the run paid funding on: the symbols with recorded rates and how many of their events fell within its
 * bars (the bundled history is BTCUSDT's from 2024-07: a run on the 2020–2024 bars pays none, and says so).
 */
function fundingNote(universe: readonly string[], events: ReadonlyMap<string, readonly FundingRate[]>, firstT: number, lastT: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const parts: string[] = [];
  for (const symbol of universe) {
    const ev = events.get(symbol);
    if (ev === undefined || ev.length === 0) continue;
    // due at the first bar are the events of its hour on (as the bar loop pays them)
    const n = ev.filter((f) => f.fundingTimeMs > firstT - 3_600_000 && f.fundingTimeMs <= lastT).length;
    const span = `${day((ev[0] as FundingRate).fundingTimeMs)} → ${day((ev.at(-1) as FundingRate).fundingTimeMs)}`;
    parts.push(
      n === 0
        ? `${symbol}: none of its ${ev.length} recorded funding events (${span}) falls within this run, no funding paid`
        : `${symbol} pays the recorded Binance funding rates at their funding times (mark × qty × rate): ${n} of its ${ev.length} events (${span}) fall within this run`,
    );
  }
  const without = universe.filter((s) => (events.get(s)?.length ?? 0) === 0);
  if (without.length > 0) parts.push(`${without.join(', ')}: no funding history bundled, no funding paid`);
  return parts.join('; ');
}

function assumptionsOf(bt: BacktestConfig, execution: BarExecution, annualisation: Annualisation, data: string, resumeNextDay: boolean, funding: string): Assumptions {
  return {
    execution,
    execution_note:
      execution === 'close'
        ? 'a signal confirmed at a bar\'s close is acted on at that close (as the executor does the moment a bar closes)'
        : 'a signal confirmed at a bar\'s close is acted on at the next bar\'s open, sized at that price; the last bar\'s signals are not acted on',
    fees: { maker_bps: bt.fees.makerBps, taker_bps: bt.fees.takerBps },
    slippage: {
      spread_bps: bt.slippage.spreadBps, impact_bps_per_10k_usd: bt.slippage.impactBpsPer10kUsd,
      note: 'a taker fill is at the mark ± half the spread ± the size impact, rounded to the tick against the taker; a bar replay has no book, so every order is a taker',
    },
    funding,
    liquidation: 'isolated margin; a position is liquidated where equity meets maintenance margin by the leverage brackets, on the bar\'s path open → nearer extreme → other extreme → close',
    sizing:
      bt.adHoc.length > 0
        ? `${bt.adHoc.join(', ')} ad hoc: all-in, notional = NAV / (1 + taker fee) split evenly over its symbols, leverage 1, no protective stop; quantities rounded down to the lot step`
        : 'as configured (strategy_config.json sizing and caps); quantities rounded down to the lot step',
    risk_limits: bt.riskLimits,
    operator: resumeNextDay
      ? 'after the daily loss limit moves trading to reduce-only, an operator is assumed to resume it at the next day\'s reset'
      : 'no operator: a reduce-only or halted state lasts to the end of the run, as the executor waits for hedge resume',
    final_equity: 'NAV at the last bar\'s close: an open position is marked to that close, without an exit fee',
    annualisation,
    data,
  };
}

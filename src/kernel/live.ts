import path from 'node:path';
import { z } from 'zod';
import { sleepUnlessStopped, Stopwatch } from '../core/clock.js';
import { ExitCode, HedgeError, UsageError, errorMessage } from '../core/errors.js';
import { ConfigWatcher } from '../config/config-watcher.js';
import type { RuntimeEnv } from '../config/env.js';
import type { LoadConfigOptions, LoadedConfig } from '../config/load.js';
import { lastClosedIndex, seriesHead } from '../domain/candle.js';
import type { Balance, Order } from '../domain/order.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';
import { loadBundledInstruments } from '../market/instrument-provider.js';
import { LiveBars } from '../market/live-bars.js';
import { readKillFlag } from '../risk/kill-switch.js';
import { RiskEngine } from '../risk/risk-engine.js';
import { loadRiskState, saveRiskState } from '../risk/risk-state.js';
import { RouterHealth } from '../router/router-health.js';
import { DailyRegimes } from '../screener/regime-models.js';
import { collectSignals } from '../screener/signals.js';
import { readJsonSnapshot, writeJsonAtomic } from '../telemetry/atomic-json.js';
import { readJsonl } from '../telemetry/jsonl-reader.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import type { Logger } from '../telemetry/logger.js';
import { writeHeartbeat } from '../telemetry/heartbeat.js';
import { RouterHealthSnapshot } from '../telemetry/records/router-health.js';
import { cutExecutorStreams, cutStream, executorStreamOffsets, streamSize } from '../telemetry/stream-offsets.js';
import { accountStateDir, statePaths, type StatePaths } from '../telemetry/state-paths.js';
import type { PaperVenueState } from '../venues/paper/paper-venue.js';
import { liveEnvironment, type ExecutionMode, type LiveEnvironment } from './environment.js';
import { acquireInstanceLock, instanceLockFile } from '../core/instance-lock.js';
import { Kernel, KernelStateSchema, type SendIntent } from './kernel.js';
import { RouterHealthLog } from './router-health-log.js';
import { orderEvent } from './order-events.js';

/** The venue and the executor's books disagree; nothing is traded until they agree (or the operator adopts the venue's state). */
export class ReconcileError extends HedgeError {
  readonly code = 'RECONCILE_MISMATCH';
  readonly retryable = true;
  readonly exitCode = ExitCode.Runtime;
  constructor(readonly problems: readonly string[]) {
    super(`the venue and hedge's books disagree, so nothing was traded:\n  - ${problems.join('\n  - ')}\nFix it on the venue, or run with --adopt to take the venue's positions and orders as they are.`);
  }
}

const JournalEntrySchema = z.strictObject({
  ts: z.number(), cycle: z.number().int(), id: z.string(), kind: z.enum(['entry', 'exit', 'stop']), strategy: z.string(), symbol: z.string(), stop_price: z.number().nullable(),
});

type JournalEntry = z.infer<typeof JournalEntrySchema>;

/** `cache/executor_<account>.json`: the live executor's commit point, written atomically at the end of every cycle. */
const LiveStateSchema = z.strictObject({
  schema_version: z.literal(1),
  account: z.string(),
  mode: z.enum(['DRY-RUN', 'PRODUCTION']),
  cycle: z.number().int().nonnegative(),
  /** Close time of the last bar each timeframe decided on. */
  decided: z.record(z.string(), z.number()),
  kernel: KernelStateSchema,
  /** Positions and resting orders as hedge believes them at the commit. */
  positions: z.array(z.tuple([z.string(), z.number()])),
  open_orders: z.array(z.strictObject({ id: z.string(), symbol: z.string() })),
  wallet_usd: z.number(),
  /** The NAV of the account's first cycle (null in the starting commit a DRY-RUN writes before it). */
  nav_start_usd: z.number().nullable(),
  journal_offset: z.number().int().nonnegative(),
  offsets: z.strictObject({ orders: z.number(), vetoes: z.number(), nav: z.number(), router_health: z.number().optional() }),
  paper: z.custom<PaperVenueState>((v) => typeof v === 'object' && v !== null).nullable(),
});
type LiveState = z.infer<typeof LiveStateSchema>;

export interface LiveOptions {
  readonly loaded: LoadedConfig;
  readonly configOptions: LoadConfigOptions;
  readonly stateDir: string;
  readonly runtime: RuntimeEnv;
  readonly account?: string | undefined;
  /** One cycle, then return. */
  readonly once: boolean;
  /** Seconds between cycles in a loop. */
  readonly intervalS: number;
  /** Take the venue's positions and open orders as they are when they disagree with hedge's books. */
  readonly adopt: boolean;
  readonly log: Logger;
  readonly stop?: AbortSignal | undefined;
  /** Told the mode before anything is read from the venue (the command prints the banner). */
  onMode?(env: { mode: ExecutionMode; why: string; endpoint: string; account: string }): void;
  /** Poll interval of resting orders, ms (tests shorten it). */
  readonly pollMs?: number;
}

export interface LiveSummary {
  readonly account: string;
  readonly mode: ExecutionMode;
  readonly cycles: number;
  readonly stopped: boolean;
  readonly orders: { readonly submitted: number; readonly filled: number; readonly rejected: number; readonly vetoed: number };
  readonly navUsd: number;
  readonly positions: { readonly symbol: string; readonly strategy: string; readonly qty: number }[];
  readonly configFingerprint: string;
  readonly lastError: string | null;
  readonly files: Record<string, string>;
}

/**
 * Live cycles on the venue's clock: `--once` runs one, `--loop` runs one every `intervalS` seconds until
 * stopped. Before any order it reconciles with the venue (orders whose acknowledgement was lost are found
 * by client id; positions, resting orders and balance must agree with the last commit within tolerance).
 * Each cycle reads the bars closed since the last, moves the paper market in DRY-RUN, records fills,
 * lets the strategies whose bar closed decide through the same kernel as the replay, and writes every
 * telemetry file; the executor state file is the commit point. Orders are journalled before they leave,
 * so a crash at any instant is reconciled at the next start and no order is ever sent twice.
 */
export async function runLive(o: LiveOptions): Promise<LiveSummary> {
  const { accounts, default_account } = o.loaded.config.venues;
  const accountId = o.account ?? default_account;
  const account = accounts[accountId];
  if (account === undefined) throw new UsageError(`unknown account "${accountId}"; known: ${Object.keys(accounts).join(', ')}`);
  const instruments = loadBundledInstruments();
  const env = await liveEnvironment(o.loaded.config, o.runtime, accountId, account, instruments);
  o.onMode?.({ mode: env.mode, why: env.why, endpoint: env.endpoint, account: accountId });
  const paths = statePaths(accountStateDir(o.stateDir, accountId, default_account));
  const lock = acquireInstanceLock(instanceLockFile(paths.cacheDir, 'executor', accountId), 'executor', accountId);
  try {
    return await liveHoldingLock(o, env, accountId, account.starting_nav_usd, paths, account.strategies);
  } finally {
    lock.release();
  }
}

async function liveHoldingLock(o: LiveOptions, env: LiveEnvironment, accountId: string, startingNav: number, paths: StatePaths, strategies: readonly string[] | undefined): Promise<LiveSummary> {
  const log = o.log.child({ account: accountId, mode: env.mode });
  const stateFile = path.join(paths.cacheDir, `executor_${accountId}.json`);
  const journalFile = path.join(paths.cacheDir, `executor_${accountId}_journal.jsonl`);
  const instruments = loadBundledInstruments();
  const state = loadLiveState(stateFile, accountId, env.mode);

  // DRY-RUN: the paper account is part of the commit, so what a half-done cycle wrote is cut back with it
  if (state !== undefined && env.paper !== undefined) {
    cutExecutorStreams(paths, state.offsets);
    if (state.paper !== null) env.paper.restore(state.paper);
  }
  const inDoubt = journalTail(journalFile, state?.journal_offset ?? 0);
  if (env.paper !== undefined) cutStream(journalFile, state?.journal_offset ?? 0);

  let loaded = o.loaded;
  const watcher = new ConfigWatcher(o.configOptions, loaded, (outcome) => {
    if (outcome.type === 'rejected') log.warn('config.rejected', { kept_fingerprint: outcome.keptFingerprint, issues: outcome.issues.slice(0, 5).map((i) => `${i.file}: ${i.path}: expected ${i.expected}, found ${i.found}`) });
    else log.info('config.reloaded', { from: outcome.previousFingerprint, to: outcome.config.fingerprint });
  });
  const clock = env.clock;
  const makeRisk = (l: LoadedConfig, s: RiskEngine['state']) => new RiskEngine(l.config.risk_limits, l.config.strategy_config, instruments, clock, s);
  let risk = makeRisk(loaded, loadRiskState(paths.riskState, clock.nowMs()));
  const health = new RouterHealth(loaded.config.router_policy);
  const savedHealth = RouterHealthSnapshot.safeParse(readJsonSnapshot(paths.routerHealth));
  if (savedHealth.success && savedHealth.data.account === accountId) health.restore(savedHealth.data);
  const orders = new JsonlWriter(paths.orders, 'every');
  const vetoes = new JsonlWriter(paths.vetoes, 'every');
  const navLog = new JsonlWriter(paths.nav, 'batch');
  const healthLog = new RouterHealthLog(paths.routerHealthLog);
  const journal = new JsonlWriter(journalFile, 'every');
  let cycle = state?.cycle ?? 0;
  const adopted = new Set<string>();
  const kernel: Kernel = new Kernel({
    config: () => loaded.config, fingerprint: () => loaded.fingerprint, accountId, venueId: env.venue.id, venue: env.venue, fills: env.fills, clock, instruments,
    risk: () => risk, health, orders, vetoes, book: (s) => env.book(s), state: state?.kernel, strategies, ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }),
    beforeSend: (i: SendIntent) => journal.append({ ts: clock.nowMs(), cycle, id: i.id, kind: i.kind, strategy: i.strategy, symbol: i.symbol, stop_price: i.stopPrice }),
    alreadySent: (id: string): boolean => adopted.has(id) || kernel.knows(id),
    stop: o.stop,
  });
  const decided = new Map<string, number>(Object.entries(state?.decided ?? {}));
  let navStart = state?.nav_start_usd ?? null;
  let nav = state?.wallet_usd ?? startingNav;
  let lastError: string | null = null;
  let stopped = false;
  let reconciled = false;
  const universe = loaded.config.strategy_config.universe.filter((s) => instruments.get(s) !== undefined);
  const bars = new LiveBars(env.market, universe);
  const regimes = new DailyRegimes(o.stateDir, clock);

  const maxReplaces = (symbol: string) => health.settingsOf(symbol).max_replaces;
  let recoverPending = false;
  let committedJournal = state?.journal_offset ?? 0;
  /** A held position whose protective stop never got out (the run stopped between entry and stop) gets it now. */
  const restoreStops = async (entries: JournalEntry[], now: number) => {
    for (const [symbol, held] of [...kernel.owner]) {
      const qty = kernel.qtyOf(symbol);
      if (held.stopId !== null || held.stopPrice === null || qty === 0) continue;
      const entry = entries.find((e) => e.symbol === symbol && e.kind === 'entry');
      const id = entry === undefined ? `h${Math.floor(now / 3_600_000).toString(36)}-r-${symbol}-s` : entry.id.replace(/-e$/, '-s');
      if (adopted.has(id) || kernel.knows(id)) continue;
      journal.append({ ts: now, cycle, id, kind: 'stop', strategy: held.strategy, symbol, stop_price: held.stopPrice });
      const stopId = await kernel.placeStop(held.strategy, symbol, id, qty > 0 ? 'sell' : 'buy', Math.abs(qty), held.stopPrice);
      kernel.owner.set(symbol, { ...held, stopId });
      log.info('executor.stop_restored', { symbol, id, stop_price: held.stopPrice, placed: stopId !== null });
    }
  };

  /** The commit point: what this run believes (books, positions, resting orders, wallet), the streams' lengths, the paper account. */
  const commitState = async (after: Balance): Promise<void> => {
    const open = await env.venue.fetchOpenOrders();
    const commit: LiveState = {
      schema_version: 1, account: accountId, mode: env.mode, cycle, decided: Object.fromEntries(decided), kernel: kernel.state(),
      positions: kernel.heldPositions().map((p) => [p.symbol, p.qty]), open_orders: open.map((x) => ({ id: x.clientOrderId, symbol: x.symbol })),
      wallet_usd: after.walletBalance, nav_start_usd: navStart, journal_offset: streamSize(journalFile),
      offsets: executorStreamOffsets(paths), paper: env.paper?.snapshot() ?? null,
    };
    writeJsonAtomic(stateFile, commit);
    committedJournal = commit.journal_offset;
  };

  const heartbeat = (status: 'starting' | 'running' | 'degraded' | 'stopping' | 'stopped', cycleMs: number | null, lagMs: number | null) =>
    writeHeartbeat(paths, 'executor', { ts: clock.nowMs(), status, cycle, cycle_ms: cycleMs, lag_ms: lagMs, last_error: lastError, config_fingerprint: loaded.fingerprint });

  await watcher.start();
  try {
    heartbeat('starting', null, null);
    await env.market.syncTime();
    await env.start();
    log.info('executor.started', { venue: env.venue.id, endpoint: env.endpoint, time_offset_ms: env.market.offsetMs, config_fingerprint: loaded.fingerprint, resumed: state !== undefined });
    // DRY-RUN from a fresh state dir: the starting state is committed before the first cycle writes anything,
    // so a run killed in its first cycle is cut back to an empty start, as a later one is to its last commit
    if (state === undefined && env.paper !== undefined) await commitState(await env.venue.fetchBalance());
    for (;;) {
      const cycleWatch = new Stopwatch();
      try {
        // a config change validated since the last cycle takes effect here, never mid-cycle
        const outcome = watcher.applyPending();
        if (outcome?.type === 'reloaded') {
          loaded = outcome.config;
          risk = makeRisk(loaded, risk.state);
          health.setPolicy(loaded.config.router_policy);
        }
        await env.market.syncTime();
        const now = clock.nowMs();
        cycle++;
        const cycleId = `c${cycle}-${new Date(now).toISOString()}`;
        await kernel.beginCycle(cycleId);
        if (!reconciled) {
          const problems = await reconcile(kernel, env, state, inDoubt, maxReplaces, adopted, o.adopt, log, orders, accountId, loaded.fingerprint, clock.nowMs());
          if (problems.length > 0) throw new ReconcileError(problems);
          reconciled = true;
          await restoreStops(inDoubt, now);
        } else if (recoverPending) {
          // the last cycle failed mid-way: what it sent without an answer is looked up before anything else
          const entries = journalTail(journalFile, committedJournal);
          await recoverInDoubt(kernel, env, entries, maxReplaces, adopted, log, orders, accountId, loaded.fingerprint, now);
          await kernel.syncFills();
          await restoreStops(entries, now);
          recoverPending = false;
        }
        // the kill switch of the state dir halts every account on it; an account's own flag halts that one
        const kill = readKillFlag(o.stateDir) ?? readKillFlag(paths.root);
        if (kill !== undefined && risk.tradingState !== 'HALTED') risk.kill(kill.reason);
        // 1. bars closed since the last cycle; in DRY-RUN they and the book move the paper market
        const fresh = await bars.refresh(now);
        if (env.paper !== undefined) {
          for (const [, list] of fresh) for (const c of list) env.paper.onBar(c);
          for (const p of kernel.heldPositions()) await env.book(p.symbol);
        }
        await kernel.syncFills();
        if (env.paper !== undefined) await applyFunding(env, kernel.heldPositions().map((p) => p.symbol), decided.get('funding') ?? now, now);
        decided.set('funding', now);
        await kernel.refreshPositions();
        // 2. NAV
        const balance = await env.venue.fetchBalance();
        nav = balance.marginBalance;
        navStart ??= nav;
        risk.observeNav(nav, now);
        // 3. strategies whose bar closed since they last decided
        const T = Math.min(...universe.map((s) => bars.lastCloseMs(s) ?? 0));
        const due = new Set<Timeframe>();
        for (const tf of ['1h', '4h', '1d'] as const) {
          const close = Math.floor(T / timeframeMs[tf]) * timeframeMs[tf];
          if (T > 0 && close > (decided.get(tf) ?? 0)) due.add(tf);
        }
        let decisionMs: number | null = null;
        if (due.size > 0) {
          const watch = new Stopwatch();
          const refitBefore = regimes.refitMs;
          const signals = collectSignals(loaded.config, T, {
            due: (tf) => due.has(tf),
            bars: (symbol, tf) => {
              if (!bars.has(symbol)) return undefined;
              const s = bars.series(symbol, tf);
              const end = lastClosedIndex(s, T) + 1;
              return end <= 0 ? undefined : seriesHead(s, end);
            },
            regime: (symbol) => regimes.at(bars.series(symbol, '1h'), T),
          });
          const signalMs = watch.elapsedMs();
          const timing = await kernel.decide(T, nav, signals, (symbol) => bars.series(symbol, '1h'));
          decisionMs = signalMs + timing.totalMs - timing.venueMs - (regimes.refitMs - refitBefore);
          // decided only once every signal has been acted on: a cycle that failed mid-way decides again
          // (what it did send is known by its deterministic ids and never sent twice)
          if (!timing.interrupted) for (const tf of due) decided.set(tf, Math.floor(T / timeframeMs[tf]) * timeframeMs[tf]);
        }
        // 4. what the cycle leaves behind; the state file is the commit point
        const after = await env.venue.fetchBalance();
        await kernel.refreshPositions();
        navLog.append(kernel.navRecord(clock.nowMs(), after, env.paper === undefined ? 'venue' : 'paper'));
        navLog.flush();
        writeJsonAtomic(paths.positions, kernel.positionsSnapshot(clock.nowMs(), after.marginBalance));
        const healthNow = health.snapshot(accountId, clock.nowMs());
        writeJsonAtomic(paths.routerHealth, healthNow);
        healthLog.record(healthNow);
        healthLog.flush();
        saveRiskState(paths.riskState, risk.state);
        await commitState(after);
        adopted.clear();
        lastError = null;
        heartbeat('running', decisionMs ?? cycleWatch.elapsedMs(), T > 0 ? clock.nowMs() - T : null);
        log.info('executor.cycle', { cycle, bar_close: T > 0 ? new Date(T).toISOString() : null, due: [...due], nav_usd: nav, positions: kernel.heldPositions().length, cycle_ms: Math.round(cycleWatch.elapsedMs()) });
      } catch (err) {
        lastError = errorMessage(err);
        const retryable = err instanceof HedgeError && err.retryable;
        log.error('executor.cycle_failed', { cycle, error: lastError, code: err instanceof HedgeError ? err.code : undefined, retryable });
        heartbeat('degraded', null, null);
        recoverPending = reconciled;
        // one cycle is all --once promises; a loop keeps cycling through faults it can outlast
        if (o.once || !retryable) throw err;
      }
      if (o.once) break;
      if (await sleepUnlessStopped(clock, o.intervalS * 1000, o.stop)) {
        stopped = true;
        break;
      }
    }
  } finally {
    heartbeat(stopped || lastError === null ? 'stopped' : 'degraded', null, null);
    await watcher.close();
    orders.close();
    vetoes.close();
    navLog.close();
    healthLog.close();
    journal.close();
  }
  return {
    account: accountId, mode: env.mode, cycles: cycle, stopped, orders: { ...kernel.counts }, navUsd: nav,
    positions: kernel.heldPositions().map((p) => ({ symbol: p.symbol, strategy: kernel.owner.get(p.symbol)?.strategy ?? 'unknown', qty: p.qty })),
    configFingerprint: loaded.fingerprint, lastError,
    files: { orders: paths.orders, vetoes: paths.vetoes, nav: paths.nav, positions: paths.positions, routerHealth: paths.routerHealth, heartbeat: paths.heartbeat('executor'), state: stateFile },
  };
}

/**
 * Orders journalled but never answered (the run died, or a cycle failed, between sending and hearing
 * back) are looked up by client id, and so are every id the router may have sent for them: the base id,
 * its replacements `.1` … `.<max_replaces>` (a post-only refusal leaves a gap: the venue keeps no record of
 * it) and the taker fallback `.t`. One the venue knows is adopted: recorded, its fills read, its position
 * owned by the strategy that sent it, and its id never sent again. One it does not know never reached it.
 */
async function recoverInDoubt(
  kernel: Kernel, env: LiveEnvironment, entries: readonly JournalEntry[], maxReplaces: (symbol: string) => number, adopted: Set<string>, log: Logger, orders: JsonlWriter,
  accountId: string, fingerprint: string, nowMs: number,
): Promise<void> {
  const instruments = loadBundledInstruments();
  const venue = env.venue;
  for (const entry of entries) {
    const ids = [entry.id, ...Array.from({ length: maxReplaces(entry.symbol) }, (_, k) => `${entry.id}.${k + 1}`), `${entry.id}.t`];
    let found = false;
    for (const id of ids) {
      if (kernel.knows(id)) {
        found = true;
        continue;
      }
      const order = await venue.fetchOrder(entry.symbol, id);
      if (order === undefined) continue;
      found = true;
      adopted.add(entry.id);
      kernel.adopt(order, entry.strategy);
      env.fills.observe(order);
      orders.append(orderEvent(order, instruments.get(order.symbol), { tsMs: nowMs, cycleId: 'recover', account: accountId, venue: venue.id, strategy: entry.strategy, configFingerprint: fingerprint }));
      if (entry.kind === 'entry' && order.filledQty > 0 && !kernel.owner.has(entry.symbol))
        kernel.owner.set(entry.symbol, { strategy: entry.strategy, stopId: null, stopPrice: entry.stop_price, openedTs: order.createdMs });
      if (entry.kind === 'stop' && order.status === 'new') {
        const held = kernel.owner.get(entry.symbol);
        if (held !== undefined) kernel.owner.set(entry.symbol, { ...held, stopId: order.clientOrderId });
      }
    }
    log.info('executor.order_recovered', { id: entry.id, symbol: entry.symbol, found });
  }
}

/**
 * Start-up reconciliation, before any order. Orders journalled but not committed (their outcome unknown
 * when the last run stopped) are looked up by client id (and the ids of their replacements): one the
 * venue knows is adopted and never sent again. Fills that happened while hedge was away are recorded.
 * Then positions (within one lot step), resting orders and wallet balance (within 2 %) must agree with
 * what the last commit believed. Returns the disagreements.
 */
async function reconcile(
  kernel: Kernel, env: LiveEnvironment, state: LiveState | undefined, inDoubt: JournalEntry[], maxReplaces: (symbol: string) => number, adopted: Set<string>, adopt: boolean, log: Logger,
  orders: JsonlWriter, accountId: string, fingerprint: string, nowMs: number,
): Promise<string[]> {
  const instruments = loadBundledInstruments();
  const venue = env.venue;
  const believed = new Map<string, number>(state?.positions ?? []);
  // 1. orders whose outcome is unknown: found by client id, adopted, never re-sent
  await recoverInDoubt(kernel, env, inDoubt, maxReplaces, adopted, log, orders, accountId, fingerprint, nowMs);
  // 2. resting orders the last commit knew: whatever filled while hedge was away is recorded now
  for (const r of state?.open_orders ?? []) {
    const order = await venue.fetchOrder(r.symbol, r.id);
    if (order !== undefined) env.fills.observe(order);
  }
  const fills = await kernel.syncFills();
  for (const f of fills) believed.set(f.symbol, (believed.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
  for (const [symbol] of kernel.owner) if (kernel.qtyOf(symbol) === 0 && (believed.get(symbol) ?? 0) === 0) kernel.owner.delete(symbol);

  // 3. positions, resting orders and balance against the books
  const problems: string[] = [];
  const tolerance = { steps: 1, balancePct: 2 };
  const symbols = new Set([...believed.keys(), ...kernel.heldPositions().map((p) => p.symbol)]);
  for (const symbol of [...symbols].sort()) {
    const want = believed.get(symbol) ?? 0;
    const have = kernel.qtyOf(symbol);
    const step = instruments.get(symbol)?.spec.filters.stepSize ?? 0;
    if (Math.abs(want - have) > tolerance.steps * step + 1e-12) problems.push(`${symbol}: the venue holds ${have}, hedge's books say ${want}`);
  }
  const known = new Set([...kernel.owner.values()].map((h) => h.stopId).filter((x): x is string => x !== null));
  const open: Order[] = await venue.fetchOpenOrders();
  for (const x of open) if (!known.has(x.clientOrderId) && !adopted.has(x.clientOrderId.replace(/\.(\d+|t)$/, ''))) problems.push(`${x.symbol}: open order ${x.clientOrderId} (${x.type} ${x.side} ${x.qty}) is not in hedge's books`);
  const balance = await venue.fetchBalance();
  if (state !== undefined && state.wallet_usd > 0) {
    const drift = (Math.abs(balance.walletBalance - state.wallet_usd) / state.wallet_usd) * 100;
    const explained = fills.reduce((a, f) => a + Math.abs(f.qty * f.price) * 0.01, 0);
    if (drift > tolerance.balancePct && Math.abs(balance.walletBalance - state.wallet_usd) > explained)
      problems.push(`wallet balance is ${balance.walletBalance.toFixed(2)} USDT, the last commit had ${state.wallet_usd.toFixed(2)} (${drift.toFixed(2)}% apart, tolerance ${tolerance.balancePct}%)`);
  }
  if (problems.length === 0) return [];
  log.warn('executor.reconcile_mismatch', { problems, adopt });
  if (!adopt) return problems;
  // the operator takes the venue's state as it is: its positions are held by "adopted" (no strategy trades them)
  for (const p of kernel.heldPositions()) {
    if (kernel.owner.has(p.symbol)) continue;
    const stop = open.find((x) => x.symbol === p.symbol && x.reduceOnly && (x.type === 'stop_market' || x.type === 'take_profit_market'));
    kernel.owner.set(p.symbol, { strategy: 'adopted', stopId: stop?.clientOrderId ?? null, stopPrice: stop?.stopPrice ?? null, openedTs: nowMs });
  }
  log.info('executor.adopted', { positions: kernel.heldPositions().map((p) => `${p.symbol} ${p.qty}`), open_orders: open.map((x) => x.clientOrderId) });
  return [];
}

/** DRY-RUN funding: positions pay or receive the venue's published rate at each funding time passed since the last cycle. */
async function applyFunding(env: LiveEnvironment, symbols: string[], sinceMs: number, nowMs: number): Promise<void> {
  if (env.paper === undefined || symbols.length === 0 || nowMs <= sinceMs) return;
  for (const symbol of symbols) {
    const events = await env.market.fetchFundingHistory(symbol, sinceMs + 1, nowMs);
    for (const e of events) env.paper.applyFunding(symbol, e.rate);
  }
}


function loadLiveState(file: string, accountId: string, mode: ExecutionMode): LiveState | undefined {
  const raw = readJsonSnapshot(file);
  if (raw === undefined) return undefined;
  const parsed = LiveStateSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${file} is not an executor state hedge can read (${parsed.error.issues[0]?.message ?? ''}); move it away only if you know the venue is flat`);
  if (parsed.data.account !== accountId) throw new UsageError(`${file} belongs to account ${parsed.data.account}, not ${accountId}`);
  if (parsed.data.mode !== mode)
    throw new UsageError(`${file} holds the state of a ${parsed.data.mode} executor; a ${mode} executor needs its own --state-dir (a paper account's books never mix with a real one's)`);
  return parsed.data;
}

function journalTail(file: string, offset: number): JournalEntry[] {
  return readJsonl(file, JournalEntrySchema, offset).records;
}


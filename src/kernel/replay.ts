import { setImmediate } from 'node:timers/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { Environment } from '../config/env.js';
import type { LoadedConfig } from '../config/load.js';
import type { AccountConfig } from '../config/schemas/venues.js';
import type { CandleSeries } from '../domain/candle.js';
import type { Timeframe } from '../domain/timeframe.js';
import { CandleStore } from '../market/candle-store.js';
import { loadBundledFunding } from '../market/history.js';
import { loadBundledInstruments } from '../market/instrument-provider.js';
import { ReplayFeed } from '../market/replay-feed.js';
import { RiskEngine } from '../risk/risk-engine.js';
import { loadRiskState, RiskStateSchema, saveRiskState } from '../risk/risk-state.js';
import { DailyRegimes } from '../screener/regime-models.js';
import { readJsonSnapshot, writeJsonAtomic } from '../telemetry/atomic-json.js';
import { JsonlWriter } from '../telemetry/jsonl-writer.js';
import { writeHeartbeat } from '../telemetry/heartbeat.js';
import { cutExecutorStreams, executorStreamOffsets, streamSize } from '../telemetry/stream-offsets.js';
import { accountStateDir, statePaths, type StatePaths } from '../telemetry/state-paths.js';
import type { PaperVenueState } from '../venues/paper/paper-venue.js';
import { acquireInstanceLock, instanceLockFile } from '../core/instance-lock.js';
import { replayEnvironment } from './environment.js';
import { HoldingSchema, Kernel, KernelStateSchema } from './kernel.js';
import { RouterHealthLog } from './router-health-log.js';
import { BarLoop } from './bar-loop.js';
import { RouterHealth, type SymbolState } from '../router/router-health.js';

/**
 * `cache/replay_checkpoint.json`: written atomically at the end of every cycle, after the cycle's
 * telemetry, and once before a fresh run's first cycle (cycle 0: its starting state); it is the commit
 * point. A replay killed at any instant restarts from it: the streams are cut back to the offsets it
 * recorded (dropping what a half-done cycle appended), the paper venue, the risk state and the
 * executor's books are restored, and the next cycle runs as it would have.
 */
const CheckpointSchema = z.strictObject({
  schema_version: z.literal(1),
  config_fingerprint: z.string(),
  from_ms: z.number(),
  to_ms: z.number(),
  account: z.string(),
  cycle: z.number().int(),
  last_close_ms: z.number(),
  offsets: z.strictObject({ orders: z.number(), vetoes: z.number(), nav: z.number(), router_health: z.number().optional() }),
  counts: z.strictObject({ submitted: z.number(), filled: z.number(), rejected: z.number(), vetoed: z.number() }),
  nav_start_usd: z.number().nullable(),
  owner: z.array(z.tuple([z.string(), HoldingSchema])),
  strategy_of_order: z.array(z.tuple([z.string(), z.string()])),
  /** The kernel's books (realized PnL, fees, funding; in all and by strategy); absent in checkpoints older than them. */
  books: KernelStateSchema.shape.books,
  funding_index: z.array(z.tuple([z.string(), z.number()])),
  risk: RiskStateSchema,
  paper: z.custom<PaperVenueState>((v) => typeof v === 'object' && v !== null),
  router: z.array(z.tuple([z.string(), z.custom<SymbolState>((v) => typeof v === 'object' && v !== null)])),
});
type Checkpoint = z.infer<typeof CheckpointSchema>;

export interface ReplayOptions {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly env: Environment;
  readonly account?: string | undefined;
  /** Aborted by SIGINT/SIGTERM: the replay finishes the cycle it is in, commits it, and returns. */
  readonly stop?: AbortSignal | undefined;
  /** Called after every committed cycle (progress reports, memory sampling). */
  readonly onCycle?: ((cycle: number, closeTimeMs: number) => void) | undefined;
}

export interface ReplaySummary {
  readonly account: string;
  readonly from: string;
  readonly to: string;
  readonly cycles: number;
  /** Whether this run continued from a checkpoint left by an earlier (interrupted) run. */
  readonly resumed: boolean;
  /** Whether the run was stopped (SIGINT/SIGTERM) before `to`; running it again continues from there. */
  readonly stopped: boolean;
  readonly orders: { readonly submitted: number; readonly filled: number; readonly rejected: number; readonly vetoed: number };
  readonly navStartUsd: number;
  readonly navEndUsd: number;
  readonly positions: { readonly symbol: string; readonly strategy: string; readonly qty: number }[];
  readonly configFingerprint: string;
  readonly files: Record<string, string>;
  /** Decision latency of each cycle (strategies, sizing, risk; no venue calls, telemetry writes or model refits), in ms. */
  readonly decisionMs: { readonly median: number; readonly p99: number; readonly max: number };
  /** Time spent refitting regime models (once a day per symbol), in ms. */
  readonly regimeRefitMs: number;
}

/**
 * Dry-run replay of cached history on the paper venue: the cycle bars → strategies → sizing → risk →
 * venue → telemetry, one cycle per closed 1h bar. Each strategy decides when a bar of its timeframe
 * closes, on the bars closed by then; market orders fill at that close plus the paper venue's spread;
 * every entry is followed by its protective stop, placed reduce-only; every order change, veto, NAV and
 * position snapshot is written as the executor writes it. One symbol is held by one strategy at a time.
 */
export async function runReplay(o: ReplayOptions): Promise<ReplaySummary> {
  const { accounts, default_account } = o.loaded.config.venues;
  const accountId = o.account ?? default_account;
  const account = accounts[accountId];
  if (account === undefined) throw new UsageError(`unknown account "${accountId}"; known: ${Object.keys(accounts).join(', ')}`);
  // one executor per account and state dir: a second one would interleave orders and checkpoints
  const paths = statePaths(accountStateDir(o.stateDir, accountId, default_account));
  const lock = acquireInstanceLock(instanceLockFile(paths.cacheDir, 'executor', accountId), 'executor', accountId);
  try {
    return await replayHoldingLock(o, accountId, account, paths);
  } finally {
    lock.release();
  }
}

async function replayHoldingLock(o: ReplayOptions, accountId: string, account: AccountConfig, paths: StatePaths): Promise<ReplaySummary> {
  const { config, fingerprint } = o.loaded;
  const instruments = loadBundledInstruments();
  const store = new CandleStore(o.stateDir);
  const universe = config.strategy_config.universe.filter((s) => store.has(s));
  const series = new Map<string, CandleSeries>();
  const seriesOf = (symbol: string, tf: Exclude<Timeframe, '1m'>) => {
    const key = `${symbol}|${tf}`;
    let s = series.get(key);
    if (s === undefined) series.set(key, (s = store.load(symbol, tf).series));
    return s;
  };
  const { clock, venue, fills } = replayEnvironment(config, accountId, account, instruments, o.fromMs);
  const checkpointFile = path.join(paths.cacheDir, 'replay_checkpoint.json');
  const checkpoint = loadCheckpoint(checkpointFile, { fingerprint, fromMs: o.fromMs, toMs: o.toMs, account: accountId }, [paths.orders, paths.vetoes, paths.nav]);
  if (checkpoint !== undefined) {
    // cut the streams back to the last completed cycle: what a half-done cycle wrote is redone below
    cutExecutorStreams(paths, checkpoint.offsets);
    venue.restore(checkpoint.paper);
  }
  const risk = new RiskEngine(config.risk_limits, config.strategy_config, instruments, clock, checkpoint?.risk ?? loadRiskState(paths.riskState, o.fromMs));
  const orders = new JsonlWriter(paths.orders, 'every');
  const vetoes = new JsonlWriter(paths.vetoes, 'every');
  const navLog = new JsonlWriter(paths.nav, 'batch');
  const healthLog = new RouterHealthLog(paths.routerHealthLog);
  const funding = new Map([['BTCUSDT', loadBundledFunding()]]);
  const fundingIdx = new Map<string, number>(checkpoint?.funding_index ?? []);
  const health = new RouterHealth(config.router_policy);
  if (checkpoint !== undefined) health.load(checkpoint.router);
  // a replay has bars and no book: the kernel gets no book, so the router sends every order taker
  const kernel = new Kernel({
    config: () => config, fingerprint: () => fingerprint, accountId, venueId: account.venue, venue, fills, clock, instruments, risk: () => risk, health, orders, vetoes, strategies: account.strategies,
    state: checkpoint === undefined ? undefined : { owner: checkpoint.owner, strategy_of_order: checkpoint.strategy_of_order, counts: checkpoint.counts, books: checkpoint.books },
  });
  const regimes = new DailyRegimes(o.stateDir, clock);
  let cycle = checkpoint?.cycle ?? 0;
  let navStart: number | null = checkpoint?.nav_start_usd ?? null;
  const decisionTimes: number[] = [];
  const loop = new BarLoop({ config, kernel, venue, clock, risk, universe, base: '1h', seriesOf, funding, fundingIndex: fundingIdx, regimes, execution: 'close' });

  const commit = (cycleNo: number, lastCloseMs: number): void => {
    const ks = kernel.state();
    const cp: Checkpoint = {
      schema_version: 1, config_fingerprint: fingerprint, from_ms: o.fromMs, to_ms: o.toMs, account: accountId, cycle: cycleNo, last_close_ms: lastCloseMs,
      offsets: executorStreamOffsets(paths), counts: ks.counts, nav_start_usd: navStart,
      owner: ks.owner, strategy_of_order: ks.strategy_of_order, books: ks.books, funding_index: [...fundingIdx], risk: risk.state, paper: venue.snapshot(), router: health.dump(),
    };
    writeJsonAtomic(checkpointFile, cp);
  };
  // a fresh run commits its starting state before it writes any telemetry: killed in its first cycle, it
  // restarts from here (the streams cut back to empty) instead of finding records with no commit behind them
  if (checkpoint === undefined) commit(0, o.fromMs - 1);

  let stopped = false;
  const feed = new ReplayFeed(universe.map((s) => seriesOf(s, '1h')), { fromMs: checkpoint === undefined ? o.fromMs : checkpoint.last_close_ms + 1, toMs: o.toMs });
  try {
    for (const tick of feed.ticks()) {
      const T = tick.closeTimeMs;
      cycle++;
      const { navUsd, decisionMs } = await loop.cycle(tick, cycle);
      navStart ??= navUsd;
      decisionTimes.push(decisionMs);
      // 5. what the cycle leaves behind
      const after = await venue.fetchBalance();
      navLog.append(kernel.navRecord(T, after, 'paper'));
      navLog.flush();
      writeJsonAtomic(paths.positions, kernel.positionsSnapshot(T, after.marginBalance));
      writeHeartbeat(paths, 'executor', { ts: T, status: 'running', cycle, cycle_ms: decisionMs, lag_ms: null, last_error: null, config_fingerprint: fingerprint });
      const healthNow = health.snapshot(accountId, T);
      writeJsonAtomic(paths.routerHealth, healthNow);
      healthLog.record(healthNow);
      saveRiskState(paths.riskState, risk.state);
      // the commit point of the cycle
      navLog.flush();
      healthLog.flush();
      commit(cycle, T);
      o.onCycle?.(cycle, T);
      // the cycle is committed: let signal handlers run, and stop here if asked
      if (o.stop !== undefined) {
        await setImmediate();
        if (o.stop.aborted) {
          stopped = true;
          break;
        }
      }
    }
  } finally {
    orders.close();
    vetoes.close();
    navLog.close();
    healthLog.close();
  }
  await kernel.refreshPositions();
  const end = (await venue.fetchBalance()).marginBalance;
  return {
    account: accountId, from: new Date(o.fromMs).toISOString(), to: new Date(o.toMs).toISOString(), cycles: cycle, resumed: checkpoint !== undefined, stopped, orders: { ...kernel.counts },
    navStartUsd: navStart ?? account.starting_nav_usd, navEndUsd: end,
    positions: kernel.heldPositions().map((p) => ({ symbol: p.symbol, strategy: kernel.owner.get(p.symbol)?.strategy ?? 'unknown', qty: p.qty })),
    configFingerprint: fingerprint,
    decisionMs: latencyStats(decisionTimes),
    regimeRefitMs: regimes.refitMs,
    files: { orders: paths.orders, vetoes: paths.vetoes, nav: paths.nav, positions: paths.positions, routerHealth: paths.routerHealth, heartbeat: paths.heartbeat('executor'), riskState: paths.riskState },
  };
}


/**
 * The checkpoint of this very run, if one exists. A checkpoint of another run (other config, range or
 * account), or telemetry with no checkpoint, is refused: a replay never mixes its records with others'.
 */
function loadCheckpoint(file: string, run: { fingerprint: string; fromMs: number; toMs: number; account: string }, streams: string[]): Checkpoint | undefined {
  const raw = readJsonSnapshot(file);
  if (raw === undefined) {
    const used = streams.filter((f) => streamSize(f) > 0);
    if (used.length > 0) throw new UsageError(`${path.dirname(used[0] ?? '')} already holds telemetry of another run (${used.map((f) => path.basename(f)).join(', ')}); give this replay its own --state-dir`);
    return undefined;
  }
  const cp = CheckpointSchema.safeParse(raw);
  if (!cp.success) throw new UsageError(`${file} is not a replay checkpoint hedge can read (${cp.error.issues[0]?.message ?? ''})`);
  const c = cp.data;
  if (c.config_fingerprint !== run.fingerprint || c.from_ms !== run.fromMs || c.to_ms !== run.toMs || c.account !== run.account)
    throw new UsageError(`${file} belongs to another run (config ${c.config_fingerprint.slice(0, 12)}, ${new Date(c.from_ms).toISOString()} → ${new Date(c.to_ms).toISOString()}, account ${c.account}); give this replay its own --state-dir`);
  return c;
}

function latencyStats(xs: number[]): ReplaySummary['decisionMs'] {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { median: q(0.5), p99: q(0.99), max: s.at(-1) ?? 0 };
}



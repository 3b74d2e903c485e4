/**
 * The only place that chooses the parts that differ between environments (ARCHITECTURE.md §1): the
 * clock, the market feed and the venue, and from them how fills are read and whether the account's
 * state rolls back with the executor's commit. Nothing outside this file asks which mode it is in.
 *
 * | environment | clock | market | venue |
 * |---|---|---|---|
 * | replay (dry-run over history, backtest) | manual, moved by the feed | cached bars | paper |
 * | dry-run live (`--once`, `--loop`) | venue time (wall clock + measured offset) | Binance public REST | paper, fed by the live book |
 * | production (`ENV=prod`/`testnet` + `ALLOW_PROD_WRITE=1` + account `trading: "live"`) | venue time | Binance REST | Binance USD-M |
 */
import { ManualClock, OffsetClock, type Clock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import { readSecret, type RuntimeEnv } from '../config/env.js';
import type { ConfigSet } from '../config/files.js';
import type { AccountConfig } from '../config/schemas/venues.js';
import type { BookTop } from '../domain/book.js';
import type { InstrumentCatalog } from '../market/instrument-provider.js';
import type { MarketData } from '../market/market-data.js';
import type { BinanceVenue } from '../venues/binance/binance-venue.js';
import { PaperVenue } from '../venues/paper/paper-venue.js';
import type { Venue } from '../venues/port.js';
import { OrderFillTracker, paperFills, type FillSource } from './kernel.js';

export type ExecutionMode = 'DRY-RUN' | 'PRODUCTION';

/** What the live cycle runs on. */
export interface LiveEnvironment {
  readonly mode: ExecutionMode;
  /** Why this mode, in words an operator reads at start. */
  readonly why: string;
  readonly clock: Clock;
  readonly venue: Venue;
  /** The simulated account in DRY-RUN: its state is part of the executor's commit and rolls back with it. */
  readonly paper: PaperVenue | undefined;
  /** Public market data (bars, book, funding) and the venue's clock. */
  readonly market: MarketData & { syncTime(): Promise<number>; readonly offsetMs: number };
  readonly fills: FillSource;
  /** REST base URL of the market data (and of the venue in PRODUCTION). */
  readonly endpoint: string;
  /** Best bid/ask now; in DRY-RUN it also moves the paper venue's book, so its resting orders can fill. */
  book(symbol: string): Promise<BookTop>;
  /** Checks the account's modes (PRODUCTION); nothing to check on paper. */
  start(): Promise<void>;
}

/**
 * Chooses the live environment of an account. PRODUCTION needs all three: ENV=prod or testnet,
 * ALLOW_PROD_WRITE=1, and `trading: "live"` on a Binance account whose keys are in the environment;
 * anything less is DRY-RUN on a paper account fed by the same public market data, and no request that
 * writes can leave (the market client is built without keys).
 */
export async function liveEnvironment(config: ConfigSet, runtime: RuntimeEnv, accountId: string, account: AccountConfig, instruments: InstrumentCatalog): Promise<LiveEnvironment> {
  if (account.trading === 'disabled') throw new UsageError(`account ${accountId} has trading "disabled" in venues.json; the executor does not run it`);
  const venueCfg = config.venues.venues[account.venue];
  const marketVenueId = venueCfg?.type === 'paper' ? venueCfg.market_data : account.venue;
  if (marketVenueId === undefined)
    throw new UsageError(`paper venue "${account.venue}" has no market_data in venues.json: live cycles need a live feed (set venues.${account.venue}.market_data to a binance-usdm venue), or use --replay`);
  const marketCfg = config.venues.venues[marketVenueId];
  if (marketCfg?.type !== 'binance-usdm') throw new UsageError(`live cycles read market data from a binance-usdm venue; ${marketVenueId} is ${marketCfg?.type ?? 'not a venue'}`);
  const endpoint = (runtime.env === 'testnet' ? marketCfg.endpoints.testnet : marketCfg.endpoints.prod).rest;

  const production = runtime.writesEnabled && account.trading === 'live' && venueCfg?.type === 'binance-usdm';
  // the Binance SDK (with axios and ws) is loaded by live cycles only: replays, backtests and sweep workers start without it
  const { BinanceVenue } = await import('../venues/binance/binance-venue.js');
  let market: BinanceVenue;
  const clock = new OffsetClock(() => market.offsetMs);
  if (production) {
    const key = account.api_key_env === undefined ? undefined : readSecret(account.api_key_env);
    const secret = account.api_secret_env === undefined ? undefined : readSecret(account.api_secret_env);
    if (key === undefined || secret === undefined)
      throw new UsageError(`PRODUCTION on account ${accountId} needs its keys in the environment: ${account.api_key_env ?? '(api_key_env unset)'} and ${account.api_secret_env ?? '(api_secret_env unset)'} (or in an ignored .env)`);
    const venue = new BinanceVenue({
      id: account.venue, baseUrl: endpoint, apiKey: key, apiSecret: secret, recvWindowMs: marketCfg.recv_window_ms, timeoutMs: marketCfg.timeout_ms, instruments, clock,
      expect: { positionMode: account.position_mode, multiAssetsMode: account.multi_assets_mode },
    });
    market = venue;
    return {
      mode: 'PRODUCTION', why: `ENV=${runtime.env}, ALLOW_PROD_WRITE=1 and account ${accountId} trading "live"`, clock, venue, paper: undefined, market, endpoint,
      fills: new OrderFillTracker(venue, { makerBps: marketCfg.fees.maker_bps, takerBps: marketCfg.fees.taker_bps }, clock),
      book: (s) => venue.fetchBookTop(s),
      start: () => venue.start(),
    };
  }
  if (venueCfg?.type === 'ccxt') throw new UsageError(`account ${accountId} is on a ccxt venue: live cycles run on Binance USD-M or the paper venue`);
  // no keys: a request that needs a signature cannot be made from here
  market = new BinanceVenue({ id: `${marketVenueId}-public`, baseUrl: endpoint, apiKey: '', apiSecret: '', recvWindowMs: marketCfg.recv_window_ms, timeoutMs: marketCfg.timeout_ms, instruments, clock });
  const paperCfg = venueCfg?.type === 'paper' ? venueCfg : undefined;
  const fees = paperCfg?.fees ?? marketCfg.fees;
  const paper = new PaperVenue({
    id: account.venue, instruments, clock, startingBalanceUsd: account.starting_nav_usd, makerBps: fees.maker_bps, takerBps: fees.taker_bps,
    spreadBps: paperCfg?.slippage.spread_bps ?? 1, impactBpsPer10kUsd: paperCfg?.slippage.impact_bps_per_10k_usd ?? 0.5,
  });
  const why = !runtime.writesEnabled
    ? runtime.env === 'dev'
      ? 'ENV=dev'
      : `ENV=${runtime.env} without ALLOW_PROD_WRITE=1`
    : account.trading !== 'live'
      ? `account ${accountId} has trading "${account.trading}"`
      : `account ${accountId} is on a paper venue`;
  const feed = market;
  return {
    mode: 'DRY-RUN', why, clock, venue: paper, paper, market, endpoint, fills: paperFills(paper),
    book: async (s) => {
      const top = await feed.fetchBookTop(s);
      paper.onBook(s, [[top.bidPrice, top.bidQty]], [[top.askPrice, top.askQty]]);
      return top;
    },
    start: () => Promise.resolve(),
  };
}

/** The replay environment: a manual clock moved by the feed and the paper venue of the account. */
export function replayEnvironment(config: ConfigSet, accountId: string, account: AccountConfig, instruments: InstrumentCatalog, fromMs: number): { clock: ManualClock; venue: PaperVenue; fills: FillSource } {
  const venueCfg = config.venues.venues[account.venue];
  if (venueCfg?.type !== 'paper') throw new UsageError(`replay runs on a paper venue; account ${accountId} is on ${venueCfg?.type ?? account.venue}`);
  const clock = new ManualClock(fromMs);
  const venue = new PaperVenue({
    id: account.venue, instruments, clock, startingBalanceUsd: account.starting_nav_usd, makerBps: venueCfg.fees.maker_bps, takerBps: venueCfg.fees.taker_bps,
    spreadBps: venueCfg.slippage.spread_bps, impactBpsPer10kUsd: venueCfg.slippage.impact_bps_per_10k_usd,
  });
  return { clock, venue, fills: paperFills(venue) };
}

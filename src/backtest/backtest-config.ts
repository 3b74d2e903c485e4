import { UsageError } from '../core/errors.js';
import { configFiles, type ConfigSet } from '../config/files.js';
import { fingerprintOf } from '../config/load.js';
import { StrategySettingsSchema, type StrategySettings } from '../config/schemas/strategy-config.js';
import type { Timeframe } from '../domain/timeframe.js';
import { strategyPlugins } from '../strategies/registry.js';

/** What a backtest changes in the config it runs under (all optional: the config as it is). */
export interface BacktestOverrides {
  /** Strategy ids of the registry, or plugin names run ad hoc (default: every enabled strategy). */
  readonly strategies?: readonly string[] | undefined;
  /** Plugin parameter overrides `key=value`, applied to every chosen strategy whose plugin has the key. */
  readonly params?: readonly string[] | undefined;
  readonly symbols?: readonly string[] | undefined;
  readonly timeframe?: Exclude<Timeframe, '1m'> | undefined;
  readonly navUsd?: number | undefined;
  /** Flat fee as a fraction of notional for maker and taker fills; with it, no spread or impact unless `slippageBps`. */
  readonly fee?: number | undefined;
  /** Slippage of a taker fill from the mark, bps per side (no size impact). */
  readonly slippageBps?: number | undefined;
}

/** The effective config of a backtest and the assumptions it states. */
export interface BacktestConfig {
  readonly config: ConfigSet;
  readonly fingerprint: string;
  readonly account: string;
  /** Strategy ids that run. */
  readonly strategies: readonly string[];
  /** Ids run ad hoc (a plugin not in the registry): textbook settings. */
  readonly adHoc: readonly string[];
  readonly symbols: readonly string[];
  readonly navUsd: number;
  readonly fees: { readonly makerBps: number; readonly takerBps: number };
  readonly slippage: { readonly spreadBps: number; readonly impactBpsPer10kUsd: number };
  /** Whether the risk limits are the configured ones or lifted (ad-hoc reference runs). */
  readonly riskLimits: 'configured' | 'lifted';
}

/**
 * The config a backtest runs under: the loaded config with the chosen strategies enabled (the others
 * disabled) and the flags applied, validated again by the same schemas. A plugin named that is not a
 * registry id runs ad hoc as the textbook strategy: the whole NAV net of the taker fee, leverage 1, no
 * protective stop, no NAV caps (the risk limits are lifted when every strategy of the run is ad hoc).
 */
export function backtestConfig(base: ConfigSet, o: BacktestOverrides): BacktestConfig {
  const registry = base.strategy_registry.strategies;
  const chosen = o.strategies !== undefined && o.strategies.length > 0 ? [...o.strategies] : Object.keys(registry).filter((id) => registry[id]?.enabled === true);
  if (chosen.length === 0) throw new UsageError('no strategy to backtest: the registry enables none; name one with --strategy');
  const adHoc = chosen.filter((id) => registry[id] === undefined);
  for (const id of adHoc)
    if (!strategyPlugins.has(id)) throw new UsageError(`--strategy ${id}: not a strategy id of strategy_registry.json (${Object.keys(registry).join(', ')}) nor a plugin (${strategyPlugins.names().join(', ')})`);

  // the venue: the account's paper venue, or the first paper venue
  const { venues, accounts, default_account } = base.venues;
  const acct = accounts[default_account];
  const paperId = acct !== undefined && venues[acct.venue]?.type === 'paper' ? acct.venue : Object.keys(venues).find((id) => venues[id]?.type === 'paper');
  const paper = paperId === undefined ? undefined : venues[paperId];
  if (paperId === undefined || paper?.type !== 'paper') throw new UsageError('a backtest runs on a paper venue, and venues.json declares none');
  const fees = o.fee === undefined ? { makerBps: paper.fees.maker_bps, takerBps: paper.fees.taker_bps } : { makerBps: o.fee * 10_000, takerBps: o.fee * 10_000 };
  const slippage =
    o.slippageBps !== undefined
      ? { spreadBps: 2 * o.slippageBps, impactBpsPer10kUsd: 0 }
      : o.fee !== undefined
        ? { spreadBps: 0, impactBpsPer10kUsd: 0 }
        : { spreadBps: paper.slippage.spread_bps, impactBpsPer10kUsd: paper.slippage.impact_bps_per_10k_usd };
  const navUsd = o.navUsd ?? acct?.starting_nav_usd ?? 10_000;

  const params = parseParams(o.params ?? []);
  const strategies: Record<string, StrategySettings> = {};
  const entries: Record<string, unknown> = {};
  for (const [id, entry] of Object.entries(registry)) entries[id] = { ...entry, enabled: chosen.includes(id) };
  const used = new Set<string>();
  for (const id of chosen) {
    const plugin = strategyPlugins.get(registry[id]?.plugin ?? id);
    const configured = base.strategy_config.strategies[id];
    if (configured === undefined && registry[id] !== undefined) throw new UsageError(`strategy ${id} has no settings in strategy_config.json`);
    const pluginKeys = Object.keys((plugin.params as unknown as { shape?: Record<string, unknown> }).shape ?? {});
    const mine = Object.fromEntries(Object.entries(params).filter(([k]) => pluginKeys.includes(k)));
    for (const k of Object.keys(mine)) used.add(k);
    const timeframe = o.timeframe ?? configured?.timeframe ?? plugin.timeframes[0];
    if (timeframe === undefined || timeframe === '1m' || !plugin.timeframes.includes(timeframe)) throw new UsageError(`--timeframe ${timeframe ?? '(none)'}: ${plugin.name} trades ${plugin.timeframes.join(', ')}`);
    const symbols = o.symbols ?? configured?.symbols;
    let settings: unknown;
    if (configured !== undefined) settings = { ...configured, timeframe, ...(symbols === undefined ? {} : { symbols }), params: { ...configured.params, ...mine } };
    else {
      const n = (symbols ?? base.strategy_config.universe).length;
      // all-in, net of the taker fee: notional · (1 + fee) = NAV, split evenly when it trades several symbols
      const pct = 100 / n / (1 + fees.takerBps / 10_000);
      settings = {
        timeframe, ...(symbols === undefined ? {} : { symbols }), leverage: 1, max_nav_pct: 100, trade_nav_percentage: pct, max_trade_nav_pct: 100 / n, max_concurrent_positions: Math.min(100, n),
        stop: { type: 'none', reason: 'the textbook strategy trades without a protective stop' }, params: mine,
      };
      entries[id] = { plugin: plugin.name, enabled: true, stage: 'research', version: '0.0.0', description: `${plugin.name} run ad hoc by hedge backtest`, owner: 'backtest', tags: ['ad-hoc'] };
    }
    const parsedSettings = parseOr(StrategySettingsSchema, settings, `settings of ${id}`);
    const paramCheck = plugin.params.safeParse(parsedSettings.params);
    if (!paramCheck.success) throw new UsageError(`--param for ${id}: ${paramCheck.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')}`);
    strategies[id] = parsedSettings;
  }
  const unused = Object.keys(params).filter((k) => !used.has(k));
  if (unused.length > 0) throw new UsageError(`--param ${unused.join(', ')}: no chosen strategy has such a parameter`);

  const symbols = [...new Set(chosen.flatMap((id) => strategies[id]?.symbols ?? base.strategy_config.universe))];
  const liftedRisk = adHoc.length === chosen.length;
  const venuesChanged = o.fee !== undefined || o.slippageBps !== undefined || o.navUsd !== undefined || acct === undefined || acct.venue !== paperId;
  const account = acct !== undefined && acct.venue === paperId ? default_account : 'backtest';
  const filtered = accounts[account]?.strategies !== undefined;
  const accountCfg: Record<string, unknown> = { ...(accounts[account] ?? { venue: paperId, trading: 'dry-run' }), starting_nav_usd: navUsd, ...(filtered ? { strategies: chosen } : {}) };
  // every file listed, not `...base`: a spread copy's shape is not promised (V8 gave the configs of a sweep's
  // points two shapes, and the kernel's code reading them was compiled again)
  const config: ConfigSet = {
    strategy_registry: parseOr(configFiles.strategy_registry.schema, { ...base.strategy_registry, strategies: entries }, 'the registry'),
    strategy_config: parseOr(configFiles.strategy_config.schema, { ...base.strategy_config, universe: [...new Set([...base.strategy_config.universe, ...symbols])], strategies: { ...base.strategy_config.strategies, ...strategies } }, 'the strategy config'),
    risk_limits: liftedRisk ? liftedLimits(base) : base.risk_limits,
    venues: !venuesChanged && !filtered
      ? base.venues
      : parseOr(
          configFiles.venues.schema,
          {
            ...base.venues,
            default_account: account,
            venues: { ...venues, [paperId]: { ...paper, fees: { maker_bps: fees.makerBps, taker_bps: fees.takerBps }, slippage: { spread_bps: slippage.spreadBps, impact_bps_per_10k_usd: slippage.impactBpsPer10kUsd } } },
            accounts: { ...accounts, [account]: accountCfg },
          },
          'the venues',
        ),
    router_policy: base.router_policy,
    sync: base.sync,
    dashboard: base.dashboard,
    guardian: base.guardian,
  };
  return { config, fingerprint: fingerprintOf(config), account, strategies: chosen, adHoc, symbols, navUsd, fees, slippage, riskLimits: liftedRisk ? 'lifted' : 'configured' };
}

/** Risk limits that never bind: the textbook run of a reference strategy. */
function liftedLimits(base: ConfigSet): ConfigSet['risk_limits'] {
  return parseOr(
    configFiles.risk_limits.schema,
    {
      schema_version: base.risk_limits.schema_version,
      global: {
        max_leverage: 125, max_gross_exposure_pct: 1000, max_net_exposure_pct: 1000, daily_loss_limit_pct: 100, max_drawdown_pct: 100, nav_max_age_s: 86_400, max_trade_nav_pct: 100, max_symbol_nav_pct: 100,
        max_order_notional_usd: 1e15, max_concurrent_positions: 500, max_open_orders: 1000, day_reset_timezone: 'UTC', cooldown_after_loss_s: 0,
        veto_streak: { count: 1_000_000_000, window_s: 1, cooldown_s: 0 }, require_stop: false,
      },
      order_rate: { orders_per_10s: 1_000_000_000, orders_per_minute: 1_000_000_000 },
      per_symbol: {},
      per_strategy: {},
    },
    'the lifted risk limits',
  );
}

function parseParams(list: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${kv}: expected key=value`);
    const raw = kv.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare word is a string (mode=long-short)
    }
    out[kv.slice(0, eq)] = value;
  }
  return out;
}

function parseOr<S extends { safeParse(v: unknown): { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }>(
  schema: S,
  value: unknown,
  what: string,
): Extract<ReturnType<S['safeParse']>, { success: true }>['data'] {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`the backtest's flags make ${what} invalid: ${r.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}`);
  return r.data as Extract<ReturnType<S['safeParse']>, { success: true }>['data'];
}

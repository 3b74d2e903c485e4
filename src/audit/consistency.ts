import type { ConfigSet } from '../config/files.js';
import type { ConfigSources } from '../config/load.js';
import { closestName } from '../config/describe-value.js';
import { formatJsonPath } from '../config/json-source.js';
import { toConfigIssues } from '../config/zod-issues.js';
import type { InstrumentCatalog } from '../market/instrument-provider.js';
import { hasBundledCandles } from '../market/history.js';
import { strategyPlugins } from '../strategies/registry.js';
import type { Finding } from './finding.js';
import { findingOf } from './finding.js';
import { findingBuilder } from './locate.js';

/**
 * Cross-file rules no single schema can see: names that must resolve, caps that must nest
 * (strategy ≤ per-strategy ≤ global), symbols the venue lists, leverage within the venue's brackets,
 * order rates under the venue's limits, entries large enough for the venue's minimum notional.
 */
export function checkConsistency(config: ConfigSet, read: ConfigSources, instruments: InstrumentCatalog, profile: string): Finding[] {
  const out: Finding[] = [];
  const f = findingBuilder(read, profile);
  const { strategy_registry: registry, strategy_config: sc, risk_limits: risk, venues, router_policy: router } = config;
  const universe = new Set(sc.universe);
  const g = risk.global;

  // strategies resolve to plugins, have settings, and their params fit the plugin
  for (const [id, entry] of Object.entries(registry.strategies)) {
    const plugin = strategyPlugins.find(entry.plugin);
    if (plugin === undefined) {
      const guess = closestName(entry.plugin, strategyPlugins.names());
      out.push(f(entry.enabled ? 'error' : 'warning', 'unknown_plugin', 'strategy_registry', ['strategies', id, 'plugin'],
        `a registered strategy plugin (${guess !== undefined ? `did you mean "${guess}"? ` : ''}known: ${strategyPlugins.names().join(', ')})`, `"${entry.plugin}"`));
      continue;
    }
    const settings = sc.strategies[id];
    if (settings === undefined) {
      if (entry.enabled) out.push(f('error', 'missing_strategy_config', 'strategy_config', ['strategies'], `settings for enabled strategy "${id}"`, 'none'));
      continue;
    }
    if (!plugin.timeframes.includes(settings.timeframe))
      out.push(f('error', 'timeframe_unsupported', 'strategy_config', ['strategies', id, 'timeframe'], `one of ${plugin.timeframes.join(', ')} (what ${plugin.name} trades)`, `"${settings.timeframe}"`));
    const source = read.sources.strategy_config;
    const params = plugin.params.safeParse(settings.params);
    if (!params.success && source !== undefined) {
      const prefix = ['strategies', id, 'params'];
      const nested = {
        file: source.file,
        value: settings.params,
        locate: (p: readonly (string | number)[]) => source.locate([...prefix, ...p]),
        fileOf: (p: readonly (string | number)[]) => source.fileOf?.([...prefix, ...p]) ?? source.file,
      };
      for (const issue of toConfigIssues(nested, plugin.params, params.error.issues))
        out.push(findingOf({ ...issue, path: issue.path.replace(/^\$/, formatJsonPath(prefix)) }, 'invalid_params', profile));
    }
    if (settings.stop.type === 'none')
      out.push(f('warning', 'stop_opt_out', 'strategy_config', ['strategies', id, 'stop'], 'a protective stop on every entry', `an opt-out: ${settings.stop.reason}`));
  }
  for (const id of Object.keys(sc.strategies))
    if (registry.strategies[id] === undefined)
      out.push(f('warning', 'orphan_strategy_config', 'strategy_config', ['strategies', id], 'a strategy id of strategy_registry.json', `"${id}", not registered`));

  for (const [label, id, keys] of [
    ['risk_limits', 'risk_limits', Object.keys(risk.per_symbol)],
    ['router_policy', 'router_policy', Object.keys(router.per_symbol)],
  ] as const)
    for (const symbol of keys)
      if (!universe.has(symbol)) out.push(f('error', 'symbol_not_in_universe', id, ['per_symbol', symbol], `a symbol of the universe in strategy_config.json`, `"${symbol}" in ${label}`));

  out.push(...checkUniverse(sc.universe, read, instruments, profile));

  // per-strategy risk limits name registered strategies; caps nest
  for (const id of Object.keys(risk.per_strategy))
    if (registry.strategies[id] === undefined) out.push(f('error', 'unknown_strategy', 'risk_limits', ['per_strategy', id], `a strategy id of strategy_registry.json (${Object.keys(registry.strategies).join(', ')})`, `"${id}"`));
  // narrowing limits must nest inside the global ones: [own key, global key]
  const nests = (section: 'per_symbol' | 'per_strategy', key: string, limits: Record<string, number | boolean | undefined>, pairs: [string, keyof typeof g][]) => {
    for (const [own, global] of pairs) {
      const value = limits[own];
      const cap = g[global];
      if (typeof value === 'number' && typeof cap === 'number' && value > cap)
        out.push(f('error', 'cap_above_global', 'risk_limits', [section, key, own], `at most global.${global} (${cap})`, String(value)));
    }
  };
  for (const [symbol, lim] of Object.entries(risk.per_symbol)) {
    nests('per_symbol', symbol, lim, [['max_leverage', 'max_leverage'], ['max_nav_pct', 'max_symbol_nav_pct'], ['max_order_notional_usd', 'max_order_notional_usd']]);
    const inst = instruments.get(symbol);
    if (inst !== undefined && lim.max_leverage !== undefined && inst.spec.brackets.length > 0 && lim.max_leverage > inst.maxLeverage)
      out.push(f('error', 'leverage_above_bracket', 'risk_limits', ['per_symbol', symbol, 'max_leverage'], `at most ${inst.maxLeverage} (the venue's bracket maximum for ${symbol})`, String(lim.max_leverage)));
  }
  for (const [id, lim] of Object.entries(risk.per_strategy))
    nests('per_strategy', id, lim, [['max_leverage', 'max_leverage'], ['max_concurrent_positions', 'max_concurrent_positions'], ['max_open_orders', 'max_open_orders'], ['daily_loss_limit_pct', 'daily_loss_limit_pct']]);

  // each strategy's own settings within the risk limits and the venue's brackets
  let enabledNavPct = 0;
  for (const [id, s] of Object.entries(sc.strategies)) {
    const entry = registry.strategies[id];
    // a disabled strategy is checked when it is enabled
    if (entry?.enabled !== true) continue;
    enabledNavPct += s.max_nav_pct;
    const lim = risk.per_strategy[id];
    const tighter = (globalValue: number, globalName: string, own: number | undefined, ownName: string) =>
      own !== undefined && own < globalValue ? { cap: own, name: `risk_limits per_strategy.${id}.${ownName}` } : { cap: globalValue, name: `risk_limits global.${globalName}` };
    const lev = tighter(g.max_leverage, 'max_leverage', lim?.max_leverage, 'max_leverage');
    if (s.leverage > lev.cap)
      out.push(f('error', 'cap_above_global', 'strategy_config', ['strategies', id, 'leverage'], `at most ${lev.cap} (${lev.name})`, String(s.leverage)));
    const nav = tighter(g.max_gross_exposure_pct, 'max_gross_exposure_pct', lim?.max_nav_pct, 'max_nav_pct');
    if (s.max_nav_pct > nav.cap)
      out.push(f('error', 'cap_above_global', 'strategy_config', ['strategies', id, 'max_nav_pct'], `at most ${nav.cap} (${nav.name})`, String(s.max_nav_pct)));
    if (s.max_trade_nav_pct > g.max_trade_nav_pct)
      out.push(f('error', 'cap_above_global', 'strategy_config', ['strategies', id, 'max_trade_nav_pct'], `at most ${g.max_trade_nav_pct} (risk_limits global.max_trade_nav_pct)`, String(s.max_trade_nav_pct)));
    const pos = tighter(g.max_concurrent_positions, 'max_concurrent_positions', lim?.max_concurrent_positions, 'max_concurrent_positions');
    if (s.max_concurrent_positions > pos.cap)
      out.push(f('error', 'cap_above_global', 'strategy_config', ['strategies', id, 'max_concurrent_positions'], `at most ${pos.cap} (${pos.name})`, String(s.max_concurrent_positions)));
    for (const symbol of s.symbols ?? sc.universe) {
      const inst = instruments.get(symbol);
      if (inst === undefined || inst.spec.brackets.length === 0) continue;
      if (s.leverage > inst.maxLeverage)
        out.push(f('error', 'leverage_above_bracket', 'strategy_config', ['strategies', id, 'leverage'], `at most ${inst.maxLeverage} (the venue's bracket maximum for ${symbol})`, String(s.leverage)));
    }
  }
  if (enabledNavPct > g.max_gross_exposure_pct)
    out.push(f('warning', 'strategies_exceed_gross_cap', 'strategy_config', ['strategies'], `enabled strategies' max_nav_pct summing to at most global.max_gross_exposure_pct (${g.max_gross_exposure_pct}); the risk engine will cut the excess`, String(enabledNavPct)));

  // our order rate stays under the venue's
  for (const rl of instruments.rateLimits.filter((r) => r.rateLimitType === 'ORDERS')) {
    const [ours, key] = rl.interval === 'SECOND' && rl.intervalNum === 10 ? [risk.order_rate.orders_per_10s, 'orders_per_10s'] : rl.interval === 'MINUTE' && rl.intervalNum === 1 ? [risk.order_rate.orders_per_minute, 'orders_per_minute'] : [undefined, ''];
    if (ours !== undefined && ours > rl.limit)
      out.push(f('error', 'order_rate_above_venue', 'risk_limits', ['order_rate', key], `at most the venue's ORDERS limit of ${rl.limit} per ${rl.intervalNum} ${rl.interval}`, String(ours)));
  }

  // accounts run registered strategies; entries clear the venue's minimum notional
  for (const [accountId, account] of Object.entries(venues.accounts)) {
    (account.strategies ?? []).forEach((sid, i) => {
      if (registry.strategies[sid] === undefined)
        out.push(f('error', 'unknown_strategy', 'venues', ['accounts', accountId, 'strategies', i], `a strategy id of strategy_registry.json`, `"${sid}"`));
    });
    const venue = venues.venues[account.venue];
    if (account.trading === 'live') {
      out.push(f('info', 'live_account', 'venues', ['accounts', accountId, 'trading'], 'awareness: this account sends real orders when ENV is prod/testnet and ALLOW_PROD_WRITE=1', `"live" on ${venue?.type ?? account.venue}`));
      for (const sid of account.strategies ?? Object.keys(registry.strategies)) {
        const entry = registry.strategies[sid];
        if (entry?.enabled === true && entry.stage !== 'live')
          out.push(f('error', 'stage_not_live', 'strategy_registry', ['strategies', sid, 'stage'], `"live" for a strategy run by live account ${accountId}`, `"${entry.stage}"`));
      }
    }
    if (account.trading === 'disabled') continue;
    for (const sid of account.strategies ?? Object.keys(registry.strategies)) {
      const s = sc.strategies[sid];
      if (s === undefined || registry.strategies[sid]?.enabled !== true) continue;
      const entryUsd = (account.starting_nav_usd * s.trade_nav_percentage) / 100;
      for (const symbol of s.symbols ?? sc.universe) {
        const inst = instruments.get(symbol);
        if (inst !== undefined && entryUsd < inst.minNotional)
          out.push(f('warning', 'below_min_notional', 'strategy_config', ['strategies', sid, 'trade_nav_percentage'],
            `an entry of at least ${inst.minNotional} USD on ${symbol} (the venue's MIN_NOTIONAL) for account ${accountId}`, `${s.trade_nav_percentage}% of ${account.starting_nav_usd} = ${entryUsd} USD`));
      }
    }
  }
  return out;
}

/**
 * Every universe symbol exists on the venue, is a trading perpetual, and has bundled history for
 * replay. Runs on the raw document too, when other errors keep the config from validating, because a
 * misspelled symbol is the root cause of the errors it provokes elsewhere.
 */
export function checkUniverse(universe: readonly unknown[], read: ConfigSources, instruments: InstrumentCatalog, profile: string): Finding[] {
  const out: Finding[] = [];
  const f = findingBuilder(read, profile);
  universe.forEach((symbol, i) => {
    if (typeof symbol !== 'string') return;
    const inst = instruments.get(symbol);
    if (inst === undefined) {
      const guess = closestName(symbol, instruments.symbols());
      out.push(f('error', 'unknown_symbol', 'strategy_config', ['universe', i], `a symbol of the venue's instrument list${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}`, `"${symbol}", not in ${instruments.source}`));
      return;
    }
    if (inst.spec.status !== 'TRADING') out.push(f('error', 'symbol_not_trading', 'strategy_config', ['universe', i], 'status TRADING', `${symbol} status ${inst.spec.status}`));
    if (inst.spec.contractType !== 'PERPETUAL') out.push(f('error', 'symbol_not_perpetual', 'strategy_config', ['universe', i], 'a PERPETUAL contract', `${symbol} is ${inst.spec.contractType}`));
    if (!hasBundledCandles(symbol)) out.push(f('info', 'no_bundled_history', 'strategy_config', ['universe', i], 'bundled history for replay and backtests', `none for ${symbol} (download it before a backtest)`));
  });
  return out;
}

import type { ConfigSet } from '../config/files.js';
import type { StrategySettings } from '../config/schemas/strategy-config.js';
import type { Timeframe } from '../domain/timeframe.js';
import type { Regime } from '../ml/regimes.js';
import type { BarsView, Signal, StrategyContext, StrategyInstance } from '../strategies/define-strategy.js';
import { strategyPlugins } from '../strategies/registry.js';
import { scoreModels } from './score-models.js';

/** One strategy's signal with the settings it trades under and the close it was decided on. */
export interface StrategySignal {
  readonly strategy: string;
  readonly settings: StrategySettings;
  readonly signal: Signal;
  readonly price: number;
}

/** What the signal collector reads: bars up to the decision bar, and the regime of a symbol. */
export interface SignalSources {
  bars(symbol: string, timeframe: Exclude<Timeframe, '1m'>): BarsView | undefined;
  regime(symbol: string): Regime | null;
  /** Only strategies whose timeframe this accepts decide (the kernel asks only those whose bar just closed). */
  due?(timeframe: Timeframe): boolean;
}

/**
 * Lets every enabled strategy decide at `atMs`: the one place, shared by the screener and the kernel,
 * where plugins are created from their config and handed a read-only context.
 */
export function collectSignals(config: ConfigSet, atMs: number, src: SignalSources): StrategySignal[] {
  const out: StrategySignal[] = [];
  for (const { id, entry, settings } of deciders(config)) {
    const tf = settings.timeframe;
    if (src.due !== undefined && !src.due(tf)) continue;
    const instance = instanceOf(entry.plugin, settings);
    const views = new Map<string, BarsView>();
    for (const symbol of settings.symbols ?? config.strategy_config.universe) {
      const v = src.bars(symbol, tf);
      if (v !== undefined && v.length > 0) views.set(symbol, v);
    }
    const ctx: StrategyContext = {
      timeMs: atMs,
      timeframe: tf,
      symbols: [...views.keys()],
      bars: (symbol) => views.get(symbol),
      regime: (symbol) => src.regime(symbol),
      score: (model, symbol) => {
        const v = views.get(symbol);
        return v === undefined ? undefined : scoreModels.find(model)?.score(v);
      },
    };
    for (const signal of instance.onBar(ctx)) out.push({ strategy: id, settings, signal, price: views.get(signal.symbol)?.close.at(-1) ?? Number.NaN });
  }
  return out;
}

type Decider = { id: string; entry: ConfigSet['strategy_registry']['strategies'][string]; settings: StrategySettings & { timeframe: Exclude<Timeframe, '1m'> } };
const decidersOf = new WeakMap<ConfigSet, readonly Decider[]>();

/**
 * Finds the strategies that decide and makes their instances, as `collectSignals` would at its first call
 * with this config: a loop that runs for many bars calls it once before the first, so that the per-bar
 * path never takes these once-per-config branches (V8 optimises that path on feedback without them, and
 * threw the optimised code away when a sweep worker's next point first took them).
 */
export function prepareSignals(config: ConfigSet): void {
  for (const { entry, settings } of deciders(config)) instanceOf(entry.plugin, settings);
}

/** The enabled strategies that decide on bars (not 1m), in registry order: found once per config (asked every cycle). */
function deciders(config: ConfigSet): readonly Decider[] {
  let list = decidersOf.get(config);
  if (list === undefined) {
    list = Object.entries(config.strategy_registry.strategies).flatMap(([id, entry]) => {
      const settings = config.strategy_config.strategies[id];
      return !entry.enabled || settings === undefined || settings.timeframe === '1m' ? [] : [{ id, entry, settings: settings as Decider['settings'] }];
    });
    decidersOf.set(config, list);
  }
  return list;
}

/** Instances by the settings object they were made from: config objects are immutable, and an instance decides bar after bar. */
const instances = new WeakMap<StrategySettings, { plugin: string; instance: StrategyInstance }>();

/** The plugin's instance for these settings, made once (parameters parsed once) and reused while the config lives. */
export function instanceOf(pluginName: string, settings: StrategySettings): StrategyInstance {
  const hit = instances.get(settings);
  if (hit?.plugin === pluginName) return hit.instance;
  const plugin = strategyPlugins.get(pluginName);
  const instance = plugin.create(plugin.params.parse(settings.params));
  instances.set(settings, { plugin: pluginName, instance });
  return instance;
}

/** The protective stop of an entry at `price`, from the strategy's stop setting; `null` for a declared opt-out or no ATR. */
export function stopPriceOf(settings: StrategySettings, direction: 1 | -1, price: number, atrAbs: number | null): number | null {
  const stop = settings.stop;
  if (stop.type === 'none') return null;
  if (stop.type === 'pct') return price * (1 - (direction * stop.pct) / 100);
  return atrAbs === null ? null : price - direction * stop.multiple * atrAbs;
}

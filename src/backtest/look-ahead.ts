import type { ConfigSet } from '../config/files.js';
import { lastClosedIndex, type CandleSeries } from '../domain/candle.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';
import { scoreModels } from '../screener/score-models.js';
import { instanceOf } from '../screener/signals.js';
import type { BarsView, Signal, StrategyContext } from '../strategies/define-strategy.js';
import { strategyPlugins } from '../strategies/registry.js';

/** What the look-ahead guard found for one strategy. */
export interface LookAheadFinding {
  readonly strategy: string;
  readonly barsChecked: number;
  /** Signals seen over those bars (a check that saw none proves little, and says so). */
  readonly signals: number;
  /** Bars where the signals with the later bars present differ from those with the later bars removed. */
  readonly mismatches: readonly { readonly closeTime: string; readonly withFuture: readonly Signal[]; readonly truncated: readonly Signal[] }[];
}

function view(s: CandleSeries, end: number, copy: boolean): BarsView {
  const cut = (a: Float64Array) => (copy ? Float64Array.from(a.subarray(0, end)) : a.subarray(0, end));
  return { length: end, openTimeMs: cut(s.openTimeMs), open: cut(s.open), high: cut(s.high), low: cut(s.low), close: cut(s.close), volume: cut(s.volume) };
}

/**
 * The look-ahead guard: at `samples` bars spread over the history, each strategy decides twice — once on
 * views of the full arrays that end at the bar (the later bars exist behind them), once on copies with the
 * later bars removed — and the two sets of signals must be the same. A strategy that reads past the end of
 * its view (an index beyond `length`, a method on the underlying buffer) gives itself away. Regimes are
 * held constant ('trend') so both runs see the same; model scores are computed from the same views.
 */
export function checkLookAhead(config: ConfigSet, strategies: readonly string[], seriesOf: (symbol: string, tf: Exclude<Timeframe, '1m'>) => CandleSeries | undefined, samples: number): LookAheadFinding[] {
  return strategies.map((id) => {
    const settings = config.strategy_config.strategies[id];
    const entry = config.strategy_registry.strategies[id];
    if (settings === undefined || entry === undefined || settings.timeframe === '1m') return { strategy: id, barsChecked: 0, signals: 0, mismatches: [] };
    const tf = settings.timeframe;
    const plugin = strategyPlugins.get(entry.plugin);
    const instance = instanceOf(entry.plugin, settings);
    const symbols = (settings.symbols ?? config.strategy_config.universe).filter((s) => seriesOf(s, tf) !== undefined);
    const first = seriesOf(symbols[0] ?? '', tf);
    if (first === undefined) return { strategy: id, barsChecked: 0, signals: 0, mismatches: [] };
    const warm = plugin.warmupBars(plugin.params.parse(settings.params)) + 2;
    const mismatches: LookAheadFinding['mismatches'][number][] = [];
    let signals = 0;
    let checked = 0;
    for (let k = 0; k < samples; k++) {
      const end = Math.floor(warm + ((first.length - warm - 1) * k) / Math.max(1, samples - 1));
      if (end <= 0 || end >= first.length) continue;
      const timeMs = (first.openTimeMs[end - 1] as number) + timeframeMs[tf];
      const context = (copy: boolean): StrategyContext => {
        const views = new Map<string, BarsView>();
        for (const s of symbols) {
          const series = seriesOf(s, tf) as CandleSeries;
          // the same instant in every symbol: its bars closed by timeMs
          const n = lastClosedIndex(series, timeMs) + 1;
          if (n > 0) views.set(s, view(series, n, copy));
        }
        return {
          timeMs, timeframe: tf, symbols: [...views.keys()], bars: (s) => views.get(s), regime: () => 'trend',
          score: (model, s) => {
            const v = views.get(s);
            return v === undefined ? undefined : scoreModels.find(model)?.score(v);
          },
        };
      };
      const withFuture = instance.onBar(context(false));
      const truncated = instance.onBar(context(true));
      checked++;
      signals += withFuture.length;
      if (JSON.stringify(withFuture) !== JSON.stringify(truncated)) mismatches.push({ closeTime: new Date(timeMs).toISOString(), withFuture, truncated });
    }
    return { strategy: id, barsChecked: checked, signals, mismatches };
  });
}

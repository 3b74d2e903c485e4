import { describe, expect, it } from 'vitest';
import type { Timeframe } from '../../src/domain/timeframe.js';
import { CandleStore } from '../../src/market/candle-store.js';
import type { BarsView, StrategyContext, StrategyDeclaration } from '../../src/strategies/define-strategy.js';
import { strategyPlugins } from '../../src/strategies/registry.js';
import { momentumLogistic } from '../../src/screener/score-models.js';

const store = new CandleStore('/nonexistent');
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT', 'LINKUSDT'];

const loaded = new Map<string, ReturnType<typeof store.load>['series']>();
const series = (symbol: string, tf: Exclude<Timeframe, '1m'>) => {
  const key = `${symbol}|${tf}`;
  if (!loaded.has(key)) loaded.set(key, store.load(symbol, tf).series);
  return loaded.get(key) as ReturnType<typeof store.load>['series'];
};

function view(symbol: string, tf: Exclude<Timeframe, '1m'>, end: number, copy: boolean): BarsView {
  const s = series(symbol, tf);
  const cut = (a: Float64Array) => (copy ? Float64Array.from(a.subarray(0, end)) : a.subarray(0, end));
  return { length: end, openTimeMs: cut(s.openTimeMs), open: cut(s.open), high: cut(s.high), low: cut(s.low), close: cut(s.close), volume: cut(s.volume) };
}

function context(tf: Exclude<Timeframe, '1m'>, end: number, copy: boolean): StrategyContext {
  const views = new Map(SYMBOLS.map((s) => [s, view(s, tf, end, copy)]));
  const last = views.get('BTCUSDT');
  const timeMs = (last?.openTimeMs[end - 1] ?? 0) + { '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 }[tf];
  return {
    timeMs, timeframe: tf, symbols: SYMBOLS, bars: (s) => views.get(s), regime: () => 'trend',
    score: (_m, s) => { const v = views.get(s); return v === undefined ? undefined : momentumLogistic.score(v); },
  };
}

const paramsFor: Record<string, object> = { 'ml-score': { model: 'momentum-logistic', long_threshold: 0.55, short_threshold: 0.45 }, 'smart-money': { fvg_min_pct: 0 } };

describe('no strategy looks ahead: its signals at bar t are the same whether or not later bars exist', () => {
  it.each(strategyPlugins.values().map((p) => [p.name, p] as [string, StrategyDeclaration]))('%s', (_name, plugin) => {
    const tf = plugin.timeframes[0] as Exclude<Timeframe, '1m'>;
    const instance = plugin.create(plugin.params.parse(paramsFor[plugin.name] ?? {}));
    const total = series('BTCUSDT', tf).length;
    let signals = 0;
    for (let k = 0; k < 40; k++) {
      const end = Math.floor(plugin.warmupBars(plugin.params.parse(paramsFor[plugin.name] ?? {})) + 5 + ((total - 300) * k) / 40);
      const withFuture = instance.onBar(context(tf, end, false));
      const truncated = instance.onBar(context(tf, end, true));
      expect(withFuture).toEqual(truncated);
      signals += withFuture.length;
    }
    // the test means something only if the strategy said something
    expect(signals).toBeGreaterThan(0);
  });
});

describe('directions(), the every-bar-at-once signal a backtest may use, agrees with onBar and does not look ahead', () => {
  const withDirections = strategyPlugins.values().filter((p) => p.create(p.params.parse(paramsFor[p.name] ?? {})).directions !== undefined);
  it('is declared by the reference strategy', () => expect(withDirections.map((p) => p.name)).toContain('sma-cross'));
  it.each(withDirections.map((p) => [p.name, p] as [string, StrategyDeclaration]))('%s, on every bar of BTCUSDT 1h, in both modes', (_name, plugin) => {
    for (const mode of ['long-flat', 'long-short']) {
      const instance = plugin.create(plugin.params.parse({ ...paramsFor[plugin.name], fast: 10, slow: 30, mode }));
      const total = series('BTCUSDT', '1h').length;
      const all = instance.directions?.(view('BTCUSDT', '1h', total, false)) as Int8Array;
      const head = instance.directions?.(view('BTCUSDT', '1h', 20_000, true)) as Int8Array;
      expect(Array.from(head)).toEqual(Array.from(all.subarray(0, 20_000)));
      let crossings = 0;
      for (let end = 1; end <= total; end++) {
        const s = instance.onBar({ ...context('1h', end, false), symbols: ['BTCUSDT'] });
        const want = s[0] === undefined ? 2 : s[0].direction === 'long' ? 1 : s[0].direction === 'short' ? -1 : 0;
        if (all[end - 1] !== want) expect.fail(`bar ${end - 1}: directions() says ${all[end - 1]}, onBar says ${want}`);
        if (want !== 2) crossings++;
      }
      expect(crossings).toBeGreaterThan(500);
    }
  });
});

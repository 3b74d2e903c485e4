import type { Candle, CandleSeries } from '../domain/candle.js';
import { timeframeMs, type Timeframe } from '../domain/timeframe.js';
import { aggregateSeries } from './aggregate.js';
import type { MarketData } from './market-data.js';

/** 1h bars kept per symbol: the regime model reads 2,000, the slowest strategy about 100 days. */
export const LIVE_HISTORY_BARS = 2_400;

/**
 * Closed 1h bars of the universe from a live venue, kept in memory: the first refresh reads the last
 * `historyBars` bars of each symbol, later ones only what closed since. 4h and 1d bars are built from
 * them on UTC boundaries (only complete buckets), exactly as the replay builds them from the cache.
 */
export class LiveBars {
  private readonly bars = new Map<string, Candle[]>();
  private readonly built = new Map<string, CandleSeries>();

  constructor(private readonly market: MarketData, readonly symbols: readonly string[], private readonly historyBars = LIVE_HISTORY_BARS) {}

  /** Reads the bars closed by `nowMs`; returns the ones new since the last refresh, per symbol, oldest first. */
  async refresh(nowMs: number): Promise<Map<string, Candle[]>> {
    const step = timeframeMs['1h'];
    const lastClosedOpen = Math.floor(nowMs / step) * step - step;
    const fresh = new Map<string, Candle[]>();
    for (const symbol of this.symbols) {
      const have = this.bars.get(symbol) ?? [];
      const from = have.length === 0 ? lastClosedOpen - (this.historyBars - 1) * step : (have.at(-1)?.openTimeMs ?? 0) + step;
      if (from > lastClosedOpen) continue;
      const got = (await this.market.fetchCandles(symbol, '1h', from, lastClosedOpen)).filter((c) => c.openTimeMs + step <= nowMs && c.openTimeMs >= from);
      if (got.length === 0) continue;
      const all = [...have, ...got];
      this.bars.set(symbol, all.length > this.historyBars ? all.slice(all.length - this.historyBars) : all);
      fresh.set(symbol, got);
      for (const tf of ['1h', '4h', '1d']) this.built.delete(`${symbol}|${tf}`);
    }
    return fresh;
  }

  has(symbol: string): boolean {
    return (this.bars.get(symbol)?.length ?? 0) > 0;
  }

  /** Close time of the newest closed 1h bar of `symbol`, or null before any. */
  lastCloseMs(symbol: string): number | null {
    const last = this.bars.get(symbol)?.at(-1);
    return last === undefined ? null : last.openTimeMs + timeframeMs['1h'];
  }

  series(symbol: string, tf: Exclude<Timeframe, '1m'>): CandleSeries {
    const key = `${symbol}|${tf}`;
    let s = this.built.get(key);
    if (s === undefined) {
      const hourly = toSeries(symbol, this.bars.get(symbol) ?? []);
      s = tf === '1h' ? hourly : aggregateSeries(hourly, tf).series;
      this.built.set(key, s);
    }
    return s;
  }
}

function toSeries(symbol: string, bars: readonly Candle[]): CandleSeries {
  const col = (f: (c: Candle) => number) => Float64Array.from(bars, f);
  return {
    symbol, timeframe: '1h', length: bars.length, openTimeMs: col((c) => c.openTimeMs), open: col((c) => c.open), high: col((c) => c.high), low: col((c) => c.low),
    close: col((c) => c.close), volume: col((c) => c.volume),
  };
}

import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/domain/candle.js';
import { aggregateSeries } from '../../src/market/aggregate.js';
import { CandleStore } from '../../src/market/candle-store.js';
import { ReplayFeed } from '../../src/market/replay-feed.js';
import { loadBundledCandles } from '../../src/market/history.js';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/config-copy.js';

const H = 3_600_000;

function series(symbol: string, opens: number[], tf: '1h' | '4h' = '1h'): CandleSeries {
  const t = Float64Array.from(opens);
  const px = Float64Array.from(opens.map((_, i) => 100 + i));
  return { symbol, timeframe: tf, length: opens.length, openTimeMs: t, open: px, high: px.map((p) => p + 1), low: px.map((p) => p - 1), close: px.map((p) => p + 0.5), volume: px.map(() => 1) };
}

describe('aggregateSeries', () => {
  it('builds 4h bars on UTC boundaries that match the 1h bars they are made of', () => {
    const { series: h1 } = loadBundledCandles('ETHUSDT');
    const { series: h4, incomplete } = aggregateSeries(h1, '4h');
    // the bundled set starts at 08:00 and ends at 12:00 (the 12:00 bucket has one bar of four)
    expect(incomplete).toEqual([{ afterMs: h1.openTimeMs[31_972]! - 4 * H, resumeMs: h1.openTimeMs[31_972]! + 4 * H, missingBars: 3 }]);
    expect(h4.length).toBe(Math.floor(31_972 / 4));
    for (const k of [0, 1, 1000, h4.length - 1]) {
      const i = k * 4;
      expect(h4.openTimeMs[k]).toBe(h1.openTimeMs[i]);
      expect(h4.open[k]).toBe(h1.open[i]);
      expect(h4.close[k]).toBe(h1.close[i + 3]);
      expect(h4.high[k]).toBe(Math.max(...h1.high.subarray(i, i + 4)));
      expect(h4.low[k]).toBe(Math.min(...h1.low.subarray(i, i + 4)));
      expect(h4.volume[k]).toBeCloseTo(h1.volume.subarray(i, i + 4).reduce((a, b) => a + b, 0), 6);
    }
  });

  it('never builds a bar from a bucket with a missing hour, and says so', () => {
    const { series: h4, incomplete } = aggregateSeries(series('X', [0, H, 2 * H, 3 * H, 4 * H, 5 * H, 7 * H]), '4h');
    expect(h4.length).toBe(1);
    expect(incomplete).toEqual([{ afterMs: 0, resumeMs: 8 * H, missingBars: 1 }]);
  });

  it('builds 1d bars from 24 hours', () => {
    const opens = Array.from({ length: 48 }, (_, i) => i * H);
    expect(aggregateSeries(series('X', opens), '1d').series.length).toBe(2);
  });
});

describe('ReplayFeed', () => {
  it('delivers every bar once, in close-time order, lower timeframes first within an instant', () => {
    const a = series('A', [0, H, 2 * H, 3 * H]);
    const b = series('B', [H, 2 * H, 3 * H]);
    const a4 = aggregateSeries(a, '4h').series;
    const seen: string[] = [];
    for (const tick of new ReplayFeed([a4, b, a]).ticks())
      for (let k = 0; k < tick.count; k++) seen.push(`${tick.closeTimeMs / H}:${tick.series[k]?.symbol}${tick.series[k]?.timeframe}@${tick.indices[k]}`);
    expect(seen).toEqual(['1:A1h@0', '2:A1h@1', '2:B1h@0', '3:A1h@2', '3:B1h@1', '4:A1h@3', '4:B1h@2', '4:A4h@0']);
  });

  it('cuts by close time, so a bar is never delivered before it closed', () => {
    const a = series('A', [0, H, 2 * H, 3 * H]);
    const feed = new ReplayFeed([a], { fromMs: 2 * H, toMs: 3 * H });
    const closes: number[] = [];
    for (const t of feed.ticks()) closes.push(t.closeTimeMs / H); // the tick object is reused
    expect(closes).toEqual([2, 3]);
    expect(feed.countBars()).toBe(2);
  });

  it('streams the whole bundled universe in time order', () => {
    const store = new CandleStore('/nonexistent');
    const all = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].flatMap((s) => [store.load(s, '1h').series, store.load(s, '4h').series, store.load(s, '1d').series]);
    const feed = new ReplayFeed(all);
    let last = 0;
    let bars = 0;
    for (const tick of feed.ticks()) {
      expect(tick.closeTimeMs).toBeGreaterThan(last);
      last = tick.closeTimeMs;
      bars += tick.count;
    }
    expect(bars).toBe(feed.countBars());
    expect(bars).toBe(3 * (31_973 + 7_993 + all[2]!.length));
  });
});

describe('CandleStore', () => {
  it('extends bundled history with downloaded bars and reports the gap between them', () => {
    const t = tempDir();
    const store = new CandleStore(t.dir);
    const last = loadBundledCandles('BTCUSDT').series.openTimeMs[31_972]!;
    mkdirSync(path.dirname(store.cacheFile('BTCUSDT')), { recursive: true });
    writeFileSync(store.cacheFile('BTCUSDT'), `open_time_ms,open,high,low,close,volume\n${last},1,1,1,1,1\n${last + 3 * H},66000,66100,65900,66050,12\n`);
    const loaded = store.load('BTCUSDT', '1h');
    expect(loaded.series.length).toBe(31_974);
    expect(loaded.series.close[31_972]).not.toBe(1); // the bundled bar wins on overlap
    expect(loaded.gaps).toEqual([{ afterMs: last, resumeMs: last + 3 * H, missingBars: 2 }]);
    expect(loaded.sources).toHaveLength(2);
    t.cleanup();
  });

  it('says when a symbol has no history at all', () => {
    expect(() => new CandleStore('/nonexistent').load('AVAXUSDT', '1h')).toThrow(/no candle history for AVAXUSDT/);
  });
});

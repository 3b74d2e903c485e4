import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.js';
import { CandleStore } from '../../src/market/candle-store.js';
import { downloadHistory, fundingCacheFile } from '../../src/market/download.js';
import { loadBundledCandles, loadBundledFunding } from '../../src/market/history.js';
import { BinanceVenue } from '../../src/venues/binance/binance-venue.js';
import { runCliAsync } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';
import { FapiServer } from '../support/fapi-server.js';

const MAR = Date.UTC(2024, 2, 1);
const JUN = Date.UTC(2024, 5, 1);

describe('market data through the Binance adapter (loopback fapi)', () => {
  const server = new FapiServer();
  let venue: BinanceVenue;
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await server.start();
    venue = new BinanceVenue({ baseUrl, apiKey: '', apiSecret: '', recvWindowMs: 5000, instruments: server.instruments, clock: new SystemClock() });
    server.engine.setBook('BTCUSDT', [[66_000.1, 1.5], [66_000, 3]], [[66_000.2, 0.8], [66_001, 4]]);
  });
  afterAll(() => server.close());

  it('pages through klines (1,500 a request) and returns exactly the venue\'s bars', async () => {
    const bars = await venue.fetchCandles('BTCUSDT', '1h', MAR, JUN);
    const { series } = loadBundledCandles('BTCUSDT');
    const first = series.openTimeMs.indexOf(MAR);
    expect(bars.length).toBe((JUN - MAR) / 3_600_000 + 1);
    expect(server.requests.filter((r) => r.path === '/fapi/v1/klines').length).toBe(2);
    for (const k of [0, 1499, 1500, bars.length - 1]) {
      expect(bars[k]).toMatchObject({ openTimeMs: series.openTimeMs[first + k], open: series.open[first + k], close: series.close[first + k], volume: series.volume[first + k] });
    }
    const h4 = await venue.fetchCandles('BTCUSDT', '4h', MAR, MAR + 86_400_000 - 1);
    expect(h4.map((c) => c.openTimeMs)).toEqual([0, 1, 2, 3, 4, 5].map((i) => MAR + i * 14_400_000));
  });

  it('pages through funding history (1,000 a request)', async () => {
    const all = loadBundledFunding();
    const from = all[0]?.fundingTimeMs ?? 0;
    const to = all.at(-1)?.fundingTimeMs ?? 0;
    const events = await venue.fetchFundingHistory('BTCUSDT', from, to);
    expect(events.map((e) => [e.fundingTimeMs, e.rate])).toEqual(all.map((e) => [e.fundingTimeMs, e.rate]));
  });

  it('reads book top, depth (with a sequence number above 2^53 kept exact) and mark price', async () => {
    expect(await venue.fetchBookTop('BTCUSDT')).toMatchObject({ bidPrice: 66_000.1, bidQty: 1.5, askPrice: 66_000.2, askQty: 0.8 });
    const depth = await venue.fetchDepth('BTCUSDT', 5);
    expect(depth.bids).toEqual([[66_000.1, 1.5], [66_000, 3]]);
    expect(depth.lastUpdateId).toBe('35263532345678901234');
    const mark = await venue.fetchMarkPrice('BTCUSDT');
    expect(mark.markPrice).toBeCloseTo(66_000.15, 6);
    expect(mark.nextFundingTimeMs % 28_800_000).toBe(0);
  });

  it('downloads into the candle cache, merges on a second run without duplicates, and the store serves it', async () => {
    const t = tempDir();
    const first = await downloadHistory(venue, t.dir, { symbols: ['BTCUSDT'], fromMs: MAR, toMs: MAR + 47 * 3_600_000, funding: true });
    expect(first[0]?.candles).toMatchObject({ fetched: 48, added: 48, total: 48, gaps: [] });
    const again = await downloadHistory(venue, t.dir, { symbols: ['BTCUSDT'], fromMs: MAR + 24 * 3_600_000, toMs: MAR + 71 * 3_600_000, funding: true });
    expect(again[0]?.candles).toMatchObject({ fetched: 48, added: 24, total: 72 });
    const cached = readFileSync(new CandleStore(t.dir).cacheFile('BTCUSDT'), 'utf8').trim().split('\n');
    expect(cached).toHaveLength(73);
    const { series } = loadBundledCandles('BTCUSDT');
    const i = series.openTimeMs.indexOf(MAR);
    expect(cached[1]).toBe([MAR, series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i]].join(','));
    expect(existsSync(fundingCacheFile(t.dir, 'BTCUSDT'))).toBe(true);
    // the bundled bars win where both hold one, so the series is unchanged in length
    expect(new CandleStore(t.dir).load('BTCUSDT', '1h').series.length).toBe(31_973);
    t.cleanup();
  });

  it('hedge data fetch writes the cache and reports it as JSON', async () => {
    const t = tempDir();
    const r = await runCliAsync(['data', 'fetch', '--base-url', baseUrl, '--symbols', 'ETHUSDT', '--from', '2024-06-01', '--to', '2024-06-02', '--funding', '--state-dir', t.dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { reports: { symbol: string; candles: { added: number } }[] };
    expect(out.reports[0]).toMatchObject({ symbol: 'ETHUSDT', candles: { added: 25 } });
    expect(existsSync(`${t.dir}/cache/candles/BINANCE_ETHUSDT_1h.csv`)).toBe(true);
    t.cleanup();
  });

  it('says plainly when there is no network', async () => {
    const t = tempDir();
    const r = await runCliAsync(['data', 'fetch', '--base-url', 'http://127.0.0.1:9', '--symbols', 'BTCUSDT', '--from', '2024-06-01', '--state-dir', t.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('EXCHANGE_UNAVAILABLE');
    t.cleanup();
  });
});

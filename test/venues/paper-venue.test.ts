import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { PaperVenue, type PaperVenueOptions } from '../../src/venues/paper/paper-venue.js';
import { venueContract } from './venue-contract.js';

const instruments = loadBundledInstruments();
const paper = (o: Partial<PaperVenueOptions> = {}) =>
  new PaperVenue({ instruments, clock: new ManualClock(1_700_000_000_000), startingBalanceUsd: 10_000, makerBps: 2, takerBps: 5, spreadBps: 2, impactBpsPer10kUsd: 0, ...o });

venueContract('paper', async () => {
  const venue = paper();
  return {
    venue,
    market: {
      setPrice: async (symbol, price) => venue.setBook(symbol, [[price - 0.1, 50]], [[price + 0.1, 50]]),
      setBook: async (symbol, bids, asks) => venue.setBook(symbol, bids, asks),
    },
    close: async () => undefined,
  };
});

const bar = (o: number, h: number, l: number, c: number) => ({ symbol: 'BTCUSDT', timeframe: '1h' as const, openTimeMs: 0, open: o, high: h, low: l, close: c, volume: 1 });

describe('paper venue numbers, checked by hand', () => {
  it('PnL, fees and funding of a round trip', async () => {
    const v = paper();
    await v.setLeverage('BTCUSDT', 5);
    v.setMark('BTCUSDT', 50_000);
    // market buy with no book: mark + half the 2 bps spread = 50,005.0, taker 5 bps
    const buy = await v.createOrder({ clientOrderId: 'b1', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.1, reduceOnly: false });
    expect(buy.avgFillPrice).toBe(50_005);
    const entryFee = (0.1 * 50_005 * 5) / 10_000; // 2.50025
    // funding +0.01% at mark 51,000: the long pays 0.1 × 51,000 × 0.0001 = 0.51
    v.setMark('BTCUSDT', 51_000);
    expect(v.applyFunding('BTCUSDT', 0.0001)).toBeCloseTo(-0.51, 12);
    // a resting sell at 52,400 is traded through on a rising bar (path open → low → high → close), maker 2 bps
    await v.createOrder({ clientOrderId: 's1', symbol: 'BTCUSDT', side: 'sell', type: 'limit', qty: 0.1, price: 52_400, timeInForce: 'GTC', reduceOnly: true });
    v.onBar(bar(51_000, 52_500, 50_900, 52_000));
    const exitFee = (0.1 * 52_400 * 2) / 10_000; // 1.048
    const realized = (52_400 - 50_005) * 0.1; // 239.5
    const fills = v.takeFills();
    expect(fills.map((f) => [f.clientOrderId, f.price, f.liquidity])).toEqual([['b1', 50_005, 'taker'], ['s1', 52_400, 'maker']]);
    expect(fills[1]?.realizedPnlUsd).toBeCloseTo(realized, 9);
    const balance = await v.fetchBalance();
    expect(balance.walletBalance).toBeCloseTo(10_000 - entryFee - 0.51 + realized - exitFee, 9); // 10,235.44175
    expect(await v.fetchPositions()).toEqual([]);
  });

  it('liquidates an isolated long at Binance\'s price for its bracket', async () => {
    const v = paper({ spreadBps: 0 });
    await v.setLeverage('BTCUSDT', 20);
    v.setMark('BTCUSDT', 40_000);
    await v.createOrder({ clientOrderId: 'l1', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.5, reduceOnly: false });
    // notional 20,000 is in BTCUSDT bracket 1 (0 – 50,000): maintMarginRatio 0.004, cum 0
    const b1 = instruments.get('BTCUSDT')?.spec.brackets[0];
    expect([b1?.notionalFloor, b1?.notionalCap, b1?.maintMarginRatio, b1?.cum]).toEqual([0, 50_000, 0.004, 0]);
    const margin = (0.5 * 40_000) / 20; // 1,000
    // LP = (WB + cum − side·|Q|·EP) / (|Q|·MMR − side·|Q|) = (1000 + 0 − 20,000) / (0.002 − 0.5) = 38,152.6104…
    const lp = (margin + 0 - 1 * 0.5 * 40_000) / (0.5 * 0.004 - 1 * 0.5);
    expect(lp).toBeCloseTo(38_152.610441767, 6);
    const [pos] = await v.fetchPositions();
    expect(pos?.liquidationPrice).toBeCloseTo(lp, 6);
    // at LP, margin + uPnL equals the maintenance margin
    expect(margin + (lp - 40_000) * 0.5).toBeCloseTo(0.5 * lp * 0.004, 6);

    v.takeFills();
    v.onBar(bar(40_000, 40_100, 38_000, 38_500)); // falling bar: open → high → low → close
    const [liq] = v.takeFills();
    expect(liq).toMatchObject({ liquidation: true, side: 'sell', qty: 0.5 });
    expect(liq?.price).toBeCloseTo(lp, 6);
    expect(liq?.realizedPnlUsd).toBeCloseTo(-margin, 9); // the whole isolated margin is lost
    expect(await v.fetchPositions()).toEqual([]);
    expect((await v.fetchBalance()).walletBalance).toBeCloseTo(10_000 - (0.5 * 40_000 * 5) / 10_000 - margin, 9);
  });

  it('orders stop and take-profit by the stated intra-bar path', async () => {
    for (const [b, expected] of [
      [bar(50_000, 51_500, 48_500, 49_000), 'tp'], // falling bar: high first, the take-profit fills
      [bar(50_000, 51_500, 48_500, 51_000), 'sl'], // rising bar: low first, the stop fills
    ] as const) {
      const v = paper({ spreadBps: 0 });
      v.setMark('BTCUSDT', 50_000);
      await v.createOrder({ clientOrderId: 'in', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.01, reduceOnly: false });
      await v.createOrder({ clientOrderId: 'sl', symbol: 'BTCUSDT', side: 'sell', type: 'stop_market', qty: 0.01, stopPrice: 49_000, reduceOnly: true });
      await v.createOrder({ clientOrderId: 'tp', symbol: 'BTCUSDT', side: 'sell', type: 'take_profit_market', qty: 0.01, stopPrice: 51_000, reduceOnly: true });
      v.takeFills();
      v.onBar(b);
      expect(v.takeFills().map((f) => [f.clientOrderId, f.price])).toEqual([[expected, expected === 'tp' ? 51_000 : 49_000]]);
      const other = await v.fetchOrder('BTCUSDT', expected === 'tp' ? 'sl' : 'tp');
      expect(other?.status).toBe('expired'); // reduce-only with nothing left to reduce
    }
  });

  it('fills a stop at the open when the bar gaps through it', async () => {
    const v = paper({ spreadBps: 0 });
    v.setMark('BTCUSDT', 50_000);
    await v.createOrder({ clientOrderId: 'in', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.01, reduceOnly: false });
    await v.createOrder({ clientOrderId: 'sl', symbol: 'BTCUSDT', side: 'sell', type: 'stop_market', qty: 0.01, stopPrice: 49_000, reduceOnly: true });
    v.takeFills();
    v.onBar(bar(48_000, 48_500, 47_500, 48_200));
    expect(v.takeFills().map((f) => f.price)).toEqual([48_000]);
  });

  it('refuses an order the margin cannot carry', async () => {
    const v = paper();
    v.setMark('BTCUSDT', 50_000);
    const big = await v.createOrder({ clientOrderId: 'x', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 1, reduceOnly: false });
    expect(big.reject?.code).toBe(-2019);
  });
});

describe('paper venue on a live book (dry-run on live market data)', () => {
  it('fills a resting limit only when the book trades through its price, at its price, as maker', async () => {
    const v = paper();
    v.onBook('BTCUSDT', [[49_999.9, 5]], [[50_000.1, 5]]);
    const o = await v.createOrder({ clientOrderId: 'l1', symbol: 'BTCUSDT', side: 'buy', type: 'limit', timeInForce: 'GTX', price: 49_990, qty: 0.01, reduceOnly: false });
    expect(o.status).toBe('new');
    // the ask comes down to the limit: a touch, no fill
    v.onBook('BTCUSDT', [[49_985, 5]], [[49_990, 5]]);
    expect((await v.fetchOrder('BTCUSDT', 'l1'))?.status).toBe('new');
    // and through it
    v.onBook('BTCUSDT', [[49_980, 5]], [[49_989.9, 5]]);
    const filled = await v.fetchOrder('BTCUSDT', 'l1');
    expect(filled).toMatchObject({ status: 'filled', avgFillPrice: 49_990 });
    expect(v.takeFills()).toMatchObject([{ clientOrderId: 'l1', liquidity: 'maker', price: 49_990, feeUsd: (0.01 * 49_990 * 2) / 10_000 }]);
  });

  it('triggers a protective stop when the mid reaches it', async () => {
    const v = paper();
    v.onBook('BTCUSDT', [[49_999.9, 5]], [[50_000.1, 5]]);
    await v.createOrder({ clientOrderId: 'e', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.01, reduceOnly: false });
    await v.createOrder({ clientOrderId: 's', symbol: 'BTCUSDT', side: 'sell', type: 'stop_market', stopPrice: 49_500, qty: 0.01, reduceOnly: true });
    v.onBook('BTCUSDT', [[49_600, 5]], [[49_600.2, 5]]);
    expect((await v.fetchOrder('BTCUSDT', 's'))?.status).toBe('new');
    v.onBook('BTCUSDT', [[49_499.9, 5]], [[49_500.1, 5]]);
    expect((await v.fetchOrder('BTCUSDT', 's'))?.status).toBe('filled');
    expect(v.account.qtyOf('BTCUSDT')).toBe(0);
    // the book is there again for the next order
    expect(v.bookOf('BTCUSDT')?.asks[0]?.[0]).toBe(49_500.1);
  });
});

describe('paper venue order history (Binance: GET /fapi/v1/order)', () => {
  const DAY = 86_400_000;
  const t0 = 1_700_000_000_000;

  it('answers for an order as long as Binance does: 3 days for one canceled or expired unfilled, 90 days for any; a resting order always, and 90 days after it ends', async () => {
    const clock = new ManualClock(t0);
    const v = paper({ clock });
    v.setMark('BTCUSDT', 50_000);
    await v.createOrder({ clientOrderId: 'filled', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.01, reduceOnly: false });
    await v.createOrder({ clientOrderId: 'canceled', symbol: 'BTCUSDT', side: 'buy', type: 'limit', timeInForce: 'GTC', price: 49_000, qty: 0.01, reduceOnly: false });
    await v.cancelOrder('BTCUSDT', 'canceled');
    await v.createOrder({ clientOrderId: 'resting', symbol: 'BTCUSDT', side: 'sell', type: 'stop_market', stopPrice: 48_000, qty: 0.01, reduceOnly: true });
    expect(v.takeFills().map((f) => f.clientOrderId)).toEqual(['filled']);
    const known = async () => (await Promise.all(['filled', 'canceled', 'resting'].map(async (id) => ((await v.fetchOrder('BTCUSDT', id)) === undefined ? null : id)))).filter((x) => x !== null);

    clock.setMs(t0 + 3 * DAY);
    expect(await known()).toEqual(['filled', 'canceled', 'resting']);
    clock.setMs(t0 + 3 * DAY + 1);
    expect(await known()).toEqual(['filled', 'resting']);
    // a canceled order the venue forgot is unknown to a cancel too (-2011), as on Binance
    expect((await v.cancelOrder('BTCUSDT', 'canceled')).reject?.code).toBe(-2011);
    // its client id is free again; one the venue still answers for is not (-4116)
    expect((await v.createOrder({ clientOrderId: 'filled', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.01, reduceOnly: false })).reject?.code).toBe(-4116);
    const again = await v.createOrder({ clientOrderId: 'canceled', symbol: 'BTCUSDT', side: 'buy', type: 'limit', timeInForce: 'GTC', price: 49_000, qty: 0.01, reduceOnly: false });
    expect(again).toMatchObject({ status: 'new', reject: null });
    expect(await v.cancelOrder('BTCUSDT', 'canceled')).toMatchObject({ status: 'canceled', reject: null });
    clock.setMs(t0 + 90 * DAY + 1);
    expect(await known()).toEqual(['resting']);
    expect((await v.fetchOpenOrders()).map((o) => o.clientOrderId)).toEqual(['resting']);
    // and the resting stop still works
    v.onBar({ ...bar(49_000, 49_000, 47_000, 47_500), openTimeMs: t0 + 90 * DAY });
    expect(v.takeFills().map((f) => f.clientOrderId)).toEqual(['resting']);
    const ended = (await v.fetchOrder('BTCUSDT', 'resting'))?.updatedMs ?? Number.NaN;
    expect(ended).toBe(t0 + 90 * DAY + 1);
    clock.setMs(ended + 90 * DAY);
    expect((await v.fetchOrder('BTCUSDT', 'resting'))?.status).toBe('filled');
    expect(v.snapshot().orders.map((o) => o.clientOrderId)).toEqual(['resting']);
    clock.setMs(ended + 90 * DAY + 1);
    expect(await v.fetchOrder('BTCUSDT', 'resting')).toBeUndefined();
    expect(v.snapshot().orders).toEqual([]);
  });

  it('keeps its memory and its snapshots bounded: a DRY-RUN executor trading for a year carries 90 days of orders', async () => {
    const clock = new ManualClock(t0);
    const v = paper({ clock, startingBalanceUsd: 1_000_000 });
    v.setMark('BTCUSDT', 50_000);
    for (let d = 0; d < 365; d++) {
      clock.setMs(t0 + d * DAY);
      await v.createOrder({ clientOrderId: `e${d}`, symbol: 'BTCUSDT', side: d % 2 === 0 ? 'buy' : 'sell', type: 'market', qty: 0.01, reduceOnly: false });
      await v.createOrder({ clientOrderId: `m${d}`, symbol: 'BTCUSDT', side: 'buy', type: 'limit', timeInForce: 'GTC', price: 49_000, qty: 0.01, reduceOnly: false });
      await v.cancelOrder('BTCUSDT', `m${d}`);
    }
    const ids = v.snapshot().orders.map((o) => o.clientOrderId);
    // on day 364: the fills of the last 90 days (days 274–364) and the cancels of the last 3 (days 361–364)
    expect(ids.filter((id) => id.startsWith('e'))).toEqual(Array.from({ length: 91 }, (_, k) => `e${274 + k}`));
    expect(ids.filter((id) => id.startsWith('m'))).toEqual(['m361', 'm362', 'm363', 'm364']);
    // a venue restored from that snapshot answers as the one that made it
    const w = paper({ clock, startingBalanceUsd: 1_000_000 });
    w.restore(v.snapshot());
    expect(await w.fetchOrder('BTCUSDT', 'm361')).toMatchObject({ status: 'canceled', filledQty: 0 });
    clock.setMs(t0 + 364 * DAY + 1);
    expect(await w.fetchOrder('BTCUSDT', 'm361')).toBeUndefined();
    expect(w.snapshot().orders.map((o) => o.clientOrderId)).not.toContain('m361');
  });
});

import { describe, expect, it } from 'vitest';
import { bundledSymbols } from '../../src/market/bundled.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';

describe('instruments from the bundled exchangeInfo and leverage brackets', () => {
  const catalog = loadBundledInstruments();

  it('reads BTCUSDT filters as Binance states them (mainnet, 2024-10-02)', () => {
    const btc = catalog.get('BTCUSDT');
    expect(btc?.spec.filters).toMatchObject({ tickSize: 0.1, stepSize: 0.001, minQty: 0.001, marketMaxQty: 120, minNotional: 100, percentPriceUp: 1.05, percentPriceDown: 0.95 });
    expect(btc?.priceDecimals).toBe(1);
    expect(btc?.qtyDecimals).toBe(3);
    expect(btc?.maxLeverage).toBe(125);
    expect(btc?.maxLeverageAt(60_000)).toBe(100);
  });

  it('has every bundled symbol as a trading USDT perpetual with brackets', () => {
    for (const s of bundledSymbols) {
      const inst = catalog.get(s);
      expect(inst?.spec).toMatchObject({ status: 'TRADING', contractType: 'PERPETUAL', quoteAsset: 'USDT' });
      expect(inst?.spec.brackets.length).toBeGreaterThan(0);
    }
    expect(catalog.get('DOGEUSDT')?.maxLeverage).toBe(75);
  });

  it('rounds size down and prices away from aggression, onto the grid, as exact text', () => {
    const btc = catalog.get('BTCUSDT');
    if (btc === undefined) throw new TypeError('no BTCUSDT');
    expect(btc.roundQtyDown(0.0019999)).toBe(0.001);
    expect(btc.roundQtyDown(0.003)).toBe(0.003); // 0.003 / 0.001 is 2.9999999999999996 in floats
    expect(btc.roundPrice(65000.17, 'buy')).toBe(65000.1);
    expect(btc.roundPrice(65000.11, 'sell')).toBe(65000.2);
    expect(btc.formatPrice(btc.roundPrice(65000, 'buy'))).toBe('65000.0');
    expect(btc.formatQty(btc.roundQtyDown(1.23456))).toBe('1.234');
  });

  it('lists the venue order rate limits', () => {
    expect(catalog.rateLimits.filter((r) => r.rateLimitType === 'ORDERS').map((r) => r.limit).sort()).toEqual([1200, 300]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOrderFilters, onGrid } from '../../src/domain/order-filters.js';
import { bundledSymbols } from '../../src/market/bundled.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';

const catalog = loadBundledInstruments();
const decimalsOfText = (s: string) => (s.includes('.') ? (s.split('.')[1] ?? '').length : 0);

describe('rounding onto the venue grid (property, every bundled symbol)', () => {
  it.each([...bundledSymbols])('%s: quantities round down and prices away from aggression, onto the grid, as exact text', (symbol) => {
    const inst = catalog.get(symbol);
    if (inst === undefined) throw new TypeError(symbol);
    const f = inst.spec.filters;
    fc.assert(
      fc.property(fc.double({ min: f.minQty, max: Math.min(f.maxQty, 1e6), noNaN: true }), fc.double({ min: f.minPrice * 2, max: Math.min(f.maxPrice, 1e6), noNaN: true }), (qty, price) => {
        const q = inst.roundQtyDown(qty);
        const buy = inst.roundPrice(price, 'buy');
        const sell = inst.roundPrice(price, 'sell');
        const qText = inst.formatQty(q);
        const bText = inst.formatPrice(buy);
        // "at most" and "at least" up to float noise (1e-12 relative): a value that close to a grid point is on it
        const noise = (x: number) => Math.abs(x) * 1e-12 + 1e-12;
        return (
          q <= qty + noise(qty) && qty - q < f.stepSize && onGrid(q, f.stepSize) &&
          buy <= price + noise(price) && price - buy < f.tickSize && onGrid(buy, f.tickSize) &&
          sell >= price - noise(price) && sell - price < f.tickSize && onGrid(sell, f.tickSize) &&
          Number(qText) === q && decimalsOfText(qText) === inst.qtyDecimals && /^\d+(\.\d+)?$/.test(qText) &&
          Number(bText) === buy && decimalsOfText(bText) === inst.priceDecimals
        );
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('checkOrderFilters (Binance USD-M rules)', () => {
  const btc = catalog.get('BTCUSDT');
  if (btc === undefined) throw new TypeError('BTCUSDT');
  const ok = { type: 'limit', qty: 0.002, price: 65000.1, markPrice: 65000, reduceOnly: false } as const;

  it('accepts an order on the grid above min notional', () => {
    expect(checkOrderFilters(btc, ok)).toEqual([]);
  });
  it('rejects notional below MIN_NOTIONAL (100 USDT on BTCUSDT)…', () => {
    expect(checkOrderFilters(btc, { ...ok, qty: 0.001 }).map((v) => v.filter)).toEqual(['MIN_NOTIONAL']);
  });
  it('…unless the order is reduce-only, as on Binance', () => {
    expect(checkOrderFilters(btc, { ...ok, qty: 0.001, reduceOnly: true })).toEqual([]);
  });
  it('rejects off-grid prices and quantities, and prices beyond PERCENT_PRICE', () => {
    expect(checkOrderFilters(btc, { ...ok, price: 65000.15 }).map((v) => v.filter)).toEqual(['PRICE_FILTER']);
    expect(checkOrderFilters(btc, { ...ok, qty: 0.0025 }).map((v) => v.filter)).toEqual(['LOT_SIZE']);
    expect(checkOrderFilters(btc, { ...ok, price: 70000 }).map((v) => v.filter)).toEqual(['PERCENT_PRICE']);
  });
  it('checks market orders against MARKET_LOT_SIZE (120 BTC at most)', () => {
    expect(checkOrderFilters(btc, { type: 'market', qty: 121, markPrice: 65000, reduceOnly: false }).map((v) => v.filter)).toEqual(['MARKET_LOT_SIZE']);
    expect(checkOrderFilters(btc, { type: 'limit', qty: 121, price: 65000, markPrice: 65000, reduceOnly: false })).toEqual([]);
  });
});

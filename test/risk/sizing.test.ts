import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { allocate, returnCovariance } from '../../src/risk/allocator.js';
import { sizeOrder, type SizeInput } from '../../src/risk/size-model.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';
import type { ScreenResult } from '../../src/screener/screen.js';

const instruments = loadBundledInstruments();
const eth = instruments.get('ETHUSDT');
if (eth === undefined) throw new TypeError('ETHUSDT');
const input = (o: Partial<SizeInput> = {}): SizeInput => ({
  navUsd: 10_000, price: 2_000, side: 'buy', target: { kind: 'nav_pct', pct: 3 }, instrument: eth, leverage: 2,
  caps: { maxTradeNavPct: 5, maxSymbolNavPct: 25, maxOrderNotionalUsd: 5_000, maxLeverage: 3 }, ...o,
});

describe('size model', () => {
  it('sizes a NAV share onto the lot grid, explaining the rounding', () => {
    const r = sizeOrder(input({ price: 2_345.67 }));
    expect(r.qty).toBe(0.127); // 300 / 2345.67 = 0.12789… rounded down to the 0.001 step
    expect(r.notionalUsd).toBeCloseTo(0.127 * 2_345.67, 9);
    expect(r.bindings.map((b) => b.rule)).toEqual(['lot_step']);
    expect(r.leverage).toBe(2);
  });

  it('turns a volatility target into a weight and records each cap that bound', () => {
    const r = sizeOrder(input({ target: { kind: 'vol_target', targetVolPct: 30, realizedVolPct: 60 }, caps: { maxTradeNavPct: 40, maxSymbolNavPct: 25, maxOrderNotionalUsd: 2_000, maxLeverage: 3 } }));
    // 100 · 30 / 60 = 50 % → trade cap 40 → symbol cap 25 → order notional cap 20 %
    expect(r.bindings.map((b) => [b.rule, b.afterNavPct])).toEqual([['max_trade_nav_pct', 40], ['max_symbol_nav_pct', 25], ['max_order_notional_usd', 20]]);
    expect(r.notionalUsd).toBe(2_000);
  });

  it('applies Kelly scaling within its cap, and never rounds up to reach the minimum notional', () => {
    const k = sizeOrder(input({ kelly: { edge: 0.0005, variance: 0.0004, fraction: 0.02, capPct: 10 } }));
    expect(k.bindings[0]).toMatchObject({ rule: 'kelly', afterNavPct: 2.5 }); // 100 · 0.02 · 0.0005 / 0.0004
    const tiny = sizeOrder(input({ target: { kind: 'nav_pct', pct: 0.1 } }));
    expect(tiny).toMatchObject({ qty: 0, notionalUsd: 0 });
    expect(tiny.bindings.at(-1)?.rule).toBe('min_notional');
  });

  it('caps the notional so the leverage asked for stays within the venue bracket', () => {
    const btc = instruments.get('BTCUSDT');
    if (btc === undefined) throw new TypeError('BTCUSDT');
    // at 100× BTCUSDT allows at most 600,000 USD of notional (bracket 2)
    const r = sizeOrder(input({ navUsd: 10_000_000, price: 60_000, instrument: btc, leverage: 100, target: { kind: 'nav_pct', pct: 10 }, caps: { maxTradeNavPct: 50, maxSymbolNavPct: 50, maxOrderNotionalUsd: 1e9, maxLeverage: 125 } }));
    expect(r.bindings[0]).toMatchObject({ rule: 'leverage_bracket', afterNavPct: 6 });
  });
});

describe('covariance-aware allocator', () => {
  it('scales to the target volatility: σ_p = √(wᵀΣw · bars per year)', () => {
    const cov = new Matrix([[1e-4, 0], [0, 1e-4]]);
    const r = allocate([{ symbol: 'A', weightPct: 50 }, { symbol: 'B', weightPct: 50 }], cov, 100, 5);
    expect(r.volBeforePct).toBeCloseTo(100 * Math.sqrt((0.25e-4 + 0.25e-4) * 100), 12);
    expect(r.volAfterPct).toBeCloseTo(5, 12);
    expect(r.weights.map((w) => w.weightPct)).toEqual([50 * r.scale, 50 * r.scale]);
  });

  it('cuts correlated positions harder than uncorrelated ones of the same size', () => {
    const correlated = allocate([{ symbol: 'A', weightPct: 50 }, { symbol: 'B', weightPct: 50 }], new Matrix([[1e-4, 0.99e-4], [0.99e-4, 1e-4]]), 8_760, 20);
    const independent = allocate([{ symbol: 'A', weightPct: 50 }, { symbol: 'B', weightPct: 50 }], new Matrix([[1e-4, 0], [0, 1e-4]]), 8_760, 20);
    expect(correlated.scale).toBeLessThan(independent.scale);
    expect(correlated.topFactorShare).toBeGreaterThan(0.99);
    expect(correlated.topFactor['A']).toBeCloseTo(Math.SQRT1_2, 6);
    // a hedged pair carries almost no risk and is left alone
    const hedged = allocate([{ symbol: 'A', weightPct: 50 }, { symbol: 'B', weightPct: -50 }], new Matrix([[1e-4, 0.99e-4], [0.99e-4, 1e-4]]), 8_760, 20);
    expect(hedged.scale).toBe(1);
  });

  it('estimates the covariance of log returns over the lookback', () => {
    const a = Float64Array.from([100, 101, 100, 102, 101]);
    const cov = returnCovariance([a, a], 10);
    const r = [Math.log(101 / 100), Math.log(100 / 101), Math.log(102 / 100), Math.log(101 / 102)];
    const m = r.reduce((x, y) => x + y) / 4;
    expect(cov.get(0, 0)).toBeCloseTo(r.reduce((s, x) => s + (x - m) ** 2, 0) / 4, 15);
    expect(cov.get(0, 1)).toBe(cov.get(0, 0));
  });

  it('records its cuts like vetoes when the screener\'s intents carry too much risk together', async () => {
    const t = tempDir();
    const copy = configCopy([{ file: 'risk_limits.json', patch: { portfolio: { target_vol_pct: 5 } } }]);
    const r = await runCliAsync(['screener', '--at', '2024-01-01T00:00:00Z', '--state-dir', t.dir, '--config-dir', copy.dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ScreenResult;
    const cut = out.vetoes.find((v) => v.reasons.includes('covariance_cut'));
    expect(cut).toMatchObject({ stage: 'allocator' });
    expect(Number(cut?.details['vol_after_pct'])).toBeCloseTo(5, 6);
    for (const i of out.intents) expect(i.cuts).toContain('covariance_cut');
    copy.cleanup();
    t.cleanup();
  });
});

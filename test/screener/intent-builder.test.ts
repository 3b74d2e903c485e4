import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { mergePatch } from '../../src/config/merge-patch.js';
import type { ConfigSet } from '../../src/config/files.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { buildIntents, type ProtoIntent } from '../../src/screener/intent-builder.js';

const base = loadConfig({ configDir: defaultConfigDir }).config;
const instruments = loadBundledInstruments();
const config = (patch: object = {}) => mergePatch(JSON.parse(JSON.stringify(base)), patch) as ConfigSet;
const proto = (o: Partial<ProtoIntent> = {}): ProtoIntent => ({
  strategy: 'momentum-1h', symbol: 'ETHUSDT', side: 'buy', strength: 1, price: 2000, requestedNavPct: 3, leverage: 2, stopPrice: 1900, tradable: true, reason: 'test', ...o,
});
const run = (protos: ProtoIntent[], c = config(), nav = 10_000) => buildIntents(protos, c, nav, (s) => instruments.get(s));

describe('intent builder (cheap limits before the risk engine)', () => {
  it('sizes a plain intent at trade_nav_percentage on the lot grid', () => {
    const { intents, decisions } = run([proto()]);
    expect(decisions).toEqual([]);
    expect(intents[0]).toMatchObject({ rank: 1, qty: 0.15, notionalUsd: 300, navPct: 3 });
  });

  it.each([
    ['trade_gt_nav_pct', proto({ requestedNavPct: 9 }), {}, 5],
    ['symbol_exposure', proto({ strategy: 'vol-target-4h', symbol: 'ETHUSDT', requestedNavPct: 20 }), { risk_limits: { per_symbol: { ETHUSDT: { max_nav_pct: 12 } } } }, 12],
    ['order_notional', proto({ requestedNavPct: 5 }), { risk_limits: { global: { max_order_notional_usd: 250 } } }, 2.5],
  ] as const)('cuts for %s and records the cut', (code, p, patch, pct) => {
    const { intents, decisions } = run([p], config(patch));
    expect(decisions.map((d) => [d.outcome, d.reasons])).toEqual([['cut', [code]]]);
    expect(intents[0]?.navPct).toBeCloseTo(pct, 6);
  });

  it.each([
    ['symbol_disabled', [proto()], { risk_limits: { per_symbol: { ETHUSDT: { enabled: false } } } }],
    ['volatility_bucket', [proto({ tradable: false })], {}],
    ['leverage_exceeded', [proto({ leverage: 3 })], {}],
    ['min_notional', [proto({ symbol: 'BTCUSDT', price: 60_000, requestedNavPct: 0.5 })], {}],
    ['max_positions', ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT'].map((s, i) => proto({ symbol: s, strength: 5 - i, price: 10 })), {}],
    ['symbol_slots', [proto({ strength: 2 }), proto({ strength: 1 })], {}],
    ['strategy_exposure', [proto({ requestedNavPct: 5 }), proto({ symbol: 'SOLUSDT', requestedNavPct: 5, strength: 0.5, price: 100 })], { strategy_config: { strategies: { 'momentum-1h': { max_nav_pct: 8 } } } }],
    ['global_exposure', [proto({ requestedNavPct: 5 }), proto({ symbol: 'SOLUSDT', requestedNavPct: 5, strength: 0.5, price: 100 })], { risk_limits: { global: { max_gross_exposure_pct: 8, max_net_exposure_pct: 8 } } }],
    ['net_exposure', [proto({ requestedNavPct: 5 }), proto({ symbol: 'SOLUSDT', requestedNavPct: 5, strength: 0.5, price: 100 })], { risk_limits: { global: { max_net_exposure_pct: 8 } } }],
  ] as const)('vetoes for %s, never silently', (code, protos, patch) => {
    const { intents, decisions } = run([...protos], config(patch));
    const vetoes = decisions.filter((d) => d.outcome === 'veto');
    expect(vetoes.map((d) => d.reasons[0])).toContain(code);
    expect(intents.length + vetoes.length).toBe(protos.length);
    for (const v of vetoes) expect(v.approvedNotionalUsd).toBe(0);
  });

  it('ranks strongest first and never exceeds any cap it checks', () => {
    const protos = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT', 'LINKUSDT', 'DOTUSDT'].flatMap((symbol, i) => [
      proto({ symbol, strength: i, price: instruments.get(symbol)?.spec.filters.minPrice ? 100 : 100, requestedNavPct: 3 }),
      proto({ strategy: 'vol-target-4h', symbol, strength: i + 0.5, side: i % 2 === 0 ? 'buy' : 'sell', requestedNavPct: 15, price: 100 }),
    ]);
    const c = config();
    const { intents } = run(protos, c);
    expect(intents.map((i) => i.strength)).toEqual([...intents.map((i) => i.strength)].sort((a, b) => b - a));
    const gross = intents.reduce((a, i) => a + i.navPct, 0);
    expect(gross).toBeLessThanOrEqual(c.risk_limits.global.max_gross_exposure_pct + 1e-9);
    for (const i of intents) expect(i.navPct).toBeLessThanOrEqual(Math.min(c.risk_limits.global.max_trade_nav_pct, c.strategy_config.strategies[i.strategy]?.max_trade_nav_pct ?? 0) + 1e-9);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { ConfigSet } from '../../src/config/files.js';
import { loadConfig } from '../../src/config/load.js';
import { mergePatch } from '../../src/config/merge-patch.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { dayOf, RiskEngine, type HeldPosition, type OrderIntent, type PortfolioView } from '../../src/risk/risk-engine.js';

const base = loadConfig({ configDir: defaultConfigDir }).config;
const instruments = loadBundledInstruments();
const T0 = Date.UTC(2024, 0, 10, 12);
const config = (patch: object = {}) => mergePatch(JSON.parse(JSON.stringify(base)), patch) as ConfigSet;
const engine = (c = config(), clock = new ManualClock(T0)) => new RiskEngine(c.risk_limits, c.strategy_config, instruments, clock);
// ETHUSDT at 2,000: 0.5 ETH = 1,000 USD = 10% of a 10,000 NAV
const intent = (o: Partial<OrderIntent> = {}): OrderIntent => ({ strategy: 'vol-target-4h', symbol: 'ETHUSDT', venue: 'paper', side: 'buy', qty: 0.5, price: 2000, reduceOnly: false, leverage: 2, stopPrice: 1900, ...o });
const view = (o: Partial<PortfolioView> = {}): PortfolioView => ({ navUsd: 10_000, navTsMs: T0, positions: [], openOrders: 0, ...o });
const pos = (symbol: string, qty: number, markPrice: number, strategy = 'vol-target-4h'): HeldPosition => ({ symbol, qty, markPrice, strategy });

describe('RiskEngine gates: pass, veto, exact boundary', () => {
  it('approves a plain entry within every limit', () => {
    expect(engine().check(intent(), view())).toEqual({ type: 'approved' });
  });

  type Case = [string, string, Partial<OrderIntent>, Partial<PortfolioView>, object?];
  const cases: Case[] = [
    // gate, variant, intent, view, config patch
    ['nav_missing', 'veto', {}, { navUsd: null }],
    ['nav_stale', 'veto', {}, { navTsMs: T0 - 301_000 }],
    ['nav_stale', 'boundary passes', {}, { navTsMs: T0 - 300_000 }],
    ['trade_gt_nav_pct', 'veto', { qty: 1.01 }, {}],
    ['trade_gt_nav_pct', 'boundary passes', { qty: 1 }, {}],
    ['leverage_exceeded', 'veto', { leverage: 3 }, {}],
    ['leverage_exceeded', 'boundary passes', { leverage: 2 }, {}],
    ['order_notional', 'veto', { qty: 0.5 }, {}, { risk_limits: { global: { max_order_notional_usd: 999 } } }],
    ['order_notional', 'boundary passes', { qty: 0.5 }, {}, { risk_limits: { global: { max_order_notional_usd: 1000 } } }],
    ['symbol_exposure', 'veto', { qty: 0.5 }, { positions: [pos('ETHUSDT', 1.01, 2000, 'momentum-1h')] }],
    ['symbol_exposure', 'boundary passes', { qty: 0.5 }, { positions: [pos('ETHUSDT', 1, 2000, 'momentum-1h')] }],
    ['strategy_exposure', 'veto', { qty: 0.5 }, { positions: [pos('BTCUSDT', 0.0751, 40_000)] }],
    ['strategy_exposure', 'boundary passes', { qty: 0.5 }, { positions: [pos('BTCUSDT', 0.075, 40_000)] }],
    ['global_exposure', 'veto', { qty: 0.5 }, { positions: [pos('BTCUSDT', 0.1, 40_000, 'x'), pos('SOLUSDT', 101, 100, 'y')] }, { risk_limits: { global: { max_gross_exposure_pct: 150, max_net_exposure_pct: 150 } } }],
    ['global_exposure', 'boundary passes', { qty: 0.5 }, { positions: [pos('BTCUSDT', 0.1, 40_000, 'x'), pos('SOLUSDT', 100, 100, 'y')] }, { risk_limits: { global: { max_gross_exposure_pct: 150, max_net_exposure_pct: 150 } } }],
    ['net_exposure', 'veto', { qty: 0.5 }, { positions: [pos('BTCUSDT', 0.2251, 40_000, 'x')] }],
    ['net_exposure', 'boundary passes', { qty: 0.5 }, { positions: [pos('BTCUSDT', 0.225, 40_000, 'x')] }],
    ['max_positions', 'veto', {}, { positions: ['BTCUSDT', 'SOLUSDT'].map((s) => pos(s, 0.001, 100)) }],
    ['max_positions', 'boundary passes', {}, { positions: [pos('BTCUSDT', 0.001, 100)] }],
    ['max_open_orders', 'veto', {}, { openOrders: 30 }],
    ['max_open_orders', 'boundary passes', {}, { openOrders: 29 }],
    ['missing_stop', 'veto', { stopPrice: null }, {}],
    ['min_notional', 'veto', { qty: 0.009 }, {}],
    ['min_notional', 'boundary passes', { qty: 0.01 }, {}],
    ['symbol_disabled', 'veto', {}, {}, { risk_limits: { per_symbol: { ETHUSDT: { enabled: false } } } }],
  ];
  it.each(cases)('%s: %s', (gate, variant, o, v, patch) => {
    const d = engine(config(patch ?? {})).check(intent(o), view(v));
    if (variant === 'veto') {
      expect(d.type).toBe('denied');
      if (d.type === 'denied') expect(d.reasons).toContain(gate);
    } else expect(d).toEqual({ type: 'approved' });
  });

  it('lets a reduce-only order through every gate that limits new risk, and exempts it from min notional', () => {
    const e = engine();
    e.kill('test');
    const d = e.check(intent({ side: 'sell', qty: 0.001, reduceOnly: true, stopPrice: null }), view({ navUsd: null, openOrders: 99, positions: [pos('ETHUSDT', 5, 2000)] }));
    expect(d).toEqual({ type: 'approved' });
  });

  it('counts a plain order that shrinks a position as reducing, but not one that flips it', () => {
    const e = engine();
    e.kill('test');
    expect(e.check(intent({ side: 'sell', qty: 0.5, stopPrice: null }), view({ positions: [pos('ETHUSDT', 0.5, 2000)] })).type).toBe('approved');
    expect(e.check(intent({ side: 'sell', qty: 0.6 }), view({ positions: [pos('ETHUSDT', 0.5, 2000)] })).type).toBe('denied');
  });

  it('a strategy that opts out of stops in its config may enter without one', () => {
    const c = config({ strategy_config: { strategies: { 'vol-target-4h': { stop: { type: 'none', reason: 'compared with other tools' } } } } });
    expect(engine(c).check(intent({ stopPrice: null }), view())).toEqual({ type: 'approved' });
  });

  it('limits the order rate per venue, closes included', () => {
    const clock = new ManualClock(T0);
    const e = engine(config({ risk_limits: { order_rate: { orders_per_10s: 3, orders_per_minute: 5 } } }), clock);
    const results = Array.from({ length: 4 }, () => e.check(intent({ qty: 0.01 }), view()).type);
    expect(results).toEqual(['approved', 'approved', 'approved', 'denied']);
    clock.setMs(T0 + 10_001);
    expect(e.check(intent({ qty: 0.01 }), view()).type).toBe('approved');
    expect(e.check(intent({ qty: 0.01 }), view()).type).toBe('approved');
    expect(e.check(intent({ qty: 0.01, reduceOnly: true }), view()).type).toBe('denied'); // 5 in the minute
  });
});

describe('trading state, cooldowns and guards', () => {
  it('moves to REDUCING on the daily loss limit measured from the day-start NAV in the reset time zone', () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 10, 0, 30));
    const e = engine(config({ risk_limits: { global: { day_reset_timezone: 'America/New_York' } } }), clock);
    e.observeNav(10_000, clock.nowMs()); // 19:30 on the 9th in New York: that day starts at 10,000
    expect(e.state.day).toEqual({ date: '2024-01-09', start_nav_usd: 10_000 });
    e.observeNav(9_701, clock.nowMs());
    expect(e.tradingState).toBe('ACTIVE');
    e.observeNav(9_700, clock.nowMs()); // exactly 3 %
    expect(e.tradingState).toBe('REDUCING');
    const d = e.check(intent(), view({ navUsd: 9_700 }));
    expect(d.type === 'denied' && d.reasons).toEqual(expect.arrayContaining(['reduce_only_state', 'daily_loss']));
    e.observeNav(9_600, Date.UTC(2024, 0, 10, 5, 0)); // midnight in New York passed: a new day, still REDUCING
    expect(e.state.day).toEqual({ date: '2024-01-10', start_nav_usd: 9_600 });
    expect(e.tradingState).toBe('REDUCING');
    e.resume('operator checked the fills');
    expect(e.tradingState).toBe('ACTIVE');
  });

  it('moves to REDUCING on drawdown from the high-water mark', () => {
    const e = engine();
    e.observeNav(10_000, T0);
    e.observeNav(12_000, T0 + 86_400_000 * 2);
    e.observeNav(10_200, T0 + 86_400_000 * 4); // 15 % below 12,000, a new day
    expect(e.tradingState).toBe('REDUCING');
    expect(e.state.state_reason).toMatch(/drawdown 15.00% ≥ 15%/);
  });

  it('HALTED by the kill switch is stricter than REDUCING, and only an operator leaves it', () => {
    const e = engine();
    e.kill('operator');
    e.guardFailed('stale data');
    expect(e.tradingState).toBe('HALTED');
    expect(e.check(intent(), view()).type).toBe('denied');
  });

  it('starts a cooldown after a losing close and after a streak of vetoes', () => {
    const clock = new ManualClock(T0);
    const e = engine(config({ risk_limits: { global: { veto_streak: { count: 3, window_s: 60, cooldown_s: 600 } } } }), clock);
    e.observeClose('ETHUSDT', -5, T0);
    expect(e.check(intent(), view()).type).toBe('denied');
    clock.setMs(T0 + 3_600_001);
    const fresh = view({ navTsMs: clock.nowMs() });
    expect(e.check(intent(), fresh)).toEqual({ type: 'approved' });
    for (let i = 0; i < 3; i++) e.check(intent({ leverage: 9 }), fresh);
    const d = e.check(intent(), fresh);
    expect(d.type === 'denied' && d.reasons).toEqual(expect.arrayContaining(['cooldown', 'veto_streak']));
  });

  it('dates days in any IANA zone', () => {
    expect(dayOf(Date.UTC(2024, 0, 1, 2), 'UTC')).toBe('2024-01-01');
    expect(dayOf(Date.UTC(2024, 0, 1, 2), 'America/Los_Angeles')).toBe('2023-12-31');
    // the per-day cache agrees with Intl at every quarter hour over two years, DST changes included
    for (const tz of ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham']) {
      const intl = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
      for (let ms = Date.UTC(2023, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 900_000) if (dayOf(ms, tz) !== intl.format(ms)) expect.fail(`${tz} ${ms}: ${dayOf(ms, tz)} vs ${intl.format(ms)}`);
    }
  });
});

describe('RiskEngine property: nothing approved breaches a limit it was checked against', () => {
  it('over 10,000 random portfolios and intents', () => {
    const c = config();
    const g = c.risk_limits.global;
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'DOGEUSDT', 'XRPUSDT'];
    const prices: Record<string, number> = { BTCUSDT: 40_000, ETHUSDT: 2_000, SOLUSDT: 100, DOGEUSDT: 0.1, XRPUSDT: 0.6 };
    const strategies = Object.keys(c.strategy_config.strategies);
    const position = fc.record({ symbol: fc.constantFrom(...symbols), strategy: fc.constantFrom(...strategies), notional: fc.double({ min: -3000, max: 3000, noNaN: true }) });
    let approved = 0;
    fc.assert(
      fc.property(
        fc.array(position, { maxLength: 8 }),
        fc.constantFrom(...symbols),
        fc.constantFrom(...strategies),
        fc.constantFrom('buy', 'sell'),
        fc.double({ min: 1, max: 4000, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 1000, max: 20_000, noNaN: true }),
        fc.integer({ min: 0, max: 40 }),
        (held, symbol, strategy, side, notional, leverage, nav, openOrders) => {
          const positions = held.map((p) => pos(p.symbol, p.notional / (prices[p.symbol] ?? 1), prices[p.symbol] ?? 1, p.strategy));
          const price = prices[symbol] ?? 1;
          const o = intent({ symbol, strategy, side, qty: notional / price, price, leverage });
          const d = engine(c).check(o, view({ navUsd: nav, positions, openOrders }));
          if (d.type !== 'approved') return true;
          approved++;
          const symQty = positions.reduce((a, p) => (p.symbol === symbol ? a + p.qty : a), 0);
          const signed = side === 'buy' ? o.qty : -o.qty;
          const reducing = symQty !== 0 && Math.sign(signed) !== Math.sign(symQty) && Math.abs(signed) <= Math.abs(symQty) + 1e-9;
          if (reducing) return true;
          const gross = positions.reduce((a, p) => a + Math.abs(p.qty * p.markPrice), 0) + notional;
          const net = Math.abs(positions.reduce((a, p) => a + p.qty * p.markPrice, 0) + signed * price);
          const symbolAfter = Math.abs(positions.reduce((a, p) => (p.symbol === symbol ? a + p.qty * p.markPrice : a), 0) + signed * price);
          const stratAfter = positions.reduce((a, p) => (p.strategy === strategy ? a + Math.abs(p.qty * p.markPrice) : a), 0) + notional;
          const s = c.strategy_config.strategies[strategy];
          const tol = 1e-6;
          return (
            (100 * gross) / nav <= g.max_gross_exposure_pct + tol &&
            (100 * net) / nav <= g.max_net_exposure_pct + tol &&
            (100 * symbolAfter) / nav <= (c.risk_limits.per_symbol[symbol]?.max_nav_pct ?? g.max_symbol_nav_pct) + tol &&
            (100 * stratAfter) / nav <= Math.min(s?.max_nav_pct ?? Infinity, c.risk_limits.per_strategy[strategy]?.max_nav_pct ?? Infinity) + tol &&
            (100 * notional) / nav <= Math.min(g.max_trade_nav_pct, s?.max_trade_nav_pct ?? Infinity) + tol &&
            leverage <= Math.min(g.max_leverage, c.risk_limits.per_symbol[symbol]?.max_leverage ?? Infinity, c.risk_limits.per_strategy[strategy]?.max_leverage ?? Infinity) &&
            notional <= (c.risk_limits.per_symbol[symbol]?.max_order_notional_usd ?? g.max_order_notional_usd) + tol &&
            openOrders < g.max_open_orders &&
            notional >= (instruments.get(symbol)?.minNotional ?? 0)
          );
        },
      ),
      { numRuns: 10_000, seed: 99 },
    );
    expect(approved).toBeGreaterThan(100); // the property was exercised on approvals, not only on denials
  });
});

describe('veto records of the risk engine', () => {
  it('carry the reasons, the numbers, the strategy, symbol, cycle and config, and validate', async () => {
    const { vetoRecordOf } = await import('../../src/risk/veto-record.js');
    const { VetoRecord } = await import('../../src/telemetry/records/veto.js');
    const d = engine().check(intent({ leverage: 3, stopPrice: null }), view());
    if (d.type !== 'denied') throw new TypeError('expected a denial');
    const rec = vetoRecordOf(d, intent({ leverage: 3, stopPrice: null }), { tsMs: T0, cycleId: 'c-1', account: 'paper-main', configFingerprint: 'f'.repeat(64) });
    expect(VetoRecord.parse(rec)).toMatchObject({ stage: 'risk', reasons: ['leverage_exceeded', 'missing_stop'], cycle_id: 'c-1', strategy: 'vol-target-4h', symbol: 'ETHUSDT' });
    expect(rec.details).toMatchObject({ leverage: 3, limit: 2, stop_price: null });
  });
});

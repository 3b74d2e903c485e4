import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/kernel/backtest.js';
import { loadBundledCandles, loadBundledFunding } from '../../src/market/history.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

const btc = loadBundledCandles('BTCUSDT').series;

async function backtest(args: string[], dir: string): Promise<BacktestResult> {
  const r = await runCliAsync(['backtest', '--state-dir', dir, '--out', path.join(dir, 'run'), '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as BacktestResult;
}

/** SMA(n) of the closes ending at bar i, summed over its window (as the textbook defines it). */
function sma(close: Float64Array, i: number, n: number): number {
  let s = 0;
  for (let k = i - n + 1; k <= i; k++) s += close[k] as number;
  return s / n;
}

/**
 * The reference rules as a plain loop, independent of hedge's engine: at the bar where SMA(fast) crosses
 * above SMA(slow) go long with everything (qty = equity / (price · (1 + fee)), floored to BTCUSDT's 0.001
 * lot); where it crosses below, sell (and in long-short sell short the same way); each fill pays `fee`
 * of its notional. Fills at the signal bar's close, or at the next bar's open. Final equity: cash plus
 * the open position at the last close, no exit fee.
 */
function handLoop(fast: number, slow: number, fee: number, nav: number, mode: 'long-flat' | 'long-short', fill: 'close' | 'next_open') {
  const { close, open } = btc;
  const n = btc.length;
  let cash = nav;
  let qty = 0;
  let fills = 0;
  const lot = (q: number) => Math.floor(q * 1000 + 1e-9) / 1000;
  for (let i = slow; i < n; i++) {
    const f0 = sma(close, i - 1, fast);
    const s0 = sma(close, i - 1, slow);
    const f1 = sma(close, i, fast);
    const s1 = sma(close, i, slow);
    const up = f0 <= s0 && f1 > s1;
    const down = f0 >= s0 && f1 < s1;
    if (!up && !down) continue;
    if (fill === 'next_open' && i + 1 >= n) break;
    const px = fill === 'close' ? (close[i] as number) : (open[i + 1] as number);
    const want = up ? 1 : mode === 'long-short' ? -1 : 0;
    if (qty !== 0 && Math.sign(qty) !== want) {
      cash += qty * px - Math.abs(qty) * px * fee;
      qty = 0;
      fills++;
    }
    if (want !== 0 && qty === 0) {
      const q = lot(cash / (px * (1 + fee)));
      if (q * px < 100) continue; // BTCUSDT's MIN_NOTIONAL
      cash -= want * q * px + q * px * fee;
      qty = want * q;
      fills++;
    }
  }
  return { final: cash + qty * (close[n - 1] as number), fills };
}

describe('hedge backtest: the reference SMA crossover against a plain loop of the same rules', () => {
  const cases = [
    ['long-flat', 'close', 20, 50],
    ['long-short', 'close', 20, 50],
    ['long-flat', 'next_open', 10, 30],
    ['long-short', 'next_open', 50, 200],
  ] as const;
  it.each(cases)('%s, fills at %s, fast %i slow %i: the same final equity (relative error ≤ 1e-9) and the same fills', async (mode, fill, fast, slow) => {
    const t = tempDir();
    const r = await backtest(
      ['--strategy', 'sma-cross', '--param', `fast=${fast}`, '--param', `slow=${slow}`, '--param', `mode=${mode}`, '--symbols', 'BTCUSDT', '--timeframe', '1h', '--fee', '0.0004', '--nav', '10000', ...(fill === 'close' ? ['--trade-on-close'] : [])],
      t.dir,
    );
    const want = handLoop(fast, slow, 0.0004, 10_000, mode, fill);
    expect(Math.abs(r.finalEquity - want.final) / want.final).toBeLessThanOrEqual(1e-9);
    expect(r.orders.filled).toBe(want.fills);
    expect(r.orders.vetoed + r.orders.rejected).toBe(0);
    expect(r.assumptions.execution).toBe(fill);
    expect(r.metrics.blended.final_equity_usd).toBe(r.finalEquity);
    expect(r.trades.filter((x) => !x.open).length).toBe(r.metrics.blended.trades);
    t.cleanup();
  });

  it('--monte-carlo reports the spread of outcomes around the run\'s own', async () => {
    const t = tempDir();
    const r = await backtest(['--strategy', 'sma-cross', '--param', 'fast=25', '--param', 'slow=150', '--symbols', 'BTCUSDT', '--fee', '0.0004', '--trade-on-close', '--monte-carlo', '500', '--seed', '7'], t.dir);
    const mc = r.monte_carlo;
    expect(mc).toMatchObject({ simulations: 500, seed: 7 });
    expect(mc?.trades?.count).toBe(r.metrics.blended.trades);
    expect(mc?.blocks?.bars).toBe(r.cycles);
    const actual = r.metrics.blended.total_return_pct;
    for (const d of [mc?.trades?.final_return_pct, mc?.blocks?.final_return_pct]) {
      expect(d?.p5 ?? Infinity).toBeLessThan(actual);
      expect(d?.p95 ?? -Infinity).toBeGreaterThan(actual);
    }
    t.cleanup();
  });

  it('states what the issue\'s command line needs in its JSON: finalEquity, trades, metrics, assumptions, config fingerprint', async () => {
    const t = tempDir();
    const r = await backtest(['--strategy', 'sma-cross', '--param', 'fast=20', '--param', 'slow=50', '--symbols', 'BTCUSDT', '--timeframe', '1h', '--fee', '0.0004', '--nav', '10000', '--trade-on-close'], t.dir);
    expect(r.finalEquity).toBeGreaterThan(0);
    expect(r.trades.length).toBeGreaterThan(100);
    expect(r.configFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(r.assumptions).toMatchObject({ execution: 'close', fees: { maker_bps: 4, taker_bps: 4 }, slippage: { spread_bps: 0, impact_bps_per_10k_usd: 0 }, risk_limits: 'lifted' });
    expect(r.metrics.blended).toHaveProperty('sharpe');
    expect(r.monte_carlo).toBeNull();
    expect(r.metrics.per_strategy['sma-cross']?.final_equity_usd).toBeCloseTo(r.finalEquity, 6);
    // the report and the equity of every bar are on disk
    const report = JSON.parse(readFileSync(path.join(t.dir, 'run', 'report.json'), 'utf8')) as BacktestResult;
    expect(report.finalEquity).toBe(r.finalEquity);
    const equity = readFileSync(path.join(t.dir, 'run', 'equity.csv'), 'utf8').trim().split('\n');
    expect(equity[0]).toBe('ts_ms,nav_usd');
    expect(equity).toHaveLength(r.cycles + 1);
    expect(Number(equity.at(-1)?.split(',')[1])).toBe(r.finalEquity);
    t.cleanup();
  });

  it('runs on a user\'s own CSV exactly as on the cache, and skipping quiet bars changes nothing', async () => {
    const t = tempDir();
    const csv = path.join(t.dir, 'my-bars.csv');
    const rows = ['open_time_ms,open,high,low,close,volume'];
    for (let i = 0; i < btc.length; i++) rows.push([btc.openTimeMs[i], btc.open[i], btc.high[i], btc.low[i], btc.close[i], btc.volume[i]].join(','));
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const args = ['--strategy', 'sma-cross', '--param', 'mode=long-short', '--symbols', 'BTCUSDT', '--fee', '0.0005'];
    const [cache, file, everyBar] = await Promise.all([
      backtest(args, path.join(t.dir, 'a')),
      backtest([...args, '--data', csv], path.join(t.dir, 'b')),
      backtest([...args, '--every-bar'], path.join(t.dir, 'c')),
    ]);
    expect(file.finalEquity).toBe(cache.finalEquity);
    expect(cache.timing.fast_path).toBe(true);
    expect(cache.timing.quiet_bars).toBeGreaterThan(cache.cycles * 0.9);
    expect(everyBar.timing.fast_path).toBe(false);
    const read = (d: string, f: string) => readFileSync(path.join(t.dir, d, 'run', f), 'utf8');
    for (const f of ['orders.jsonl', 'equity.csv', 'trades.jsonl']) {
      expect(read('c', f)).toBe(read('a', f));
      expect(read('b', f)).toBe(read('a', f));
    }
    t.cleanup();
  });
});

describe('hedge backtest pays funding where the recorded rates meet the bars, and says how many did', () => {
  it('BTCUSDT bars downloaded past the bundled ones (a seeded walk in the candle cache) over the bundled funding history', async () => {
    const t = tempDir();
    // the bundled bars end on 2024-06-16; the bundled funding starts on 2024-07-19: bars to 2024-08-31 meet it
    let seed = 5;
    const rnd = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const rows = ['open_time_ms,open,high,low,close,volume'];
    let px = btc.close[btc.length - 1] as number;
    for (let ts = (btc.openTimeMs[btc.length - 1] as number) + 3_600_000; ts < Date.UTC(2024, 8, 1); ts += 3_600_000) {
      const close = px * Math.exp(0.01 * (rnd() + rnd() + rnd() - 1.5));
      rows.push(`${ts},${px},${Math.max(px, close) * 1.002},${Math.min(px, close) * 0.998},${close},100`);
      px = close;
    }
    mkdirSync(path.join(t.dir, 'cache', 'candles'), { recursive: true });
    writeFileSync(path.join(t.dir, 'cache', 'candles', 'BINANCE_BTCUSDT_1h.csv'), `${rows.join('\n')}\n`);
    const r = await backtest(['--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--param', 'mode="long-short"', '--symbols', 'BTCUSDT', '--from', '2024-07-01', '--fee', '0.0004'], t.dir);
    const first = Date.parse(r.from);
    const last = Date.parse(r.to);
    const due = loadBundledFunding().filter((f) => f.fundingTimeMs > first - 3_600_000 && f.fundingTimeMs <= last).length;
    expect(due).toBeGreaterThan(100);
    expect(r.assumptions.funding).toBe(`BTCUSDT pays the recorded Binance funding rates at their funding times (mark × qty × rate): ${due} of its ${loadBundledFunding().length} events (2024-07-19 → 2026-07-31) fall within this run`);
    // long-short is always in the market after its first cross: it paid or received at most of them
    expect(r.metrics.blended.funding_paid_usd).not.toBe(0);
    // the bundled 2020–2024 bars alone meet none, and the report says so rather than that funding was paid
    const old = await backtest(['--strategy', 'sma-cross', '--symbols', 'BTCUSDT,ETHUSDT', '--to', '2024-01-01', '--fee', '0.0004'], t.dir);
    expect(old.assumptions.funding).toBe(`BTCUSDT: none of its ${loadBundledFunding().length} recorded funding events (2024-07-19 → 2026-07-31) falls within this run, no funding paid; ETHUSDT: no funding history bundled, no funding paid`);
    expect(old.metrics.blended.funding_paid_usd).toBe(0);
    t.cleanup();
  });
});

describe('hedge backtest skips quiet bars of several symbols exactly', () => {
  it.each([[[] as string[]], [['--trade-on-close']]])('sma-cross 4h on three symbols, long-short, %j: byte-identical to running every bar', async (extra) => {
    const t = tempDir();
    const args = ['--strategy', 'sma-cross', '--symbols', 'ETHUSDT,SOLUSDT,DOGEUSDT', '--timeframe', '4h', '--param', 'mode=long-short', '--param', 'fast=5', '--param', 'slow=20', '--from', '2022-01-01', ...extra];
    const [fast, full] = await Promise.all([backtest(args, path.join(t.dir, 'a')), backtest([...args, '--every-bar'], path.join(t.dir, 'b'))]);
    expect(fast.timing.fast_path).toBe(true);
    expect(fast.timing.quiet_bars).toBeGreaterThan(fast.cycles * 0.9);
    expect(full.timing.quiet_bars).toBe(0);
    expect(fast.orders.filled).toBeGreaterThan(100);
    const read = (d: string, f: string) => readFileSync(path.join(t.dir, d, 'run', f), 'utf8');
    for (const f of ['orders.jsonl', 'risk_vetoes.jsonl', 'equity.csv', 'trades.jsonl']) expect(read('a', f), f).toBe(read('b', f));
    t.cleanup();
  });
});

describe('hedge backtest skips flat stretches of one symbol exactly', () => {
  it('a configured long-flat sma-cross with tight risk limits and an operator: byte-identical files and the same risk events as every bar', async () => {
    // long-flat: half the time the account holds nothing (the stretch the fast path runs without a mark or NAV per bar);
    // a protective stop rests while in a position; a 0.5 % daily loss limit and --resume-next-day move the trading state
    const cfg = configCopy([
      { file: 'strategy_registry.json', patch: { strategies: { 'sma-cross-1h': { plugin: 'sma-cross', enabled: true, stage: 'paper', version: '1.0.0', description: 'SMA crossover', owner: 'research', tags: [] } } } },
      {
        file: 'strategy_config.json',
        patch: { strategies: { 'sma-cross-1h': { timeframe: '1h', symbols: ['BTCUSDT'], leverage: 1, max_nav_pct: 20, trade_nav_percentage: 10, max_trade_nav_pct: 10, stop: { type: 'pct', pct: 3 }, params: { fast: 10, slow: 30, mode: 'long-flat' } } } },
      },
      { file: 'risk_limits.json', patch: { global: { daily_loss_limit_pct: 0.5 }, per_strategy: { 'sma-cross-1h': { max_leverage: 1 } } } },
    ]);
    const t = tempDir();
    const args = ['--strategy', 'sma-cross-1h', '--symbols', 'BTCUSDT', '--from', '2022-01-01', '--to', '2023-01-01', '--resume-next-day', '--config-dir', cfg.dir];
    const [fast, full] = await Promise.all([backtest(args, path.join(t.dir, 'a')), backtest([...args, '--every-bar'], path.join(t.dir, 'b'))]);
    expect(fast.timing.fast_path).toBe(true);
    // bars in a position are full cycles here (the resting stop could fill): the quiet ones are the flat stretches
    expect(fast.timing.quiet_bars).toBeGreaterThan(fast.cycles * 0.4);
    expect(fast.orders.filled).toBeGreaterThan(100);
    expect(fast.risk.events.length).toBeGreaterThan(2);
    expect(fast.risk).toEqual(full.risk);
    const read = (d: string, f: string) => readFileSync(path.join(t.dir, d, 'run', f), 'utf8');
    for (const f of ['orders.jsonl', 'risk_vetoes.jsonl', 'equity.csv', 'trades.jsonl']) expect(read('a', f), f).toBe(read('b', f));
    t.cleanup();
    cfg.cleanup();
  });
});

describe('hedge backtest progress for machines', () => {
  it('--progress json writes increasing progress events on stderr, ending at the total', async () => {
    const t = tempDir();
    const r = await runCliAsync(['backtest', '--strategy', 'sma-cross', '--symbols', 'BTCUSDT', '--from', '2024-01-01', '--progress', 'json', '--state-dir', t.dir, '--out', path.join(t.dir, 'run'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { event: string; done: number; total: number });
    expect(events.length).toBeGreaterThanOrEqual(100);
    for (let i = 1; i < events.length; i++) expect(events[i]?.done).toBeGreaterThan(events[i - 1]?.done ?? 0);
    expect(events.at(-1)).toMatchObject({ event: 'backtest.progress', done: (JSON.parse(r.stdout) as BacktestResult).cycles });
    t.cleanup();
  });
});

describe('hedge backtest of the registry', () => {
  it('adds the strategies\' PnL up to the fund\'s, and counts fees', async () => {
    const t = tempDir();
    const r = await backtest(['--from', '2023-01-01', '--to', '2023-04-01', '--trade-on-close'], t.dir);
    expect(Object.keys(r.metrics.per_strategy).sort()).toEqual(['momentum-1h', 'relative-value-1d', 'vol-target-4h']);
    const sum = Object.values(r.metrics.per_strategy).reduce((a, m) => a + m.pnl_usd, 0);
    expect(sum).toBeCloseTo(r.metrics.blended.pnl_usd, 6);
    const fees = Object.values(r.metrics.per_strategy).reduce((a, m) => a + m.fees_usd, 0);
    expect(fees).toBeCloseTo(r.metrics.blended.fees_usd, 9);
    expect(r.metrics.blended.fees_usd).toBeGreaterThan(0);
    expect(r.assumptions.risk_limits).toBe('configured');
    t.cleanup();
  });
});

describe('hedge backtest and the risk engine\'s trading state', () => {
  it('reports when the daily loss limit stopped entries, and --resume-next-day assumes an operator resumes the next day', async () => {
    const t = tempDir();
    const args = ['--strategy', 'vol-target-4h', '--from', '2020-11-01', '--to', '2021-07-01'];
    const [faithful, resumed] = await Promise.all([backtest(args, path.join(t.dir, 'a')), backtest([...args, '--resume-next-day'], path.join(t.dir, 'b'))]);
    // the executor's rule: reduce-only until an operator says otherwise — to the end of the run
    expect(faithful.risk.final_state).toBe('REDUCING');
    expect(faithful.risk.events).toHaveLength(1);
    expect(faithful.risk.events[0]?.reason).toMatch(/^daily loss .* ≥ 3%$/);
    expect(faithful.assumptions.operator).toMatch(/^no operator/);
    // resumed at the next day's reset, every time
    const resumes = resumed.risk.events.filter((e) => e.state === 'ACTIVE');
    expect(resumes.length).toBeGreaterThan(1);
    for (const e of resumes) expect(e.reason).toMatch(/resumed: backtest --resume-next-day/);
    const stops = resumed.risk.events.filter((e) => e.state === 'REDUCING');
    for (let i = 0; i < resumes.length; i++) expect(new Date(resumes[i]?.ts ?? 0).toISOString().slice(0, 10) > new Date(stops[i]?.ts ?? 0).toISOString().slice(0, 10)).toBe(true);
    expect(resumed.orders.filled).toBeGreaterThan(faithful.orders.filled);
    t.cleanup();
  });
});

describe('hedge backtest refuses bad input before running', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());
  it.each([
    [['--strategy', 'nope'], /not a strategy id of strategy_registry.json .* nor a plugin/],
    [['--strategy', 'sma-cross', '--param', 'fast=60', '--param', 'slow=50'], /fast must be shorter than slow/],
    [['--strategy', 'sma-cross', '--param', 'speed=3'], /--param speed: no chosen strategy has such a parameter/],
    [['--strategy', 'sma-cross', '--param', 'fast'], /expected key=value/],
    [['--strategy', 'momentum-1h', '--timeframe', '4h'], /momentum trades 1h/],
    [['--fee', '2'], /--fee 2: expected a fraction of notional/],
    [['--from', '2024-02-01', '--to', '2024-01-01'], /is not after --from/],
    [['--from', 'yesterday'], /--from yesterday: expected an ISO date/],
    [['--strategy', 'sma-cross', '--symbols', 'BTCUSDT', '--data', '/nonexistent.csv'], /cannot read it/],
    [['--strategy', 'sma-cross', '--from', '2030-01-01'], /no bars of .* close between/],
  ])('%j', async (args, message) => {
    const r = await runCliAsync(['backtest', '--state-dir', t.dir, '--out', path.join(t.dir, 'x'), ...args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});

describe('parity: hedge backtest --trade-on-close and hedge executor --replay send the same orders', () => {
  it('for every built-in strategy over a month of bundled history', async () => {
    // a registry with every plugin enabled, the reference one configured like the others
    const cfg = configCopy([
      {
        file: 'strategy_registry.json',
        patch: {
          strategies: {
            'smart-money-1h': { enabled: true },
            'ml-score-1h': { plugin: 'ml-score', enabled: true, stage: 'paper', version: '1.0.0', description: 'ML score', owner: 'research', tags: [] },
            'sma-cross-4h': { plugin: 'sma-cross', enabled: true, stage: 'paper', version: '1.0.0', description: 'SMA crossover', owner: 'research', tags: [] },
          },
        },
      },
      {
        file: 'strategy_config.json',
        patch: {
          strategies: {
            'smart-money-1h': { params: { fvg_min_pct: 0 } },
            'ml-score-1h': { timeframe: '1h', symbols: ['LINKUSDT', 'LTCUSDT', 'DOTUSDT'], leverage: 1, max_nav_pct: 10, trade_nav_percentage: 2, max_trade_nav_pct: 3, stop: { type: 'pct', pct: 5 }, params: { model: 'momentum-logistic', long_threshold: 0.55, short_threshold: 0.45 } },
            'sma-cross-4h': { timeframe: '4h', symbols: ['ADAUSDT', 'DOGEUSDT', 'XRPUSDT'], leverage: 1, max_nav_pct: 15, trade_nav_percentage: 4, max_trade_nav_pct: 5, stop: { type: 'pct', pct: 8 }, params: { fast: 5, slow: 20, mode: 'long-short' } },
          },
        },
      },
      { file: 'risk_limits.json', patch: { per_strategy: { 'ml-score-1h': { max_leverage: 1 }, 'sma-cross-4h': { max_leverage: 1 } } } },
    ]);
    const t = tempDir();
    const range = ['--from', '2024-01-01', '--to', '2024-02-01'];
    const [replay, bt] = await Promise.all([
      runCliAsync(['executor', '--replay', ...range, '--config-dir', cfg.dir, '--state-dir', path.join(t.dir, 'replay'), '--json'], { ENV: 'dev' }),
      runCliAsync(['backtest', '--trade-on-close', ...range, '--config-dir', cfg.dir, '--state-dir', path.join(t.dir, 'bt'), '--out', path.join(t.dir, 'bt', 'run'), '--json']),
    ]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(bt.code, bt.stderr).toBe(0);
    const r = JSON.parse(bt.stdout) as BacktestResult;
    expect(r.strategies).toHaveLength(6);
    expect(r.timing.fast_path).toBe(false); // most of these strategies have no directions(): every bar runs in full
    const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n').filter((l) => l !== '');
    const ordersReplay = lines(path.join(t.dir, 'replay', 'logs', 'orders.jsonl'));
    const ordersBt = lines(path.join(t.dir, 'bt', 'run', 'orders.jsonl'));
    const vetoesReplay = lines(path.join(t.dir, 'replay', 'logs', 'risk_vetoes.jsonl'));
    const vetoesBt = lines(path.join(t.dir, 'bt', 'run', 'risk_vetoes.jsonl'));
    // no wall-clock field is in these records (ts is the venue clock, latency the manual clock's): byte-identical
    expect(ordersBt).toEqual(ordersReplay);
    expect(vetoesBt).toEqual(vetoesReplay);
    const strategiesSeen = new Set([...ordersReplay, ...vetoesReplay].map((l) => (JSON.parse(l) as { strategy: string }).strategy));
    for (const s of ['momentum-1h', 'vol-target-4h', 'relative-value-1d', 'smart-money-1h', 'ml-score-1h', 'sma-cross-4h']) expect(strategiesSeen, s).toContain(s);
    const navReplay = JSON.parse(replay.stdout) as { navEndUsd: number };
    expect(r.finalEquity).toBeCloseTo(navReplay.navEndUsd, 9);
    cfg.cleanup();
    t.cleanup();
  });
});

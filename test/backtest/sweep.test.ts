import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import type { CandleSeries } from '../../src/domain/candle.js';
import { runBacktest, type BacktestOptions, type BacktestResult } from '../../src/kernel/backtest.js';
import type { SweepSummary } from '../../src/kernel/sweep.js';
import { helperFlagsToTurnOff, type PointRecord } from '../../src/kernel/sweep-pool.js';
import type { WalkForwardSummary } from '../../src/kernel/walk-forward.js';
import { runCliAsync, startCli } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';

const grid = (dir: string, extra: object = {}) => {
  const file = path.join(dir, 'grid.json');
  writeFileSync(
    file,
    JSON.stringify({ name: 'sma-test', strategy: 'sma-cross', symbols: ['BTCUSDT'], timeframe: '1h', from: '2023-01-01', fee: 0.0004, nav: 10000, trade_on_close: true, params: { fast: [5, 10, 20, 30], slow: [20, 50, 100] }, ...extra }),
  );
  return file;
};
const BOTH_HELPERS = ['concurrent-recompilation', 'parallel-scavenge'];
/** The helper flags a pool of `workers` turns off on this machine (the process given none). */
const helpersOffFor = (workers: number) => (workers >= os.availableParallelism() ? BOTH_HELPERS : []);
const results = (dir: string) =>
  readFileSync(path.join(dir, 'research', 'sweeps', 'sma-test', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PointRecord);

describe('hedge backtest --sweep', () => {
  it('runs every point on worker threads, records refused points, ranks them, and a point equals its single backtest', async () => {
    const t = tempDir();
    const r = await runCliAsync(['backtest', '--sweep', grid(t.dir), '--workers', '2', '--state-dir', t.dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as SweepSummary;
    expect(s).toMatchObject({ points: 12, done: 12, ran: 12, workers: 2, stopped: false });
    expect(s.v8_helpers_off).toEqual(helpersOffFor(2));
    // fast ≥ slow is refused by the strategy: recorded as finished, with the reason, and not ranked
    const recs = results(t.dir);
    expect(recs).toHaveLength(12);
    const refused = recs.filter((x) => x.error !== null);
    expect(refused.map((x) => x.point)).toEqual(expect.arrayContaining([{ fast: 20, slow: 20 }, { fast: 30, slow: 20 }]));
    for (const x of refused) expect(x.error).toMatch(/fast must be shorter than slow/);
    expect(s.ranking).toHaveLength(12 - refused.length);
    // cpu_ms is the whole process's CPU over the sweep: it holds the workers' runs (a figure of the main
    // thread alone, which runs none, would be a fraction of their time) and cannot exceed every core all along
    const runMs = recs.reduce((a, x) => a + (x.result?.run_ms ?? 0), 0);
    expect(s.cpu_ms).toBeGreaterThanOrEqual(0.5 * runMs);
    expect(s.cpu_ms).toBeLessThanOrEqual(s.wall_ms * os.availableParallelism() + 50);
    for (let i = 1; i < s.ranking.length; i++) expect(s.ranking[i - 1]?.value ?? 0).toBeGreaterThanOrEqual(s.ranking[i]?.value ?? 0);
    // the best point, run on its own, gives the same numbers
    const best = s.best?.point as { fast: number; slow: number };
    const one = await runCliAsync(['backtest', '--strategy', 'sma-cross', '--param', `fast=${best.fast}`, '--param', `slow=${best.slow}`, '--symbols', 'BTCUSDT', '--timeframe', '1h', '--from', '2023-01-01', '--fee', '0.0004', '--nav', '10000', '--trade-on-close', '--state-dir', t.dir, '--out', path.join(t.dir, 'one'), '--json']);
    expect(one.code, one.stderr).toBe(0);
    const single = JSON.parse(one.stdout) as BacktestResult;
    expect(s.best?.final_equity).toBe(single.finalEquity);
    expect(s.best?.metrics).toEqual(single.metrics.blended);
    t.cleanup();
  });

  it('resumes after a kill without running a point twice, and ends as an uninterrupted sweep', async () => {
    const t = tempDir();
    const file = grid(t.dir, { params: { fast: [5, 10, 15, 20, 25, 30], slow: [40, 60, 80, 100] } });
    const ref = tempDir();
    const full = await runCliAsync(['backtest', '--sweep', file, '--workers', '1', '--state-dir', ref.dir, '--json']);
    expect(full.code, full.stderr).toBe(0);
    expect((JSON.parse(full.stdout) as SweepSummary).v8_helpers_off).toEqual(helpersOffFor(1));
    // killed once a few points are in
    const run = startCli(['backtest', '--sweep', file, '--workers', '2', '--state-dir', t.dir, '--progress', 'json']);
    await new Promise<void>((resolve) => {
      run.child.stderr?.on('data', (d: Buffer) => {
        if (/"done":[3-9]/.test(d.toString())) resolve();
      });
    });
    run.child.kill('SIGKILL');
    await run.done;
    const partial = results(t.dir).length;
    expect(partial).toBeGreaterThanOrEqual(3);
    expect(partial).toBeLessThan(24);
    const again = await runCliAsync(['backtest', '--sweep', file, '--state-dir', t.dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const s = JSON.parse(again.stdout) as SweepSummary;
    expect(s.ran).toBe(24 - partial);
    // every core (V8's helper threads off where that is two or more workers): the same results as one worker
    expect(s.v8_helpers_off).toEqual(helpersOffFor(s.workers));
    const recs = results(t.dir);
    expect(new Set(recs.map((x) => JSON.stringify(x.point))).size).toBe(24);
    expect(recs).toHaveLength(24);
    const key = (xs: PointRecord[]) => xs.map((x) => `${JSON.stringify(x.point)} ${x.result?.final_equity ?? x.error}`).sort();
    expect(key(recs)).toEqual(key(results(ref.dir)));
    t.cleanup();
    ref.cleanup();
  });

  it('refuses a bad grid before running anything, naming the file, the path, what was expected and found', async () => {
    const t = tempDir();
    const bad = await runCliAsync(['backtest', '--sweep', grid(t.dir, { params: { fast: 'ten' } }), '--state-dir', t.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('grid.json');
    expect(bad.stderr).toMatch(/params\.fast/);
    const unknown = await runCliAsync(['backtest', '--sweep', grid(t.dir, { params: { speed: [1, 2] } }), '--state-dir', t.dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/params speed: sma-cross has no such parameter/);
    const clash = await runCliAsync(['backtest', '--sweep', grid(t.dir), '--fee', '0.001', '--state-dir', t.dir]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/drop --fee/);
    // another sweep's folder is not mixed with
    const first = await runCliAsync(['backtest', '--sweep', grid(t.dir, { params: { fast: [5], slow: [20] } }), '--state-dir', t.dir]);
    expect(first.code, first.stderr).toBe(0);
    const other = await runCliAsync(['backtest', '--sweep', grid(t.dir, { fee: 0.001, params: { fast: [5], slow: [20] } }), '--state-dir', t.dir]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds another sweep/);
    t.cleanup();
  });
});

describe("V8's helper threads beside sweep workers", () => {
  it('are turned off only when the workers take every core, and never where the process was given the flag', () => {
    expect(helperFlagsToTurnOff(1, 2, [])).toEqual([]);
    expect(helperFlagsToTurnOff(3, 4, ['--max-old-space-size=512'])).toEqual([]);
    expect(helperFlagsToTurnOff(2, 2, [])).toEqual(BOTH_HELPERS);
    expect(helperFlagsToTurnOff(4, 2, ['--max-old-space-size=512', ''])).toEqual(BOTH_HELPERS);
    expect(helperFlagsToTurnOff(1, 1, [])).toEqual(BOTH_HELPERS);
    // the operator's own setting, in V8's either spelling, with or without a value, is left as given
    expect(helperFlagsToTurnOff(2, 2, ['--no-parallel-scavenge'])).toEqual(['concurrent-recompilation']);
    expect(helperFlagsToTurnOff(2, 2, ['--concurrent_recompilation'])).toEqual(['parallel-scavenge']);
    expect(helperFlagsToTurnOff(2, 2, ['--parallel-scavenge=false', '--no-concurrent-recompilation'])).toEqual([]);
    // another flag that only starts with the name is not the flag
    expect(helperFlagsToTurnOff(2, 2, ['--concurrent-recompilation-queue-length=4'])).toEqual(BOTH_HELPERS);
  });
});

describe('walk-forward (a grid with walk_forward)', () => {
  it('rolls in-sample optimisation and out-of-sample trading, chains the equity, and each window equals its single backtests', async () => {
    const t = tempDir();
    const file = grid(t.dir, { name: 'sma-test', from: '2022-01-01', to: '2023-01-01', params: { fast: [10, 20], slow: [50, 100] }, walk_forward: { in_sample_days: 90, out_of_sample_days: 30 } });
    const r = await runCliAsync(['backtest', '--sweep', file, '--state-dir', t.dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as WalkForwardSummary;
    expect(s.windows).toHaveLength(10);
    expect(s.v8_helpers_off).toEqual(helpersOffFor(Math.min(os.availableParallelism(), 4)));
    expect(s.cpu_ms).toBeGreaterThan(0);
    expect(s.cpu_ms).toBeLessThanOrEqual(s.wall_ms * os.availableParallelism() + 50);
    for (let k = 0; k < s.windows.length; k++) {
      const w = s.windows[k] as (typeof s.windows)[number];
      expect(Date.parse(w.out_of_sample.from)).toBe(Date.parse(w.in_sample.to) + 1);
      if (k > 0) {
        const prev = s.windows[k - 1] as (typeof s.windows)[number];
        expect(Date.parse(w.in_sample.from) - Date.parse(prev.in_sample.from)).toBe(30 * 86_400_000);
        expect(w.start_equity).toBe(prev.final_equity);
      }
    }
    expect(s.stitched.final_equity).toBe(s.windows.at(-1)?.final_equity);
    // window 0: the chosen point is the in-sample best of the four, and its out-of-sample run is the single backtest's
    const w0 = s.windows[0] as (typeof s.windows)[number];
    const common = ['--strategy', 'sma-cross', '--symbols', 'BTCUSDT', '--timeframe', '1h', '--fee', '0.0004', '--trade-on-close', '--state-dir', t.dir, '--json'];
    const one = async (p: { fast: number; slow: number }, from: string, to: string, nav: number, out: string) => {
      const x = await runCliAsync(['backtest', ...common, '--param', `fast=${p.fast}`, '--param', `slow=${p.slow}`, '--from', from, '--to', to, '--nav', String(nav), '--out', path.join(t.dir, out)]);
      expect(x.code, x.stderr).toBe(0);
      return JSON.parse(x.stdout) as BacktestResult;
    };
    const points = [{ fast: 10, slow: 50 }, { fast: 10, slow: 100 }, { fast: 20, slow: 50 }, { fast: 20, slow: 100 }];
    const inSample = await Promise.all(points.map((p, i) => one(p, w0.in_sample.from, w0.in_sample.to, 10_000, `is${i}`)));
    const sharpe = inSample.map((x) => x.metrics.blended.sharpe ?? -Infinity);
    expect(w0.best).toEqual(points[sharpe.indexOf(Math.max(...sharpe))]);
    expect(w0.in_sample_value).toBe(Math.max(...sharpe));
    const oos = await one(w0.best as { fast: number; slow: number }, w0.out_of_sample.from, w0.out_of_sample.to, w0.start_equity, 'oos');
    expect(oos.finalEquity).toBe(w0.final_equity);
    t.cleanup();
  });
});

describe('a sweep worker\'s warm-up run (maxBars)', () => {
  it('runs the first N bars of the range: the full run\'s first N equities, and the run after it is unchanged', async () => {
    const t = tempDir();
    const loaded = loadConfig({ configDir: defaultConfigDir });
    const seriesMemo = new Map<string, CandleSeries>();
    const o: BacktestOptions = {
      loaded, stateDir: t.dir, outDir: null, seriesMemo, strategies: ['sma-cross'], params: ['fast=5', 'slow=20'], symbols: ['BTCUSDT'], timeframe: '4h', fromMs: Date.parse('2023-01-01'),
      fee: 0.0004, navUsd: 10_000, execution: 'close', keepCurve: true,
    };
    const before = await runBacktest(o);
    const warm = await runBacktest({ ...o, maxBars: 300 });
    expect(warm.bars).toBe(300);
    expect(warm.orders.filled).toBeGreaterThan(0);
    expect([...(warm.curve?.nav ?? [])]).toEqual([...(before.curve?.nav ?? [])].slice(0, 300));
    expect([...(warm.curve?.ts ?? [])]).toEqual([...(before.curve?.ts ?? [])].slice(0, 300));
    // a range shorter than maxBars is the range (bars of the data's timeframe, 1h: both ends' closes count)
    const short = await runBacktest({ ...o, toMs: Date.parse('2023-01-11'), maxBars: 300 });
    expect(short.bars).toBe(10 * 24 + 1);
    const after = await runBacktest(o);
    expect(after.finalEquity).toBe(before.finalEquity);
    expect(after.metrics).toEqual(before.metrics);
    t.cleanup();
  });
});

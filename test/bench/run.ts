/**
 * `npm run bench`: prints the speed figures the issues name, measured on this machine.
 * Never a timed unit test: these numbers are read by people, and compared with the targets printed beside them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../../src/core/paths.js';
import { bundledSymbols } from '../../src/market/bundled.js';
import { loadBundledCandles } from '../../src/market/history.js';
import { CandleStore } from '../../src/market/candle-store.js';
import { ReplayFeed } from '../../src/market/replay-feed.js';
import { GaussianHmm, univariate } from '../../src/ml/hmm.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 21);
const bin = path.join(packageRoot, 'bin', 'run.js');

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

function timeSpawn(args: string[], runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore', cwd: packageRoot });
    out.push(performance.now() - t0);
    if (r.status !== 0 && !args.includes('-e')) throw new TypeError(`${args.join(' ')} exited ${r.status}`);
  }
  return out;
}

const line = (name: string, value: string, target = '') => console.log(`${name.padEnd(62)} ${value.padStart(16)}${target === '' ? '' : `   (${target})`}`);

console.log(`hedge bench — node ${process.version}, ${RUNS} runs per process figure\n`);

timeSpawn(['-e', '0'], 3);
timeSpawn([bin, '--help'], 3);
const bare = timeSpawn(['-e', '0'], RUNS);
const help = timeSpawn([bin, '--help'], RUNS);
line('node -e 0, median', `${quantile(bare, 0.5).toFixed(1)} ms`);
line('hedge --help cold start, median', `${quantile(help, 0.5).toFixed(1)} ms`, 'target ≤ 350 ms');
line('hedge --help cold start, p90', `${quantile(help, 0.9).toFixed(1)} ms`);
line('hedge --help minus node -e 0, median', `${(quantile(help, 0.5) - quantile(bare, 0.5)).toFixed(1)} ms`);

const audit = timeSpawn([bin, 'audit', '--no-lineage'], Math.max(5, Math.floor(RUNS / 4)));
line('hedge audit (base + canary), median', `${quantile(audit, 0.5).toFixed(1)} ms`);

const loads: number[] = [];
let candles = 0;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  candles = 0;
  for (const s of bundledSymbols) candles += loadBundledCandles(s).series.length;
  loads.push(performance.now() - t0);
}
line(`load bundled 1h set (${bundledSymbols.length} symbols, ${candles} bars), median`, `${quantile(loads, 0.5).toFixed(1)} ms`, 'issue 3 target ≤ 1500 ms');

// replay throughput: all bundled symbols × 1h, in time order, after load
const store = new CandleStore(path.join(packageRoot, '.bench-no-state'));
const series = bundledSymbols.map((s) => store.load(s, '1h').series);
const rates: number[] = [];
let checksum = 0;
for (let r = 0; r < 7; r++) {
  const t0 = performance.now();
  let n = 0;
  for (const tick of new ReplayFeed(series).ticks()) {
    for (let k = 0; k < tick.count; k++) checksum += tick.series[k]?.close[tick.indices[k] ?? 0] ?? 0;
    n += tick.count;
  }
  rates.push(n / ((performance.now() - t0) / 1000));
}
line(`replay ${bundledSymbols.length} symbols × 1h in time order, median`, `${(quantile(rates, 0.5) / 1e6).toFixed(2)} M bars/s`, `issue 3 target ≥ 5 M/s; checksum ${checksum.toExponential(3)}`);

// HMM: 3 states on 30,000 real BTCUSDT 1h log returns, 200 EM iterations (no early stop)
{
  const close = loadBundledCandles('BTCUSDT').series.close;
  const returns = Array.from({ length: 30_000 }, (_, i) => Math.log((close[i + 1] ?? 1) / (close[i] ?? 1)));
  const x = univariate(returns);
  const v = returns.reduce((a, r) => a + r * r, 0) / returns.length;
  const init = { startprob: [1 / 3, 1 / 3, 1 / 3], transmat: [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]], means: [[-0.001], [0], [0.001]], covars: [[v * 2], [v / 2], [v]] };
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    new GaussianHmm(init).fit(x, { iterations: 200, tol: Number.NEGATIVE_INFINITY });
    times.push(performance.now() - t0);
  }
  line('HMM fit, 3 states × 30,000 returns × 200 iterations, median', `${quantile(times, 0.5).toFixed(0)} ms`, 'issue 4 target ≤ 1000 ms; hmmlearn ≈ 3800 ms');
}

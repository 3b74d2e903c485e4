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
import { ManualClock } from '../../src/core/clock.js';
import type { AccountFold } from '../../src/dashboard/model.js';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import { watchKillSwitch } from '../../src/risk/kill-switch.js';
import { PaperVenue } from '../../src/venues/paper/paper-venue.js';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { spawn } from 'node:child_process';

/** A count from the environment (`name`), or `fallback`; anything but a whole number ≥ 1 stops the bench before it starts. */
function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`${name}=${raw}: expected a whole number ≥ 1`);
  return n;
}
const RUNS = countFromEnv('BENCH_RUNS', 21);
const SWEEP_PAIRS = countFromEnv('BENCH_SWEEP_PAIRS', 5);
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

/**
 * The CLI run as a user runs it (`args` after `bin/run.js`), in a process of its own under a preload (kept in
 * `dir`) that writes the process's peak RSS when it exits: its wall time and peak RSS. An exit code other
 * than those of `codes` stops the bench.
 */
function cliRun(dir: string, args: string[], codes: readonly number[] = [0]): { ms: number; rssMb: number } {
  const preload = path.join(dir, 'rss.cjs');
  const rss = path.join(dir, 'rss.txt');
  if (!existsSync(preload)) writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rss)}, String(process.resourceUsage().maxRSS)));\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', preload, bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: packageRoot, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status === null || !codes.includes(r.status)) throw new TypeError(`hedge ${args[0] ?? ''} exited ${r.status}: ${r.stderr}`);
  return { ms, rssMb: Number(readFileSync(rss, 'utf8')) / 1024 };
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

// the same through the candle cache: the first load writes the column files, the others read them
const storeDir = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-store-'));
const storeLoads: number[] = [];
for (let i = 0; i < 6; i++) {
  const t0 = performance.now();
  for (const s of bundledSymbols) new CandleStore(storeDir).load(s, '1h');
  storeLoads.push(performance.now() - t0);
}
line('load bundled 1h set from the candle cache: first (column files written)', `${(storeLoads[0] ?? 0).toFixed(1)} ms`);
line('load bundled 1h set from the candle cache: then, median of 5', `${quantile(storeLoads.slice(1), 0.5).toFixed(1)} ms`);

// replay throughput: all bundled symbols × 1h, in time order, after load
const store = new CandleStore(storeDir);
const series = bundledSymbols.map((s) => store.load(s, '1h').series);
rmSync(storeDir, { recursive: true, force: true });
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

// risk check of one intent against a 50-position portfolio
{
  const config = loadConfig({ configDir: defaultConfigDir }).config;
  const instruments = loadBundledInstruments();
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const engine = new RiskEngine(config.risk_limits, config.strategy_config, instruments, clock);
  const syms = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT', 'LINKUSDT', 'LTCUSDT', 'DOTUSDT', 'FILUSDT'];
  const positions = Array.from({ length: 50 }, (_, i) => ({ symbol: syms[i % syms.length] ?? 'BTCUSDT', strategy: i % 2 === 0 ? 'momentum-1h' : 'vol-target-4h', qty: 0.001 * (i + 1), markPrice: 100 + i }));
  const view = { navUsd: 1_000_000, navTsMs: clock.nowMs(), positions, openOrders: 3 };
  const intent = { strategy: 'momentum-1h', symbol: 'ETHUSDT', venue: 'paper', side: 'buy' as const, qty: 0.5, price: 2000, reduceOnly: false, leverage: 2, stopPrice: 1900 };
  const samples: number[] = [];
  for (let r = 0; r < 2000; r++) {
    // a fresh venue window each time, so the order-rate guard does not turn every check into a denial
    clock.setMs(clock.nowMs() + 61_000);
    const v = { ...view, navTsMs: clock.nowMs() };
    const t0 = performance.now();
    for (let k = 0; k < 10; k++) engine.check(intent, v);
    samples.push(((performance.now() - t0) * 1000) / 10);
  }
  line('risk check, 1 intent vs 50 positions, median', `${quantile(samples.slice(200), 0.5).toFixed(2)} µs`, 'issue 5 target ≤ 20 µs');
}

// kill switch: from starting `hedge kill` to the last resting order cancelled on the paper venue
{
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-kill-'));
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const venue = new PaperVenue({ instruments: loadBundledInstruments(), clock, startingBalanceUsd: 1_000_000, makerBps: 2, takerBps: 5, spreadBps: 2, impactBpsPer10kUsd: 0 });
  venue.setMark('ETHUSDT', 2000);
  for (let i = 0; i < 50; i++) await venue.createOrder({ clientOrderId: `k${i}`, symbol: 'ETHUSDT', side: 'buy', type: 'limit', qty: 0.05, price: 1950 - i, timeInForce: 'GTC', reduceOnly: false });
  let t0 = 0;
  const done = new Promise<number>((resolve) => {
    void watchKillSwitch(dir, async () => {
      for (const o of await venue.fetchOpenOrders()) await venue.cancelOrder(o.symbol, o.clientOrderId);
      resolve(performance.now() - t0);
    }).then((w) => done.finally(() => w.close()));
  });
  await new Promise((r) => setTimeout(r, 200));
  t0 = performance.now();
  const kill = spawn(process.execPath, [bin, 'kill', '--reason', 'bench', '--state-dir', dir], { stdio: 'ignore' });
  const exited = new Promise((r) => kill.once('exit', r));
  const ms = await done;
  line('kill switch: hedge kill → 50 resting orders cancelled (paper)', `${ms.toFixed(0)} ms`, 'issue 5 target ≤ 1000 ms');
  // `hedge kill` may still be writing its log after the orders are cancelled: the folder goes once it is done
  await exited;
  rmSync(dir, { recursive: true, force: true });
}

// executor replay: decision latency per cycle, and memory through a 30-day replay of the universe, in a
// process of its own (RSS sampled every 10 days, so "flat" can be read off)
{
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(packageRoot, 'dist', 'test', 'bench', 'replay-child.js')], { encoding: 'utf8', cwd: packageRoot });
  if (child.status !== 0) throw new TypeError(`replay bench child exited ${child.status}: ${child.stderr}`);
  const r = JSON.parse(child.stdout) as { median: number; p99: number; cycles: number; wallS: number; refitS: number; rssMb: number[]; heapMb: number };
  line(`executor replay, 30 days × ${11} symbols: decision per cycle, median`, `${r.median.toFixed(3)} ms`);
  line('executor replay: decision per cycle, p99', `${r.p99.toFixed(3)} ms`, 'issue 6 target p99 ≤ 5 ms');
  line(`executor replay: ${r.cycles} cycles wall time (incl. fsync'd telemetry, daily regime refits ${r.refitS.toFixed(1)} s)`, `${r.wallS.toFixed(1)} s`);
  line('executor replay: RSS after 10 / 20 / 30 days', r.rssMb.map((x) => x.toFixed(0)).join(' / ') + ' MB', 'issue 6 target ≤ 200 MB, flat');
  line('executor replay: JS heap in use after the run (after GC)', `${r.heapMb.toFixed(0)} MB`);
}

// sync: throughput of one pass to the dir sink, and the daemon's lag from a write to its copy at the sink
{
  const { SyncEngine } = await import('../../src/sync/sync-engine.js');
  const { DirSink } = await import('../../src/sync/dir-sink.js');
  const { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } = await import('node:fs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-sync-'));
  const logs = path.join(dir, 'state', 'logs');
  mkdirSync(logs, { recursive: true });
  const record = (i: number) => `${JSON.stringify({ schema_version: 1, ts: 1_700_000_000_000 + i, event: 'order.filled', client_order_id: `h${i}`, qty: '0.010', price: '61234.5', pad: 'x'.repeat(120) })}\n`;
  for (const name of ['orders.jsonl', 'risk_vetoes.jsonl', 'nav.jsonl']) {
    const parts: string[] = [];
    for (let i = 0; i < 300_000; i++) parts.push(record(i));
    writeFileSync(path.join(logs, name), parts.join(''));
  }
  const bytes = ['orders.jsonl', 'risk_vetoes.jsonl', 'nav.jsonl'].reduce((a, n) => a + statSync(path.join(logs, n)).size, 0);
  const engine = new SyncEngine({ stateDir: path.join(dir, 'state'), sink: new DirSink(path.join(dir, 'mirror')), stateFile: path.join(dir, 'state', 'cache', 'sync_state.json'), clock: new ManualClock(0) });
  const t0 = performance.now();
  const r = await engine.pass();
  const s = (performance.now() - t0) / 1000;
  line(`sync: one pass of ${(bytes / 2 ** 20).toFixed(0)} MB of JSONL to the dir sink (fsync'd)`, `${(r.streamBytes / 2 ** 20 / s).toFixed(0)} MB/s`, 'issue 8 target ≥ 50 MB/s');

  // the daemon (PM2's hedge-sync) with the shipped 1 s interval: a line appended, then polled for at the sink
  const d = spawn(process.execPath, [bin, 'sync', '--state-dir', path.join(dir, 'state'), '--sink', `dir:${path.join(dir, 'mirror2')}`], { stdio: 'ignore' });
  const remote = path.join(dir, 'mirror2', 'node-1', 'logs', 'orders.jsonl');
  while (!existsSync(remote) || statSync(remote).size < statSync(path.join(logs, 'orders.jsonl')).size) await new Promise((res) => setTimeout(res, 20));
  const lags: number[] = [];
  for (let i = 0; i < 10; i++) {
    const text = record(1_000_000 + i);
    const w = performance.now();
    appendFileSync(path.join(logs, 'orders.jsonl'), text);
    while (!readFileSync(remote, 'utf8').endsWith(text)) await new Promise((res) => setTimeout(res, 5));
    lags.push(performance.now() - w);
    await new Promise((res) => setTimeout(res, Math.random() * 500));
  }
  d.kill('SIGINT');
  await new Promise((res) => d.on('close', res));
  line('sync daemon: lag from a write to its copy at the sink, median', `${quantile(lags, 0.5).toFixed(0)} ms`);
  line('sync daemon: lag, max of 10', `${Math.max(...lags).toFixed(0)} ms`, 'issue 8 target ≤ 2000 ms');
  rmSync(dir, { recursive: true, force: true });
}

// dashboard: export of one year of telemetry from a full-universe replay (cold CLI process and the export
// itself), and the exported page opening in headless Chromium until every chart is drawn
{
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-dash-'));
  const { readFileSync } = await import('node:fs');
  const t0 = performance.now();
  const replay = spawnSync(process.execPath, [bin, 'executor', '--replay', '--from', '2023-06-01', '--to', '2024-06-01', '--state-dir', dir, '--json'], { encoding: 'utf8', cwd: packageRoot, env: { ...process.env, ENV: 'dev' }, maxBuffer: 1 << 26 });
  if (replay.status !== 0) throw new TypeError(`dashboard bench: the replay failed: ${replay.stderr.slice(-800)}`);
  const replayS = (performance.now() - t0) / 1000;
  const navLines = readFileSync(path.join(dir, 'logs', 'nav.jsonl'), 'utf8').split('\n').length - 1;
  const orderLines = readFileSync(path.join(dir, 'logs', 'orders.jsonl'), 'utf8').split('\n').length - 1;
  const vetoLines = readFileSync(path.join(dir, 'logs', 'risk_vetoes.jsonl'), 'utf8').split('\n').length - 1;
  const out = path.join(dir, 'dash');
  const walls: number[] = [];
  const inner: number[] = [];
  for (let i = 0; i < 4; i++) {
    rmSync(out, { recursive: true, force: true });
    const w0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'dashboard-export', '--state-dir', dir, '--out', out, '--json'], { encoding: 'utf8', cwd: packageRoot });
    if (r.status !== 0) throw new TypeError(`dashboard-export exited ${r.status}: ${r.stderr}`);
    if (i > 0) {
      walls.push(performance.now() - w0);
      inner.push((JSON.parse(r.stdout) as { ms: number }).ms);
    }
  }
  const { statSync } = await import('node:fs');
  line(`dashboard: one-year replay of the universe (${navLines} NAV, ${orderLines} order, ${vetoLines} veto records)`, `${replayS.toFixed(0)} s`);
  line('dashboard-export of that year: CLI process wall time, median of 3', `${(quantile(walls, 0.5) / 1000).toFixed(2)} s`, 'issue 9 target ≤ 3 s');
  line('dashboard-export: the export itself (read, fold, render, write), median', `${quantile(inner, 0.5).toFixed(0)} ms`);
  line('dashboard: index.html size (data and libraries inlined)', `${(statSync(path.join(out, 'index.html')).size / 1e6).toFixed(1)} MB`);
  const { launchChromium } = await import('../support/browser.js');
  const browser = await launchChromium();
  const opens: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const o0 = performance.now();
      await page.goto(`file://${path.join(out, 'index.html')}`);
      // every chart box holds its canvas: the page is drawn
      await page.waitForFunction("[...document.querySelectorAll('.chart')].every((c) => c.querySelector('canvas') !== null)", undefined, { timeout: 30_000 });
      if (i > 0) opens.push(performance.now() - o0);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  line('dashboard page open in headless Chromium until every chart is drawn, median of 5', `${(quantile(opens, 0.5) / 1000).toFixed(2)} s`, 'issue 9 target ≤ 1.5 s');

  // hedge status on that state dir once a 60-s executor loop has run on it for 90 days more (a NAV record
  // and a veto a cycle): it reads the streams' ends, so it costs what it cost on the year of replay
  const { appendFileSync } = await import('node:fs');
  // exit 3: the replay's heartbeats are stale by now, which is what status says
  const status = () => cliRun(dir, ['status', '--state-dir', dir, '--json'], [0, 3]);
  const before = [status(), status(), status()];
  const lastOf = (file: string) => JSON.parse(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1) ?? '{}') as { ts: number };
  const cycles = 90 * 1_440;
  for (const name of ['nav.jsonl', 'risk_vetoes.jsonl']) {
    const file = path.join(dir, 'logs', name);
    const last = lastOf(file);
    for (let from = 1; from <= cycles; from += 10_000) {
      const lines: string[] = [];
      for (let i = from; i < Math.min(cycles + 1, from + 10_000); i++) lines.push(JSON.stringify({ ...last, ts: last.ts + i * 60_000 }));
      appendFileSync(file, `${lines.join('\n')}\n`);
    }
  }
  const streamsMb = ['nav.jsonl', 'risk_vetoes.jsonl', 'orders.jsonl'].reduce((a, n) => a + statSync(path.join(dir, 'logs', n)).size, 0) / 2 ** 20;
  const after = [status(), status(), status()];
  line('hedge status on the year of replay: CLI process wall time / peak RSS, median of 3', `${(quantile(before.map((r) => r.ms), 0.5) / 1000).toFixed(2)} s / ${quantile(before.map((r) => r.rssMb), 0.5).toFixed(0)} MB`);
  line(`hedge status after 90 days more of a 60-s loop (+${cycles} NAV and veto records, streams ${streamsMb.toFixed(0)} MB), median of 3`, `${(quantile(after.map((r) => r.ms), 0.5) / 1000).toFixed(2)} s / ${quantile(after.map((r) => r.rssMb), 0.5).toFixed(0)} MB`);
  // hedge status --fleet of two such nodes (a dir mirror): the first check folds each node's NAV log for the
  // fund line, each next one (after a cycle more on each node) what was appended since
  {
    const fleetDir = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-fleet-'));
    const mirror = path.join(fleetDir, 'mirror');
    for (const node of ['node-a', 'node-b']) cpSync(path.join(dir, 'logs'), path.join(mirror, node, 'logs'), { recursive: true });
    const fleet = () => cliRun(fleetDir, ['status', '--fleet', `dir:${mirror}`, '--state-dir', fleetDir, '--json'], [0, 3]);
    const first = fleet();
    const next = Array.from({ length: 3 }, () => {
      for (const node of ['node-a', 'node-b']) {
        const file = path.join(mirror, node, 'logs', 'nav.jsonl');
        const last = lastOf(file);
        appendFileSync(file, `${JSON.stringify({ ...last, ts: last.ts + 60_000 })}\n`);
      }
      return fleet();
    });
    line('hedge status --fleet of two such nodes (a dir mirror): first check', `${(first.ms / 1000).toFixed(2)} s / ${first.rssMb.toFixed(0)} MB`);
    line('hedge status --fleet: each next check, a cycle later, median of 3', `${(quantile(next.map((r) => r.ms), 0.5) / 1000).toFixed(2)} s / ${quantile(next.map((r) => r.rssMb), 0.5).toFixed(0)} MB`);
    rmSync(fleetDir, { recursive: true, force: true });
  }
  // the dashboard service's export of that state (--watch: the folds kept between exports), then after each of 5 more cycles
  {
    const { exportDashboard } = await import('../../src/dashboard/export.js');
    const { systemClock } = await import('../../src/core/clock.js');
    const folds = new Map<string, AccountFold>();
    const dashOut = path.join(dir, 'dash-watch');
    const page = { title: 'bench', refreshS: 5, limits: null };
    const f0 = performance.now();
    exportDashboard(dir, dashOut, systemClock, page, folds);
    const firstMs = performance.now() - f0;
    const next: number[] = [];
    for (let k = 0; k < 5; k++) {
      for (const name of ['nav.jsonl', 'risk_vetoes.jsonl']) {
        const file = path.join(dir, 'logs', name);
        const last = lastOf(file);
        appendFileSync(file, `${JSON.stringify({ ...last, ts: last.ts + 60_000 })}\n`);
      }
      const t = performance.now();
      exportDashboard(dir, dashOut, systemClock, page, folds);
      next.push(performance.now() - t);
    }
    line('dashboard export of that state (--watch keeps the folds): first / after one more cycle, median of 5', `${firstMs.toFixed(0)} ms / ${quantile(next, 0.5).toFixed(0)} ms`);
    line('dashboard: index.html size of that state (chart series thinned to 20,000 points)', `${(statSync(path.join(dashOut, 'index.html')).size / 1e6).toFixed(1)} MB`);
  }
  rmSync(dir, { recursive: true, force: true });
}

// backtest: the reference SMA crossover through the kernel over a 1,000,000-bar seeded random walk
// (steady state in one process; a cold CLI run from the cache; its peak RSS), then the whole registry
// over all bundled history
{
  const child = path.join(packageRoot, 'dist', 'test', 'bench', 'backtest-child.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-backtest-'));
  const gen = spawnSync(process.execPath, [child, 'gen', dir, '1000000'], { encoding: 'utf8' });
  if (gen.status !== 0) throw new TypeError(`backtest bench: generating the walk failed: ${gen.stderr}`);
  const warm = spawnSync(process.execPath, [child, 'warm', dir], { encoding: 'utf8', cwd: packageRoot });
  if (warm.status !== 0) throw new TypeError(`backtest bench child exited ${warm.status}: ${warm.stderr}`);
  const w = JSON.parse(warm.stdout) as { runs: { barsPerS: number; runMs: number; fills: number; quiet: number }[] };
  const steady = w.runs.at(-1);
  // steady state: V8 keeps optimising (and sizing its young generation) over the first runs; from the fifth the rate is flat
  const steadyRate = quantile(w.runs.slice(4).map((r) => r.barsPerS), 0.5);
  line('backtest sma-cross 20/50, 1M-bar walk: kernel throughput, 1st run', `${((w.runs[0]?.barsPerS ?? 0) / 1e6).toFixed(2)} M bars/s`);
  line('backtest: kernel throughput, runs 1-8 in one process', w.runs.map((r) => (r.barsPerS / 1e6).toFixed(2)).join(' ') + ' M bars/s');
  line('backtest: kernel throughput, steady state (median of runs 5-8)', `${(steadyRate / 1e6).toFixed(2)} M bars/s`, 'issue 7 target ≥ 3 M bars/s');
  line(`backtest: of which quiet bars skipped past / fills`, `${steady?.quiet ?? 0} / ${steady?.fills ?? 0}`);
  // the CLI as a user runs it, with its peak RSS
  const args = ['backtest', '--strategy', 'sma-cross', '--param', 'fast=20', '--param', 'slow=50', '--symbols', 'ATOMUSDT', '--timeframe', '1h', '--fee', '0.0004', '--nav', '10000', '--trade-on-close', '--state-dir', dir, '--out', path.join(dir, 'run'), '--json'];
  const cold = () => cliRun(dir, args);
  const first = cold(); // parses the CSV and writes its column file
  const colds = [cold(), cold(), cold()];
  line('backtest CLI, 1M bars, first run ever (CSV parsed, column file written)', `${(first.ms / 1000).toFixed(2)} s`);
  line('backtest CLI, 1M bars, cold process from the cache, median of 3', `${(quantile(colds.map((c) => c.ms), 0.5) / 1000).toFixed(2)} s`, 'issue 7 target ≤ 2 s');
  line('backtest CLI, 1M bars: peak RSS of the process, max of 3', `${Math.max(...colds.map((c) => c.rssMb)).toFixed(0)} MB`, 'issue 7 target ≤ 300 MB');
  rmSync(dir, { recursive: true, force: true });

  // a 64-point sweep of the reference strategy over the bundled universe at 4h (long-short, 11 symbols,
  // 3.6 years each): one worker, then every core, alternately five times each (BENCH_SWEEP_PAIRS; this
  // machine's speed drifts by 10–40 % over minutes: pairs run back to back compare better than single runs,
  // and single pairs ranged 0.53–0.93 on one build), each into its own results folder of one state dir
  // whose candle column files are already written (as an operator's)
  const sd = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-sweep-'));
  for (const s of bundledSymbols) new CandleStore(sd).load(s, '1h');
  let run = 0;
  const sweep = (workers: number) => {
    const t = performance.now();
    const s = spawnSync(process.execPath, [bin, 'backtest', '--sweep', path.join(packageRoot, 'research', 'grids', 'sma-cross-universe.json'), '--workers', String(workers), '--state-dir', sd, '--out', path.join(sd, `sweep-${run++}`), '--json'], { encoding: 'utf8', cwd: packageRoot });
    if (s.status !== 0) throw new TypeError(`sweep exited ${s.status}: ${s.stderr}`);
    const summary = JSON.parse(s.stdout) as { ran: number; wall_ms: number; cpu_ms: number };
    return { ms: performance.now() - t, points: summary.ran, wallMs: summary.wall_ms, cpuMs: summary.cpu_ms };
  };
  const cores = os.availableParallelism();
  const pairs = Array.from({ length: SWEEP_PAIRS }, () => ({ one: sweep(1), all: sweep(cores) }));
  rmSync(sd, { recursive: true, force: true });
  const median = (xs: number[]) => quantile(xs, 0.5);
  line(`sweep of ${pairs[0]?.one.points ?? 0} points (sma-cross 4h, 11 symbols, 351,703 bars each): 1 worker, median of ${pairs.length}`, `${(median(pairs.map((p) => p.one.ms)) / 1000).toFixed(2)} s`);
  line(`sweep: ${cores} workers, median of ${pairs.length}`, `${(median(pairs.map((p) => p.all.ms)) / 1000).toFixed(2)} s`);
  // three decimals: the target is a bound, and two would round 0.604 down to it
  line(`sweep: ${cores} workers / 1 worker, median of the ${pairs.length} pairs (${pairs.map((p) => (p.all.ms / p.one.ms).toFixed(3)).join(' ')})`, `${median(pairs.map((p) => p.all.ms / p.one.ms)).toFixed(3)}×`, 'issue 7 target ≤ 0.6×');
  // where the ratio's floor is: one worker already keeps more than one core busy (V8 compiles and collects
  // garbage on helper threads beside it), and every worker's isolate compiles and collects for itself
  line(`sweep: cores kept busy (CPU of every thread / the sweep's wall), median: 1 worker / ${cores} workers`, `${median(pairs.map((p) => p.one.cpuMs / p.one.wallMs)).toFixed(2)} / ${median(pairs.map((p) => p.all.cpuMs / p.all.wallMs)).toFixed(2)}`);
  line(`sweep: ${cores} workers' CPU / 1 worker's CPU, median`, `${median(pairs.map((p) => p.all.cpuMs / p.one.cpuMs)).toFixed(2)}×`);
  line(`sweep: ${cores} workers' CPU over ${cores} cores / 1 worker's wall, in the sweeps (the ratio with no core idle), median`, `${median(pairs.map((p) => p.all.cpuMs / cores / p.one.wallMs)).toFixed(2)}×`);

  // the registry over all history takes minutes (daily regime refits): BENCH_REGISTRY=0 leaves it out
  if (process.env['BENCH_REGISTRY'] !== '0') {
  const reg = mkdtempSync(path.join(os.tmpdir(), 'hedge-bench-registry-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'backtest', '--resume-next-day', '--state-dir', reg, '--out', path.join(reg, 'run'), '--json'], { encoding: 'utf8', cwd: packageRoot, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new TypeError(`registry backtest exited ${r.status}: ${r.stderr}`);
  const res = JSON.parse(r.stdout) as { bars: number; cycles: number; timing: { run_ms: number }; metrics: { blended: { total_return_pct: number; sharpe: number | null } }; orders: { filled: number } };
  line(`backtest of the whole registry, all bundled history, --resume-next-day (${res.bars} bars, ${res.cycles} cycles)`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  line('  of which the kernel (daily HMM regime refits of 11 symbols included)', `${(res.timing.run_ms / 1000).toFixed(1)} s`);
  line('  fund return / Sharpe / fills', `${res.metrics.blended.total_return_pct.toFixed(1)}% / ${res.metrics.blended.sharpe?.toFixed(2) ?? '—'} / ${res.orders.filled}`);
  rmSync(reg, { recursive: true, force: true });
  }
}

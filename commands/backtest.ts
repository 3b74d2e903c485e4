import { Flags } from '@oclif/core';
import type { Metrics } from '../src/backtest/metrics.js';
import type { BacktestResult } from '../src/kernel/backtest.js';
import { BaseCommand } from './base-command.js';

export default class Backtest extends BaseCommand<typeof Backtest> {
  static override summary = 'Run strategies over cached history (or your own CSV) through the executor\'s kernel, with the paper venue and risk in the loop.';
  static override description = `The same cycle as hedge executor --replay (paper venue fills, fees, slippage, funding, liquidation; the risk engine and
the order router in the loop), without the executor's per-cycle telemetry: the equity of every bar, round trips and metrics
come out instead, under <state-dir>/research/backtests/<run>/ (report.json, equity.csv, trades.jsonl, orders.jsonl,
risk_vetoes.jsonl) or --out. Fills are at the next bar's open unless --trade-on-close; the assumptions are printed with
every report. A strategy that is not a registry id but a plugin name (sma-cross) runs ad hoc, textbook-style: all-in net of
the fee, leverage 1, no stop, no caps. --fee replaces the venue's cost model by a flat fee (no spread or impact unless
--slippage).`;
  static override examples = [
    { description: 'The reference SMA crossover on bundled BTCUSDT 1h, comparable with backtrader, vectorbt or backtesting.py', command: '<%= config.bin %> <%= command.id %> --strategy sma-cross --param fast=20 --param slow=50 --symbols BTCUSDT --timeframe 1h --fee 0.0004 --nav 10000 --trade-on-close --json' },
    { description: 'Every enabled strategy of the registry over 2023', command: '<%= config.bin %> <%= command.id %> --from 2023-01-01 --to 2024-01-01' },
    { description: 'Your own OHLCV file, traded with BTCUSDT\'s filters', command: '<%= config.bin %> <%= command.id %> --strategy sma-cross --data my-bars.csv --symbols BTCUSDT' },
  ];
  static override flags = {
    strategy: Flags.string({ summary: 'Strategy id of the registry or plugin name (repeatable; default: every enabled strategy).', multiple: true }),
    param: Flags.string({ summary: 'Strategy parameter override, key=value (repeatable).', multiple: true }),
    symbols: Flags.string({ summary: 'Comma-separated symbols (default: the strategy\'s).' }),
    timeframe: Flags.option({ options: ['1h', '4h', '1d'] as const, summary: 'Bar timeframe the strategies decide on (default: configured).' })(),
    from: Flags.string({ summary: 'First bar close (ISO date, UTC; default: the start of the data). Earlier bars are warm-up history.' }),
    to: Flags.string({ summary: 'Last bar close (ISO date, UTC; default: the end of the data).' }),
    nav: Flags.string({ summary: 'Starting NAV in USD (default: the account\'s starting_nav_usd).' }),
    fee: Flags.string({ summary: 'Flat fee as a fraction of notional for every fill (0.0004 = 4 bps); no spread or impact unless --slippage.' }),
    slippage: Flags.string({ summary: 'Slippage of every taker fill from the mark, bps per side.' }),
    'trade-on-close': Flags.boolean({ summary: 'Fill at the close of the signal bar instead of the next bar\'s open.' }),
    data: Flags.string({ summary: 'Your own OHLCV CSV (open_time_ms,open,high,low,close,volume; one symbol, 1h/4h/1d) instead of the cache.' }),
    out: Flags.string({ summary: 'Folder for the run\'s files (default: <state-dir>/research/backtests/<run>).' }),
    progress: Flags.option({ options: ['auto', 'bar', 'json', 'none'] as const, default: 'auto', summary: 'Progress on stderr: a bar, JSON lines, or none (auto: a bar on a terminal).' })(),
    'monte-carlo': Flags.integer({ summary: 'Monte Carlo simulations of the finished run: trade-order bootstrap and block bootstrap of bar returns.', min: 0, max: 1_000_000 }),
    seed: Flags.integer({ summary: 'Seed of the Monte Carlo draws.', default: 42 }),
    'block-bars': Flags.integer({ summary: 'Bars per block of the block bootstrap (default: √bars).', min: 1, dependsOn: ['monte-carlo'] }),
    'look-ahead': Flags.boolean({ summary: 'Check instead of run: each strategy decides at --samples bars with and without the later bars; exits 3 if the signals differ.' }),
    samples: Flags.integer({ summary: 'Bars the look-ahead check samples.', default: 200, min: 1, max: 100_000 }),
    'resume-next-day': Flags.boolean({ summary: 'Assume an operator resumes trading at the next day after the daily loss limit stopped it (the executor waits for hedge resume).' }),
    'every-bar': Flags.boolean({ summary: 'Run the full cycle on every bar, even where no strategy can act (for checking the fast path).', hidden: true }),
    sweep: Flags.string({ summary: 'Parameter grid JSON: one backtest per combination, on worker threads; resumable (results under research/sweeps/<name>/).' }),
    dated: Flags.boolean({ summary: 'Put a sweep\'s results under research/sweeps/<name>/<UTC date>/ (a scheduled sweep keeps one folder a day).', dependsOn: ['sweep'] }),
    workers: Flags.integer({ summary: 'Worker threads of a sweep (default: every core).', min: 1, max: 256, dependsOn: ['sweep'] }),
  };

  async run(): Promise<unknown> {
    const f = this.flags;
    this.exitWhenDone();
    // a sweep's main thread runs no backtest: its workers do (the kernel is not loaded here, so they start sooner)
    if (f.sweep !== undefined) return this.sweep(f.sweep);
    if (f['look-ahead']) return this.lookAhead();
    const [{ runBacktest }, { loadConfig }, { parseIsoMs, systemClock, isoOf }, { UsageError }, path] = await Promise.all([
      import('../src/kernel/backtest.js'), import('../src/config/load.js'), import('../src/core/clock.js'), import('../src/core/errors.js'), import('node:path'),
    ]);
    const date = (flag: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const ms = parseIsoMs(v);
      if (ms === undefined) throw new UsageError(`--${flag} ${v}: expected an ISO date (2024-01-01) or date-time`);
      return ms;
    };
    const num = (flag: string, v: string | undefined, ok: (x: number) => boolean, what: string) => {
      if (v === undefined) return undefined;
      const x = Number(v);
      if (!Number.isFinite(x) || !ok(x)) throw new UsageError(`--${flag} ${v}: expected ${what}`);
      return x;
    };
    const fromMs = date('from', f.from);
    const toMs = date('to', f.to);
    if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) throw new UsageError(`--to ${f.to} is not after --from ${f.from}`);
    const stateDir = path.resolve(f['state-dir']);
    const loaded = loadConfig({ configDir: path.resolve(f['config-dir']), profile: f.profile });
    const runId = `${isoOf(systemClock.nowMs()).replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${(f.strategy ?? ['registry']).join('+')}`;
    const outDir = path.resolve(f.out ?? path.join(stateDir, 'research', 'backtests', runId));
    const mode = f.progress === 'auto' ? (process.stderr.isTTY && !this.jsonEnabled() ? 'bar' : 'none') : f.progress;
    const log = await this.logger();
    log.info('backtest.started', { strategies: f.strategy ?? 'registry', from: f.from ?? null, to: f.to ?? null, out: outDir, trade_on_close: f['trade-on-close'] });
    const result = await this.withStopSignal('backtest.stopping', 'stopping after this bar; the report covers the bars run', (stop) =>
      runBacktest({
        loaded, stateDir, fromMs, toMs, execution: f['trade-on-close'] ? 'close' : 'next_open', data: f.data === undefined ? undefined : path.resolve(f.data), outDir,
        strategies: f.strategy, params: f.param, symbols: this.symbolList(f.symbols), timeframe: f.timeframe,
        navUsd: num('nav', f.nav, (x) => x > 0, 'a positive USD amount'), fee: num('fee', f.fee, (x) => x >= 0 && x < 0.1, 'a fraction of notional in [0, 0.1), e.g. 0.0004'),
        slippageBps: num('slippage', f.slippage, (x) => x >= 0 && x < 1000, 'bps per side in [0, 1000)'), fastPath: !f['every-bar'], resumeNextDay: f['resume-next-day'], stop,
        monteCarlo: f['monte-carlo'] === undefined ? undefined : { simulations: f['monte-carlo'], seed: f.seed, blockBars: f['block-bars'] },
        onProgress: (done, total) => {
          if (mode === 'json') process.stderr.write(`${JSON.stringify({ event: 'backtest.progress', done, total, pct: Math.round((100 * done) / total) })}\n`);
          else if (mode === 'bar') {
            const w = 40;
            const k = Math.round((w * done) / total);
            process.stderr.write(`\r[${'#'.repeat(k)}${'.'.repeat(w - k)}] ${((100 * done) / total).toFixed(0).padStart(3)}% ${done}/${total} bars`);
            if (done >= total) process.stderr.write('\n');
          }
        },
      }),
    );
    log.info('backtest.finished', { final_equity: result.finalEquity, cycles: result.cycles, stopped: result.stopped, report: result.files.report ?? null });
    if (!this.jsonEnabled()) this.printReport(result);
    return result;
  }

  private async lookAhead(): Promise<unknown> {
    const [{ runLookAheadCheck }, { loadConfig }, path] = await Promise.all([import('../src/kernel/backtest.js'), import('../src/config/load.js'), import('node:path')]);
    const f = this.flags;
    const loaded = loadConfig({ configDir: path.resolve(f['config-dir']), profile: f.profile });
    const findings = runLookAheadCheck(
      { loaded, stateDir: path.resolve(f['state-dir']), data: f.data === undefined ? undefined : path.resolve(f.data), strategies: f.strategy, params: f.param, symbols: this.symbolList(f.symbols), timeframe: f.timeframe },
      f.samples,
    );
    if (!this.jsonEnabled())
      for (const x of findings) {
        const verdict = x.mismatches.length > 0 ? `LOOKS AHEAD at ${x.mismatches.length} bar(s), first ${x.mismatches[0]?.closeTime ?? ''}` : x.signals === 0 ? 'no signal at the sampled bars: nothing proven' : 'no look-ahead';
        this.log(`${x.strategy.padEnd(24)} ${String(x.barsChecked).padStart(6)} bars · ${String(x.signals).padStart(6)} signals · ${verdict}`);
      }
    const bad = findings.filter((x) => x.mismatches.length > 0);
    if (bad.length > 0) {
      // a check that found problems: exit 3, as audit does
      if (this.jsonEnabled()) this.logJson({ ok: false, strategies: findings });
      else for (const x of bad) this.log(`  ${x.strategy} at ${x.mismatches[0]?.closeTime ?? ''}: with later bars ${JSON.stringify(x.mismatches[0]?.withFuture)}, without ${JSON.stringify(x.mismatches[0]?.truncated)}`);
      this.exit(3);
    }
    return { ok: true, strategies: findings };
  }

  private async sweep(gridFile: string): Promise<unknown> {
    const [{ runSweep }, { loadConfig }, { UsageError }, { isoOf, systemClock }, path] = await Promise.all([
      import('../src/kernel/sweep.js'), import('../src/config/load.js'), import('../src/core/errors.js'), import('../src/core/clock.js'), import('node:path'),
    ]);
    const f = this.flags;
    const clash = (['strategy', 'param', 'symbols', 'timeframe', 'from', 'to', 'nav', 'fee', 'slippage', 'data'] as const).filter((k) => f[k] !== undefined);
    const booleans = (['trade-on-close', 'resume-next-day', 'every-bar'] as const).filter((k) => f[k]);
    if (clash.length > 0 || booleans.length > 0) throw new UsageError(`--sweep takes the run's settings from the grid file; drop ${[...clash, ...booleans].map((k) => `--${k}`).join(', ')}`);
    const stateDir = path.resolve(f['state-dir']);
    const loaded = loadConfig({ configDir: path.resolve(f['config-dir']), profile: f.profile });
    const log = await this.logger();
    log.info('backtest.started', { sweep: gridFile, workers: f.workers ?? null });
    const mode = f.progress === 'auto' ? (process.stderr.isTTY && !this.jsonEnabled() ? 'bar' : 'none') : f.progress;
    const s = await this.withStopSignal('backtest.stopping', 'stopping after the points in flight; run the same command again to resume', (stop) =>
      runSweep({
        loaded, stateDir, gridFile: path.resolve(gridFile), outDir: f.out === undefined ? undefined : path.resolve(f.out), dated: f.dated ? isoOf(systemClock.nowMs()).slice(0, 10) : undefined, workers: f.workers, stop,
        onPoint: (done, total) => {
          if (mode === 'json') process.stderr.write(`${JSON.stringify({ event: 'backtest.progress', done, total, pct: Math.round((100 * done) / total) })}\n`);
          else if (mode === 'bar') process.stderr.write(`\r${done}/${total} points${done >= total ? '\n' : ''}`);
        },
      }),
    );
    if ('stitched' in s) {
      log.info('backtest.finished', { walk_forward: s.name, windows: s.windows.length, stopped: s.stopped, summary: s.files.summary });
      if (!this.jsonEnabled()) {
        this.log(`walk-forward ${s.name} · ${s.strategy} · ${s.windows.length} window(s) in ${(s.wall_ms / 1000).toFixed(1)} s (${coresBusy(s)})${s.stopped ? ' · stopped: run it again to resume' : ''}`);
        for (const w of s.windows)
          this.log(`  ${w.out_of_sample.from.slice(0, 10)} → ${w.out_of_sample.to.slice(0, 10)}  ${JSON.stringify(w.best).padEnd(36)} in-sample ${s.objective} ${w.in_sample_value?.toFixed(3) ?? '—'} · out of sample ${w.out_of_sample_value?.toFixed(3) ?? '—'} · equity ${w.final_equity.toFixed(2)}`);
        const m = s.stitched.metrics;
        this.log(`stitched out of sample: ${s.stitched.start_equity.toFixed(2)} → ${s.stitched.final_equity.toFixed(2)}${m === null ? '' : ` · return ${m.total_return_pct.toFixed(2)}% · sharpe ${m.sharpe?.toFixed(2) ?? '—'} · max dd ${m.max_drawdown_pct.toFixed(1)}% · trades ${m.trades}`}`);
        for (const [k, file] of Object.entries(s.files)) this.log(`  ${k.padEnd(8)} ${file}`);
      }
      return s;
    }
    log.info('backtest.finished', { sweep: s.name, done: s.done, points: s.points, stopped: s.stopped, summary: s.files.summary });
    if (!this.jsonEnabled()) {
      this.log(`sweep ${s.name} · ${s.strategy} · ${s.done}/${s.points} points (${s.ran} run now on ${s.workers} worker(s), ${s.failed} refused by the strategy) in ${(s.wall_ms / 1000).toFixed(1)} s (${coresBusy(s)})${s.stopped ? ' · stopped: run it again to resume' : ''}`);
      this.log(`best by ${s.objective}:`);
      for (const r of s.ranking.slice(0, 10))
        this.log(`  ${JSON.stringify(r.point).padEnd(40)} ${s.objective} ${r.value === null ? '—' : r.value.toFixed(3)} · equity ${r.final_equity.toFixed(2)} · trades ${r.trades} · max dd ${r.max_drawdown_pct.toFixed(1)}%`);
      for (const [k, file] of Object.entries(s.files)) this.log(`  ${k.padEnd(8)} ${file}`);
    }
    return s;
  }

  private printReport(r: BacktestResult): void {
    const a = r.assumptions;
    const pct = (x: number | null, d = 2) => (x === null ? '—' : `${x.toFixed(d)}%`);
    const num = (x: number | null, d = 2) => (x === null ? '—' : x.toFixed(d));
    this.log(`hedge backtest · ${r.strategies.join(', ')} on ${r.symbols.join(', ')} (${r.timeframe}) · ${r.from} → ${r.to} · ${r.cycles} bars${r.stopped ? ' (stopped early)' : ''}`);
    this.log(`config ${r.configFingerprint.slice(0, 16)} · account ${r.account}`);
    this.log('assumptions:');
    this.log(`  fills        ${a.execution === 'close' ? 'at the signal bar\'s close (--trade-on-close)' : 'at the next bar\'s open'}; every order a taker`);
    this.log(`  costs        fees maker ${a.fees.maker_bps} / taker ${a.fees.taker_bps} bps; spread ${a.slippage.spread_bps} bps, impact ${a.slippage.impact_bps_per_10k_usd} bps per 10k USD`);
    this.log(`  sizing       ${a.sizing}`);
    this.log(`  risk limits  ${a.risk_limits}; ${a.funding}`);
    this.log(`  operator     ${a.operator}`);
    this.log(`  equity       ${a.final_equity}; annualised over ${a.annualisation.basis}`);
    const rows: [string, (m: Metrics) => string][] = [
      ['final equity', (m) => m.final_equity_usd.toFixed(2)], ['total return', (m) => pct(m.total_return_pct)], ['annualised', (m) => pct(m.annualized_return_pct)],
      ['volatility', (m) => pct(m.volatility_pct)], ['sharpe', (m) => num(m.sharpe)], ['sortino', (m) => num(m.sortino)], ['calmar', (m) => num(m.calmar)],
      ['max drawdown', (m) => pct(m.max_drawdown_pct)], ['dd duration d', (m) => m.max_drawdown_duration_days.toFixed(1)], ['trades', (m) => String(m.trades)],
      ['win rate', (m) => pct(m.win_rate_pct, 1)], ['profit factor', (m) => num(m.profit_factor)], ['exposure', (m) => pct(m.exposure_pct, 1)],
      ['turnover ×NAV', (m) => m.turnover.toFixed(1)], ['fees USD', (m) => m.fees_usd.toFixed(2)], ['funding paid', (m) => m.funding_paid_usd.toFixed(2)],
    ];
    const cols: [string, Metrics][] = [['fund', r.metrics.blended], ...Object.entries(r.metrics.per_strategy)];
    const width = Math.max(12, ...cols.map(([c]) => c.length + 2));
    this.log(`\n${''.padEnd(14)}${cols.map(([c]) => c.padStart(width)).join('')}`);
    for (const [label, f] of rows) this.log(`${label.padEnd(14)}${cols.map(([, m]) => f(m).padStart(width)).join('')}`);
    const stops = r.risk.events.filter((e) => e.state !== 'ACTIVE');
    if (stops.length > 0)
      this.log(`\nrisk: trading left ACTIVE ${stops.length} time(s), first at ${new Date(stops[0]?.ts ?? 0).toISOString()} (${stops[0]?.reason ?? ''}); it ended ${r.risk.final_state}${r.risk.final_state === 'ACTIVE' ? '' : ` (${r.risk.reason}): every entry after that was vetoed${r.assumptions.operator.startsWith('no operator') ? ' — see --resume-next-day' : ''}`}`);
    const mc = r.monte_carlo;
    if (mc !== null) {
      const d = (x: { p5: number; p25: number; p50: number; p75: number; p95: number }) => [x.p5, x.p25, x.p50, x.p75, x.p95].map((v) => `${v.toFixed(1)}%`.padStart(9)).join('');
      this.log(`\nMonte Carlo, ${mc.simulations} simulations (seed ${mc.seed})${''.padEnd(8)}${['p5', 'p25', 'p50', 'p75', 'p95'].map((p) => p.padStart(9)).join('')}`);
      if (mc.trades !== null) {
        this.log(`  ${`trade order (${mc.trades.count} trades): return`.padEnd(48)}${d(mc.trades.final_return_pct)}`);
        this.log(`  ${'trade order: max drawdown'.padEnd(48)}${d(mc.trades.max_drawdown_pct)}`);
      }
      if (mc.blocks !== null) {
        this.log(`  ${`blocks of ${mc.blocks.block_bars} bars: return`.padEnd(48)}${d(mc.blocks.final_return_pct)}`);
        this.log(`  ${'blocks: max drawdown'.padEnd(48)}${d(mc.blocks.max_drawdown_pct)}`);
      }
    }
    this.log(`\norders submitted ${r.orders.submitted}, fills ${r.orders.filled}, rejected ${r.orders.rejected}, vetoed ${r.orders.vetoed} · ${(r.timing.bars_per_s / 1e6).toFixed(2)} M bars/s`);
    for (const [k, file] of Object.entries(r.files)) this.log(`  ${k.padEnd(8)} ${file}`);
  }
}

/** How many cores a sweep or walk-forward kept busy, and whether V8's helper threads were off for it. */
function coresBusy(s: { readonly cpu_ms: number; readonly wall_ms: number; readonly v8_helpers_off: readonly string[] }): string {
  return `${(s.cpu_ms / s.wall_ms).toFixed(2)} cores busy${s.v8_helpers_off.length > 0 ? "; V8's compile and GC helper threads off: the workers take every core" : ''}`;
}

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
    'every-bar': Flags.boolean({ summary: 'Run the full cycle on every bar, even where no strategy can act (for checking the fast path).', hidden: true }),
    sweep: Flags.string({ summary: 'Parameter grid JSON to sweep on all cores.' }),
  };

  async run(): Promise<unknown> {
    const [{ runBacktest }, { loadConfig }, { parseIsoMs, systemClock, isoOf }, { UsageError, NotAvailableError }, path] = await Promise.all([
      import('../src/kernel/backtest.js'), import('../src/config/load.js'), import('../src/core/clock.js'), import('../src/core/errors.js'), import('node:path'),
    ]);
    const f = this.flags;
    if (f.sweep !== undefined) throw new NotAvailableError('hedge backtest --sweep is not part of this build yet; run single backtests');
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
        strategies: f.strategy, params: f.param, symbols: f.symbols?.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== ''), timeframe: f.timeframe,
        navUsd: num('nav', f.nav, (x) => x > 0, 'a positive USD amount'), fee: num('fee', f.fee, (x) => x >= 0 && x < 0.1, 'a fraction of notional in [0, 0.1), e.g. 0.0004'),
        slippageBps: num('slippage', f.slippage, (x) => x >= 0 && x < 1000, 'bps per side in [0, 1000)'), fastPath: !f['every-bar'], stop,
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
    this.log(`\norders submitted ${r.orders.submitted}, fills ${r.orders.filled}, rejected ${r.orders.rejected}, vetoed ${r.orders.vetoed} · ${(r.timing.bars_per_s / 1e6).toFixed(2)} M bars/s`);
    for (const [k, file] of Object.entries(r.files)) this.log(`  ${k.padEnd(8)} ${file}`);
  }
}

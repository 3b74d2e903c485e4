import { Flags } from '@oclif/core';
import { NotAvailableError } from '../src/core/errors.js';
import { BaseCommand } from './base-command.js';

export default class Screener extends BaseCommand<typeof Screener> {
  static override summary = 'Screen the universe: features, volatility buckets, HMM regime; emit ranked proto-intents and write vetoes.';
  static override description = `--features prints the per-bar feature table of one symbol: time, OHLCV, every research indicator (TA-Lib's values,
null during warm-up; columns named <indicator>_<params>) and the HMM regime of each bar (calm, trend, chaos; the filtered state of a
model fitted on the log returns up to the last row). Screening the universe into proto-intents is not available in this build: the
strategies' signal logic is not built yet, and the command says so and exits 1.`;
  static override examples = [
    { description: 'Per-bar feature table of one symbol', command: '<%= config.bin %> <%= command.id %> --features --symbol BTCUSDT --timeframe 1h --from 2024-01-01 --to 2024-01-08 --json' },
    { description: 'Screen as of a past bar on the bundled history', command: '<%= config.bin %> <%= command.id %> --at 2024-01-01T00:00:00Z' },
  ];
  static override flags = {
    at: Flags.string({ summary: 'Screen as of this bar (ISO time, UTC); default: the latest bar.' }),
    features: Flags.boolean({ summary: 'Print the per-bar feature table of one symbol instead of screening.' }),
    symbol: Flags.string({ summary: 'Symbol for --features.', dependsOn: ['features'] }),
    timeframe: Flags.option({ options: ['1h', '4h', '1d'] as const, default: '1h', summary: 'Timeframe for --features.' })(),
    from: Flags.string({ summary: 'First bar of the feature table (ISO, UTC).' }),
    to: Flags.string({ summary: 'Last bar of the feature table (ISO, UTC).' }),
    'regime-states': Flags.integer({ summary: 'States of the regime model.', default: 3, min: 2, max: 8 }),
    seed: Flags.integer({ summary: 'Seed of the regime model initialisation.', default: 42 }),
  };

  async run(): Promise<unknown> {
    if (!this.flags.features)
      throw new NotAvailableError("hedge screener cannot screen the universe yet: the strategies' signal logic is not part of this build (hedge screener --features works).");
    const [{ featureTable }, { parseIsoMs }, { UsageError }, path] = await Promise.all([
      import('../src/screener/feature-table.js'),
      import('../src/core/clock.js'),
      import('../src/core/errors.js'),
      import('node:path'),
    ]);
    if (this.flags.symbol === undefined) throw new UsageError('--features needs --symbol');
    const parse = (flag: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const ms = parseIsoMs(v);
      if (ms === undefined) throw new UsageError(`${flag} must be an ISO date or time, was ${v}`);
      return ms;
    };
    const table = featureTable({
      stateDir: path.resolve(this.flags['state-dir']),
      symbol: this.flags.symbol.toUpperCase(),
      timeframe: this.flags.timeframe,
      fromMs: parse('--from', this.flags.from),
      toMs: parse('--to', this.flags.to),
      regimeStates: this.flags['regime-states'],
      seed: this.flags.seed,
    });
    if (!this.jsonEnabled()) {
      const cols = ['time', 'close', 'sma_20', 'ema_20', 'rsi_14', 'atr_14', 'macd_hist_12_26_9', 'adx_14', 'stoch_k_14_3_3', 'regime'] as const;
      const fmt = (v: unknown) => (v === null ? '—' : typeof v === 'number' ? v.toPrecision(6) : String(v));
      const width = (c: string) => (c === 'time' ? 25 : Math.max(12, c.length + 2));
      this.log(cols.map((c) => c.padEnd(width(c))).join(''));
      for (const r of table.rows) this.log(cols.map((c) => fmt(r[c]).padEnd(width(c))).join(''));
      this.log(`${table.rows.length} bar(s); all ${table.columns.length} columns with --json`);
    }
    return table;
  }
}

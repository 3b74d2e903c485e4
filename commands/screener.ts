import { Flags } from '@oclif/core';
import { BaseCommand } from './base-command.js';

export default class Screener extends BaseCommand<typeof Screener> {
  static override summary = 'Screen the universe: features, volatility buckets, HMM regime; emit ranked proto-intents and write vetoes.';
  static override description = `Without --features: screens the universe as of --at (default: the last bar). Every enabled strategy decides on the
bars closed by then; the screener adds volatility buckets (ATR% on 1h bars), the HMM regime of each symbol and the fingerprint of the
model that gave it; proto-intents are ranked by strength and sized under the cheap limits of risk_limits.json and strategy_config.json.
Every intent dropped or cut is written to logs/risk_vetoes.jsonl with its reason codes and numbers; the result is kept in
logs/screener.json. The same data and config give the same output.
--features prints the per-bar feature table of one symbol: time, OHLCV, every research indicator (TA-Lib's values, null during
warm-up; columns named <indicator>_<params>) and the HMM regime of each bar.`;
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
    if (!this.flags.features) return this.screenUniverse();
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

  private async screenUniverse(): Promise<unknown> {
    const [{ screen }, { loadConfig }, { appendLineage }, { readRuntimeEnv }, { parseIsoMs, systemClock }, { UsageError }, { statePaths }, path] = await Promise.all([
      import('../src/screener/screen.js'),
      import('../src/config/load.js'),
      import('../src/audit/lineage.js'),
      import('../src/config/env.js'),
      import('../src/core/clock.js'),
      import('../src/core/errors.js'),
      import('../src/telemetry/state-paths.js'),
      import('node:path'),
    ]);
    const atMs = this.flags.at === undefined ? undefined : parseIsoMs(this.flags.at);
    if (this.flags.at !== undefined && atMs === undefined) throw new UsageError(`--at must be an ISO time, was ${this.flags.at}`);
    const stateDir = path.resolve(this.flags['state-dir']);
    const loaded = loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile });
    appendLineage(statePaths(stateDir).lineage, loaded, { by: 'screener', env: readRuntimeEnv().env, clock: systemClock, auditOk: null });
    const { loadBundledFunding } = await import('../src/market/history.js');
    const result = screen({ loaded, stateDir, atMs, clock: systemClock, funding: new Map([['BTCUSDT', loadBundledFunding()]]) });
    (await this.logger()).info('screener.finished', { at: result.at, intents: result.intents.length, vetoes: result.vetoes.length, config_fingerprint: result.configFingerprint });
    if (!this.jsonEnabled()) {
      this.log(`screen as of ${result.at} · config ${result.configFingerprint.slice(0, 12)} · account ${result.account} NAV ${result.navUsd} USD`);
      this.log('rank strategy             symbol     side  strength  price        qty          notional   nav%   stop         regime');
      for (const i of result.intents)
        this.log(`${String(i.rank).padEnd(5)}${i.strategy.padEnd(21)}${i.symbol.padEnd(11)}${i.side.padEnd(6)}${i.strength.toFixed(3).padEnd(10)}${String(i.price).padEnd(13)}${String(i.qty).padEnd(13)}${i.notionalUsd.toFixed(2).padEnd(11)}${i.navPct.toFixed(2).padEnd(7)}${String(i.stopPrice ?? '—').padEnd(13)}${result.features.find((f) => f.symbol === i.symbol)?.regime ?? '—'}`);
      for (const v of result.vetoes) this.log(`${v.outcome.padEnd(5)}${v.strategy.padEnd(21)}${v.symbol.padEnd(11)}${v.side.padEnd(6)}${v.reasons.join(',')} ${JSON.stringify(v.details)}`);
      this.log(`${result.intents.length} intent(s), ${result.vetoes.length} veto/cut record(s) → ${result.files.vetoes}; snapshot ${result.files.snapshot}`);
    }
    return result;
  }
}

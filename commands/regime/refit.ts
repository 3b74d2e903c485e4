import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';

export default class RegimeRefit extends BaseCommand<typeof RegimeRefit> {
  static override summary = 'Refit the screening regime model of every symbol of the universe on its latest bars, and report the regimes.';
  static override description = `The model the screener and the strategies read (3-state Gaussian HMM, seed 42, on the last 2,000 1h log returns):
fitted for each symbol at --at (default: its last cached bar), saved under <state-dir>/cache/models/ with its lineage, and the regimes
reported. --dated writes the report to <state-dir>/research/regimes/<UTC date>.json, which the nightly hedge-regimes PM2 app does.`;
  static override examples = [
    { description: 'Refit every symbol of the universe and print the regimes', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'As the nightly PM2 app runs it', command: '<%= config.bin %> <%= command.id %> --dated' },
  ];
  static override flags = {
    symbols: Flags.string({ summary: 'Comma-separated symbols (default: the universe of strategy_config.json).' }),
    at: Flags.string({ summary: 'Fit on the bars closed by this instant (ISO, UTC; default: each symbol\'s last cached bar).' }),
    dated: Flags.boolean({ summary: 'Write the report to research/regimes/<UTC date>.json.' }),
  };

  async run(): Promise<unknown> {
    const [{ refitRegimes }, { loadConfig }, { parseIsoMs, systemClock, isoOf }, { UsageError }, { writeJsonAtomic }, path] = await Promise.all([
      import('../../src/screener/regime-models.js'), import('../../src/config/load.js'), import('../../src/core/clock.js'), import('../../src/core/errors.js'),
      import('../../src/telemetry/atomic-json.js'), import('node:path'),
    ]);
    const f = this.flags;
    this.exitWhenDone();
    const atMs = f.at === undefined ? undefined : parseIsoMs(f.at);
    if (f.at !== undefined && atMs === undefined) throw new UsageError(`--at ${f.at}: expected an ISO date or date-time`);
    const stateDir = path.resolve(f['state-dir']);
    const loaded = loadConfig({ configDir: path.resolve(f['config-dir']), profile: f.profile });
    const symbols = this.symbolList(f.symbols) ?? loaded.config.strategy_config.universe;
    const report = { schema_version: 1 as const, fitted_ts: systemClock.nowMs(), ...refitRegimes(stateDir, symbols, atMs, systemClock) };
    const file = f.dated ? path.join(stateDir, 'research', 'regimes', `${isoOf(systemClock.nowMs()).slice(0, 10)}.json`) : undefined;
    if (file !== undefined) writeJsonAtomic(file, report);
    (await this.logger()).info('regime.refit', { symbols: report.models.length, report: file ?? null });
    if (!this.jsonEnabled()) {
      for (const m of report.models) this.log(`${m.symbol.padEnd(10)} ${(m.regime ?? '—').padEnd(6)} ${m.model_fingerprint?.slice(0, 16) ?? m.reason ?? ''}  bars ${m.from ?? '—'} → ${m.to ?? '—'}`);
      if (file !== undefined) this.log(`report ${file}`);
    }
    return { ...report, file: file ?? null };
  }
}

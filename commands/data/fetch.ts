import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';

export default class DataFetch extends BaseCommand<typeof DataFetch> {
  static override summary = 'Download 1h klines (and funding) from Binance USD-M into the candle cache of the state dir.';
  static override description = `Extends the bundled history: bars land in <state-dir>/cache/candles/BINANCE_<SYMBOL>_1h.csv and funding
events in <state-dir>/cache/funding/, merged with what is there (nothing is lost or duplicated, the file is replaced atomically).
Public endpoints only: no keys needed. Needs a network; offline it fails with EXCHANGE_UNAVAILABLE after its retries.`;
  static override examples = [
    { description: 'The universe of the config, the last 30 days', command: '<%= config.bin %> <%= command.id %> --from 2026-10-22' },
    { description: 'Two symbols with funding, a fixed range', command: '<%= config.bin %> <%= command.id %> --symbols BTCUSDT,ETHUSDT --from 2024-06-16 --to 2024-09-01 --funding' },
  ];
  static override flags = {
    symbols: Flags.string({ summary: 'Comma-separated symbols (default: the universe of strategy_config.json).' }),
    from: Flags.string({ summary: 'Start, ISO date or time (UTC).', required: true }),
    to: Flags.string({ summary: 'End, ISO date or time (UTC); default: now.' }),
    funding: Flags.boolean({ summary: 'Download funding events too.' }),
    'base-url': Flags.string({ summary: 'REST base URL instead of the configured endpoint.' }),
  };

  async run(): Promise<unknown> {
    const [{ loadConfig }, { readRuntimeEnv }, { fetchHistory }, { parseIsoMs, systemClock }, { UsageError }, path] = await Promise.all([
      import('../../src/config/load.js'),
      import('../../src/config/env.js'),
      import('../../src/kernel/fetch-history.js'),
      import('../../src/core/clock.js'),
      import('../../src/core/errors.js'),
      import('node:path'),
    ]);
    const loaded = loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile });
    const fromMs = parseIsoMs(this.flags.from);
    const toMs = this.flags.to === undefined ? systemClock.nowMs() : parseIsoMs(this.flags.to);
    if (fromMs === undefined || toMs === undefined || toMs < fromMs) throw new UsageError(`--from/--to must be ISO dates with from ≤ to, were ${this.flags.from} and ${this.flags.to ?? 'now'}`);
    const symbols = this.symbolList(this.flags.symbols) ?? [...loaded.config.strategy_config.universe];
    const reports = await fetchHistory(loaded.config, {
      symbols, fromMs, toMs, funding: this.flags.funding, stateDir: path.resolve(this.flags['state-dir']), env: readRuntimeEnv().env, baseUrl: this.flags['base-url'],
    });
    (await this.logger()).info('data.loaded', { symbols, from_ms: fromMs, to_ms: toMs, bars_added: reports.reduce((n, r) => n + r.candles.added, 0) });
    if (!this.jsonEnabled())
      for (const r of reports) {
        this.log(`${r.symbol.padEnd(10)} bars fetched ${r.candles.fetched}, added ${r.candles.added}, cached ${r.candles.total} → ${r.candles.file}`);
        for (const g of r.candles.gaps) this.log(`  gap: ${g.missingBars} bar(s) missing after ${new Date(g.afterMs).toISOString()}`);
        if (r.funding !== null) this.log(`${''.padEnd(10)} funding fetched ${r.funding.fetched}, added ${r.funding.added}, cached ${r.funding.total} → ${r.funding.file}`);
      }
    return { reports };
  }
}

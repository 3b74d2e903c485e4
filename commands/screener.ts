import { Flags } from '@oclif/core';
import { NotAvailableError } from '../src/core/errors.js';
import { BaseCommand } from './base-command.js';

export default class Screener extends BaseCommand<typeof Screener> {
  static override summary = 'Screen the universe: features, volatility buckets, HMM regime; emit ranked proto-intents and write vetoes.';
  static override description = `Not available in this build: indicators, the HMM and the strategies' signal logic are not built yet;
the command says so and exits 1.`;
  static override examples = [
    { description: 'Screen as of a past bar on the bundled history', command: '<%= config.bin %> <%= command.id %> --at 2024-01-01T00:00:00Z' },
    { description: 'Per-bar feature table of one symbol', command: '<%= config.bin %> <%= command.id %> --features --symbol BTCUSDT --timeframe 1h --from 2024-01-01 --to 2024-01-08 --json' },
  ];
  static override flags = {
    at: Flags.string({ summary: 'Screen as of this bar (ISO time, UTC); default: the latest bar.' }),
    features: Flags.boolean({ summary: 'Print the per-bar feature table of one symbol instead of screening.' }),
    symbol: Flags.string({ summary: 'Symbol for --features.' }),
    timeframe: Flags.option({ options: ['1h', '4h', '1d'] as const, summary: 'Timeframe for --features.' })(),
    from: Flags.string({ summary: 'Start of the feature table (ISO, UTC).' }),
    to: Flags.string({ summary: 'End of the feature table (ISO, UTC).' }),
  };

  async run(): Promise<never> {
    throw new NotAvailableError('hedge screener cannot run yet: indicators, the regime model and the strategies\' signal logic are not part of this build.');
  }
}

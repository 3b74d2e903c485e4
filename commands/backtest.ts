import { Flags } from '@oclif/core';
import { NotAvailableError } from '../src/core/errors.js';
import { BaseCommand } from './base-command.js';

export default class Backtest extends BaseCommand<typeof Backtest> {
  static override summary = 'Replay cached history through the same kernel as the executor, with the paper venue and risk in the loop.';
  static override description = `Not available in this build: the kernel, the paper venue and the strategies' signal logic are not built yet;
the command says so and exits 1.`;
  static override examples = [
    { description: 'The reference SMA crossover on bundled BTCUSDT 1h', command: '<%= config.bin %> <%= command.id %> --strategy sma-cross --param fast=20 --param slow=50 --symbols BTCUSDT --timeframe 1h --fee 0.0004 --nav 10000 --trade-on-close --json' },
    { description: 'A parameter sweep on all cores', command: '<%= config.bin %> <%= command.id %> --sweep research/grids/momentum.json' },
  ];
  static override flags = {
    strategy: Flags.string({ summary: 'Strategy id or plugin (repeatable; default: every enabled strategy).', multiple: true }),
    param: Flags.string({ summary: 'Strategy parameter override, key=value (repeatable).', multiple: true }),
    symbols: Flags.string({ summary: 'Comma-separated symbols (default: the strategy\'s).' }),
    timeframe: Flags.option({ options: ['1h', '4h', '1d'] as const, summary: 'Bar timeframe.' })(),
    from: Flags.string({ summary: 'Start (ISO date, UTC).' }),
    to: Flags.string({ summary: 'End (ISO date, UTC).' }),
    nav: Flags.string({ summary: 'Starting NAV in USD.' }),
    fee: Flags.string({ summary: 'Fee override as a fraction of notional (0.0004 = 4 bps).' }),
    'trade-on-close': Flags.boolean({ summary: 'Fill at the close of the signal bar instead of the next bar\'s open.' }),
    data: Flags.string({ summary: 'Your own OHLCV CSV (open_time_ms,open,high,low,close,volume) instead of the cache.' }),
    sweep: Flags.string({ summary: 'Parameter grid JSON to sweep on all cores.' }),
  };

  async run(): Promise<never> {
    throw new NotAvailableError('hedge backtest cannot run yet: the kernel, the paper venue and the strategies\' signal logic are not part of this build.');
  }
}

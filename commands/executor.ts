import { Flags } from '@oclif/core';
import { NotAvailableError } from '../src/core/errors.js';
import { BaseCommand } from './base-command.js';

export default class Executor extends BaseCommand<typeof Executor> {
  static override summary = 'Run the trading cycle: signals → intents → risk → sizing → router → venue → telemetry.';
  static override description = `DRY-RUN on the paper venue by default. PRODUCTION only with ENV=prod (or testnet) and ALLOW_PROD_WRITE=1
and an account whose trading mode is "live". Not available in this build: the kernel, router and venue adapters are not built yet;
the command says so and exits 1 rather than pretend to trade.`;
  static override examples = [
    { description: 'Dry-run replay of a month of bundled history', command: 'ENV=dev <%= config.bin %> <%= command.id %> --replay --from 2024-01-01 --to 2024-02-01' },
    { description: 'One cycle, then exit', command: '<%= config.bin %> <%= command.id %> --once' },
    { description: 'Run until stopped (what PM2 runs as hedge-executor)', command: '<%= config.bin %> <%= command.id %> --loop' },
  ];
  static override flags = {
    once: Flags.boolean({ summary: 'Run one cycle and exit.', exclusive: ['loop', 'replay'] }),
    loop: Flags.boolean({ summary: 'Run cycles until stopped (SIGINT finishes the cycle and flushes telemetry).', exclusive: ['once', 'replay'] }),
    replay: Flags.boolean({ summary: 'Dry-run over bundled history as fast as it goes.', exclusive: ['once', 'loop'] }),
    from: Flags.string({ summary: 'Replay start (ISO date, UTC).', dependsOn: ['replay'] }),
    to: Flags.string({ summary: 'Replay end (ISO date, UTC).', dependsOn: ['replay'] }),
    account: Flags.string({ summary: 'Account of venues.json to run (default: default_account).' }),
  };

  async run(): Promise<never> {
    throw new NotAvailableError('hedge executor cannot run yet: the kernel, order router and venue adapters are not part of this build. Nothing was traded and no order was sent.');
  }
}

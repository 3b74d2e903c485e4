import { Flags } from '@oclif/core';
import { NotAvailableError } from '../src/core/errors.js';
import { BaseCommand } from './base-command.js';

export default class Sync extends BaseCommand<typeof Sync> {
  static override summary = 'Mirror telemetry and the config lineage to a directory or S3, incrementally and resumably.';
  static override description = `Not available in this build: the sync daemon and its sinks are not built yet; the command says so and exits 1.`;
  static override examples = [
    { description: 'One incremental pass to a mounted volume', command: '<%= config.bin %> <%= command.id %> --once --sink dir:/mnt/fund-mirror' },
    { description: 'Daemon mode (what PM2 runs as hedge-sync)', command: '<%= config.bin %> <%= command.id %>' },
  ];
  static override flags = {
    once: Flags.boolean({ summary: 'One pass, then exit.' }),
    sink: Flags.string({ summary: 'Override the configured sink for this run: dir:<path> or s3://bucket/prefix.' }),
  };

  async run(): Promise<never> {
    throw new NotAvailableError('hedge sync cannot run yet: the sync daemon and its sinks are not part of this build. Nothing was copied.');
  }
}

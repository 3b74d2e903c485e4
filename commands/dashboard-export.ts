import { Flags } from '@oclif/core';
import { NotAvailableError } from '../src/core/errors.js';
import { BaseCommand } from './base-command.js';

export default class DashboardExport extends BaseCommand<typeof DashboardExport> {
  static override summary = 'Fold telemetry into a self-contained dashboard bundle (index.html and its data).';
  static override description = `Not available in this build: the dashboard page and its data model are not built yet; the command says so and exits 1.`;
  static override examples = [
    { description: 'Export the current state', command: '<%= config.bin %> <%= command.id %> --out research/dashboard' },
    { description: 'Re-export whenever telemetry changes', command: '<%= config.bin %> <%= command.id %> --watch' },
  ];
  static override flags = {
    out: Flags.string({ summary: 'Output folder (default: dashboard.json out_dir).' }),
    watch: Flags.boolean({ summary: 'Re-export when telemetry changes.' }),
  };

  async run(): Promise<never> {
    throw new NotAvailableError('hedge dashboard-export cannot run yet: the dashboard page and its data model are not part of this build.');
  }
}

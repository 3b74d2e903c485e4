import { Flags } from '@oclif/core';
import { BaseCommand } from './base-command.js';

export default class Resume extends BaseCommand<typeof Resume> {
  static override summary = 'Lift the kill switch or a reduce-only state after checking why it tripped.';
  static override description = 'Removes the KILL flag and sets the persisted trading state to ACTIVE. --confirm is required and is recorded.';
  static override examples = [{ description: 'Resume after a check', command: '<%= config.bin %> <%= command.id %> --confirm "positions reconciled by J.D."' }];
  static override flags = { confirm: Flags.string({ summary: 'Who checked what; recorded as the reason.', required: true }) };

  async run(): Promise<unknown> {
    const [{ releaseKillSwitch }, { loadConfig }, { systemClock }, path] = await Promise.all([
      import('../src/risk/kill-switch.js'), import('../src/config/load.js'), import('../src/core/clock.js'), import('node:path'),
    ]);
    const loaded = loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile });
    releaseKillSwitch(path.resolve(this.flags['state-dir']), loaded.config, this.flags.confirm, systemClock);
    (await this.logger()).warn('risk.resumed', { confirmation: this.flags.confirm });
    if (!this.jsonEnabled()) this.log(`trading state ACTIVE: ${this.flags.confirm}`);
    return { tradingState: 'ACTIVE', confirmation: this.flags.confirm };
  }
}

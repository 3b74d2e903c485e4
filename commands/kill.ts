import { Flags } from '@oclif/core';
import { BaseCommand } from './base-command.js';

export default class Kill extends BaseCommand<typeof Kill> {
  static override summary = 'Engage the kill switch: halt new risk and cancel resting orders.';
  static override description = `Drops the flag file <state-dir>/cache/KILL, which a running executor watches (it halts within a second and cancels
its resting orders), and sets the persisted trading state to HALTED, so a restart comes back halted. Only hedge resume lifts it.`;
  static override examples = [{ description: 'Halt now', command: '<%= config.bin %> <%= command.id %> --reason "exchange incident"' }];
  static override flags = { reason: Flags.string({ summary: 'Why, for the record.', required: true }) };

  async run(): Promise<unknown> {
    const [{ engageKillSwitch }, { loadConfig }, { systemClock }, os, path] = await Promise.all([
      import('../src/risk/kill-switch.js'), import('../src/config/load.js'), import('../src/core/clock.js'), import('node:os'), import('node:path'),
    ]);
    const loaded = loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile });
    const record = engageKillSwitch(path.resolve(this.flags['state-dir']), loaded.config, this.flags.reason, `${os.userInfo().username}@${os.hostname()}`, systemClock);
    (await this.logger()).warn('risk.killed', { reason: record.reason, by: record.by });
    if (!this.jsonEnabled()) this.log(`kill switch engaged: ${record.reason} (trading state HALTED until hedge resume)`);
    return record;
  }
}

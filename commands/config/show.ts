import { BaseCommand } from '../base-command.js';

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static override summary = 'Print the effective config (defaults applied, profile overlaid) and its fingerprint.';
  static override examples = [
    { description: 'The base config', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'What the canary profile really runs with', command: '<%= config.bin %> <%= command.id %> --profile canary --json' },
  ];

  async run(): Promise<{ fingerprint: string; profile: string | null; config: unknown }> {
    const [{ loadConfig }, path] = await Promise.all([import('../../src/config/load.js'), import('node:path')]);
    const loaded = loadConfig({ configDir: path.resolve(this.flags['config-dir']), profile: this.flags.profile });
    (await this.logger()).info('config.loaded', { fingerprint: loaded.fingerprint, profile: loaded.profile, files: loaded.fileHashes });
    if (!this.jsonEnabled()) this.log(`${JSON.stringify(loaded.config, null, 2)}\nfingerprint ${loaded.fingerprint}${loaded.profile === null ? '' : ` (profile ${loaded.profile})`}`);
    return { fingerprint: loaded.fingerprint, profile: loaded.profile, config: loaded.config };
  }
}

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';

export default class ConfigSchema extends BaseCommand<typeof ConfigSchema> {
  static override summary = 'Generate config/schema/*.schema.json from the zod schemas (never edit them by hand).';
  static override examples = [
    { description: 'Regenerate the JSON Schemas', command: '<%= config.bin %> <%= command.id %> --write' },
    { description: 'Fail (exit 3) when the committed files are stale', command: '<%= config.bin %> <%= command.id %> --check' },
  ];
  static override flags = {
    write: Flags.boolean({ summary: 'Write the files.', exclusive: ['check'] }),
    check: Flags.boolean({ summary: 'Compare with the files on disk; exit 3 when any differs.', exclusive: ['write'] }),
  };

  async run(): Promise<{ dir: string; files: { file: string; status: 'written' | 'fresh' | 'stale' }[] }> {
    const [{ generateJsonSchemas }, fs, path] = await Promise.all([import('../../src/config/json-schema.js'), import('node:fs'), import('node:path')]);
    const dir = path.join(path.resolve(this.flags['config-dir']), 'schema');
    const files = generateJsonSchemas().map(({ file, text }) => {
      const target = path.join(dir, file);
      const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
      if (this.flags.write && current !== text) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(target, text);
        return { file: target, status: 'written' as const };
      }
      return { file: target, status: current === text ? ('fresh' as const) : ('stale' as const) };
    });
    if (!this.jsonEnabled()) for (const f of files) this.log(`${f.status.padEnd(8)} ${f.file}`);
    if (this.flags.check && files.some((f) => f.status === 'stale')) {
      this.logToStderr('JSON Schemas are stale: run `npm run schema` and commit config/schema/');
      this.exit(3);
    }
    return { dir, files };
  }
}

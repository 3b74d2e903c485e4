import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateJsonSchemas } from '../../src/config/json-schema.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { runCli } from '../support/cli.js';

describe('config/schema/*.schema.json', () => {
  it.each(generateJsonSchemas())('$file is what the zod schema generates (run `npm run schema` if not)', ({ file, text }) => {
    expect(readFileSync(path.join(defaultConfigDir, 'schema', file), 'utf8')).toBe(text);
  });

  it('hedge config schema --check agrees', () => {
    expect(runCli(['config', 'schema', '--check']).code).toBe(0);
  });

  it('every shipped config file names its schema for editors', () => {
    for (const { file } of generateJsonSchemas().filter((g) => g.file !== 'profile.schema.json')) {
      const config = JSON.parse(readFileSync(path.join(defaultConfigDir, file.replace('.schema', '')), 'utf8')) as { $schema?: string };
      expect(config.$schema).toBe(`./schema/${file}`);
    }
  });
});

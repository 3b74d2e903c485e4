import { z } from 'zod';
import { configFileIds, configFiles } from './files.js';
import { ProfileSchema } from './profile.js';

/** One generated JSON Schema document and the file it belongs in under `config/schema/`. */
export interface GeneratedSchema {
  readonly file: string;
  readonly text: string;
}

/**
 * JSON Schemas generated from the zod schemas (never written by hand), describing the *input* form:
 * members with defaults are optional. Cross-field rules (zod refinements) are not expressible here;
 * `hedge audit` checks them with zod.
 */
export function generateJsonSchemas(): GeneratedSchema[] {
  const entries: [string, z.ZodType][] = [
    ...configFileIds.map((id) => [configFiles[id].file.replace(/\.json$/, ''), configFiles[id].schema] as [string, z.ZodType]),
    ['profile', ProfileSchema],
  ];
  return entries.map(([name, schema]) => {
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
    const doc = { ...json, $id: `https://hedge.local/schema/${name}.schema.json`, title: `hedge ${name}` };
    return { file: `${name}.schema.json`, text: `${JSON.stringify(doc, null, 2)}\n` };
  });
}

import { z } from 'zod';
import { configFileIds, type ConfigFileId } from './files.js';
import { schemaRefField, schemaVersionField } from './fields.js';

const overrideShape = Object.fromEntries(
  configFileIds.map((id) => [id, z.record(z.string(), z.unknown()).optional().describe(`Merge patch over ${id}.json`)]),
) as Record<ConfigFileId, z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>>;

/**
 * `config/profiles/<name>.json`: an overlay on the base config. Each member of `overrides` is an
 * RFC 7396 merge patch applied to the file of that id before validation; the result is validated and
 * audited exactly like the base.
 */
export const ProfileSchema = z.strictObject({
  $schema: schemaRefField,
  schema_version: schemaVersionField,
  description: z.string().max(500).default(''),
  overrides: z.strictObject(overrideShape).describe('Merge patches keyed by config file id'),
});
export type ProfileConfig = z.infer<typeof ProfileSchema>;

/** Profile names are file names under `config/profiles/`. */
export const profileNamePattern = /^[a-z][a-z0-9-]{0,31}$/;

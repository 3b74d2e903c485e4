import { z } from 'zod';
import { idField, schemaRefField, schemaVersionField } from '../fields.js';

export const DirSinkSchema = z.strictObject({
  type: z.literal('dir'),
  path: z.string().min(1).describe('Mirror directory; relative paths are relative to the state dir'),
});

export const S3SinkSchema = z.strictObject({
  type: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
  prefix: z.string().default('').describe('Key prefix; the node id is appended'),
  region: z.string().default('us-east-1'),
  endpoint: z.string().regex(/^https?:\/\/[^\s/?#]+(:\d+)?(\/[^\s]*)?$/, 'an http(s) URL').optional().describe('Override for S3-compatible stores'),
  force_path_style: z.boolean().default(false),
});

/** `config/sync.json`: where telemetry is mirrored. */
export const SyncConfigSchema = z.strictObject({
  $schema: schemaRefField,
  schema_version: schemaVersionField,
  node_id: idField.describe('This executor node, used as the prefix at the sink'),
  interval_s: z.number().min(0.2).max(3_600).default(1).describe('Daemon poll interval'),
  sink: z.discriminatedUnion('type', [DirSinkSchema, S3SinkSchema]),
});
export type SyncConfig = z.infer<typeof SyncConfigSchema>;

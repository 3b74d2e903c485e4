import { z } from 'zod';
import { envVarNameField, schemaRefField, schemaVersionField } from '../fields.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** True when `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host);
}

/** `config/dashboard.json`: the dashboard export and service. */
export const DashboardConfigSchema = z
  .strictObject({
    $schema: schemaRefField,
    schema_version: schemaVersionField,
    title: z.string().min(1).max(80).default('hedge'),
    host: z.string().min(1).default('127.0.0.1').describe('Bind address; anything but loopback needs token_env'),
    port: z.number().int().min(1).max(65_535).default(8787),
    token_env: envVarNameField.optional().describe('Environment variable holding the access token'),
    refresh_s: z.number().min(1).max(3_600).default(5),
    out_dir: z.string().min(1).default('research/dashboard').describe('Bundle folder, relative to the state dir'),
  })
  .superRefine((d, ctx) => {
    if (!isLoopbackHost(d.host) && d.token_env === undefined)
      ctx.addIssue({ code: 'custom', path: ['token_env'], message: `an access token variable when host is not loopback (host is ${d.host})` });
  });
export type DashboardConfig = z.infer<typeof DashboardConfigSchema>;

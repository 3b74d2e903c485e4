import { z } from 'zod';
import { Timeframes } from '../domain/timeframe.js';

/** A venue symbol such as `BTCUSDT`: upper-case letters and digits. */
export const symbolField = z
  .string()
  .regex(/^[A-Z0-9]{2,30}$/, 'an upper-case venue symbol such as "BTCUSDT"')
  .describe('Venue symbol, e.g. BTCUSDT');

/** A percentage of NAV, 0 < x ≤ limit. */
export function pctField(description: string, max = 100) {
  return z.number().positive().max(max).describe(`${description} (percent, 0 < x ≤ ${max})`);
}

/** Leverage multiple as Binance accepts it: an integer 1 … 125. */
export const leverageField = z.number().int().min(1).max(125).describe('Leverage multiple, integer 1 … 125');

/** A bar timeframe. */
export const timeframeField = z.enum(Timeframes).describe('Bar timeframe');

/** The name of an environment variable that holds a secret (never the secret itself). */
export const envVarNameField = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'the NAME of an environment variable (upper case, digits, _), never the secret itself')
  .describe('Name of the environment variable holding the value; the value itself never appears in config');

/** A strategy or account identifier: lower-case kebab. */
export const idField = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,47}$/, 'a lower-case identifier (letters, digits, -), at most 48 characters')
  .describe('Identifier: lower-case letters, digits and -');

/** The version every config file declares, so files can be migrated explicitly. */
export const schemaVersionField = z.literal(1).describe('Version of this file format; 1 is current');

/** The `$schema` member editors use to find the JSON Schema; carries no meaning for hedge. */
export const schemaRefField = z.string().optional().describe('Path of the generated JSON Schema, for editors');

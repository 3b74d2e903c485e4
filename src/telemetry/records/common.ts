import { z } from 'zod';

/** Every telemetry record carries this version; bump it with a migration note when a shape changes. */
export const TELEMETRY_SCHEMA_VERSION = 1 as const;

export const schemaVersion = z.literal(TELEMETRY_SCHEMA_VERSION);
/** Epoch milliseconds. */
export const tsMs = z.number().int().nonnegative();
/** Config fingerprint (SHA-256 hex) a record was decided under. */
export const fingerprint = z.string().regex(/^[0-9a-f]{64}$/);
/** Numbers that reach a venue are exact decimal strings. */
export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/);
export const side = z.enum(['buy', 'sell']);

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { registerSecret } from '../core/secrets.js';

/** Deployment environment: dev uses replay and the paper venue; testnet and prod reach Binance. */
export const Environments = ['dev', 'testnet', 'prod'] as const;
export type Environment = (typeof Environments)[number];

const EnvSchema = z.object({
  ENV: z.enum(Environments).default('dev'),
  ALLOW_PROD_WRITE: z.enum(['0', '1', '']).default(''),
  HEDGE_PROFILE: z.string().optional(),
});

/** What the process environment allows. */
export interface RuntimeEnv {
  readonly env: Environment;
  /** `ALLOW_PROD_WRITE=1` was given. */
  readonly allowProdWrite: boolean;
  /** Real orders may leave the process: ENV is testnet or prod and ALLOW_PROD_WRITE=1. */
  readonly writesEnabled: boolean;
  /** Profile named by HEDGE_PROFILE, if any. */
  readonly profile: string | undefined;
}

/**
 * Loads `<dir>/.env` (ignored by git) into `process.env` without overriding variables that are
 * already set, so the real environment always wins. A missing file is fine.
 */
export function loadDotEnv(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(path.join(dir, '.env'), 'utf8');
  } catch {
    return [];
  }
  const applied: string[] = [];
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (process.env[key] === undefined) {
      process.env[key] = value;
      applied.push(key);
    }
  }
  return applied;
}

/** Reads ENV, ALLOW_PROD_WRITE and HEDGE_PROFILE; a wrong value is a usage error (exit 2). */
export function readRuntimeEnv(source: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  const parsed = EnvSchema.safeParse({ ENV: source['ENV'], ALLOW_PROD_WRITE: source['ALLOW_PROD_WRITE'], HEDGE_PROFILE: source['HEDGE_PROFILE'] });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const allowed = name === 'ENV' ? Environments.join(', ') : '0 or 1';
    throw new UsageError(`environment variable ${name} must be one of ${allowed}, was "${String(source[name])}"`);
  }
  const { ENV, ALLOW_PROD_WRITE, HEDGE_PROFILE } = parsed.data;
  const allowProdWrite = ALLOW_PROD_WRITE === '1';
  return Object.freeze({ env: ENV, allowProdWrite, writesEnabled: ENV !== 'dev' && allowProdWrite, profile: HEDGE_PROFILE });
}

/** Reads a secret from the environment by variable name and registers it for redaction. */
export function readSecret(name: string, source: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = source[name];
  if (value === undefined || value === '') return undefined;
  registerSecret(value);
  return value;
}

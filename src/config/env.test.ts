import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { scrubSecrets } from '../core/secrets.js';
import { tempDir } from '../../test/support/config-copy.js';
import { loadDotEnv, readRuntimeEnv, readSecret } from './env.js';

describe('readRuntimeEnv', () => {
  it('defaults to dev with writes disabled', () => {
    expect(readRuntimeEnv({})).toMatchObject({ env: 'dev', allowProdWrite: false, writesEnabled: false });
  });
  it.each([
    [{ ENV: 'prod' }, false],
    [{ ENV: 'prod', ALLOW_PROD_WRITE: '0' }, false],
    [{ ENV: 'dev', ALLOW_PROD_WRITE: '1' }, false],
    [{ ENV: 'testnet', ALLOW_PROD_WRITE: '1' }, true],
    [{ ENV: 'prod', ALLOW_PROD_WRITE: '1' }, true],
  ])('%j → writes enabled: %s', (env, enabled) => {
    expect(readRuntimeEnv(env).writesEnabled).toBe(enabled);
  });
  it('refuses an unknown environment instead of guessing', () => {
    expect(() => readRuntimeEnv({ ENV: 'production' })).toThrow(UsageError);
    expect(() => readRuntimeEnv({ ENV: 'production' })).toThrow(/ENV must be one of dev, testnet, prod, was "production"/);
    expect(() => readRuntimeEnv({ ALLOW_PROD_WRITE: 'yes' })).toThrow(/ALLOW_PROD_WRITE/);
  });
});

describe('loadDotEnv', () => {
  const keys = ['HEDGE_TEST_A', 'HEDGE_TEST_B'];
  afterEach(() => keys.forEach((k) => delete process.env[k]));

  it('applies .env values without overriding the real environment', () => {
    const t = tempDir();
    try {
      writeFileSync(path.join(t.dir, '.env'), 'HEDGE_TEST_A=from-file\nHEDGE_TEST_B="quoted value"\n');
      process.env['HEDGE_TEST_A'] = 'from-env';
      expect(loadDotEnv(t.dir)).toEqual(['HEDGE_TEST_B']);
      expect(process.env['HEDGE_TEST_A']).toBe('from-env');
      expect(process.env['HEDGE_TEST_B']).toBe('quoted value');
    } finally {
      t.cleanup();
    }
  });

  it('is a no-op without a .env file', () => {
    const t = tempDir();
    expect(loadDotEnv(t.dir)).toEqual([]);
    t.cleanup();
  });
});

describe('readSecret', () => {
  it('registers what it reads so it can never be logged', () => {
    const value = 'sEcReT-4f8a9b0c1d2e3f';
    expect(readSecret('X_KEY', { X_KEY: value })).toBe(value);
    expect(scrubSecrets(`GET /fapi/v1/order?signature=${value}`)).toBe('GET /fapi/v1/order?signature=[REDACTED]');
    expect(readSecret('MISSING', {})).toBeUndefined();
  });
});

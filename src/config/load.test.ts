import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../core/errors.js';
import { defaultConfigDir } from '../core/paths.js';
import { configCopy } from '../../test/support/config-copy.js';
import { loadConfig } from './load.js';

describe('loadConfig', () => {
  it('loads the shipped config, applies defaults and freezes it', () => {
    const loaded = loadConfig({ configDir: defaultConfigDir });
    expect(loaded.config.strategy_config.universe).toHaveLength(11);
    expect(loaded.config.router_policy.defaults.ttl_s).toBe(30);
    expect(loaded.config.venues.accounts['paper-main']?.position_mode).toBe('one-way'); // a default
    expect(Object.isFrozen(loaded.config.risk_limits.global)).toBe(true);
    expect(() => {
      (loaded.config.risk_limits.global as { max_leverage: number }).max_leverage = 100;
    }).toThrow(TypeError);
    expect(loaded.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same fingerprint for the same meaning, whatever the key order, spacing or $schema', () => {
    const copy = configCopy();
    try {
      const file = path.join(copy.dir, 'risk_limits.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const reordered = Object.fromEntries(Object.entries(doc).reverse().filter(([k]) => k !== '$schema'));
      writeFileSync(file, JSON.stringify(reordered));
      expect(loadConfig({ configDir: copy.dir }).fingerprint).toBe(loadConfig({ configDir: defaultConfigDir }).fingerprint);
    } finally {
      copy.cleanup();
    }
  });

  it('changes the fingerprint when a value changes, even to its default', () => {
    const base = loadConfig({ configDir: defaultConfigDir }).fingerprint;
    const copy = configCopy([{ file: 'risk_limits.json', patch: { global: { max_leverage: 2 } } }]);
    try {
      expect(loadConfig({ configDir: copy.dir }).fingerprint).not.toBe(base);
    } finally {
      copy.cleanup();
    }
  });

  it('overlays a profile by RFC 7396 merge patch', () => {
    const canary = loadConfig({ configDir: defaultConfigDir, profile: 'canary' });
    expect(canary.profile).toBe('canary');
    expect(canary.config.risk_limits.global.max_leverage).toBe(1);
    expect(canary.config.risk_limits.global.day_reset_timezone).toBe('UTC'); // kept from the base
    expect(canary.config.strategy_registry.strategies['vol-target-4h']?.enabled).toBe(false);
    expect(canary.fileHashes['profiles/canary.json']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('points at the profile file for a bad value the profile set', () => {
    const copy = configCopy([{ file: 'profiles/canary.json', patch: { overrides: { risk_limits: { global: { max_leverage: 'one' } } } } }]);
    try {
      loadConfig({ configDir: copy.dir, profile: 'canary' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const issue = (err as ConfigError).issues[0];
      expect(issue?.file).toBe(path.join(copy.dir, 'profiles', 'canary.json'));
      expect(issue?.path).toBe('$.global.max_leverage');
      expect(issue?.line).toBeGreaterThan(1);
    } finally {
      copy.cleanup();
    }
  });

  it('names the known profiles when asked for an unknown one', () => {
    expect(() => loadConfig({ configDir: defaultConfigDir, profile: 'canry' })).toThrow(UsageError);
    expect(() => loadConfig({ configDir: defaultConfigDir, profile: 'canry' })).toThrow(/known: canary/);
  });

  it('collects the issues of every file before failing', () => {
    const copy = configCopy([
      { file: 'sync.json', patch: { interval_s: 'fast' } },
      { file: 'dashboard.json', patch: { port: 0 } },
    ]);
    try {
      expect.assert.throws(() => loadConfig({ configDir: copy.dir }));
      try {
        loadConfig({ configDir: copy.dir });
      } catch (err) {
        const files = (err as ConfigError).issues.map((i) => path.basename(i.file));
        expect(files).toEqual(['sync.json', 'dashboard.json']);
        expect((err as ConfigError).exitCode).toBe(2);
      }
    } finally {
      copy.cleanup();
    }
  });
});

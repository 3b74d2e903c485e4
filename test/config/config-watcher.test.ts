import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigWatcher, type ReloadOutcome } from '../../src/config/config-watcher.js';
import { loadConfig } from '../../src/config/load.js';
import { mergePatch } from '../../src/config/merge-patch.js';
import { configCopy } from '../support/config-copy.js';

/** Polls `pred` (which may have side effects: it is called until it first says true) for up to `ms`. */
const until = async (pred: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  for (;;) {
    if (pred()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('config hot reload', () => {
  it('applies a valid change at the next cycle boundary and rejects an invalid one, keeping the last good config', async () => {
    const copy = configCopy();
    const initial = loadConfig({ configDir: copy.dir });
    const outcomes: ReloadOutcome[] = [];
    const w = new ConfigWatcher({ configDir: copy.dir }, initial, (o) => outcomes.push(o));
    await w.start();
    try {
      const file = path.join(copy.dir, 'risk_limits.json');
      const edit = (patch: object) => writeFileSync(file, JSON.stringify(mergePatch(JSON.parse(readFileSync(file, 'utf8')), patch), null, 2));

      edit({ global: { max_leverage: 2 } });
      expect(await until(() => w.applyPending() !== undefined)).toBe(true);
      expect(w.config.config.risk_limits.global.max_leverage).toBe(2);
      expect(outcomes.at(-1)).toMatchObject({ type: 'reloaded', previousFingerprint: initial.fingerprint });
      const good = w.config.fingerprint;

      writeFileSync(file, '{ "schema_version": 1, "global": { "max_leverage": "lots" } }');
      expect(await until(() => outcomes.at(-1)?.type === 'rejected')).toBe(true);
      const rejected = outcomes.at(-1);
      expect(rejected).toMatchObject({ type: 'rejected', keptFingerprint: good });
      expect(rejected?.type === 'rejected' && rejected.issues[0]?.path).toBe('$.global.max_leverage');
      expect(w.applyPending()).toBeUndefined();
      expect(w.config.fingerprint).toBe(good);
    } finally {
      await w.close();
      copy.cleanup();
    }
  });

  it('a change undone before the cycle boundary (A → B → A) reloads nothing', async () => {
    const copy = configCopy();
    const initial = loadConfig({ configDir: copy.dir });
    const outcomes: ReloadOutcome[] = [];
    const w = new ConfigWatcher({ configDir: copy.dir }, initial, (o) => outcomes.push(o));
    try {
      const file = path.join(copy.dir, 'risk_limits.json');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, JSON.stringify(mergePatch(JSON.parse(original), { global: { max_leverage: 2 } }), null, 2));
      w.check();
      writeFileSync(file, original);
      w.check();
      expect(w.applyPending()).toBeUndefined();
      expect(outcomes).toEqual([]);
      expect(w.config.fingerprint).toBe(initial.fingerprint);
    } finally {
      await w.close();
      copy.cleanup();
    }
  });
});

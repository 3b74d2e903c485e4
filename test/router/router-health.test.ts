import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { mergePatch } from '../../src/config/merge-patch.js';
import type { RouterPolicyConfig } from '../../src/config/schemas/router-policy.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { decideRoute, RouterHealth, type RouteSample } from '../../src/router/router-health.js';
import { RouterHealthSnapshot } from '../../src/telemetry/records/router-health.js';

const base = loadConfig({ configDir: defaultConfigDir }).config.router_policy;
const policy = (patch: object = {}) => mergePatch(JSON.parse(JSON.stringify(base)), patch) as RouterPolicyConfig;
const fill = (slippageBps = 1): RouteSample => ({ filled: true, rejected: false, timeToFillMs: 800, slippageBps, latencyMs: 40, missed: false });
const miss: RouteSample = { filled: false, rejected: false, timeToFillMs: null, slippageBps: null, latencyMs: 40, missed: true };
const reject: RouteSample = { filled: false, rejected: true, timeToFillMs: null, slippageBps: null, latencyMs: 40, missed: false };

describe('router health', () => {
  it('a per-symbol override changes only what it names; the rest comes from defaults', () => {
    const h = new RouterHealth(loadConfig({ configDir: defaultConfigDir }).config.router_policy);
    const p = policy({ defaults: { max_replaces: 1, ttl_s: 5 } });
    const tuned = new RouterHealth(p);
    // config/router_policy.json: DOGEUSDT overrides ttl_s only, FILUSDT the mode only
    expect(h.settingsOf('DOGEUSDT')).toEqual({ ...base.defaults, ttl_s: 20 });
    expect(tuned.settingsOf('DOGEUSDT')).toEqual({ ...p.defaults, ttl_s: 20 });
    expect(tuned.settingsOf('FILUSDT')).toEqual({ ...p.defaults, mode: 'taker' });
  });

  it('takes a reloaded policy: per-symbol settings change, the state and offset carry on', () => {
    const h = new RouterHealth(base);
    for (let i = 0; i < 3; i++) h.record('BTCUSDT', miss, i);
    const offset = h.offsetOf('BTCUSDT');
    h.setPolicy(policy({ defaults: { ttl_s: 7, mode: 'taker' } }));
    expect(h.settingsOf('BTCUSDT')).toMatchObject({ ttl_s: 7, mode: 'taker' });
    expect(h.offsetOf('BTCUSDT')).toBe(offset);
  });

  it('stays good while fills are plentiful and cheap', () => {
    const h = new RouterHealth(base);
    for (let i = 0; i < 30; i++) h.record('BTCUSDT', fill(), i);
    expect(h.stateOf('BTCUSDT')).toBe('good');
  });

  it('turns bad on rejects only after the hysteresis, and comes back the same way', () => {
    const h = new RouterHealth(base); // min_samples 10, hysteresis 5, bad reject rate 0.2
    for (let i = 0; i < 10; i++) h.record('ETHUSDT', fill(), i);
    const states: string[] = [];
    for (let i = 0; i < 8; i++) states.push(h.record('ETHUSDT', reject, 100 + i));
    // rejects reach 20 % of 13 samples at the 3rd; the state changes 5 agreeing samples later
    expect(states.indexOf('bad')).toBe(6);
    const back: string[] = [];
    for (let i = 0; i < 60; i++) back.push(h.record('ETHUSDT', fill(), 200 + i));
    expect(back.at(-1)).toBe('good');
    expect(h.snapshot('paper-main', 999).symbols['ETHUSDT']?.since_ts).toBeGreaterThan(200);
  });

  it('tightens the offset after missed fills and widens it after adverse ones, within bounds', () => {
    const h = new RouterHealth(base); // initial 1, min 0, max 10, tighten 0.5, widen 1
    h.record('SOLUSDT', miss, 0);
    expect(h.offsetOf('SOLUSDT')).toBe(0.5);
    for (let i = 0; i < 5; i++) h.record('SOLUSDT', miss, i);
    expect(h.offsetOf('SOLUSDT')).toBe(0);
    for (let i = 0; i < 20; i++) h.record('SOLUSDT', fill(12), i);
    expect(h.offsetOf('SOLUSDT')).toBe(10);
  });

  it('snapshots to router_health.json and warm-starts from it', () => {
    const h = new RouterHealth(base);
    for (let i = 0; i < 12; i++) h.record('BTCUSDT', miss, i);
    const snap = h.snapshot('paper-main', 1_000);
    expect(RouterHealthSnapshot.safeParse(snap).success).toBe(true);
    const again = new RouterHealth(base);
    again.restore(snap);
    expect(again.stateOf('BTCUSDT')).toBe(h.stateOf('BTCUSDT'));
    expect(again.offsetOf('BTCUSDT')).toBe(h.offsetOf('BTCUSDT'));
  });
});

describe('route decision', () => {
  const bad = (p: RouterPolicyConfig) => {
    const h = new RouterHealth(p);
    for (let i = 0; i < 20; i++) h.record('XRPUSDT', reject, i);
    return h;
  };

  it('routes maker first with the adaptive offset, taker for urgent exits and taker-mode symbols', () => {
    const h = new RouterHealth(base);
    expect(decideRoute(h, base, 'BTCUSDT', false)).toEqual({ type: 'maker', offsetBps: 1, ttlS: 30, takerFallback: true });
    expect(decideRoute(h, base, 'BTCUSDT', true)).toEqual({ type: 'taker' });
    expect(decideRoute(h, base, 'FILUSDT', false)).toEqual({ type: 'taker' }); // per_symbol mode taker
    expect(decideRoute(h, base, 'DOGEUSDT', false)).toMatchObject({ ttlS: 20 }); // per_symbol TTL
  });

  it('routes a bad symbol taker-only, or blocks it when so configured (exits still go)', () => {
    expect(decideRoute(bad(base), base, 'XRPUSDT', false)).toEqual({ type: 'taker' });
    const blocking = policy({ bad_symbol_action: 'block' });
    expect(decideRoute(bad(blocking), blocking, 'XRPUSDT', false)).toMatchObject({ type: 'blocked' });
    expect(decideRoute(bad(blocking), blocking, 'XRPUSDT', true)).toEqual({ type: 'taker' });
  });
});

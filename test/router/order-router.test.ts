import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { mergePatch } from '../../src/config/merge-patch.js';
import type { RouterPolicyConfig } from '../../src/config/schemas/router-policy.js';
import { ManualClock } from '../../src/core/clock.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import type { Order } from '../../src/domain/order.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { OrderRouter } from '../../src/router/order-router.js';
import { RouterHealth } from '../../src/router/router-health.js';
import { PaperVenue } from '../../src/venues/paper/paper-venue.js';

const instruments = loadBundledInstruments();
const base = loadConfig({ configDir: defaultConfigDir }).config.router_policy;

/**
 * The router on the paper venue with a moving book. `path` is the best bid/ask the market shows at each
 * poll (one per second of the manual clock); the paper venue fills resting limits the book trades through.
 */
function setup(patch: object, path: [number, number][]) {
  const policy = mergePatch(JSON.parse(JSON.stringify(base)), patch) as RouterPolicyConfig;
  const clock = new ManualClock(1_700_000_000_000);
  const venue = new PaperVenue({ instruments, clock, startingBalanceUsd: 10_000, makerBps: 2, takerBps: 5, spreadBps: 2, impactBpsPer10kUsd: 0 });
  const health = new RouterHealth(policy);
  const seen: Order[] = [];
  let k = 0;
  const router = new OrderRouter({
    venue, clock, health, policy: () => policy, instruments, pollMs: 1_000,
    book: async (symbol) => {
      const [bid, ask] = path[Math.min(k++, path.length - 1)] ?? [0, 0];
      venue.onBook(symbol, [[bid, 10]], [[ask, 10]]);
      return { symbol, bidPrice: bid, bidQty: 10, askPrice: ask, askQty: 10, tsMs: clock.nowMs() };
    },
    onOrder: (o) => seen.push(o),
  });
  return { router, venue, health, seen, clock };
}

const req = { clientOrderId: 'h1-0-BTCUSDT-e', symbol: 'BTCUSDT', side: 'buy' as const, qty: 0.01, reduceOnly: false, urgent: false, decisionPrice: 50_000 };

describe('order router', () => {
  it('rests a post-only limit below the mid and takes the maker fill when the market trades through it', async () => {
    const { router, seen, health } = setup({ defaults: { ttl_s: 10, offset_bps: { initial: 2 } } }, [[49_999.9, 50_000.1], [49_995, 49_996], [49_980, 49_985]]);
    const r = await router.route(req);
    // mid 50,000 less 2 bps = 49,990 (never above the bid)
    expect(seen[0]).toMatchObject({ type: 'limit', timeInForce: 'GTX', price: 49_990, status: 'new' });
    expect(r).toMatchObject({ filledQty: 0.01, avgFillPrice: 49_990, blocked: null });
    expect(r.orders).toHaveLength(1);
    expect(health.snapshot('a', 0).symbols['BTCUSDT']).toMatchObject({ samples: 1, fill_rate: 1 });
  });

  it('cancels at the TTL, replaces at the new price, then crosses the spread for the rest; a miss tightens the offset', async () => {
    const { router, seen, health } = setup({ defaults: { ttl_s: 2, max_replaces: 1, offset_bps: { initial: 2, tighten_step: 0.5 } } }, [[49_999.9, 50_000.1]]);
    const r = await router.route(req);
    expect(r.orders.map((o) => [o.clientOrderId, o.type, o.status])).toEqual([
      ['h1-0-BTCUSDT-e', 'limit', 'canceled'],
      ['h1-0-BTCUSDT-e.1', 'limit', 'canceled'],
      ['h1-0-BTCUSDT-e.t', 'market', 'filled'],
    ]);
    expect(r.filledQty).toBe(0.01);
    expect(seen.filter((o) => o.status === 'canceled')).toHaveLength(2);
    // two misses: 2 → 1.5 → 1 bps
    expect(health.offsetOf('BTCUSDT')).toBe(1);
  });

  it('goes taker at once for urgent orders and taker-mode symbols, and gives up without taker_fallback', async () => {
    const urgent = setup({}, [[49_999.9, 50_000.1]]);
    expect((await urgent.router.route({ ...req, urgent: true })).orders.map((o) => o.type)).toEqual(['market']);
    const maker = setup({ defaults: { mode: 'maker', ttl_s: 1, max_replaces: 0 } }, [[49_999.9, 50_000.1]]);
    const r = await maker.router.route(req);
    expect(r.orders.map((o) => [o.type, o.status])).toEqual([['limit', 'canceled']]);
    expect(r.filledQty).toBe(0);
  });

  it('blocks a bad symbol when the policy says block, and sends nothing', async () => {
    const { router, health, seen } = setup({ bad_symbol_action: 'block', health: { min_samples: 1, hysteresis_samples: 0 } }, [[49_999.9, 50_000.1]]);
    health.record('BTCUSDT', { filled: false, rejected: true, timeToFillMs: null, slippageBps: null, latencyMs: 5, missed: false }, 0);
    expect(health.stateOf('BTCUSDT')).toBe('bad');
    const r = await router.route(req);
    expect(r.blocked).toContain('BTCUSDT');
    expect(seen).toEqual([]);
  });
});

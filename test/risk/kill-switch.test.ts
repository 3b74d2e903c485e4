import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { loadBundledInstruments } from '../../src/market/instrument-provider.js';
import { engageKillSwitch, readKillFlag, releaseKillSwitch, watchKillSwitch } from '../../src/risk/kill-switch.js';
import { loadRiskState } from '../../src/risk/risk-state.js';
import { PaperVenue } from '../../src/venues/paper/paper-venue.js';
import { runCliAsync } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';

const config = loadConfig({ configDir: defaultConfigDir }).config;

describe('kill switch', () => {
  it('a watcher sees the flag, and the resting orders it cancels are gone; the state stays HALTED until resumed', async () => {
    const t = tempDir();
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const venue = new PaperVenue({ instruments: loadBundledInstruments(), clock, startingBalanceUsd: 100_000, makerBps: 2, takerBps: 5, spreadBps: 2, impactBpsPer10kUsd: 0 });
    venue.setMark('ETHUSDT', 2_000);
    for (let i = 0; i < 20; i++) await venue.createOrder({ clientOrderId: `rest-${i}`, symbol: 'ETHUSDT', side: 'buy', type: 'limit', qty: 0.05, price: 1_950 - i, timeInForce: 'GTC', reduceOnly: false });
    expect(await venue.fetchOpenOrders()).toHaveLength(20);
    const halted = new Promise<string>((resolve) => {
      void watchKillSwitch(t.dir, async (record) => {
        for (const o of await venue.fetchOpenOrders()) await venue.cancelOrder(o.symbol, o.clientOrderId);
        resolve(record.reason);
      }).then((w) => halted.finally(() => w.close()));
    });
    const r = await runCliAsync(['kill', '--reason', 'test incident', '--state-dir', t.dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(await halted).toBe('test incident');
    expect(await venue.fetchOpenOrders()).toEqual([]);
    expect(loadRiskState(`${t.dir}/cache/risk_state.json`, 0).trading_state).toBe('HALTED');
    releaseKillSwitch(t.dir, config, 'checked by test', clock);
    expect(readKillFlag(t.dir)).toBeUndefined();
    expect(loadRiskState(`${t.dir}/cache/risk_state.json`, 0)).toMatchObject({ trading_state: 'ACTIVE', state_reason: 'resumed: checked by test' });
    t.cleanup();
  });

  it('hedge resume needs a confirmation', async () => {
    const t = tempDir();
    engageKillSwitch(t.dir, config, 'x', 'test', new ManualClock(0));
    const r = await runCliAsync(['resume', '--state-dir', t.dir]);
    expect(r.code).toBe(2);
    expect(readKillFlag(t.dir)?.reason).toBe('x');
    t.cleanup();
  });
});

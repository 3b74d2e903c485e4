/**
 * Live cycles (`hedge executor --once` / `--loop`) end to end: the built CLI against the loopback fapi
 * server, which checks every signed request (API key, HMAC, recvWindow) and serves the bundled history
 * as Binance klines. The server's clock is set to a moment of that history where the strategies trade,
 * so the executor (which decides on the venue's clock) sees bars closing "now".
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { runReplay } from '../../src/kernel/replay.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { OrderEventRecord } from '../../src/telemetry/records/order-event.js';
import { NavRecord } from '../../src/telemetry/records/nav.js';
import { HeartbeatSnapshot } from '../../src/telemetry/records/heartbeat.js';
import { PositionsSnapshot } from '../../src/telemetry/records/positions.js';
import { RouterHealthSnapshot } from '../../src/telemetry/records/router-health.js';
import { statePaths } from '../../src/telemetry/state-paths.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCliAsync, startCli } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';
import { FapiServer, serveHistoryAt } from '../support/fapi-server.js';

const HOUR = 3_600_000;

/** The first hour of a week of bundled history at which the shipped strategies send an order. */
let tradeHourMs = 0;
beforeAll(async () => {
  const state = tempDir();
  const loaded = loadConfig({ configDir: defaultConfigDir });
  const from = Date.parse('2024-03-01T00:00:00Z');
  await runReplay({ loaded, stateDir: state.dir, fromMs: from, toMs: from + 7 * 24 * HOUR, env: 'dev' });
  const first = readJsonl(statePaths(state.dir).orders, OrderEventRecord).records.find((r) => r.event === 'order.submitted');
  state.cleanup();
  if (first === undefined) throw new Error('no order in a week of replay: pick another week for this test');
  tradeHourMs = first.ts;
}, 120_000);

/** A loopback fapi whose clock reads `atMs` (plus what has elapsed since), with a book at each symbol's close then. */
async function venueAt(atMs: number): Promise<{ server: FapiServer; url: string }> {
  const server = new FapiServer();
  const url = await server.start();
  serveHistoryAt(server, atMs, loadConfig({ configDir: defaultConfigDir }).config.strategy_config.universe);
  return { server, url };
}

function liveConfig(url: string, extra: { file: string; patch: unknown }[] = []) {
  // short resting times so a test does not wait out the shipped 30 s TTL
  return configCopy([
    {
      file: 'venues.json',
      patch: {
        default_account: 'binance-main',
        venues: { 'binance-usdm': { endpoints: { prod: { rest: url }, testnet: { rest: url } }, timeout_ms: 2_000 } },
        accounts: { 'binance-main': { trading: 'live' } },
      },
    },
    { file: 'router_policy.json', patch: { defaults: { ttl_s: 1, max_replaces: 1 }, per_symbol: { DOGEUSDT: { ttl_s: 1 } } } },
    ...extra,
  ]);
}

const keys = (server: FapiServer) => ({ BINANCE_API_KEY: server.apiKey, BINANCE_API_SECRET: server.apiSecret });

describe('live cycles against the loopback fapi', () => {
  let server: FapiServer;
  let url: string;
  beforeAll(async () => {
    ({ server, url } = await venueAt(tradeHourMs + 30_000));
  });
  afterAll(() => server.close());

  it('ENV=prod without ALLOW_PROD_WRITE=1 is DRY-RUN: it trades on paper and no request that writes reaches the venue', async () => {
    const cfg = liveConfig(url);
    const state = tempDir();
    try {
      const before = server.requests.length;
      const r = await runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', state.dir], { ENV: 'prod', ALLOW_PROD_WRITE: '', ...keys(server) });
      expect(r.stderr).toContain('DRY-RUN');
      expect(r.code, r.stderr).toBe(0);
      const seen = server.requests.slice(before);
      expect(seen.filter((q) => q.method !== 'GET')).toEqual([]);
      expect(seen.filter((q) => q.signed)).toEqual([]);
      expect(seen.some((q) => q.path === '/fapi/v1/klines')).toBe(true);
      const orders = readJsonl(statePaths(state.dir).orders, OrderEventRecord);
      expect(orders.badLines).toEqual([]);
      expect(orders.records.filter((o) => o.event === 'order.submitted').length).toBeGreaterThan(0);
      expect(orders.records.some((o) => o.event === 'order.filled')).toBe(true);
    } finally {
      state.cleanup();
      cfg.cleanup();
    }
  }, 120_000);

  it('DRY-RUN: a first cycle that fails after writing orders is cut back to the starting commit; the rerun writes each order once', async () => {
    const cfg = liveConfig(url);
    const [clean, failed] = [tempDir(), tempDir()];
    const env = { ENV: 'prod', ALLOW_PROD_WRITE: '', ...keys(server) };
    try {
      const ref = await runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', clean.dir], env);
      expect(ref.code, ref.stderr).toBe(0);
      // positions.json cannot be written (a directory in its place): the first cycle has appended its orders and NAV when it fails
      const blocker = statePaths(failed.dir).positions;
      mkdirSync(path.join(blocker, 'x'), { recursive: true });
      const broken = await runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', failed.dir], env);
      expect(broken.code).not.toBe(0);
      const submittedIn = (dir: string) => readJsonl(statePaths(dir).orders, OrderEventRecord).records.filter((o) => o.event === 'order.submitted').map((o) => o.client_order_id);
      expect(submittedIn(failed.dir).length).toBeGreaterThan(0);
      rmSync(blocker, { recursive: true });
      const again = await runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', failed.dir], env);
      expect(again.code, again.stderr).toBe(0);
      const ids = submittedIn(failed.dir);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(submittedIn(clean.dir));
      expect(readJsonl(statePaths(failed.dir).nav, NavRecord).records).toHaveLength(1);
    } finally {
      clean.cleanup();
      failed.cleanup();
      cfg.cleanup();
    }
  }, 120_000);

  it('ENV=prod with ALLOW_PROD_WRITE=1 is PRODUCTION: signed orders reach the venue, maker first, then taker', async () => {
    const cfg = liveConfig(url);
    const state = tempDir();
    try {
      const before = server.requests.length;
      const r = await runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', state.dir], { ENV: 'prod', ALLOW_PROD_WRITE: '1', ...keys(server) });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('PRODUCTION');
      expect(r.stderr).not.toContain(server.apiSecret);
      const writes = server.requests.slice(before).filter((q) => q.method !== 'GET' && q.path !== '/fapi/v1/leverage');
      expect(writes.length).toBeGreaterThan(0);
      // every write was signed and accepted: the server verified key, HMAC and recvWindow
      for (const w of writes) expect([w.signed, w.status]).toEqual([true, 200]);
      const posts = writes.filter((w) => w.method === 'POST' && w.path === '/fapi/v1/order');
      expect(posts[0]?.params['type']).toBe('LIMIT');
      expect(posts[0]?.params['timeInForce']).toBe('GTX');
      expect(posts.some((p) => p.params['type'] === 'MARKET')).toBe(true);
      expect(writes.some((w) => w.path === '/fapi/v1/algoOrder' && w.params['type'] === 'STOP_MARKET' && w.params['reduceOnly'] === 'true')).toBe(true);
      // no client id was ever accepted twice
      const ids = posts.filter((p) => p.status === 200).map((p) => p.params['newClientOrderId']);
      expect(new Set(ids).size).toBe(ids.length);
      // every telemetry file, schema-valid
      const p = statePaths(state.dir);
      expect(readJsonl(p.orders, OrderEventRecord).badLines).toEqual([]);
      expect(readJsonl(p.nav, NavRecord).records.at(-1)?.source).toBe('venue');
      PositionsSnapshot.parse(JSON.parse(readFileSync(p.positions, 'utf8')));
      HeartbeatSnapshot.parse(JSON.parse(readFileSync(p.heartbeat('executor'), 'utf8')));
      const health = RouterHealthSnapshot.parse(JSON.parse(readFileSync(p.routerHealth, 'utf8')));
      expect(Object.values(health.symbols).some((s) => s.samples > 0)).toBe(true);
      expect(existsSync(path.join(p.cacheDir, 'executor_binance-main.json'))).toBe(true);
    } finally {
      state.cleanup();
      cfg.cleanup();
    }
  }, 120_000);
});

/** The orders the venue accepted, by client id (plain and conditional): each must appear once. */
function acceptedIds(server: FapiServer): string[] {
  return server.requests
    .filter((q) => q.method === 'POST' && (q.path === '/fapi/v1/order' || q.path === '/fapi/v1/algoOrder') && (q.status === 200 || q.status === -1))
    .map((q) => q.params['newClientOrderId'] ?? q.params['clientAlgoId'] ?? '');
}

const prodEnv = (server: FapiServer) => ({ ENV: 'prod', ALLOW_PROD_WRITE: '1', ...keys(server) });

describe('reconciliation and crash safety of live cycles', () => {
  it('refuses to trade while the venue holds what its books do not, says why, and trades after --adopt', async () => {
    const { server, url } = await venueAt(tradeHourMs + 30_000);
    const cfg = liveConfig(url, [{ file: 'router_policy.json', patch: { defaults: { mode: 'taker' } } }]);
    const state = tempDir();
    try {
      // an operator's manual position and resting order, unknown to hedge
      await server.engine.createOrder({ clientOrderId: 'manual-pos', symbol: 'ETHUSDT', side: 'buy', type: 'market', qty: 0.5, reduceOnly: false });
      const eth = server.engine.bookOf('ETHUSDT')?.bids[0]?.[0] ?? 0;
      const limit = await server.engine.createOrder({ clientOrderId: 'manual-limit', symbol: 'ETHUSDT', side: 'buy', type: 'limit', price: Math.round(eth * 0.97), qty: 0.1, reduceOnly: false });
      expect(limit.status).toBe('new');
      const before = server.requests.length;
      const refused = await runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', state.dir], prodEnv(server));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('RECONCILE_MISMATCH');
      expect(refused.stderr).toContain('ETHUSDT: the venue holds 0.5');
      expect(refused.stderr).toContain('manual-limit');
      // nothing that writes was sent
      expect(server.requests.slice(before).filter((q) => q.method !== 'GET')).toEqual([]);
      const hb = HeartbeatSnapshot.parse(JSON.parse(readFileSync(statePaths(state.dir).heartbeat('executor'), 'utf8')));
      expect(hb.status).toBe('degraded');
      expect(hb.last_error).toContain('manual-limit');

      const adopted = await runCliAsync(['executor', '--once', '--adopt', '--config-dir', cfg.dir, '--state-dir', state.dir], prodEnv(server));
      expect(adopted.code, adopted.stderr).toBe(0);
      const positions = PositionsSnapshot.parse(JSON.parse(readFileSync(statePaths(state.dir).positions, 'utf8')));
      expect(positions.positions.find((p) => p.symbol === 'ETHUSDT')).toMatchObject({ strategy: 'adopted', qty: 0.5 });
      // hedge traded the rest, and left the adopted symbol alone
      const mine = acceptedIds(server).filter((id) => id.startsWith('h'));
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.filter((id) => id.includes('ETHUSDT'))).toEqual([]);
    } finally {
      state.cleanup();
      cfg.cleanup();
      await server.close();
    }
  }, 120_000);

  it('an order whose acknowledgement was lost when the executor died is found by its client id at the next start, never sent twice', async () => {
    const { server, url } = await venueAt(tradeHourMs + 30_000);
    const cfg = liveConfig(url, [{ file: 'router_policy.json', patch: { defaults: { mode: 'taker' } } }]);
    const state = tempDir();
    try {
      // the first order is processed but its answer is cut off; the lookup that follows hangs, and the executor is killed then
      server.inject({ method: 'POST', path: '/fapi/v1/order', kind: 'drop' });
      server.inject({ method: 'GET', path: '/fapi/v1/order', kind: 'hang' });
      const run = startCli(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', state.dir], prodEnv(server));
      for (let waited = 0; !server.requests.some((q) => q.method === 'GET' && q.path === '/fapi/v1/order' && q.status === 0); waited += 20) {
        if (waited > 60_000) throw new Error(`the executor never sent its first order: ${(await Promise.race([run.done, sleep(10, undefined)]))?.stderr ?? ''}`);
        await sleep(20);
      }
      run.child.kill('SIGKILL');
      await run.done;
      const lost = server.requests.find((q) => q.method === 'POST' && q.path === '/fapi/v1/order');
      const lostId = lost?.params['newClientOrderId'] ?? '';
      expect(lost?.status).toBe(-1);
      expect(existsSync(path.join(state.dir, 'cache', 'executor_binance-main.json'))).toBe(false);

      const again = await runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', state.dir], prodEnv(server));
      expect(again.code, again.stderr).toBe(0);
      const ids = acceptedIds(server);
      expect(ids.filter((id) => id === lostId)).toHaveLength(1);
      expect(new Set(ids).size).toBe(ids.length);
      // the lost order's position is owned and protected: its stop went out after the restart
      const symbol = lost?.params['symbol'] ?? '';
      expect(ids).toContain(lostId.replace(/-e$/, '-s'));
      const positions = PositionsSnapshot.parse(JSON.parse(readFileSync(statePaths(state.dir).positions, 'utf8')));
      expect(positions.positions.find((p) => p.symbol === symbol)?.stop_price).not.toBeNull();
      const events = readJsonl(statePaths(state.dir).orders, OrderEventRecord).records.filter((r) => r.client_order_id === lostId);
      expect(events.some((e) => e.event === 'order.filled')).toBe(true);
    } finally {
      state.cleanup();
      cfg.cleanup();
      await server.close();
    }
  }, 120_000);

  it('keeps cycling through 429, 418, -1021, 5xx, timeouts, lost acks, rejects and partial fills; no order twice; router health shows it', async () => {
    const { server, url } = await venueAt(tradeHourMs + 30_000);
    const cfg = liveConfig(url, [{ file: 'router_policy.json', patch: { defaults: { mode: 'taker' }, health: { min_samples: 1, hysteresis_samples: 0 } } }]);
    const state = tempDir();
    try {
      const body = (code: number, msg: string) => JSON.stringify({ code, msg });
      server.inject({ method: 'GET', path: '/fapi/v3/balance', kind: 'reply', status: 429, headers: { 'Retry-After': '1' }, body: body(-1003, 'Too many requests; current limit is 2400 requests per minute.') });
      // more 5xx than a read retries: that cycle fails, the next one goes on
      server.inject({ method: 'GET', path: '/fapi/v3/balance', kind: 'reply', status: 502, body: '<html>502 Bad Gateway</html>', times: 3 });
      server.inject({ method: 'GET', path: '/fapi/v1/openOrders', kind: 'reply', status: 418, headers: { 'Retry-After': '1' }, body: body(-1003, 'Way too many requests; IP banned until 1615183669840.') });
      server.inject({ method: 'POST', path: '/fapi/v1/order', kind: 'reply', status: 400, body: body(-1021, 'Timestamp for this request is outside of the recvWindow.') });
      server.inject({ method: 'POST', path: '/fapi/v1/order', kind: 'drop' });
      server.inject({ method: 'POST', path: '/fapi/v1/order', kind: 'reply', status: 400, body: body(-2019, 'Margin is insufficient.') });
      server.inject({ method: 'GET', path: '/fapi/v3/positionRisk', kind: 'reply', status: 503, body: '<html>503</html>', times: 2 });
      server.inject({ method: 'GET', path: '/fapi/v1/openAlgoOrders', kind: 'hang' });
      // a thin book: a market order on ADAUSDT fills in part
      const ada = server.engine.bookOf('ADAUSDT');
      const adaAsk = ada?.asks[0]?.[0] ?? 0;
      server.engine.setBook('ADAUSDT', [...(ada?.bids ?? [])], [[adaAsk, 100]]);
      const run = startCli(['executor', '--loop', '--interval', '1', '--config-dir', cfg.dir, '--state-dir', state.dir], prodEnv(server));
      const hbFile = statePaths(state.dir).heartbeat('executor');
      const cycleNow = () => (existsSync(hbFile) ? HeartbeatSnapshot.parse(JSON.parse(readFileSync(hbFile, 'utf8'))).cycle : 0);
      for (let waited = 0, hour = 0; cycleNow() < 8; waited += 100) {
        if (waited > 100_000) break;
        // every few cycles the venue's clock moves an hour on: new bars close and the strategies decide again
        if (cycleNow() >= 3 * (hour + 1) && hour < 2) {
          hour++;
          server.skewMs += HOUR;
        }
        await sleep(100);
      }
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code, r.stderr).toBe(0);
      const hb = HeartbeatSnapshot.parse(JSON.parse(readFileSync(hbFile, 'utf8')));
      expect(hb.cycle).toBeGreaterThanOrEqual(8);
      expect(hb.status).toBe('stopped');
      // every fault was met
      expect(server.faults.every((f) => f.times === 0)).toBe(true);
      // no order twice
      const ids = acceptedIds(server);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      // the reject and the latencies are in router health
      const health = RouterHealthSnapshot.parse(JSON.parse(readFileSync(statePaths(state.dir).routerHealth, 'utf8')));
      expect(Object.values(health.symbols).some((s) => (s.reject_rate ?? 0) > 0)).toBe(true);
      expect(Object.values(health.symbols).every((s) => s.latency_ms !== null)).toBe(true);
      // the partial fill: the ADAUSDT position and its stop are the part that filled
      const orders = readJsonl(statePaths(state.dir).orders, OrderEventRecord).records;
      const log = readFileSync(statePaths(state.dir).log, 'utf8');
      const adaEntry = orders.find((o) => o.symbol === 'ADAUSDT' && o.type === 'market' && !o.reduce_only && o.event === 'order.partially_filled');
      expect(Number(adaEntry?.last_fill_qty)).toBe(100);
      expect(orders.filter((o) => o.client_order_id === adaEntry?.client_order_id).map((o) => o.event)).toEqual(['order.submitted', 'order.partially_filled', 'order.expired']);
      expect(Number(adaEntry?.qty)).toBeGreaterThan(100);
      const stop = orders.find((o) => o.symbol === 'ADAUSDT' && o.type === 'stop_market' && o.event === 'order.submitted');
      expect(stop?.qty).toBe(adaEntry?.filled_qty);
      // the executor went on through cycles that failed on a fault
      expect(log).toContain('executor.cycle_failed');
      expect(readJsonl(statePaths(state.dir).orders, OrderEventRecord).badLines).toEqual([]);
    } finally {
      state.cleanup();
      cfg.cleanup();
      await server.close();
    }
  }, 180_000);
});

describe('hot reload in a live loop', () => {
  it('takes a valid config change at a cycle boundary, keeps the last good one on an invalid change, and records the fingerprint of each cycle', async () => {
    const { server, url } = await venueAt(tradeHourMs + 30_000);
    const cfg = liveConfig(url, [{ file: 'router_policy.json', patch: { defaults: { mode: 'taker' } } }]);
    const state = tempDir();
    try {
      const run = startCli(['executor', '--loop', '--interval', '1', '--config-dir', cfg.dir, '--state-dir', state.dir], { ENV: 'dev' });
      const hbFile = statePaths(state.dir).heartbeat('executor');
      const hb = () => (existsSync(hbFile) ? HeartbeatSnapshot.parse(JSON.parse(readFileSync(hbFile, 'utf8'))) : undefined);
      const waitFor = async (ok: () => boolean, what: string) => {
        for (let waited = 0; !ok(); waited += 100) {
          if (waited > 60_000) throw new Error(`timed out waiting for ${what}`);
          await sleep(100);
        }
      };
      await waitFor(() => (hb()?.cycle ?? 0) >= 2, 'two cycles');
      const first = hb()?.config_fingerprint;
      const limits = path.join(cfg.dir, 'risk_limits.json');
      const text = readFileSync(limits, 'utf8');
      writeFileSync(limits, text.replace(/"max_leverage": (\d+)/, (_m, n: string) => `"max_leverage": ${Number(n) - 1}`));
      await waitFor(() => hb()?.config_fingerprint !== first && hb()?.status === 'running', 'the reload');
      const second = hb()?.config_fingerprint;
      writeFileSync(limits, '{ "schema_version": 1, "global": ');
      const cycleAtBreak = hb()?.cycle ?? 0;
      await waitFor(() => (hb()?.cycle ?? 0) >= cycleAtBreak + 3, 'three cycles after the broken file');
      expect(hb()?.config_fingerprint).toBe(second);
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code, r.stderr).toBe(0);
      const log = readFileSync(statePaths(state.dir).log, 'utf8');
      expect(log).toContain('config.reloaded');
      expect(log).toContain('config.rejected');
      expect(log).toContain('risk_limits.json');
      // each NAV record carries the fingerprint its cycle ran under: the first, then the second, never a third
      const prints = [...new Set(readJsonl(statePaths(state.dir).nav, NavRecord).records.map((n) => n.config_fingerprint))];
      expect(prints).toEqual([first, second]);
    } finally {
      state.cleanup();
      cfg.cleanup();
      await server.close();
    }
  }, 120_000);
});

describe('accounts', () => {
  it('two accounts on one state dir, run side by side, keep their own positions, NAV, limits and strategies', async () => {
    const { server, url } = await venueAt(tradeHourMs + 30_000);
    const cfg = liveConfig(url, [
      { file: 'router_policy.json', patch: { defaults: { mode: 'taker' } } },
      { file: 'venues.json', patch: { default_account: 'paper-main', accounts: { 'paper-b': { venue: 'paper', trading: 'dry-run', starting_nav_usd: 5_000, strategies: ['momentum-1h'] } } } },
    ]);
    const state = tempDir();
    try {
      const [a, b] = await Promise.all([
        runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', state.dir], { ENV: 'dev' }),
        runCliAsync(['executor', '--once', '--account', 'paper-b', '--config-dir', cfg.dir, '--state-dir', state.dir], { ENV: 'dev' }),
      ]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const main = statePaths(state.dir);
      const other = statePaths(path.join(state.dir, 'accounts', 'paper-b'));
      const posA = PositionsSnapshot.parse(JSON.parse(readFileSync(main.positions, 'utf8')));
      const posB = PositionsSnapshot.parse(JSON.parse(readFileSync(other.positions, 'utf8')));
      expect([posA.account, posB.account]).toEqual(['paper-main', 'paper-b']);
      expect(new Set(posB.positions.map((p) => p.strategy))).toEqual(new Set(['momentum-1h']));
      expect(posA.positions.some((p) => p.strategy !== 'momentum-1h')).toBe(true);
      // each sized against its own NAV: the same momentum entry is half as large on the 5,000 USD account
      const ordersA = readJsonl(main.orders, OrderEventRecord).records;
      const ordersB = readJsonl(other.orders, OrderEventRecord).records;
      expect(new Set(ordersA.map((o) => o.account))).toEqual(new Set(['paper-main']));
      expect(new Set(ordersB.map((o) => o.account))).toEqual(new Set(['paper-b']));
      const entryB = ordersB.find((o) => o.event === 'order.submitted' && !o.reduce_only);
      const entryA = ordersA.find((o) => o.event === 'order.submitted' && o.client_order_id === entryB?.client_order_id);
      expect(Number(entryB?.qty)).toBeGreaterThan(0);
      expect(Number(entryB?.qty)).toBeLessThan(Number(entryA?.qty));
      expect(readJsonl(other.nav, NavRecord).records[0]?.nav_usd).toBeCloseTo(5_000, -1);
      expect(existsSync(other.riskState)).toBe(true);
    } finally {
      state.cleanup();
      cfg.cleanup();
      await server.close();
    }
  }, 120_000);
});

/**
 * The three services of ecosystem.config.js under a real PM2 (the package's own pm2, a private PM2_HOME):
 * started, seen online, stopped cleanly. The executor runs live DRY-RUN cycles against the loopback fapi
 * (its market data), sync mirrors to a folder, the dashboard exports and serves on a free port.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { defaultConfigDir, packageRoot } from '../../src/core/paths.js';
import { HeartbeatSnapshot } from '../../src/telemetry/records/heartbeat.js';
import { statePaths } from '../../src/telemetry/state-paths.js';
import { configCopy, tempDir } from '../support/config-copy.js';
import { FapiServer, serveHistoryAt } from '../support/fapi-server.js';
import { loadConfig } from '../../src/config/load.js';

const pm2Bin = path.join(packageRoot, 'node_modules', 'pm2', 'bin', 'pm2');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('PM2 services', () => {
  it('starts hedge-executor, hedge-sync, hedge-dashboard and the batch jobs (research sweep, regime refit, guardian) from ecosystem.config.js, sees the services online and the jobs finished, and stops them cleanly', async () => {
    const home = tempDir('hedge-pm2-');
    const state = tempDir();
    const server = new FapiServer();
    const url = await server.start();
    // the venue's clock at an hour of the bundled history where the strategies trade, with a book for every symbol
    serveHistoryAt(server, Date.parse('2024-03-01T05:00:30Z'), loadConfig({ configDir: defaultConfigDir }).config.strategy_config.universe);
    const cfg = configCopy([
      { file: 'venues.json', patch: { venues: { 'binance-usdm': { endpoints: { prod: { rest: url }, testnet: { rest: url } } } } } },
      { file: 'sync.json', patch: { interval_s: 0.5, sink: { type: 'dir', path: path.join(state.dir, 'mirror') } } },
      { file: 'dashboard.json', patch: { port: await freePort() } },
      // taker routing: the test is about the services, not about waiting out maker TTLs
      { file: 'router_policy.json', patch: { defaults: { mode: 'taker' } } },
    ]);
    // the shipped ecosystem file, pointed at this test's config and state (what an operator does with env or args)
    const eco = readFileSync(path.join(packageRoot, 'ecosystem.config.js'), 'utf8')
      .replace("cwd: import.meta.dirname,", `cwd: ${JSON.stringify(packageRoot)},`)
      .replaceAll(/args: '([^']*)'/g, (_m, a: string) => `args: '${a.replace('--loop', '--loop --interval 2')} --config-dir ${cfg.dir} --state-dir ${state.dir}'`)
      .replaceAll(/(out_file|error_file): 'logs\//g, `$1: '${state.dir}/logs/`);
    const ecoFile = path.join(home.dir, 'ecosystem.config.js');
    writeFileSync(ecoFile, eco);
    writeFileSync(path.join(home.dir, 'package.json'), '{"type":"module"}');
    const env = { ...process.env, PM2_HOME: path.join(home.dir, '.pm2'), NODE_OPTIONS: '' };
    const pm2 = (...args: string[]) => execFileSync(process.execPath, [pm2Bin, ...args], { env, encoding: 'utf8', timeout: 60_000 });
    const pm2Async = (...args: string[]) => promisify(execFile)(process.execPath, [pm2Bin, ...args], { env, encoding: 'utf8', timeout: 60_000 });
    const list = () => JSON.parse(pm2('jlist')) as { name: string; pm2_env: { status: string; restart_time: number } }[];
    try {
      pm2('start', ecoFile);
      const hb = (s: string) => statePaths(state.dir).heartbeat(s);
      const sweeps = path.join(state.dir, 'research', 'sweeps', 'sma-cross-btc');
      const sweepDone = () => existsSync(sweeps) && readdirSync(sweeps).some((d) => existsSync(path.join(sweeps, d, 'summary.json')));
      for (let waited = 0; !(existsSync(hb('executor')) && existsSync(hb('sync')) && existsSync(path.join(state.dir, 'research', 'dashboard', 'index.html'))); waited += 200) {
        if (waited > 60_000) {
          const logs = ['executor', 'sync', 'dashboard'].map((n) => path.join(state.dir, 'logs', `pm2-${n}.err.log`)).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8').slice(-800));
          throw new Error(`services did not come up: ${JSON.stringify(list().map((a) => [a.name, a.pm2_env.status, a.pm2_env.restart_time]))}\n${logs.join('\n')}`);
        }
        await sleep(200);
      }
      // the executor's first live cycle committed
      for (let waited = 0; HeartbeatSnapshot.parse(JSON.parse(readFileSync(hb('executor'), 'utf8'))).status !== 'running'; waited += 200) {
        if (waited > 90_000) throw new Error('the executor never finished a cycle');
        await sleep(200);
      }
      // the served page answers on loopback
      const dash = JSON.parse(readFileSync(path.join(cfg.dir, 'dashboard.json'), 'utf8')) as { port: number };
      expect((await fetch(`http://127.0.0.1:${dash.port}/`)).status).toBe(200);
      const apps = list();
      expect(apps.map((a) => a.name).sort()).toEqual(['hedge-dashboard', 'hedge-executor', 'hedge-guardian', 'hedge-regimes', 'hedge-research', 'hedge-sync']);
      for (const a of apps.filter((x) => !['hedge-research', 'hedge-regimes', 'hedge-guardian'].includes(x.name))) expect([a.name, a.pm2_env.status, a.pm2_env.restart_time]).toEqual([a.name, 'online', 0]);
      // the research sweep runs once at start (then nightly by cron_restart): it finishes its 64 points into a dated folder and exits, not restarted
      for (let waited = 0; !sweepDone(); waited += 500) {
        if (waited > 120_000) throw new Error(`the research sweep did not finish: ${existsSync(path.join(state.dir, 'logs', 'pm2-research.err.log')) ? readFileSync(path.join(state.dir, 'logs', 'pm2-research.err.log'), 'utf8').slice(-800) : ''}`);
        await sleep(500);
      }
      const day = readdirSync(sweeps)[0] ?? '';
      expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(JSON.parse(readFileSync(path.join(sweeps, day, 'summary.json'), 'utf8'))).toMatchObject({ points: 64, done: 64, stopped: false });
      // and the regime refit wrote its dated report
      const regimes = path.join(state.dir, 'research', 'regimes');
      for (let waited = 0; !(existsSync(regimes) && readdirSync(regimes).length > 0); waited += 500) {
        if (waited > 60_000) throw new Error('the regime refit wrote no report');
        await sleep(500);
      }
      // the guardian's pass ran and ended (PM2's cron starts it again every minute, so its PM2 status comes and goes)
      for (let waited = 0; !(existsSync(hb('guardian')) && HeartbeatSnapshot.parse(JSON.parse(readFileSync(hb('guardian'), 'utf8'))).status === 'stopped'); waited += 200) {
        if (waited > 30_000) throw new Error(`the guardian did not finish a pass: ${existsSync(path.join(state.dir, 'logs', 'pm2-guardian.err.log')) ? readFileSync(path.join(state.dir, 'logs', 'pm2-guardian.err.log'), 'utf8').slice(-800) : ''}`);
        await sleep(200);
      }
      for (const job of ['hedge-research', 'hedge-regimes']) {
        for (let waited = 0; list().find((a) => a.name === job)?.pm2_env.status !== 'stopped'; waited += 200) {
          if (waited > 10_000) throw new Error(`${job}, finished, was not left stopped: ${JSON.stringify(list().find((a) => a.name === job)?.pm2_env.status)}`);
          await sleep(200);
        }
        expect(list().find((a) => a.name === job)?.pm2_env.restart_time, job).toBe(0);
      }
      // asynchronously: this process serves the executor's loopback fapi, which must keep answering while
      // the executor finishes its cycle after SIGINT (a blocking call here would hang that cycle until PM2's kill)
      await pm2Async('stop', ecoFile);
      const stopped = list();
      for (const a of stopped) expect([a.name, a.pm2_env.status]).toEqual([a.name, 'stopped']);
      // a clean stop: the executor finished its cycle and said so; sync too
      const tail = (n: string) => ['out', 'err'].map((k) => path.join(state.dir, 'logs', `pm2-${n}.${k}.log`)).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8').slice(-1500)).join('\n');
      expect(HeartbeatSnapshot.parse(JSON.parse(readFileSync(hb('executor'), 'utf8'))).status, `${tail('executor')}\n${readFileSync(path.join(home.dir, '.pm2', 'pm2.log'), 'utf8').slice(-2500)}`).toBe('stopped');
      expect(HeartbeatSnapshot.parse(JSON.parse(readFileSync(hb('sync'), 'utf8'))).status).toBe('stopped');
      expect(existsSync(path.join(state.dir, 'mirror', 'node-1', 'logs', 'heartbeat_executor.json'))).toBe(true);
    } finally {
      try {
        pm2('kill');
      } catch {
        // the daemon is gone already
      }
      await server.close();
      cfg.cleanup();
      state.cleanup();
      home.cleanup();
    }
  }, 180_000);
});

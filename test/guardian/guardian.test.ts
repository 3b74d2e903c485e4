import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ConfigError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { packageRoot } from '../../src/core/paths.js';
import { runGuardian, type GuardianActionRecord } from '../../src/guardian/guardian.js';
import type { AlertRecord } from '../../src/guardian/alert-sinks.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

// real telemetry: nine days of the executor's replay, copied into each test's state dir
const replayDir = tempDir('hedge-guardian-replay-');
let hbTs = 0;
beforeAll(async () => {
  const r = await runCliAsync(['executor', '--replay', '--from', '2024-01-01', '--to', '2024-01-10', '--state-dir', replayDir.dir, '--json'], { ENV: 'dev' });
  expect(r.code, r.stderr).toBe(0);
  hbTs = (JSON.parse(readFileSync(path.join(replayDir.dir, 'logs', 'heartbeat_executor.json'), 'utf8')) as { ts: number }).ts;
}, 120_000);
afterAll(() => replayDir.cleanup());

function stateDirCopy(): { dir: string; cleanup: () => void } {
  const t = tempDir();
  cpSync(replayDir.dir, t.dir, { recursive: true });
  return t;
}

/** Telemetry lines of a stream, parsed. */
function lines<T>(file: string): T[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T) : [];
}

/** The default config with guardian.json replaced. */
function withGuardian(g: { playbooks: unknown[]; alerts?: unknown[] }) {
  const cfg = configCopy([{ file: 'guardian.json', patch: g }]);
  const loaded = loadConfig({ configDir: cfg.dir });
  return { cfg, config: loaded.config, configFile: path.join(cfg.dir, 'guardian.json') };
}

/** A loopback webhook receiver answering each request with the next status of `script` (then 200). */
async function receiver(script: number[] = []): Promise<{ url: string; bodies: unknown[]; paths: string[]; server: Server }> {
  const bodies: unknown[] = [];
  const paths: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      paths.push(req.url ?? '');
      bodies.push(JSON.parse(body) as unknown);
      res.statusCode = script.shift() ?? 200;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T0K3N-secret-path`, bodies, paths, server };
}

const quiet = await createLogger({ level: 'error', file: path.join(replayDir.dir, 'test.log') });
const quietLog = () => quiet;

describe('hedge guardian: playbooks, cooldowns, rate limits, records', () => {
  it('acts on a stale executor, holds back within the cooldown and past max_per_hour, records each outcome once, and resolves when fresh', async () => {
    const t = stateDirCopy();
    const { cfg, config, configFile } = withGuardian({
      playbooks: [{ id: 'stale', check: { type: 'executor_stale', max_age_s: 180 }, actions: [{ type: 'alert', severity: 'critical' }], cooldown_s: 600, max_per_hour: 2 }],
    });
    const clock = new ManualClock(hbTs + 1_000_000);
    const pass = () => runGuardian({ stateDir: t.dir, config, configFile, nodeId: 'node-1', once: true, clock, log: quietLog() });
    const at = async (dtS: number) => {
      clock.setMs(hbTs + 1_000_000 + dtS * 1000);
      return pass();
    };
    expect((await at(0)).acted).toBe(1);
    expect((await at(60)).suppressed).toBe(1); // cooldown
    expect((await at(120)).suppressed).toBe(1); // cooldown, not recorded again
    expect((await at(700)).acted).toBe(1); // cooldown over
    expect((await at(1400)).suppressed).toBe(1); // two acts within the hour: rate limited
    expect((await at(3_700)).acted).toBe(1); // the first act left the hour
    // a fresh heartbeat: the check clears, and the alert is resolved
    const hbFile = path.join(t.dir, 'logs', 'heartbeat_executor.json');
    const hb = JSON.parse(readFileSync(hbFile, 'utf8')) as { ts: number };
    writeFileSync(hbFile, JSON.stringify({ ...hb, ts: hbTs + 1_000_000 + 3_750 * 1000 }));
    await at(3_760);
    const recs = lines<GuardianActionRecord>(path.join(t.dir, 'logs', 'guardian_actions.jsonl'));
    expect(recs.map((r) => r.outcome)).toEqual(['acted', 'cooldown', 'acted', 'rate_limited', 'acted', 'cleared']);
    expect(recs[0]).toMatchObject({ account: 'paper-main', playbook: 'stale', check: 'executor_stale', actions: [{ type: 'alert', ok: true }] });
    expect(recs[0]?.finding).toMatch(/^executor heartbeat is 1000 s old \(limit 180 s\)$/);
    const alerts = lines<AlertRecord>(path.join(t.dir, 'logs', 'alerts.jsonl'));
    expect(alerts.map((a) => `${a.status}:${a.severity}`)).toEqual(['firing:critical', 'firing:critical', 'firing:critical', 'resolved:info']);
    // its memory survives restarts (each pass above was a new run)
    expect(JSON.parse(readFileSync(path.join(t.dir, 'cache', 'guardian_state.json'), 'utf8'))).toMatchObject({ keys: { 'stale|paper-main': { firing: false } } });
    expect(JSON.parse(readFileSync(path.join(t.dir, 'logs', 'heartbeat_guardian.json'), 'utf8'))).toMatchObject({ service: 'guardian', status: 'stopped', last_error: null });
    t.cleanup();
    cfg.cleanup();
  });

  it('a drawdown breach engages the kill switch; repeated venue rejections raise an alert; an action that fails is recorded as failed', async () => {
    const t = stateDirCopy();
    const logs = path.join(t.dir, 'logs');
    // the NAV falls 30 % below its high-water mark; four orders rejected by the venue in the last minute
    const navs = lines<{ ts: number; nav_usd: number }>(path.join(logs, 'nav.jsonl'));
    const hwm = Math.max(...navs.map((n) => n.nav_usd));
    const last = navs.at(-1) as { ts: number };
    const T = last.ts + 3_600_000;
    appendFileSync(path.join(logs, 'nav.jsonl'), `${JSON.stringify({ ...last, ts: T - 1000, nav_usd: hwm * 0.7 })}\n`);
    const order = lines<Record<string, unknown>>(path.join(logs, 'orders.jsonl')).at(-1) as Record<string, unknown>;
    for (let k = 0; k < 4; k++) appendFileSync(path.join(logs, 'orders.jsonl'), `${JSON.stringify({ ...order, ts: T - 10_000 + k, event: 'order.rejected', client_order_id: `rej-${k}` })}\n`);
    const { cfg, config, configFile } = withGuardian({
      playbooks: [
        { id: 'dd', check: { type: 'drawdown', max_pct: 25 }, actions: [{ type: 'alert', severity: 'critical' }, { type: 'kill' }] },
        { id: 'rejects', check: { type: 'venue_errors', count: 4, window_s: 60 }, actions: [{ type: 'alert', severity: 'warning' }, { type: 'restart', service: 'hedge-executor' }] },
        { id: 'rejects-5', check: { type: 'venue_errors', count: 5, window_s: 60 }, actions: [{ type: 'alert' }] },
      ],
    });
    // no daemon in that PM2_HOME, but a pm2.pid left behind whose number names a live process by now (this one)
    const noPm2 = path.join(t.dir, 'no-pm2');
    mkdirSync(noPm2);
    writeFileSync(path.join(noPm2, 'pm2.pid'), String(process.pid));
    const s = await runGuardian({ stateDir: t.dir, config, configFile, nodeId: 'node-1', once: true, clock: new ManualClock(T), log: quietLog(), env: { ...process.env, PM2_HOME: noPm2 } });
    expect(s).toMatchObject({ fired: 2, acted: 2 });
    const recs = lines<GuardianActionRecord>(path.join(logs, 'guardian_actions.jsonl'));
    expect(recs.find((r) => r.playbook === 'dd')).toMatchObject({ outcome: 'acted', actions: [{ type: 'alert', ok: true }, { type: 'kill', ok: true }] });
    expect(recs.find((r) => r.playbook === 'dd')?.value).toBeCloseTo(30, 6);
    expect(existsSync(path.join(t.dir, 'cache', 'KILL'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(t.dir, 'cache', 'risk_state.json'), 'utf8'))).toMatchObject({ trading_state: 'HALTED' });
    const rej = recs.find((r) => r.playbook === 'rejects');
    expect(rej?.finding).toBe('4 order(s) rejected by the venue in the last 60 s (limit 4)');
    // no PM2 daemon here: the restart fails, is recorded as failed, and no daemon is left behind
    expect(rej?.actions[1]).toMatchObject({ type: 'restart', ok: false });
    expect(rej?.actions[1]?.detail).toMatch(/PM2 is not running \(no daemon answers at .*no-pm2\/rpc\.sock\)/);
    expect(readdirSync(noPm2)).toEqual(['pm2.pid']);
    expect(recs.some((r) => r.playbook === 'rejects-5')).toBe(false);
    t.cleanup();
    cfg.cleanup();
  });
});

describe('hedge guardian: a pass reads what was appended since the last', () => {
  it('folds the NAV log from where the last pass stopped (across processes), and folds it again when it was rewritten', async () => {
    const t = stateDirCopy();
    const navFile = path.join(t.dir, 'logs', 'nav.jsonl');
    const navs = lines<{ ts: number; nav_usd: number }>(navFile);
    const hwm = Math.max(...navs.map((n) => n.nav_usd));
    const last = navs.at(-1) as { ts: number; nav_usd: number };
    const { cfg, config, configFile } = withGuardian({ playbooks: [{ id: 'dd', check: { type: 'drawdown', max_pct: 25 }, actions: [{ type: 'alert', severity: 'critical' }] }] });
    const pass = (T: number) => runGuardian({ stateDir: t.dir, config, configFile, nodeId: 'node-1', once: true, clock: new ManualClock(T), log: quietLog() });
    const dd = () => lines<GuardianActionRecord>(path.join(t.dir, 'logs', 'guardian_actions.jsonl')).filter((r) => r.playbook === 'dd').map((r) => [r.outcome, Math.round(r.value ?? -1)]);
    expect(await pass(last.ts + 60_000)).toMatchObject({ fired: 0 });

    // everything the first pass folded made unreadable, all but its last 64 bytes (what the guardian checks
    // is still there): a pass that read the log again would find no NAV record; this one finds the drawdown
    const folded = readFileSync(navFile);
    writeFileSync(navFile, Buffer.concat([Buffer.alloc(folded.length - 64, 0x20), folded.subarray(folded.length - 64)]));
    appendFileSync(navFile, `${JSON.stringify({ ...last, ts: last.ts + 120_000, nav_usd: hwm * 0.7 })}\n`);
    expect(await pass(last.ts + 180_000)).toMatchObject({ fired: 1, acted: 1 });
    expect(dd()).toEqual([['acted', 30]]);

    // a log rewritten (a replay restarted cuts it back) is folded again from its start: a 1 % drawdown clears
    writeFileSync(navFile, [1_000, 990].map((nav, i) => `${JSON.stringify({ ...last, ts: last.ts + 240_000 + i, nav_usd: nav })}\n`).join(''));
    expect(await pass(last.ts + 300_000)).toMatchObject({ fired: 0 });
    expect(dd()).toEqual([['acted', 30], ['cleared', 1]]);
    t.cleanup();
    cfg.cleanup();
  });
});

describe('alert sinks', () => {
  it('webhook: Slack, Discord, Telegram and JSON bodies to a loopback receiver; 5xx retried, 4xx final; the secret URL appears nowhere', async () => {
    const rx = await receiver([503]); // the first POST meets a 503
    const t = stateDirCopy();
    const { cfg, config, configFile } = withGuardian({
      alerts: [
        { type: 'file', path: 'logs/alerts.jsonl' },
        { type: 'webhook', url_env: 'HOOK_URL', format: 'slack', retries: 2 },
        { type: 'webhook', url_env: 'HOOK_URL', format: 'discord' },
        { type: 'webhook', url_env: 'HOOK_URL', format: 'telegram', chat_id: '-100123' },
        { type: 'webhook', url_env: 'HOOK_URL', format: 'json', min_severity: 'critical' },
      ],
      playbooks: [{ id: 'stale', check: { type: 'executor_stale', max_age_s: 180 }, actions: [{ type: 'alert', severity: 'critical' }] }],
    });
    const env = { ...process.env, HOOK_URL: rx.url };
    const s = await runGuardian({ stateDir: t.dir, config, configFile, nodeId: 'node-7', once: true, clock: new ManualClock(hbTs + 600_000), log: quietLog(), env });
    expect(s).toMatchObject({ acted: 1, alertsSent: 5, alertFailures: 0 });
    // four webhooks, and the 503 retried: five requests
    expect(rx.bodies).toHaveLength(5);
    const text = '[hedge CRITICAL] node-7/paper-main stale: executor heartbeat is 600 s old (limit 180 s)';
    expect(rx.bodies[0]).toEqual({ text });
    expect(rx.bodies[1]).toEqual({ text });
    expect(rx.bodies[2]).toEqual({ content: text });
    expect(rx.bodies[3]).toEqual({ chat_id: '-100123', text });
    expect(rx.bodies[4]).toMatchObject({ schema_version: 1, node_id: 'node-7', account: 'paper-main', playbook: 'stale', severity: 'critical', status: 'firing' });
    expect(rx.paths.every((p) => p === '/hooks/T0K3N-secret-path')).toBe(true);

    // a 400 is final (one request, no retry), counted and logged as failed; the guardian carries on
    const rx2 = await receiver([400, 400, 400]);
    const t2 = stateDirCopy();
    const s2 = await runGuardian({
      stateDir: t2.dir, config: { ...config, guardian: { ...config.guardian, alerts: [config.guardian.alerts[1] as never] } }, configFile, nodeId: 'node-7', once: true,
      clock: new ManualClock(hbTs + 600_000), log: await createLogger({ level: 'info', file: path.join(t2.dir, 'logs', 'hedge.log') }), env: { ...process.env, HOOK_URL: rx2.url },
    });
    expect(s2).toMatchObject({ acted: 1, alertsSent: 0, alertFailures: 1 });
    expect(rx2.bodies).toHaveLength(1);
    const log = readFileSync(path.join(t2.dir, 'logs', 'hedge.log'), 'utf8');
    expect(log).toMatch(/guardian.alert_failed.*HTTP 400/);
    // the URL is a secret: in no file the guardian wrote
    for (const dir of [t.dir, t2.dir])
      for (const f of readdirSync(path.join(dir, 'logs'))) expect(readFileSync(path.join(dir, 'logs', f), 'utf8'), f).not.toContain('T0K3N');
    rx.server.close();
    rx2.server.close();
    t.cleanup();
    t2.cleanup();
    cfg.cleanup();
  });

  it('a webhook whose URL variable is not set is a config error naming guardian.json and the JSON path, before any pass', async () => {
    const cfg = configCopy([{ file: 'guardian.json', patch: { alerts: [{ type: 'file' }, { type: 'webhook', url_env: 'HEDGE_TEST_UNSET_HOOK' }] } }]);
    const t = stateDirCopy();
    const r = await runCliAsync(['guardian', '--once', '--config-dir', cfg.dir, '--state-dir', t.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(cfg.dir, 'guardian.json'));
    expect(r.stderr).toContain('$.alerts[1].url_env');
    expect(r.stderr).toMatch(/HEDGE_TEST_UNSET_HOOK/);
    expect(existsSync(path.join(t.dir, 'logs', 'guardian_actions.jsonl'))).toBe(false);
    // and a schema error: a playbook id twice
    const bad = configCopy([{ file: 'guardian.json', patch: { playbooks: [{ id: 'a', check: { type: 'executor_degraded' }, actions: [{ type: 'alert' }] }, { id: 'a', check: { type: 'executor_degraded' }, actions: [{ type: 'kill' }] }] } }]);
    expect(() => loadConfig({ configDir: bad.dir })).toThrow(ConfigError);
    expect(() => loadConfig({ configDir: bad.dir })).toThrow(/playbooks\[1\]\.id|playbooks\.1\.id/);
    cfg.cleanup();
    bad.cleanup();
    t.cleanup();
  });
});

describe('guardian restart action with a real PM2', () => {
  it('pm2 restart <app> through the PM2 daemon of PM2_HOME; the restart count goes up', async () => {
    const home = tempDir('hedge-pm2-guardian-');
    const env = { ...process.env, PM2_HOME: home.dir };
    const pm2 = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(packageRoot, 'node_modules', 'pm2', 'bin', 'pm2'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
    const app = path.join(home.dir, 'app.cjs');
    writeFileSync(app, 'setInterval(() => {}, 1000);\n');
    try {
      await pm2('start', app, '--name', 'hedge-executor');
      const restarts = async () => (JSON.parse((await pm2('jlist')).stdout) as { name: string; pm2_env: { restart_time: number } }[]).find((p) => p.name === 'hedge-executor')?.pm2_env.restart_time;
      expect(await restarts()).toBe(0);
      const t = stateDirCopy();
      const { cfg, config, configFile } = withGuardian({ playbooks: [{ id: 'stale', check: { type: 'executor_stale' }, actions: [{ type: 'restart', service: 'hedge-executor' }] }] });
      // the PM2 of the guardian's environment (as PM2 runs it: PM2_HOME), not of the process that calls it
      await runGuardian({ stateDir: t.dir, config, configFile, nodeId: 'node-1', once: true, clock: new ManualClock(hbTs + 600_000), log: quietLog(), env });
      expect(lines<GuardianActionRecord>(path.join(t.dir, 'logs', 'guardian_actions.jsonl'))[0]).toMatchObject({ outcome: 'acted', actions: [{ type: 'restart', ok: true, detail: 'pm2 restart hedge-executor: done' }] });
      expect(await restarts()).toBe(1);
      t.cleanup();
      cfg.cleanup();
    } finally {
      await pm2('kill').catch(() => undefined);
      home.cleanup();
    }
  }, 90_000);
});


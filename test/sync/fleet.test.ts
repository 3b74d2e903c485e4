/**
 * Two executor nodes sync to one sink under their own prefixes; the fleet reader in src/sync/fleet.ts
 * assembles them — from a `dir` mirror, and from a real S3 server on loopback (s3rver), fetching only
 * what is new — into each node's accounts and the blended fund.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { packageRoot } from '../../src/core/paths.js';
import { exportFleetDashboard } from '../../src/dashboard/export.js';
import type { AccountFold } from '../../src/dashboard/model.js';
import type { BlendedFund } from '../../src/dashboard/fund.js';
import { readFleet } from '../../src/sync/fleet.js';
import { readStatus, type AccountStatus } from '../../src/sync/status.js';
import { launchChromium, openRecorded } from '../support/browser.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
Object.assign(process.env, creds);

const work = tempDir('hedge-fleet-');
const mirror = path.join(work.dir, 'mirror');
const nodes = [
  { id: 'node-a', nav: 10_000 },
  { id: 'node-b', nav: 25_000 },
].map((n) => ({ ...n, state: path.join(work.dir, n.id), cfg: configCopy([{ file: 'sync.json', patch: { node_id: n.id } }, { file: 'venues.json', patch: { accounts: { 'paper-main': { starting_nav_usd: n.nav } } } }]) }));
let s3: S3rver;
let s3Dir: string;
let endpoint: string;
let client: S3Client;

beforeAll(async () => {
  s3Dir = mkdtempSync(path.join(os.tmpdir(), 'hedge-s3rver-fleet-'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: s3Dir, silent: true, configureBuckets: [{ name: 'fund' }] });
  const { port } = (await s3.run()) as unknown as AddressInfo;
  endpoint = `http://127.0.0.1:${port}`;
  client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  // each node: two weeks of the executor's replay, mirrored to the dir sink and to S3
  await Promise.all(
    nodes.map(async (n) => {
      const r = await runCliAsync(['executor', '--replay', '--from', '2024-01-01', '--to', '2024-01-15', '--config-dir', n.cfg.dir, '--state-dir', n.state, '--json'], { ENV: 'dev' });
      expect(r.code, r.stderr).toBe(0);
    }),
  );
  for (const n of nodes) await syncNode(n);
}, 180_000);

async function syncNode(n: (typeof nodes)[number], sinks = [`dir:${mirror}`, 's3']): Promise<void> {
  for (const sink of sinks) {
    const args = sink === 's3' ? [] : ['--sink', sink];
    const cfg = sink === 's3' ? configCopy([{ file: 'sync.json', patch: { node_id: n.id, sink: { type: 's3', bucket: 'fund', prefix: 'fleet', endpoint, force_path_style: true, path: null } } }]) : n.cfg;
    const r = await runCliAsync(['sync', '--once', ...args, '--config-dir', cfg.dir, '--state-dir', n.state], creds);
    expect(r.code, r.stderr).toBe(0);
    if (cfg !== n.cfg) cfg.cleanup();
  }
}

afterAll(async () => {
  client?.destroy();
  await s3?.close();
  rmSync(s3Dir, { recursive: true, force: true });
  for (const n of nodes) n.cfg.cleanup();
  work.cleanup();
});

const navOf = (state: string) => readFileSync(path.join(state, 'logs', 'nav.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ts: number; nav_usd: number; gross_exposure_usd: number });

describe('the fleet reader', () => {
  it('from a dir mirror: each node\'s account, and the blended fund (NAV summed, return index, exposure, drawdown, rolling Sharpe)', async () => {
    const view = await readFleet({ type: 'dir', path: mirror }, { cacheDir: path.join(work.dir, 'fleet-cache'), nowMs: Date.UTC(2024, 0, 16), baseDir: work.dir, sharpeDays: 5 });
    expect(view.nodes.map((n) => n.node)).toEqual(['node-a', 'node-b']);
    expect(view.nodes.map((n) => n.data.accounts.map((a) => a.account))).toEqual([['paper-main'], ['paper-main']]);
    const [a, b] = nodes.map((n) => navOf(n.state));
    if (a === undefined || b === undefined) throw new Error('no NAV');
    expect(a.map((x) => x.ts)).toEqual(b.map((x) => x.ts));
    // the same cycle times: the blended NAV is the sum at every one, and the index the sum's growth
    const f = view.blended;
    expect(f.nav).toHaveLength(a.length);
    f.nav.forEach(([t, v], i) => {
      expect(t).toBe(a[i]?.ts);
      expect(v).toBeCloseTo((a[i]?.nav_usd ?? 0) + (b[i]?.nav_usd ?? 0), 6);
    });
    const sum = (i: number) => (a[i]?.nav_usd ?? 0) + (b[i]?.nav_usd ?? 0);
    expect(f.index.at(-1)?.[1]).toBeCloseTo(sum(a.length - 1) / sum(0), 12);
    expect(f.navUsd).toBeCloseTo(sum(a.length - 1), 6);
    expect(f.grossExposureUsd).toBeCloseTo((a.at(-1)?.gross_exposure_usd ?? 0) + (b.at(-1)?.gross_exposure_usd ?? 0), 6);
    // drawdown of the index, by a plain loop
    let peak = 0;
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      peak = Math.max(peak, sum(i));
      worst = Math.max(worst, (100 * (peak - sum(i))) / peak);
    }
    expect(f.maxDrawdownPct).toBeCloseTo(worst, 9);
    // rolling 5-day Sharpe of daily index returns (last value of each UTC day), annualised √365
    const lastOfDay = new Map<number, number>();
    a.forEach((x, i) => lastOfDay.set(Math.floor(x.ts / 86_400_000), sum(i)));
    const days = [...lastOfDay.values()];
    const rets = days.slice(1).map((v, i) => v / (days[i] as number) - 1);
    const w = rets.slice(-5);
    const m = w.reduce((s, x) => s + x, 0) / w.length;
    const sd = Math.sqrt(w.reduce((s, x) => s + (x - m) ** 2, 0) / (w.length - 1));
    expect(f.rollingSharpe.at(-1)?.[1]).toBeCloseTo((m / sd) * Math.sqrt(365), 9);
    expect(f.rollingSharpe).toHaveLength(rets.length - 4);
  });

  it('from S3: the same telemetry, fetched into a local cache, and only what is new on the next read', async () => {
    const cacheDir = path.join(work.dir, 's3-cache');
    const source = { type: 's3' as const, bucket: 'fund', prefix: 'fleet', region: 'us-east-1', endpoint, force_path_style: true };
    // the folds a watching dashboard keeps between reads
    const folds = new Map<string, AccountFold>();
    const first = await readFleet(source, { cacheDir, nowMs: Date.UTC(2024, 0, 16), baseDir: work.dir, s3Client: client, folds });
    const fromDir = await readFleet({ type: 'dir', path: mirror }, { cacheDir, nowMs: Date.UTC(2024, 0, 16), baseDir: work.dir });
    expect(first.nodes.map((n) => n.node)).toEqual(['node-a', 'node-b']);
    for (const rel of ['logs/nav.jsonl', 'logs/orders.jsonl', 'logs/risk_vetoes.jsonl', 'logs/positions.json', 'logs/router_health.json', 'logs/heartbeat_executor.json'])
      for (const n of nodes) expect(readFileSync(path.join(cacheDir, n.id, rel), 'utf8'), `${n.id} ${rel}`).toBe(readFileSync(path.join(n.state, rel), 'utf8'));
    expect(first.blended.nav).toEqual(fromDir.blended.nav);
    // node-a's NAV log grows by one record and is synced: the next read fetches that chunk only
    const fetched = () => (JSON.parse(readFileSync(path.join(cacheDir, 'node-a', '.fleet_fetch.json'), 'utf8')) as { streams: Record<string, { chunks: number }> }).streams['logs/nav.jsonl']?.chunks ?? 0;
    const before = fetched();
    const navFile = path.join(nodes[0]?.state ?? '', 'logs', 'nav.jsonl');
    const last = readFileSync(navFile, 'utf8').trim().split('\n').at(-1) as string;
    const rec = JSON.parse(last) as { ts: number; nav_usd: number };
    appendFileSync(navFile, `${JSON.stringify({ ...rec, ts: rec.ts + 3_600_000, nav_usd: rec.nav_usd + 100 })}\n`);
    await syncNode(nodes[0] as (typeof nodes)[number], ['s3']);
    const second = await readFleet(source, { cacheDir, nowMs: Date.UTC(2024, 0, 16), baseDir: work.dir, s3Client: client, folds });
    expect(fetched()).toBe(before + 1);
    // folded from where the first read stopped, the same as a read that folds everything
    const whole = await readFleet(source, { cacheDir, nowMs: Date.UTC(2024, 0, 16), baseDir: work.dir, s3Client: client });
    expect(second.nodes.map((n) => n.data.accounts)).toEqual(whole.nodes.map((n) => n.data.accounts));
    expect(second.blended).toEqual(whole.blended);
    expect(readFileSync(path.join(cacheDir, 'node-a', 'logs', 'nav.jsonl'), 'utf8')).toBe(readFileSync(navFile, 'utf8'));
    expect(second.blended.nav.at(-1)).toEqual([rec.ts + 3_600_000, rec.nav_usd + 100 + (navOf(nodes[1]?.state ?? '').at(-1)?.nav_usd ?? 0)]);
  }, 60_000);

  it('hedge status --fleet: every node\'s accounts and the fund line; exit 3 when a node is stale', async () => {
    const r = await runCliAsync(['status', '--fleet', `dir:${mirror}`, '--state-dir', work.dir, '--json']);
    expect(r.code).toBe(3); // the replays' heartbeats are from 2024
    const out = JSON.parse(r.stdout) as { ok: boolean; nodes: { node: string; accounts: { account: string; problems: string[] }[] }[]; fund: { accounts: number; nav_usd: number } };
    expect(out.ok).toBe(false);
    expect(out.nodes.map((n) => n.node)).toEqual(['node-a', 'node-b']);
    expect(out.nodes[0]?.accounts[0]?.problems.join(' ')).toMatch(/executor heartbeat is \d+ s old/);
    expect(out.fund.accounts).toBe(2);
    // what the mirror holds (node-a's last record went to S3 only)
    expect(out.fund.nav_usd).toBeCloseTo((navOf(path.join(mirror, 'node-a')).at(-1)?.nav_usd ?? 0) + (navOf(path.join(mirror, 'node-b')).at(-1)?.nav_usd ?? 0), 6);
    const text = await runCliAsync(['status', '--fleet', `dir:${mirror}`, '--state-dir', work.dir]);
    expect(text.stdout).toMatch(/^node node-a$/m);
    expect(text.stdout).toMatch(/^fund {7}\d+\.\d{2} USD across 2 account\(s\)/m);
  });

  it('hedge status --fleet judges each node as hedge status judges a state dir, and keeps the NAV folds of the fund line between checks', async () => {
    const check = async () => {
      const r = await runCliAsync(['status', '--fleet', `dir:${mirror}`, '--state-dir', work.dir, '--json']);
      expect(r.code).toBe(3);
      return JSON.parse(r.stdout) as { nodes: { node: string; accounts: AccountStatus[] }[]; fund: Record<string, number | null> };
    };
    const fundOf = (b: BlendedFund) => ({
      accounts: b.accounts.length, nav_usd: b.navUsd, gross_exposure_usd: b.grossExposureUsd, net_exposure_usd: b.netExposureUsd, drawdown_pct: b.drawdownPct,
      max_drawdown_pct: b.maxDrawdownPct, sharpe: b.rollingSharpe.at(-1)?.[1] ?? null, sharpe_days: b.sharpeDays,
    });
    const steady = (a: AccountStatus) => ({ ...a, executor: { ...a.executor, ageS: 0 }, sync: a.sync === null ? null : { ...a.sync, ageS: 0 }, nav: a.nav === null ? null : { ...a.nav, ageS: 0 }, problems: a.problems.map((p) => p.replace(/\d+ s old/, 'N s old')) });
    for (let k = 0; k < 2; k++) {
      const out = await check();
      // the fund line is the dashboard's fund of the same mirror
      const view = await readFleet({ type: 'dir', path: mirror }, { cacheDir: path.join(work.dir, 'fleet-cache'), nowMs: Date.now(), baseDir: work.dir });
      expect(out.fund).toEqual(fundOf(view.blended));
      // each node's accounts as hedge status reads that node's folder (the streams from their end)
      for (const n of out.nodes) expect(n.accounts.map(steady)).toEqual(readStatus(path.join(mirror, n.node), Date.now(), { executorS: 180, syncS: 60, navS: 7_200 }).map(steady));
      expect(readdirSync(path.join(work.dir, 'cache', 'fleet', '.nav-series'))).toHaveLength(2);
      // a cycle more on node-b, between the checks
      if (k === 0) {
        const navFile = path.join(mirror, 'node-b', 'logs', 'nav.jsonl');
        const last = JSON.parse(readFileSync(navFile, 'utf8').trimEnd().split('\n').at(-1) ?? '{}') as { ts: number; nav_usd: number };
        appendFileSync(navFile, `${JSON.stringify({ ...last, ts: last.ts + 3_600_000, nav_usd: last.nav_usd - 500 })}\n`);
      }
    }
  });

  it('hedge status --fleet from a state dir it cannot write (a monitor\'s read-only mount): the same answer, and a warning that each check folds every NAV record', async () => {
    const monitor = tempDir('hedge-fleet-ro-');
    // a file where the cache folder would be: nothing can be kept under it
    mkdirSync(path.join(monitor.dir, 'cache'));
    writeFileSync(path.join(monitor.dir, 'cache', 'fleet'), '');
    const r = await runCliAsync(['status', '--fleet', `dir:${mirror}`, '--state-dir', monitor.dir, '--json']);
    expect(r.code, r.stderr).toBe(3);
    const out = JSON.parse(r.stdout) as { fund: unknown; nodes: unknown; warnings: string[] };
    const kept = JSON.parse((await runCliAsync(['status', '--fleet', `dir:${mirror}`, '--state-dir', work.dir, '--json'])).stdout) as { fund: unknown; warnings: string[] };
    expect(out.fund).toEqual(kept.fund);
    expect(kept.warnings).toEqual([]);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/NAV folds of 2 account\(s\) cannot be kept under .*\.nav-series .*each check parses every NAV record again/);
    const text = await runCliAsync(['status', '--fleet', `dir:${mirror}`, '--state-dir', monitor.dir]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/^fund {7}\d+\.\d{2} USD across 2 account\(s\)/m);
    expect(text.stderr).toMatch(/Warning: the NAV folds of 2 account\(s\) cannot be kept/);
    monitor.cleanup();
  });

  it('the fleet dashboard (dashboard-export --fleet): both nodes\' accounts and the fund, in Chromium from file://, no console error', async () => {
    const out = path.join(work.dir, 'fleet-dash');
    const r = await exportFleetDashboard({ type: 'dir', path: mirror }, { cacheDir: path.join(work.dir, 'fleet-cache'), baseDir: work.dir }, out, new ManualClock(Date.UTC(2024, 0, 16)), { title: 'fleet', refreshS: 5 });
    expect(r).toMatchObject({ written: true, accounts: 2 });
    const view = await readFleet({ type: 'dir', path: mirror }, { cacheDir: path.join(work.dir, 'fleet-cache'), nowMs: 0, baseDir: work.dir });
    const browser = await launchChromium();
    try {
      const { page, errors } = await openRecorded(browser, `file://${path.join(out, 'index.html')}`, { width: 1400, height: 1600 });
      const usd = (x: number) => `${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD`;
      expect(await page.textContent('#fund-nav-value')).toBe(usd(view.blended.navUsd ?? 0));
      expect(await page.locator('#fund-accounts tbody tr').count()).toBe(2);
      for (const n of ['node-a', 'node-b']) {
        const last = navOf(path.join(mirror, n)).at(-1)?.nav_usd ?? 0;
        expect(await page.textContent(`#acct-${n}_paper-main-nav-value`)).toBe(usd(last));
      }
      await page.waitForSelector('#fund-nav-chart canvas');
      // two weeks are fewer than the 30 days the rolling Sharpe needs: said, not drawn empty
      expect(await page.textContent('#fund-sharpe-panel')).toContain('fewer than 31 days of NAV');
      await page.screenshot({ path: path.join(packageRoot, 'test', 'artifacts', 'dashboard-fleet.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import type { ReplaySummary } from '../../src/kernel/replay.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { HeartbeatSnapshot } from '../../src/telemetry/records/heartbeat.js';
import { NavRecord } from '../../src/telemetry/records/nav.js';
import { OrderEventRecord } from '../../src/telemetry/records/order-event.js';
import { PositionsSnapshot } from '../../src/telemetry/records/positions.js';
import { VetoRecord } from '../../src/telemetry/records/veto.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

const replay = async (dir: string, ...extra: string[]) => {
  const r = await runCliAsync(['executor', '--replay', '--from', '2024-01-01', '--to', '2024-01-15', '--state-dir', dir, '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ReplaySummary;
};

describe('hedge executor --replay (dry-run on the paper venue)', () => {
  it('runs two weeks of the bundled universe and leaves every telemetry file schema-valid', async () => {
    const t = tempDir();
    const s = await replay(t.dir);
    expect(s.cycles).toBe(14 * 24 + 1);
    expect(s.orders.submitted).toBeGreaterThan(0);
    const logs = path.join(t.dir, 'logs');
    const orders = readJsonl(path.join(logs, 'orders.jsonl'), OrderEventRecord);
    const vetoes = readJsonl(path.join(logs, 'risk_vetoes.jsonl'), VetoRecord);
    const nav = readJsonl(path.join(logs, 'nav.jsonl'), NavRecord);
    for (const r of [orders, vetoes, nav]) expect(r.badLines).toEqual([]);
    expect(nav.records).toHaveLength(s.cycles);
    expect(nav.records.at(-1)?.nav_usd).toBeCloseTo(s.navEndUsd, 6);
    expect(PositionsSnapshot.safeParse(JSON.parse(readFileSync(path.join(logs, 'positions.json'), 'utf8'))).success).toBe(true);
    expect(HeartbeatSnapshot.safeParse(JSON.parse(readFileSync(path.join(logs, 'heartbeat_executor.json'), 'utf8'))).success).toBe(true);
    // every entry that filled got its protective stop, reduce-only, on the other side
    const ids = new Set(orders.records.map((o) => o.client_order_id));
    expect(ids.size).toBe(new Set(orders.records.filter((o) => o.event === 'order.submitted').map((o) => o.client_order_id)).size);
    const stops = orders.records.filter((o) => o.event === 'order.submitted' && o.type === 'stop_market');
    expect(stops.length).toBeGreaterThan(0);
    for (const st of stops) expect(st.reduce_only).toBe(true);
    t.cleanup();
  });

  it('is deterministic: the same data and config give the same order stream and the same vetoes', async () => {
    const [a, b] = [tempDir(), tempDir()];
    const [sa, sb] = await Promise.all([replay(a.dir), replay(b.dir)]);
    expect(sb.navEndUsd).toBe(sa.navEndUsd);
    const read = (dir: string, f: string) => readFileSync(path.join(dir, 'logs', f), 'utf8');
    expect(read(b.dir, 'orders.jsonl')).toBe(read(a.dir, 'orders.jsonl'));
    expect(read(b.dir, 'risk_vetoes.jsonl')).toBe(read(a.dir, 'risk_vetoes.jsonl'));
    a.cleanup();
    b.cleanup();
  });

  it('continues its own run and refuses to mix its records with another run\'s', async () => {
    const t = tempDir();
    const first = await replay(t.dir);
    const again = await replay(t.dir);
    expect(again).toMatchObject({ resumed: true, cycles: first.cycles, navEndUsd: first.navEndUsd });
    const other = await runCliAsync(['executor', '--replay', '--from', '2024-02-01', '--to', '2024-02-03', '--state-dir', t.dir]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('belongs to another run');
    t.cleanup();
  });

  it('a first cycle that fails after writing telemetry restarts from the starting commit; telemetry with no commit is refused', async () => {
    const range = ['--from', '2024-01-01', '--to', '2024-01-03'];
    const [clean, failed, foreign] = [tempDir(), tempDir(), tempDir()];
    const ref = await runCliAsync(['executor', '--replay', ...range, '--state-dir', clean.dir]);
    expect(ref.code, ref.stderr).toBe(0);
    // positions.json cannot be written (a directory in its place): the first cycle has appended its
    // orders and NAV when it fails, before its own commit
    const blocker = path.join(failed.dir, 'logs', 'positions.json');
    mkdirSync(path.join(blocker, 'x'), { recursive: true });
    const broken = await runCliAsync(['executor', '--replay', ...range, '--state-dir', failed.dir]);
    expect(broken.code).not.toBe(0);
    expect(readFileSync(path.join(failed.dir, 'logs', 'nav.jsonl'), 'utf8')).not.toBe('');
    rmSync(blocker, { recursive: true });
    const again = await runCliAsync(['executor', '--replay', ...range, '--state-dir', failed.dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: true, cycles: 2 * 24 + 1 });
    const read = (dir: string, f: string) => readFileSync(path.join(dir, 'logs', f), 'utf8');
    for (const f of ['orders.jsonl', 'risk_vetoes.jsonl', 'nav.jsonl', 'positions.json', 'router_health.jsonl']) expect(read(failed.dir, f), f).toBe(read(clean.dir, f));
    // records that no commit of this state dir accounts for are someone else's: never appended to
    mkdirSync(path.join(foreign.dir, 'logs'), { recursive: true });
    writeFileSync(path.join(foreign.dir, 'logs', 'orders.jsonl'), read(clean.dir, 'orders.jsonl'));
    const mixed = await runCliAsync(['executor', '--replay', ...range, '--state-dir', foreign.dir]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('already holds telemetry of another run (orders.jsonl)');
    for (const t of [clean, failed, foreign]) t.cleanup();
  }, 120_000);

  it('SIGINT finishes the cycle, flushes telemetry and exits 0; the same command then continues to the end', async () => {
    const t = tempDir();
    const args = ['executor', '--replay', '--from', '2024-01-01', '--to', '2024-03-01', '--state-dir', t.dir, '--json'];
    const child = spawn(process.execPath, [path.join(packageRoot, 'bin', 'run.js'), ...args], { cwd: packageRoot, env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '' } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // wait until a few cycles are committed, then interrupt
    const navFile = path.join(t.dir, 'logs', 'nav.jsonl');
    for (let waited = 0; !existsSync(navFile) || readFileSync(navFile, 'utf8').split('\n').length < 50; waited += 20) {
      if (waited > 60_000) throw new Error('the replay never got going');
      await sleep(20);
    }
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const s = JSON.parse(stdout) as ReplaySummary;
    expect(s.stopped).toBe(true);
    expect(s.cycles).toBeGreaterThanOrEqual(49);
    expect(s.cycles).toBeLessThan(60 * 24 + 1);
    // everything up to the last committed cycle is on disk, nothing beyond it
    const nav = readJsonl(navFile, NavRecord);
    expect(nav.badLines).toEqual([]);
    expect(nav.records).toHaveLength(s.cycles);
    expect(existsSync(path.join(t.dir, 'cache', 'executor_paper-main.lock'))).toBe(false);
    const again = await runCliAsync(args);
    expect(again.code, again.stderr).toBe(0);
    const rest = JSON.parse(again.stdout) as ReplaySummary;
    expect(rest).toMatchObject({ resumed: true, stopped: false, cycles: 60 * 24 + 1 });
    const all = readJsonl(navFile, NavRecord).records;
    expect(all).toHaveLength(60 * 24 + 1);
    // the kernel's books came back with the checkpoint: running fees never fall back at the resumed cycle,
    // and the strategies' PnL still adds up to the NAV's change since the first cycle
    for (let i = 1; i < all.length; i++) expect((all[i]?.fees_usd ?? 0) >= (all[i - 1]?.fees_usd ?? 0), `fees_usd at ${all[i]?.cycle_id}`).toBe(true);
    const last = all.at(-1);
    const pnl = Object.values(last?.strategies ?? {}).reduce((a, x) => a + x.pnl_usd, 0);
    expect(pnl).toBeCloseTo((last?.nav_usd ?? 0) - 10_000, 6);
    t.cleanup();
  }, 180_000);

  it('asks how to run when no mode is given, and names what a live cycle on a paper account lacks', async () => {
    const none = await runCliAsync(['executor']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--once, --loop, or --replay');
    const cfg = configCopy([{ file: 'venues.json', replace: [',\n      "market_data": "binance-usdm"', ''] }]);
    const t = tempDir();
    const r = await runCliAsync(['executor', '--once', '--config-dir', cfg.dir, '--state-dir', t.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('paper venue "paper" has no market_data');
    cfg.cleanup();
    t.cleanup();
  });
});

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigDir } from '../../src/core/paths.js';
import { buildDashboardData } from '../../src/dashboard/model.js';
import { runReplay } from '../../src/kernel/replay.js';
import { readStatus, statusOf } from '../../src/sync/status.js';
import { statePaths } from '../../src/telemetry/state-paths.js';
import { runCliAsync } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';

describe('hedge status', () => {
  it('exits 3 and says what is stale; exits 0 when the heartbeats and NAV are fresh', async () => {
    const t = tempDir();
    await runReplay({ loaded: loadConfig({ configDir: defaultConfigDir }), stateDir: t.dir, fromMs: Date.UTC(2024, 2, 1), toMs: Date.UTC(2024, 2, 3), env: 'dev' });
    const stale = await runCliAsync(['status', '--state-dir', t.dir]);
    expect(stale.code).toBe(3);
    expect(stale.stdout).toContain('account paper-main');
    expect(stale.stdout).toMatch(/STALE\/FAIL executor heartbeat is \d+ s old \(limit 180 s\)/);
    expect(stale.stdout).toMatch(/STALE\/FAIL NAV is \d+ s old/);
    // the same files, as a live executor and sync would have just written them
    const p = statePaths(t.dir);
    const now = Date.now();
    const beat = JSON.parse(readFileSync(p.heartbeat('executor'), 'utf8')) as Record<string, unknown>;
    writeFileSync(p.heartbeat('executor'), JSON.stringify({ ...beat, ts: now }));
    writeFileSync(p.heartbeat('sync'), JSON.stringify({ ...beat, service: 'sync', ts: now, cycle: 3, lag_ms: 120 }));
    const nav = readFileSync(p.nav, 'utf8').trim().split('\n').at(-1) ?? '{}';
    appendFileSync(p.nav, `${JSON.stringify({ ...(JSON.parse(nav) as object), ts: now })}\n`);
    const fresh = await runCliAsync(['status', '--state-dir', t.dir, '--json']);
    expect(fresh.code, fresh.stdout).toBe(0);
    const r = JSON.parse(fresh.stdout) as { ok: boolean; accounts: { account: string; problems: string[]; sync: { lagMs: number }; router: { offsetsBps: Record<string, number> } }[] };
    expect(r.ok).toBe(true);
    expect(r.accounts[0]).toMatchObject({ account: 'paper-main', problems: [], sync: { lagMs: 120 } });
    expect(Object.keys(r.accounts[0]?.router.offsetsBps ?? {}).length).toBeGreaterThan(0);

    // read off the end of the streams, the figures are those of the whole files folded as the dashboard folds them
    const thresholds = { executorS: 180, syncS: 60, navS: 7_200 };
    const folded = buildDashboardData(t.dir, now).accounts.map((a) => statusOf(a, now, thresholds));
    expect(readStatus(t.dir, now, thresholds)).toEqual(folded);
    expect(Object.keys(folded[0]?.recentVetoes ?? {}).length).toBeGreaterThan(0);
    // and the vetoes of the last 24 h are all counted, not only the newest 1,000 records
    const veto = JSON.parse(readFileSync(p.vetoes, 'utf8').trim().split('\n').at(-1) ?? '{}') as { ts: number };
    appendFileSync(p.vetoes, Array.from({ length: 1_500 }, (_, i) => `${JSON.stringify({ ...veto, ts: veto.ts + 1 + i, reasons: ['order_rate'] })}\n`).join(''));
    expect(readStatus(t.dir, now, thresholds)[0]?.recentVetoes['order_rate']).toBeGreaterThanOrEqual(1_500);
    t.cleanup();
  }, 120_000);
});

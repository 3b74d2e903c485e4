import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { UsageError } from '../../src/core/errors.js';
import { exportDashboard } from '../../src/dashboard/export.js';
import { TelemetryMetrics } from '../../src/dashboard/metrics.js';
import { serveDashboard } from '../../src/dashboard/server.js';
import { runCliAsync } from '../support/cli.js';
import { configCopy, tempDir } from '../support/config-copy.js';

// the telemetry of a real replay (two weeks), exported once
const state = tempDir('hedge-dash-server-');
const out = path.join(state.dir, 'bundle');
let hbTs = 0;
beforeAll(async () => {
  const r = await runCliAsync(['executor', '--replay', '--from', '2024-01-01', '--to', '2024-01-15', '--state-dir', state.dir, '--json'], { ENV: 'dev' });
  expect(r.code, r.stderr).toBe(0);
  hbTs = (JSON.parse(readFileSync(path.join(state.dir, 'logs', 'heartbeat_executor.json'), 'utf8')) as { ts: number }).ts;
  exportDashboard(state.dir, out, new ManualClock(hbTs), { title: 'test', refreshS: 5 });
}, 120_000);
afterAll(() => state.cleanup());

const lines = <T>(file: string): T[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as T);

/** Prometheus text → `name{labels}` → value (labels as written, sorted by prom-client). */
function parseProm(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of text.split('\n')) {
    if (l.startsWith('#') || l.trim() === '') continue;
    const at = l.lastIndexOf(' ');
    m.set(l.slice(0, at), Number(l.slice(at + 1)));
  }
  return m;
}

describe('the dashboard service', () => {
  it('serves the page and its data read-only on loopback: GET/HEAD only, nothing else', async () => {
    const { server, url } = await serveDashboard(out, '127.0.0.1', 0, undefined);
    try {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toBe(readFileSync(path.join(out, 'index.html'), 'utf8'));
      expect((await fetch(`${url}data.json`)).status).toBe(200);
      expect((await fetch(`${url}data.json`, { method: 'HEAD' })).status).toBe(200);
      expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(405);
      expect((await fetch(`${url}../../etc/passwd`)).status).toBe(404);
      expect((await fetch(`${url}metrics`)).status).toBe(404); // no metrics source given
    } finally {
      server.close();
    }
  });

  it('refuses to bind beyond loopback without a token; with one, every request must carry it', async () => {
    await expect(serveDashboard(out, '0.0.0.0', 0, undefined)).rejects.toThrow(UsageError);
    await expect(serveDashboard(out, '0.0.0.0', 0, 'short')).rejects.toThrow(/16\+ characters/);
    const token = 'a-long-enough-access-token';
    const { server, url } = await serveDashboard(out, '0.0.0.0', 0, token);
    const local = url.replace('0.0.0.0', '127.0.0.1');
    try {
      expect((await fetch(local)).status).toBe(401);
      expect((await fetch(`${local}?token=wrong-token-of-some-length`)).status).toBe(401);
      expect((await fetch(`${local}?token=${token}`)).status).toBe(200);
      expect((await fetch(`${local}data.json`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      server.close();
    }
    // from the CLI: dashboard.json bound beyond loopback without token_env is a config error before anything starts
    const cfg = configCopy([{ file: 'dashboard.json', patch: { host: '0.0.0.0' } }]);
    const r = await runCliAsync(['dashboard-export', '--watch', '--serve', '--port', '0', '--config-dir', cfg.dir, '--state-dir', state.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(cfg.dir, 'dashboard.json'));
    expect(r.stderr).toMatch(/token_env/);
    cfg.cleanup();
  });
});

describe('Prometheus metrics (/metrics)', () => {
  it('reports the telemetry\'s figures, counts new stream lines incrementally, and starts counters again when a stream is rewritten', async () => {
    const clock = new ManualClock(hbTs + 42_000);
    const metrics = new TelemetryMetrics(state.dir, clock);
    const { server, url } = await serveDashboard(out, '127.0.0.1', 0, undefined, metrics);
    try {
      const scrape = async () => {
        const res = await fetch(`${url}metrics`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        return parseProm(await res.text());
      };
      const logs = path.join(state.dir, 'logs');
      const navs = lines<{ nav_usd: number; unrealized_pnl_usd: number }>(path.join(logs, 'nav.jsonl'));
      const vetoes = lines<{ reasons: string[]; stage: string }>(path.join(logs, 'risk_vetoes.jsonl'));
      const orders = lines<{ event: string; latency_ms: number | null }>(path.join(logs, 'orders.jsonl'));
      const byReason = new Map<string, number>();
      for (const v of vetoes) for (const r of v.reasons) byReason.set(`${r}|${v.stage}`, (byReason.get(`${r}|${v.stage}`) ?? 0) + 1);
      expect(byReason.size).toBeGreaterThan(0);
      const m = await scrape();
      const acct = 'account="paper-main"';
      expect(m.get(`hedge_nav_usd{${acct}}`)).toBe(navs.at(-1)?.nav_usd);
      expect(m.get(`hedge_pnl_usd{${acct}}`)).toBeCloseTo((navs.at(-1)?.nav_usd ?? 0) - (navs[0]?.nav_usd ?? 0), 9);
      expect(m.get(`hedge_unrealized_pnl_usd{${acct}}`)).toBe(navs.at(-1)?.unrealized_pnl_usd);
      for (const [k, n] of byReason) {
        const [reason, stage] = k.split('|');
        expect(m.get(`hedge_vetoes_total{${acct},reason="${reason}",stage="${stage}"}`), k).toBe(n);
      }
      expect(m.get(`hedge_order_events_total{${acct},event="order.filled"}`)).toBe(orders.filter((o) => o.event === 'order.filled').length);
      const submitted = orders.filter((o) => o.event === 'order.submitted' && o.latency_ms !== null);
      expect(m.get(`hedge_order_latency_ms_count{${acct}}`)).toBe(submitted.length);
      expect(m.get(`hedge_heartbeat_age_seconds{${acct},service="executor"}`)).toBe(42);
      const router = JSON.parse(readFileSync(path.join(logs, 'router_health.json'), 'utf8')) as { symbols: Record<string, { state: string; offset_bps: number }> };
      const [sym, h] = Object.entries(router.symbols)[0] ?? ['', { state: '', offset_bps: 0 }];
      expect(m.get(`hedge_router_state{${acct},symbol="${sym}",state="${h.state}"}`)).toBe(1);
      expect(m.get(`hedge_router_offset_bps{${acct},symbol="${sym}"}`)).toBe(h.offset_bps);

      // three more vetoes, and a half-written fourth: counted by three at the next scrape
      const vetoFile = path.join(logs, 'risk_vetoes.jsonl');
      const original = readFileSync(vetoFile, 'utf8');
      const last = original.trim().split('\n').at(-1) as string;
      const lastReasons = (JSON.parse(last) as { reasons: string[]; stage: string });
      appendFileSync(vetoFile, `${last}\n${last}\n${last}\n${last.slice(0, 40)}`);
      const key = `hedge_vetoes_total{${acct},reason="${lastReasons.reasons[0]}",stage="${lastReasons.stage}"}`;
      const before = m.get(key) ?? 0;
      expect((await scrape()).get(key)).toBe(before + 3);
      // the half line completed: one more
      appendFileSync(vetoFile, `${last.slice(40)}\n`);
      expect((await scrape()).get(key)).toBe(before + 4);
      // the stream rewritten shorter (one record): the counters start again from what it holds
      writeFileSync(vetoFile, `${last}\n`);
      const after = await scrape();
      expect(after.get(key)).toBe(1);
      expect(after.get(`hedge_order_events_total{${acct},event="order.filled"}`)).toBe(orders.filter((o) => o.event === 'order.filled').length);
      // cut back and grown past where the last scrape stopped before the next one (a replay restarted and went
      // on): not shorter, but other bytes there; the counters start again from what it holds (read on from the
      // old offset, the first line's rest would be skipped and the count would be 1 + 2)
      const otherReason = lastReasons.reasons[0] === 'order_rate' ? 'kill_switch' : 'order_rate';
      const other = JSON.stringify({ ...(JSON.parse(last) as object), reasons: [otherReason], pad: 'x'.repeat(last.length) });
      writeFileSync(vetoFile, `${other}\n${last}\n${last}\n`);
      expect((await scrape()).get(key)).toBe(2);
      // a line that is not a record: counted as such, and the records after it still are
      const badBefore = (await scrape()).get('hedge_telemetry_bad_lines_total{file="risk_vetoes.jsonl"}') ?? 0;
      appendFileSync(vetoFile, `not json\n${last}\n`);
      const withBad = await scrape();
      expect(withBad.get('hedge_telemetry_bad_lines_total{file="risk_vetoes.jsonl"}')).toBe(badBefore + 1);
      expect(withBad.get(key)).toBe(3);
      // the guardian's records count for the account, by playbook and outcome
      const guardianFile = path.join(logs, 'guardian_actions.jsonl');
      expect(existsSync(guardianFile)).toBe(false);
      appendFileSync(guardianFile, `${JSON.stringify({ playbook: 'dd', outcome: 'acted' })}\n`.repeat(2) + `${JSON.stringify({ playbook: 'dd', outcome: 'cooldown' })}\n`);
      const guarded = await scrape();
      expect(guarded.get(`hedge_guard_triggers_total{${acct},playbook="dd",outcome="acted"}`)).toBe(2);
      expect(guarded.get(`hedge_guard_triggers_total{${acct},playbook="dd",outcome="cooldown"}`)).toBe(1);
      rmSync(guardianFile);
      writeFileSync(vetoFile, original);
    } finally {
      server.close();
    }
  });
});

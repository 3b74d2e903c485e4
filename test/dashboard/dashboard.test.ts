/**
 * The exported dashboard in headless Debian Chromium (playwright-core, /usr/bin/chromium): opened from
 * file:// (no network), every panel renders with the numbers of the telemetry, the veto stream filters,
 * and there is no console error. Screenshots go to test/artifacts/.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ManualClock } from '../../src/core/clock.js';
import { defaultConfigDir, packageRoot } from '../../src/core/paths.js';
import { exportDashboard } from '../../src/dashboard/export.js';
import { runReplay } from '../../src/kernel/replay.js';
import { readJsonl } from '../../src/telemetry/jsonl-reader.js';
import { NavRecord } from '../../src/telemetry/records/nav.js';
import { PositionsSnapshot } from '../../src/telemetry/records/positions.js';
import { VetoRecord } from '../../src/telemetry/records/veto.js';
import { statePaths } from '../../src/telemetry/state-paths.js';
import { launchChromium, openRecorded } from '../support/browser.js';
import { runCliAsync } from '../support/cli.js';
import { tempDir } from '../support/config-copy.js';

const artifacts = path.join(packageRoot, 'test', 'artifacts');
let browser: Browser;
const state = tempDir();
const out = path.join(state.dir, 'dashboard');

beforeAll(async () => {
  const loaded = loadConfig({ configDir: defaultConfigDir });
  // two weeks of the universe: positions, vetoes and a NAV curve to show
  await runReplay({ loaded, stateDir: state.dir, fromMs: Date.UTC(2024, 2, 1), toMs: Date.UTC(2024, 2, 15), env: 'dev' });
  // the nightly regime report of the same day
  const refit = await runCliAsync(['regime', 'refit', '--dated', '--at', '2024-03-15', '--state-dir', state.dir, '--json']);
  expect(refit.code, refit.stderr).toBe(0);
  // and a screen of that bar (logs/screener.json: ML scores and features)
  const screen = await runCliAsync(['screener', '--at', '2024-03-15T00:00:00Z', '--state-dir', state.dir, '--json']);
  expect(screen.code, screen.stderr).toBe(0);
  const g = loaded.config.risk_limits.global;
  exportDashboard(state.dir, out, new ManualClock(Date.UTC(2024, 2, 15, 1)), { title: 'hedge: test fund', refreshS: 5, limits: { max_gross_exposure_pct: g.max_gross_exposure_pct, max_net_exposure_pct: g.max_net_exposure_pct, daily_loss_limit_pct: g.daily_loss_limit_pct, max_drawdown_pct: g.max_drawdown_pct } });
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  state.cleanup();
});

describe('dashboard page in Chromium', () => {
  it('renders every panel from file:// with the telemetry numbers, filters the veto stream, and logs no error', async () => {
    const { page, errors } = await openRecorded(browser, `file://${path.join(out, 'index.html')}`, { width: 1400, height: 1800 });
    const p = statePaths(state.dir);
    const lastNav = readJsonl(p.nav, NavRecord).records.at(-1);
    const acct = '#acct-paper-main';
    // the NAV shown is the last NAV record
    const navText = await page.textContent(`${acct}-nav-value`);
    expect(navText).toBe(`${(lastNav?.nav_usd ?? 0).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD`);
    // the equity curve is drawn by lightweight-charts (its canvases)
    await page.waitForSelector(`${acct}-equity-chart canvas`);
    expect(await page.locator(`${acct}-equity-chart canvas`).count()).toBeGreaterThan(0);
    // positions: one row per open position
    const positions = PositionsSnapshot.parse(JSON.parse(readFileSync(p.positions, 'utf8'))).positions;
    expect(await page.locator(`${acct}-positions-table tbody tr`).count()).toBe(positions.length);
    // the veto stream, then filtered by one reason
    const vetoes = readJsonl(p.vetoes, VetoRecord).records;
    expect(vetoes.length).toBeGreaterThan(0);
    expect(await page.locator(`${acct}-veto-table tbody tr`).count()).toBe(vetoes.length);
    const reason = vetoes[0]?.reasons[0] ?? 'max_positions';
    await page.selectOption(`${acct}-veto-reason`, reason);
    const expected = vetoes.filter((v) => v.reasons.includes(reason)).length;
    expect(await page.locator(`${acct}-veto-table tbody tr`).count()).toBe(expected);
    expect(await page.textContent(`${acct}-veto-count`)).toContain(`${expected} of ${vetoes.length} shown`);
    // router health over time (router_health.jsonl: a line per symbol whose health changed): drawn, its state changes listed
    const history = readFileSync(p.routerHealthLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { symbol: string; state: string });
    expect(history.length).toBeGreaterThan(0);
    const seenState = new Map<string, string>();
    let stateChanges = 0;
    for (const r of history) {
      if (seenState.has(r.symbol) && seenState.get(r.symbol) !== r.state) stateChanges++;
      seenState.set(r.symbol, r.state);
    }
    await page.waitForSelector(`${acct}-router-history-chart canvas`);
    expect(await page.locator(`${acct}-router-changes tbody tr`).count()).toBe(stateChanges);
    await page.selectOption(`${acct}-router-figure`, 'slippage_bps');
    await page.waitForSelector(`${acct}-router-history-chart canvas`);
    expect(await page.locator(`${acct}-router-figure`).inputValue()).toBe('slippage_bps');
    // services
    expect(await page.locator(`${acct}-heartbeats tbody tr`).count()).toBe(1);
    // the risk overview: the trading state, and each figure against its limit (risk_state.json and the last NAV record)
    const risk = JSON.parse(readFileSync(p.riskState, 'utf8')) as { trading_state: string; day: { start_nav_usd: number } | null; high_water_mark_usd: number | null };
    const limits = loadConfig({ configDir: defaultConfigDir }).config.risk_limits.global;
    expect(await page.textContent(`${acct}-risk-state`)).toBe(risk.trading_state);
    const rows = await page.locator(`${acct}-risk-table tbody tr`).allTextContents();
    const nav = lastNav?.nav_usd ?? 0;
    const gross = ((lastNav?.gross_exposure_usd ?? 0) / nav) * 100;
    expect(rows[0]).toBe(`gross exposure % NAV${gross.toFixed(2)}${limits.max_gross_exposure_pct.toFixed(2)}${((gross / limits.max_gross_exposure_pct) * 100).toFixed(0)} %`);
    const dd = Math.max(0, (((risk.high_water_mark_usd ?? nav) - nav) / (risk.high_water_mark_usd ?? nav)) * 100);
    expect(rows[3]).toBe(`drawdown %${dd.toFixed(2)}${limits.max_drawdown_pct.toFixed(2)}${((dd / limits.max_drawdown_pct) * 100).toFixed(0)} %`);
    // per-strategy PnL: the last NAV record's figures, summing to the NAV's change since the first record (no funding in this range)
    const strategies = lastNav?.strategies ?? {};
    const ids = Object.keys(strategies).sort();
    expect(ids.length).toBeGreaterThan(1);
    const firstRecord = readJsonl(p.nav, NavRecord).records[0];
    const firstNav = firstRecord?.nav_usd ?? 0;
    const pnlSum = (r: typeof lastNav) => Object.values(r?.strategies ?? {}).reduce((a, x) => a + x.pnl_usd, 0);
    expect(pnlSum(lastNav) - pnlSum(firstRecord)).toBeCloseTo(nav - firstNav, 6);
    const stratRows = await page.locator(`${acct}-strategies-table tbody tr`).allTextContents();
    expect(stratRows).toEqual(ids.map((id) => `■ ${id}${(strategies[id]?.pnl_usd ?? 0).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${(((strategies[id]?.pnl_usd ?? 0) / firstNav) * 100).toFixed(2)}`));
    await page.waitForSelector(`${acct}-strategies-chart canvas`);
    // the correlation heatmap of the strategies' daily PnL changes: drawn by chart.js, one cell per pair
    await page.waitForFunction("typeof Chart !== 'undefined' && Chart.getChart('correlation-canvas') !== undefined");
    const cells = (await page.evaluate("Chart.getChart('correlation-canvas').data.datasets[0].data.length")) as number;
    expect(cells).toBe(ids.length * ids.length);
    const diagonal = (await page.evaluate("Chart.getChart('correlation-canvas').data.datasets[0].data.filter((c) => c.x === c.y).map((c) => c.v)")) as (number | null)[];
    for (const v of diagonal) expect(v).toBeCloseTo(1, 12);
    // each symbol's regime, as the latest regime report has it
    const regimesDir = path.join(state.dir, 'research', 'regimes');
    const report = JSON.parse(readFileSync(path.join(regimesDir, readdirSync(regimesDir)[0] ?? ''), 'utf8')) as { models: { symbol: string; regime: string | null }[] };
    expect(report.models.length).toBe(11);
    const regimeRows = await page.locator('#regimes-table tbody tr').allTextContents();
    expect(regimeRows.map((r) => r.slice(0, r.indexOf('20')))).toEqual(report.models.map((m) => `${m.symbol}${m.regime ?? '–'}`));
    // the ML score (momentum-logistic) and features of each symbol, as the last screen has them
    const screened = JSON.parse(readFileSync(path.join(state.dir, 'logs', 'screener.json'), 'utf8')) as { features: { symbol: string; mlScore: number | null }[]; intents: unknown[] };
    expect(screened.features.some((f) => f.mlScore !== null)).toBe(true);
    expect(await page.locator('#screener-table tbody tr td:nth-child(1)').allTextContents()).toEqual(screened.features.map((f) => f.symbol));
    const scores = await page.locator('#screener-table tbody tr td:nth-child(2)').allTextContents();
    expect(scores).toEqual(screened.features.map((f) => (f.mlScore === null ? '–' : f.mlScore.toFixed(3))));
    expect(await page.locator('#screener-intents-table tbody tr').count()).toBe(screened.intents.length);
    await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

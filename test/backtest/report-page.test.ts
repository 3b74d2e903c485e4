/**
 * The research pages in headless Debian Chromium (playwright-core, /usr/bin/chromium), opened from
 * file:// with no network: a backtest's report.html draws its equity, drawdown and per-strategy charts
 * and shows the run's numbers; a sweep's summary.html draws its heatmap with a cell per point. No console
 * error. Screenshots go to test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import type { BacktestResult } from '../../src/kernel/backtest.js';
import type { SweepSummary } from '../../src/kernel/sweep.js';
import { runCliAsync } from '../support/cli.js';
import { launchChromium, openRecorded } from '../support/browser.js';
import { tempDir } from '../support/config-copy.js';

const artifacts = path.join(packageRoot, 'test', 'artifacts');
let browser: Browser;
const t = tempDir();
let run: BacktestResult;
let sweep: SweepSummary;

beforeAll(async () => {
  const [a, b] = await Promise.all([
    runCliAsync(['backtest', '--from', '2024-03-01', '--to', '2024-04-01', '--trade-on-close', '--state-dir', t.dir, '--out', path.join(t.dir, 'run'), '--json']),
    runCliAsync(['backtest', '--sweep', path.join(packageRoot, 'research', 'grids', 'sma-cross-btc.json'), '--state-dir', t.dir, '--json']),
  ]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  run = JSON.parse(a.stdout) as BacktestResult;
  sweep = JSON.parse(b.stdout) as SweepSummary;
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  t.cleanup();
});

async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await openRecorded(browser, `file://${file}`, { width: 1400, height: 1200 });
  await opened.page.waitForFunction('window.REPORT_READY === true');
  return opened;
}

describe('research pages in Chromium', () => {
  it('report.html of a registry backtest: equity, drawdown and per-strategy charts, the run\'s metrics, no error', async () => {
    const { page, errors } = await open(run.files['html'] as string);
    for (const id of ['#equity', '#drawdown', '#strategies']) expect(await page.locator(`${id} canvas`).count(), id).toBeGreaterThan(0);
    const firstRow = await page.locator('#metrics tr').nth(1).locator('td').allTextContents();
    expect(firstRow[0]).toBe('final equity');
    expect(firstRow[1]).toBe(run.finalEquity.toFixed(2));
    expect(await page.locator('#metrics th').allTextContents()).toEqual(['', 'fund', ...Object.keys(run.metrics.per_strategy)]);
    await page.screenshot({ path: path.join(artifacts, 'backtest-report.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('summary.html of a sweep: a heatmap cell for each of the 64 points, the ranking, no error', async () => {
    const { page, errors } = await open(sweep.files.html);
    const cells = (await page.evaluate("Chart.getChart(document.getElementById('heatmap')).data.datasets[0].data.length")) as number;
    expect(cells).toBe(64);
    expect(await page.locator('#ranking tr').count()).toBe(1 + 50);
    expect(await page.locator('#ranking tr').nth(1).locator('td').first().textContent()).toBe(`1. ${JSON.stringify(sweep.ranking[0]?.point)}`);
    await page.screenshot({ path: path.join(artifacts, 'sweep-heatmap.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

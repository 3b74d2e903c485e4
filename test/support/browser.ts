import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's headless Chromium (apt-get install chromium; CHROMIUM_PATH for another), as every page test and the bench drive it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/** A page that records every console error, page error and request leaving file:// (a page must need no network). */
export async function openRecorded(browser: Browser, url: string, viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) errors.push(`network request: ${r.url()}`);
  });
  await page.goto(url);
  return { page, errors };
}

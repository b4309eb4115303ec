/**
 * A headless Chromium for browser tests: playwright-core driving Debian's `chromium` package
 * (`npx playwright install` cannot download here or in CI; .ci/run installs the package). No
 * browser is a failure, never a skip: `launchBrowser` throws with what to install.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../tools/html/cli';

export async function launchBrowser(): Promise<Browser> {
  const options = chromiumLaunchOptions();
  try {
    return await chromium.launch(options);
  } catch (e) {
    throw new Error(`no browser could be started from ${options.executablePath} (apt-get install chromium, or set CHROMIUM_PATH): ${(e as Error).message}`);
  }
}

/** What a page did that a self-contained report must not: console errors, page errors, requests off the file. */
export interface PageProblems {
  readonly errors: string[];
  readonly requests: string[];
}

/** Opens `html` (written to a temporary file) in a new page, recording its problems. */
export async function openHtml(browser: Browser, html: string, name = 'report.html'): Promise<{ page: Page; file: string; problems: PageProblems }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-html-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: PageProblems = { errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.errors.push(m.text());
  });
  page.on('pageerror', (e) => problems.errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) problems.requests.push(r.url());
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  return { page, file, problems };
}

/**
 * `npm run report -- --html <file> [--screenshot <png> [--site <id>]]`: writes the HTML report of
 * the fleet named by FLEET, and optionally a PNG of one site's rack elevations taken in headless
 * Chromium (playwright-core driving Debian's /usr/bin/chromium, or CHROMIUM_PATH): the README's
 * picture is made this way. Returns the exit code, never throws.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Fleet } from '../../constructs/fleet';
import { loadFleet } from '../../fleets';
import { FleetViewOptions, fleetView } from './model';
import { renderReportHtml } from './render-report';
import { siteAnchor } from './render-site';

export const HTML_USAGE = 'usage: npm run report -- --html <file> [--screenshot <png> [--site <id>]]';

export interface HtmlArgs {
  readonly html: string;
  readonly screenshot?: string;
  readonly site?: string;
}

/** Parses the report's HTML arguments; a string is the error. */
export function parseHtmlArgs(argv: readonly string[]): HtmlArgs | string {
  const o: { html?: string; screenshot?: string; site?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const key = ({ '--html': 'html', '--screenshot': 'screenshot', '--site': 'site' } as const)[name as '--html'];
    if (!key) return `unknown argument ${name}; ${HTML_USAGE}`;
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) return `${name} needs a value; ${HTML_USAGE}`;
    o[key] = v;
  }
  if (!o.html) return `--html needs a file; ${HTML_USAGE}`;
  if (o.site && !o.screenshot) return `--site only applies to --screenshot; ${HTML_USAGE}`;
  return { html: o.html, screenshot: o.screenshot, site: o.site };
}

/** The launch options of every browser this project starts: Debian's chromium, nothing fetched. */
export function chromiumLaunchOptions(): { executablePath: string; headless: true; args: string[] } {
  return {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  };
}

/** A PNG of one site's legend and rack elevations, in a 1200 px wide window. */
export async function screenshotSite(htmlFile: string, siteId: string, pngFile: string): Promise<void> {
  // Loaded here so that the report itself needs no browser.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`file://${path.resolve(htmlFile)}#${siteAnchor(siteId)}`);
    const elev = page.locator(`#${siteAnchor(siteId)} .elev`);
    if ((await elev.count()) === 0) throw new Error(`no site ${siteId} in the report`);
    await elev.screenshot({ path: pngFile });
  } finally {
    await browser.close();
  }
}

export async function htmlReport(argv: readonly string[], options: FleetViewOptions = {}, build: () => Fleet = () => loadFleet(process.env.FLEET || undefined)): Promise<number> {
  const args = parseHtmlArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`report: ${args}\n`);
    return 1;
  }
  try {
    const view = fleetView(build(), options);
    const html = renderReportHtml(view);
    fs.mkdirSync(path.dirname(path.resolve(args.html)), { recursive: true });
    // Written whole to a temporary file, then renamed: never a half-written report.
    const tmp = `${args.html}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, html);
    fs.renameSync(tmp, args.html);
    process.stderr.write(`report: wrote ${args.html} (${view.sites.length} sites, ${(Buffer.byteLength(html) / 1048576).toFixed(1)} MB)\n`);
    if (args.screenshot) {
      const site = args.site ?? view.sites[0]?.id;
      if (!site) throw new Error('the fleet has no site to take a picture of');
      if (!view.sites.some((s) => s.id === site)) throw new Error(`--site ${site} is not a site of the fleet (${view.sites.map((s) => s.id).join(', ')})`);
      await screenshotSite(args.html, site, args.screenshot);
      process.stderr.write(`report: wrote ${args.screenshot} (${fs.statSync(args.screenshot).size} bytes)\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`report: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

/**
 * `npm run bench -- --html [--runs 3]`: what the HTML report of the reference fleet costs, to
 * write and to open. Measured, never asserted in a test:
 *
 * - buildMs: building the fleet's constructs; viewMs: the view model; renderMs: the HTML string;
 * - bytes, and bytes per server, against the bound the tests hold it to (`htmlSizeBudgetBytes`);
 * - in headless Chromium (Debian's, through playwright-core), a fresh page per run:
 *   loadMs, navigation to the `load` event (parse, style, the first screen's layout);
 *   paintMs, navigation to two animation frames after load (the first screen painted);
 *   fullLayoutMs, laying out every site section as printing does (`content-visibility` off).
 *
 * Prints a table of the medians and, as its last line, one JSON object `{"html": {...}}`.
 */
/// <reference lib="dom" /> (the page.evaluate callbacks run in the browser)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { referenceFleet } from '../../fleets/reference';
import { chromiumLaunchOptions } from './cli';
import { fleetView } from './model';
import { htmlSizeBudgetBytes, renderReportHtml } from './render-report';

export interface HtmlFigures {
  readonly servers: number;
  readonly racks: number;
  readonly bytes: number;
  readonly budgetBytes: number;
  readonly bytesPerServer: number;
  readonly buildMs: number;
  readonly viewMs: number;
  readonly renderMs: number;
  readonly loadMs: number;
  readonly paintMs: number;
  readonly fullLayoutMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

export async function benchHtml(runs: number): Promise<HtmlFigures> {
  const t0 = performance.now();
  const fleet = referenceFleet();
  const t1 = performance.now();
  const view = fleetView(fleet);
  const t2 = performance.now();
  const html = renderReportHtml(view);
  const t3 = performance.now();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-html-')), 'report.html');
  fs.writeFileSync(file, html);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch(chromiumLaunchOptions());
  const load: number[] = [];
  const paint: number[] = [];
  const full: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const start = performance.now();
      await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 300_000 });
      load.push(performance.now() - start);
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      paint.push(performance.now() - start);
      const layoutMs = await page.evaluate(() => {
        const s = performance.now();
        document.querySelectorAll<HTMLElement>('section.site').forEach((e) => (e.style.contentVisibility = 'visible'));
        void document.body.offsetHeight;
        return performance.now() - s;
      });
      full.push(layoutMs);
      await page.close();
    }
  } finally {
    await browser.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  const servers = view.sites.reduce((a, s) => a + s.servers, 0);
  const bytes = Buffer.byteLength(html);
  return {
    servers,
    racks: view.sites.reduce((a, s) => a + s.racks.length, 0),
    bytes,
    budgetBytes: htmlSizeBudgetBytes(view),
    bytesPerServer: r1(bytes / servers),
    buildMs: r1(t1 - t0),
    viewMs: r1(t2 - t1),
    renderMs: r1(t3 - t2),
    loadMs: r1(median(load)),
    paintMs: r1(median(paint)),
    fullLayoutMs: r1(median(full)),
  };
}

/** The `--html` mode of tools/bench.ts; returns the exit code. */
export async function benchHtmlMain(argv: readonly string[]): Promise<number> {
  let runs = 3;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] !== '--html') {
      process.stderr.write(`bench: unknown argument ${argv[i]} with --html; usage: bench --html [--runs N]\n`);
      return 1;
    }
  }
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write('bench: --runs must be a whole number >= 1\n');
    return 1;
  }
  const f = await benchHtml(runs);
  process.stdout.write(`gpu-fleet HTML report benchmark: reference fleet, headless Chromium (${chromiumLaunchOptions().executablePath}), ${runs} page load(s), medians\n`);
  process.stdout.write(`node ${process.version}, ${os.cpus().length} CPU(s): ${os.cpus()[0]?.model ?? 'unknown'}\n\n`);
  const rows: Array<[string, string]> = [
    ['servers / racks', `${f.servers} / ${f.racks}`],
    ['file size', `${f.bytes} bytes (${r1(f.bytes / 1048576)} MB), ${f.bytesPerServer} bytes/server; bound ${f.budgetBytes} bytes`],
    ['build fleet / view model / render HTML', `${f.buildMs} / ${f.viewMs} / ${f.renderMs} ms`],
    ['Chromium: open to load event', `${f.loadMs} ms`],
    ['Chromium: open to first screen painted', `${f.paintMs} ms`],
    ['Chromium: lay out all 36 sites (as printing)', `${f.fullLayoutMs} ms`],
  ];
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(48)}${v}\n`);
  process.stdout.write(`${JSON.stringify({ html: f })}\n`);
  return 0;
}

/**
 * The HTML report in a real browser (headless Chromium): every count is read from the rendered
 * page and compared with the fleet's constructs. One browser for the file; the example fleet for
 * most checks, the reference fleet loaded once.
 */
/// <reference lib="dom" /> (the page.evaluate callbacks run in the browser)
import { Browser, Page } from 'playwright-core';
import { Site } from '../../../constructs/site';
import { exampleFleet } from '../../../fleets/example';
import { referenceFleet } from '../../../fleets/reference';
import { fleetView } from '../../../tools/html/model';
import { htmlSizeBudgetBytes, renderReportHtml } from '../../../tools/html/render-report';
import { uOfY } from '../../../tools/html/render-rack';
import { launchBrowser, openHtml, PageProblems } from '../../support/browser';

const sitesOf = (f: { node: { children: readonly unknown[] } }) => f.node.children.filter((c): c is Site => c instanceof Site);

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the HTML report of the example fleet in Chromium', () => {
  const fleet = exampleFleet();
  const sites = sitesOf(fleet);
  let page: Page;
  let problems: PageProblems;
  beforeAll(async () => {
    ({ page, problems } = await openHtml(browser, renderReportHtml(fleetView(fleet))));
  });

  it('draws as many racks, servers per pool, feeds (and feeds above 80%) and cooling columns per site as the model has', async () => {
    const counted = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('section.site')).map((s) => {
        const perPool: Record<string, number> = {};
        s.querySelectorAll('svg.rack rect.s').forEach((r) => {
          const p = r.getAttribute('data-pool') ?? '(none)';
          perPool[p] = (perPool[p] ?? 0) + 1;
        });
        return {
          site: s.dataset.site,
          racks: s.querySelectorAll('svg.rack').length,
          perPool,
          feeds: s.querySelectorAll('td.feed').length,
          feedsAbove80: s.querySelectorAll('td.feed[data-level="warn"], td.feed[data-level="over"]').length,
          coolingColumns: s.querySelectorAll('svg.cooling rect[data-rack]').length,
          poolRows: s.querySelectorAll('table.pools tbody tr').length,
        };
      }),
    );
    expect(counted).toEqual(
      sites.map((site) => ({
        site: site.node.id,
        racks: site.racks.length,
        perPool: Object.fromEntries(site.pools.map((p) => [p.node.id, p.servers.length])),
        feeds: site.feeds.length,
        feedsAbove80: site.feeds.filter((f) => f.loadKw > 0.8 * f.availableKw).length,
        coolingColumns: site.racks.length,
        poolRows: site.pools.length,
      })),
    );
  });

  it('draws each server of an NVL72 rack at its U, with the switch trays in U9-U17', async () => {
    const rack = sites.find((s) => s.node.id === 'hami-nvl01')!.racks[0];
    const drawn = await page.evaluate((rackId) => {
      const svg = document.querySelector(`section[data-site="hami-nvl01"] svg.rack[data-rack="${rackId}"]`)!;
      const box = (r: SVGGraphicsElement) => r.getBBox();
      return {
        heightU: Number(svg.getAttribute('data-height-u')),
        servers: Array.from(svg.querySelectorAll<SVGRectElement>('rect.s')).map((r) => ({ y: box(r).y, h: box(r).height, title: r.querySelector('title')!.textContent! })),
        trays: Array.from(svg.querySelectorAll<SVGRectElement>('rect.sw')).map((r) => ({ y: box(r).y, h: box(r).height })),
        outlined: svg.querySelectorAll('rect.dom').length,
      };
    }, rack.node.id);
    expect(drawn.heightU).toBe(rack.heightU);
    const at = drawn.servers.map((s) => ({ u: uOfY(drawn.heightU, s.y, s.h), node: s.title.split(' · ')[0] })).sort((a, b) => a.u - b.u);
    expect(at).toEqual(rack.servers.map((s) => ({ u: s.positionU, node: s.nodeName })).sort((a, b) => a.u - b.u));
    expect(drawn.trays.map((t) => [uOfY(drawn.heightU, t.y, t.h), t.h / 6])).toEqual([[9, 9]]);
    expect(drawn.outlined).toBe(1);
  });

  it('outlines the CloudMatrix 384 around its 12 compute and 4 switch racks', async () => {
    const racks = await page.$$eval('section[data-site="wuhu-cm01"] .block.multi[data-domain="supernode-01"] svg.rack', (els) => els.map((e) => e.getAttribute('data-rack')));
    const site = sites.find((s) => s.node.id === 'wuhu-cm01')!;
    expect(racks).toEqual(site.racks.filter((r) => r.block === 'supernode-01').map((r) => r.node.id));
    expect(racks).toHaveLength(16);
  });

  it('follows links from the overview to a site and its parts, and back', async () => {
    const hrefs = await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href')!));
    const missing = await page.evaluate((ids) => ids.filter((h) => !document.getElementById(h.slice(1))), hrefs);
    expect(missing).toEqual([]);
    await page.click('table.sites a[href="#site-wuhu-cm01"]');
    expect(await page.evaluate(() => location.hash)).toBe('#site-wuhu-cm01');
    const top = await page.evaluate(() => Math.round(document.getElementById('site-wuhu-cm01')!.getBoundingClientRect().top));
    expect(Math.abs(top)).toBeLessThanOrEqual(2);
    await page.click('#site-wuhu-cm01 nav a[href="#site-wuhu-cm01-power"]');
    expect(await page.evaluate(() => document.getElementById('site-wuhu-cm01-power')!.getBoundingClientRect().top)).toBeLessThan(5);
    await page.click('#site-wuhu-cm01 nav a[href="#overview"]');
    expect(await page.evaluate(() => location.hash)).toBe('#overview');
  });

  it('prints on A3 landscape pages, each site from a new page, without the navigation', async () => {
    await page.emulateMedia({ media: 'print' });
    const styles = await page.$$eval('section.site', (els) => els.map((e) => [getComputedStyle(e).breakBefore, getComputedStyle(e.querySelector('nav.toc')!).display]));
    await page.emulateMedia({ media: 'screen' });
    expect(styles).toEqual(sites.map(() => ['page', 'none']));
    const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[([^\]]*)\]/g)].map((m) => m[1].trim().split(/\s+/).map((n) => Math.round(Number(n))));
    // A3 is 420 x 297 mm: 1191 x 842 points, landscape.
    expect(new Set(boxes.map((b) => b.join(' ')))).toEqual(new Set(['0 0 1191 842']));
    expect(boxes.length).toBeGreaterThanOrEqual(1 + sites.length);
  });

  it('logs no console errors and requests nothing from the network', async () => {
    expect(problems).toEqual({ errors: [], requests: [] });
  });
});

describe('the HTML report of the reference fleet in Chromium', () => {
  it('renders all 36 sites with every rack and server, within its size bound, without errors', async () => {
    const fleet = referenceFleet();
    const view = fleetView(fleet);
    const html = renderReportHtml(view);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(htmlSizeBudgetBytes(view));
    const { page, problems } = await openHtml(browser, html);
    const counted = await page.evaluate(() => ({
      sites: document.querySelectorAll('section.site').length,
      racks: document.querySelectorAll('svg.rack').length,
      servers: document.querySelectorAll('svg.rack rect.s').length,
      training: document.querySelectorAll('svg.rack rect.s[data-pool="training"]').length,
      yiwu: document.querySelector('p.share')!.textContent,
    }));
    const sites = sitesOf(fleet);
    const servers = sites.flatMap((s) => s.servers);
    expect(counted).toEqual({
      sites: 36,
      racks: sites.reduce((a, s) => a + s.racks.length, 0),
      servers: servers.length,
      training: servers.filter((s) => s.pool?.node.id === 'training').length,
      yiwu: expect.stringMatching(/^Largest zone: hami-yiwu, 12 sites, 10,080 of 14,440 servers \(69\.8%\)/),
    });
    // Sorting the biggest table works too.
    await page.click('table.sites th:has-text("servers")');
    const first = await page.$eval('table.sites tbody[data-region="xinjiang"] tr[data-site]', (r) => Number((r as HTMLTableRowElement).cells[2].dataset.v));
    const xinjiang = sites.filter((s) => s.region === 'xinjiang').map((s) => s.servers.length);
    expect(first).toBe(Math.min(...xinjiang));
    expect(problems).toEqual({ errors: [], requests: [] });
    await page.close();
  });
});

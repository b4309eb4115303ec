/**
 * The plan in pictures (`--format html`) and its markdown summary: servers added, removed and
 * moved between pools are marked at their U, feeds whose load changes show before -> after;
 * checked in the page itself (headless Chromium, one browser for the file).
 */
/// <reference lib="dom" /> (the page.evaluate callbacks run in the browser)
import { Browser } from 'playwright-core';
import { buildPlanWithDetail } from '../../../tools/plan/build';
import { main } from '../../../tools/plan/cli';
import { pictureChanges, planPicturesMarkdown } from '../../../tools/plan/render-html';
import { uOfY } from '../../../tools/html/render-rack';
import { launchBrowser, openHtml } from '../../support/browser';
import { cleanTempDirs, Labels, siteStack, synthOf, writeSynth } from '../plan-fixtures';

const SITE = 'yiwu-dc01';

function node(rack: string, u: number, pool: string): [string, Labels] {
  const name = `${SITE}-${rack}-u${String(u).padStart(2, '0')}`;
  return [name, { 'gpu-fleet.io/pool': pool, 'gpu-fleet.io/rack': rack, 'gpu-fleet.io/gpu-product': 'NVIDIA-H100-80GB-HBM3', 'gpu-fleet.io/power-feed-a': 'row-01-a', 'gpu-fleet.io/power-feed-b': 'row-01-b', 'nvidia.com/device-plugin.config': pool }];
}

// rack-001: training at U1, U9, U17; rack-002: training at U1, inference at U9.
const baseNodes = Object.fromEntries([node('rack-001', 1, 'training'), node('rack-001', 9, 'training'), node('rack-001', 17, 'training'), node('rack-002', 1, 'training'), node('rack-002', 9, 'inference')]);
// The change: rack-001 U17 moves to inference, rack-002 U9 is removed, rack-002 U17 is added.
const headNodes = Object.fromEntries([node('rack-001', 1, 'training'), node('rack-001', 9, 'training'), node('rack-001', 17, 'inference'), node('rack-002', 1, 'training'), node('rack-002', 17, 'inference')]);
const base = { [SITE]: siteStack({ nodes: baseNodes, feedLoadKw: 204 }), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02' }) };
const head = { [SITE]: siteStack({ nodes: headNodes, feedLoadKw: 240 }), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02' }) };
const { plan, detail } = buildPlanWithDetail(synthOf(base), synthOf(head), { base: { kind: 'dir', path: 'base.out' }, head: { kind: 'dir', path: 'head.out' } });

afterAll(cleanTempDirs);

describe('pictureChanges', () => {
  it('finds the servers added, removed and moved, and the feeds whose load changes, per site', () => {
    const changes = pictureChanges(plan, detail);
    expect(changes.map((c) => c.site)).toEqual([SITE]);
    const [c] = changes;
    expect(c.added).toEqual([`${SITE}-rack-002-u17`]);
    expect(c.removed).toEqual([`${SITE}-rack-002-u09`]);
    expect([...c.moved]).toEqual([[`${SITE}-rack-001-u17`, 'pool training → inference']]);
    expect(c.feeds.map((f) => [f.id, f.before?.loadKw, f.after?.loadKw])).toEqual([['row-01-a', 204, 240]]);
    expect(c.view.racks.map((r) => [r.id, r.servers.map((s) => [s.positionU, s.heightU, s.pool])])).toEqual([
      ['rack-001', [[1, 8, 'training'], [9, 8, 'training'], [17, 8, 'inference']]],
      ['rack-002', [[1, 8, 'training'], [17, 8, 'inference']]],
    ]);
  });

  it('summarizes the change in a markdown table for the pull-request comment', () => {
    expect(planPicturesMarkdown(plan, detail)).toContain(`| ${SITE} | 1 | 1 | 1 | row-01-a 204.0 → 240.0 kW |`);
    const same = buildPlanWithDetail(synthOf(base), synthOf(base), { base: { kind: 'dir', path: 'a' }, head: { kind: 'dir', path: 'b' } });
    expect(planPicturesMarkdown(same.plan, same.detail)).toBe('');
  });
});

describe('npm run plan -- --format html in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('marks each added, removed and moved server at its U and shows the feed before -> after', async () => {
    let out = '';
    const code = main(['--base', writeSynth(base), '--head', writeSynth(head), '--format', 'html'], { cwd: process.cwd(), stdout: (t) => (out += t), stderr: () => undefined });
    expect(code).toBe(2);
    const { page, problems } = await openHtml(browser, out, 'plan.html');
    const drawn = await page.evaluate(() =>
      Array.from(document.querySelectorAll('svg.rack rect.s[data-mark]')).map((r) => {
        const svg = r.closest('svg')!;
        const b = (r as SVGGraphicsElement).getBBox();
        return { rack: svg.getAttribute('data-rack'), mark: r.getAttribute('data-mark'), y: b.y, h: b.height, height: Number(svg.getAttribute('data-height-u')), title: r.querySelector('title')!.textContent };
      }),
    );
    expect(drawn.map((d) => [d.rack, d.mark, uOfY(d.height, d.y, d.h), d.title]).sort()).toEqual([
      ['rack-001', 'mov', 17, `${SITE}-rack-001-u17 · hgx-h100 · pool inference · U17-U24 · moved: pool training → inference`],
      ['rack-002', 'add', 17, `${SITE}-rack-002-u17 · hgx-h100 · pool inference · U17-U24 · added`],
      ['rack-002', 'rem', 9, `${SITE}-rack-002-u09 · hgx-h100 · pool inference · U9-U16 · removed`],
    ]);
    const feed = await page.$eval('td.feed[data-changed]', (td) => ({ id: td.getAttribute('data-feed'), text: td.querySelector('div')!.textContent }));
    expect(feed).toEqual({ id: 'row-01-a', text: 'row-01-a 204.0 → 240.0 / 230.0 kW (88.7% → 104.3%) OVER LIMIT' });
    const sites = await page.$$eval('table.sites tr[data-site]', (rows) => rows.map((r) => Array.from((r as HTMLTableRowElement).cells).map((c) => c.textContent)));
    expect(sites).toEqual([[SITE, '1', '1', '1', '1']]);
    await page.click(`a[href="#site-${SITE}"]`);
    expect(await page.evaluate(() => location.hash)).toBe(`#site-${SITE}`);
    expect(problems).toEqual({ errors: [], requests: [] });
  });
});

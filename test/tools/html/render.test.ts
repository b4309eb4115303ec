/**
 * The HTML report's pure parts, without a browser: the view model read from the constructs, the
 * SVG of one NVL72 rack and of the CloudMatrix 384 (structure plus a snapshot), the page's
 * self-containment and print rules, and `npm run report -- --html`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Site } from '../../../constructs/site';
import { exampleFleet } from '../../../fleets/example';
import { fleetView, siteView, TenantView } from '../../../tools/html/model';
import { parseHtmlArgs } from '../../../tools/html/cli';
import { renderReportHtml } from '../../../tools/html/render-report';
import { rackSvg, uOfY } from '../../../tools/html/render-rack';
import { elevations, poolIndexOf, tenantsSection } from '../../../tools/html/render-site';
import { smallFleet } from '../../support/small-fleet';

const ROOT = path.join(__dirname, '..', '..', '..');
const fleet = exampleFleet();
const siteOf = (id: string) => fleet.node.children.find((c): c is Site => c instanceof Site && c.node.id === id)!;
const nvlSite = siteView(siteOf('hami-nvl01'));
const cmSite = siteView(siteOf('wuhu-cm01'));

/** Every `<tag ...attrs>` of a markup string with the attributes named. */
function elements(markup: string, tag: string): Array<Record<string, string>> {
  return [...markup.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

describe('fleetView', () => {
  it('reads racks, servers at their U, feeds, pools and domains from the constructs', () => {
    const { site } = smallFleet();
    const view = siteView(site);
    expect(view.racks.map((r) => [r.id, r.servers.map((s) => [s.positionU, s.heightU, s.pool])])).toEqual([
      ['rack-001', [[1, 8, 'training'], [9, 8, 'training']]],
      ['rack-002', [[1, 8, 'inference'], [9, 8, 'notebooks']]],
    ]);
    expect(view.feeds.map((f) => [f.id, f.side, f.loadKw, f.racks])).toEqual([
      ['row-01-a', 'A', 40.8, ['rack-001', 'rack-002']],
      ['row-01-b', 'B', 40.8, ['rack-001', 'rack-002']],
    ]);
    expect(view.pools.map((p) => [p.id, p.sharing, p.advertisedDevices, p.taints])).toEqual([
      ['training', 'exclusive', 16, ['gpu-fleet.io/workload=training:NoSchedule', 'gpu-fleet.io/maintenance:NoExecute']],
      ['inference', 'time-slicing x4', 32, []],
      ['notebooks', 'mig all-1g.10gb', 56, []],
    ]);
    expect([view.itKw, view.facilityKw, view.utilityCapacityKw]).toEqual([40.8, 53, 1000]);
    expect(view.domains).toEqual([]);
  });

  it('places an NVL72 rack\'s 9 switch trays in the free units between its compute trays', () => {
    const rack = nvlSite.racks[0];
    expect(rack.fabric).toEqual([{ fromU: 9, heightU: 9, label: 'NVLink switch trays' }]);
    expect(rack.domain).toBe('rack-001-nvlink');
    expect(nvlSite.domains[0]).toEqual({ name: 'rack-001-nvlink', kind: 'NVLink domain', platform: 'gb200-nvl72', gpus: 72, racks: ['rack-001'] });
  });

  it('gives each site the tenants its tenant source returns', () => {
    const tenants: TenantView[] = [{ name: 'team-a', quotas: [{ pool: 'training', resource: 'nvidia.com/gpu', nominalQuota: 16 }] }];
    const view = fleetView(smallFleet().fleet, { tenantsOf: () => tenants });
    expect(view.sites[0].tenants).toBe(tenants);
    expect(fleetView(smallFleet().fleet).sites[0].tenants).toEqual([]);
  });
});

describe('the SVG of one NVL72 rack', () => {
  const rack = nvlSite.racks[0];
  const svg = rackSvg(rack, { poolIndex: poolIndexOf(nvlSite), outlineDomain: 'rack-001-nvlink' });

  it('has 18 compute trays at their U, the switch trays, the domain outline and text alternatives', () => {
    const servers = elements(svg, 'rect').filter((r) => r.class?.startsWith('s '));
    expect(servers.map((r) => uOfY(42, Number(r.y), Number(r.height)))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);
    expect(new Set(servers.map((r) => r['data-pool']))).toEqual(new Set(['training']));
    // Legend order (and fill) by pool name, as the plan's pictures have it.
    expect([...poolIndexOf(nvlSite)]).toEqual([['serving', 0], ['training', 1]]);
    expect(new Set(servers.map((r) => r.class))).toEqual(new Set(['s p1']));
    const trays = elements(svg, 'rect').filter((r) => r.class === 'sw');
    expect(trays.map((r) => [uOfY(42, Number(r.y), Number(r.height)), Number(r.height) / 6])).toEqual([[9, 9]]);
    expect(elements(svg, 'rect').filter((r) => r.class === 'dom')).toHaveLength(1);
    expect(elements(svg, 'svg')[0]).toMatchObject({ role: 'img', 'data-rack': 'rack-001', 'aria-label': 'Rack rack-001: 18 servers, 15U of 42U free, 132 of 140 kW liquid cooling, NVLink domain rack-001-nvlink' });
    expect(svg).toContain('<desc>Bottom up: U1 training; U2 training;');
    expect(svg).toContain('U9-U17 NVLink switch trays; U18 training;');
    expect(svg).toContain('<title>hami-nvl01-rack-001-u18 · gb200-nvl72 · pool training · U18</title>');
  });

  it('matches the recorded SVG', () => {
    expect(svg).toMatchSnapshot();
  });
});

describe('the SVG of a CloudMatrix 384', () => {
  const html = elevations(cmSite);
  const group = html.slice(html.indexOf('<div class="block multi"'), html.indexOf('<div class="block"', html.indexOf('<div class="block multi"') + 1));

  it('outlines one group of its 12 compute racks of 4 servers and its 4 switch racks', () => {
    expect(group).toContain('aria-label="HCCS domain supernode-01: cloudmatrix-384, 384 accelerators over 16 racks (block supernode-01)"');
    const racks = group.split('<svg class="rack"').slice(1);
    expect(racks).toHaveLength(16);
    const servers = racks.map((r) => elements(r, 'rect').filter((e) => e.class?.startsWith('s ')).map((e) => uOfY(42, Number(e.y), Number(e.height))));
    expect(servers.slice(0, 12)).toEqual(Array(12).fill([1, 9, 17, 25]));
    expect(servers.slice(12)).toEqual(Array(4).fill([]));
    expect(racks.slice(12).map((r) => elements(r, 'rect').filter((e) => e.class === 'sw').map((e) => [e.y, e.height]))).toEqual(Array(4).fill([['12', '252']]));
    // A multi-rack domain is outlined around its racks, not each rack.
    expect(group).not.toContain('class="dom"');
  });

  it('matches the recorded SVG', () => {
    expect(group).toMatchSnapshot();
  });
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(fleetView(fleet));

  it('is self-contained: no external URL, a CSP that allows nothing to be fetched', () => {
    expect(html.match(/\b(src|href)="(?!#)[^"]*"/g)).toBeNull();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain(`content="default-src 'none';`);
  });

  it('prints a site per A3 landscape page', () => {
    expect(html).toContain('@page{size:A3 landscape;');
    expect(html).toMatch(/@media print\{[^]*section\.site\{break-before:page/);
  });

  it('is the same bytes for the same fleet', () => {
    expect(renderReportHtml(fleetView(exampleFleet()))).toBe(html);
  });

  it('lists tenants\' guaranteed quotas, or says there are none', () => {
    expect(tenantsSection('lab-01', [])).toContain('No tenants are defined for this site.');
    const section = tenantsSection('lab-01', [{ name: 'team-a', quotas: [{ pool: 'training', resource: 'nvidia.com/gpu', nominalQuota: 16 }, { pool: 'inference', resource: 'nvidia.com/gpu', nominalQuota: 8 }] }]);
    expect(section).toContain('<td rowspan="2">team-a</td><td>training</td><td>nvidia.com/gpu</td><td class="n">16</td>');
  });
});

describe('npm run report -- --html', () => {
  it('writes the example fleet\'s report to the file given', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'report-html-')), 'sub', 'fleet.html');
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'tools/report.ts', '--html', out], { cwd: ROOT, env: { ...process.env, FLEET: 'example' }, stdio: 'pipe' });
    const html = fs.readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<section class="site"/g)).toHaveLength(3);
  });

  it('rejects a missing file name and unknown arguments', () => {
    expect(parseHtmlArgs(['--html'])).toMatch(/^--html needs a value/);
    expect(parseHtmlArgs(['--html', 'a.html', '--pdf', 'x'])).toMatch(/^unknown argument --pdf/);
    expect(parseHtmlArgs(['--html', 'a.html', '--site', 'x'])).toMatch(/^--site only applies to --screenshot/);
    expect(parseHtmlArgs(['--html', 'a.html', '--screenshot', 'a.png', '--site', 'x'])).toEqual({ html: 'a.html', screenshot: 'a.png', site: 'x' });
  });
});

/**
 * The HTML report (`npm run report -- --html <file>`): one self-contained file, inline CSS and
 * SVG and a few lines of script for sorting, nothing fetched. The fleet overview (totals, the
 * largest zone's share, sites by region with a utility bar each, sortable), then a section per
 * site (tools/html/render-site.ts). Pure: a FleetView in, a string out; deterministic (no
 * timestamps), so the same fleet gives the same bytes.
 */
import { FleetView, SiteView } from './model';
import { esc, fmt, limitBar, loadLevel, page, pct, SORT_JS, sharedDefs } from './render-common';
import { siteAnchor, siteSection } from './render-site';

/**
 * The bound on the report's size, which the browser test holds the reference fleet to and the
 * benchmark prints. The file grows with servers and racks, never with GPUs: a rack drawing is
 * the frame shared through `<use>`, its label, title and text alternative (~450 bytes) plus its
 * cooling column (~130 bytes); a server is one rect whose title names node, platform, pool and U
 * (~150-200 bytes with the site's other mentions of it). Budget: 250 bytes a server, 700 a rack,
 * 16 KiB a site (power table, pools, tenants, overview row) and 64 KiB fixed (CSS, patterns,
 * script, overview): 7.45 MB for the reference fleet's 14,440 servers in 4,545 racks.
 */
export function htmlSizeBudgetBytes(fleet: FleetView): number {
  const racks = fleet.sites.reduce((a, s) => a + s.racks.length, 0);
  const servers = fleet.sites.reduce((a, s) => a + s.servers, 0);
  return 250 * servers + 700 * racks + 16384 * fleet.sites.length + 65536;
}

function sum(sites: readonly SiteView[], f: (s: SiteView) => number): number {
  return sites.reduce((a, s) => a + f(s), 0);
}

function gpusByModel(sites: readonly SiteView[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sites) for (const [m, n] of Object.entries(s.gpusByModel)) out[m] = (out[m] ?? 0) + n;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function models(m: Record<string, number>): string {
  return Object.entries(m).map(([k, v]) => `${fmt(v)} × ${k}`).join(', ') || '—';
}

/** Share of servers per zone, largest first: the stacked bar shows e.g. the Yiwu compound's share. */
function zoneShares(sites: readonly SiteView[]): string {
  const total = sum(sites, (s) => s.servers);
  const zones = new Map<string, { servers: number; gpus: number; sites: number }>();
  for (const s of sites) {
    const z = zones.get(s.zone) ?? { servers: 0, gpus: 0, sites: 0 };
    zones.set(s.zone, { servers: z.servers + s.servers, gpus: z.gpus + s.gpus, sites: z.sites + 1 });
  }
  const sorted = [...zones].sort((a, b) => b[1].servers - a[1].servers || (a[0] < b[0] ? -1 : 1));
  const W = 600;
  let x = 0;
  const rects = sorted.map(([zone, z], i) => {
    const w = Math.round((z.servers / Math.max(total, 1)) * W * 10) / 10;
    const r = `<rect class="p${i % 8}" x="${x}" width="${w}" height="20"><title>${esc(`${zone}: ${fmt(z.servers)} servers (${fmt(pct(z.servers, total), 1)}%)`)}</title></rect>`;
    x += w;
    return r;
  });
  const [topZone, top] = sorted[0] ?? ['—', { servers: 0, gpus: 0, sites: 0 }];
  const headline = `Largest zone: ${topZone}, ${fmt(top.sites)} site${top.sites === 1 ? '' : 's'}, ${fmt(top.servers)} of ${fmt(total)} servers (${fmt(pct(top.servers, total), 1)}%), ${fmt(top.gpus)} GPUs`;
  const rows = sorted.map(([zone, z]) => `<tr data-zone="${esc(zone)}"><td>${esc(zone)}</td><td class="n">${z.sites}</td><td class="n">${fmt(z.servers)}</td><td class="n">${fmt(pct(z.servers, total), 1)}%</td></tr>`);
  return (
    `<p class="share"><strong>${esc(headline)}</strong></p>` +
    `<svg class="zones" width="${W}" height="20" role="img" aria-label="${esc(`Servers by zone: ${sorted.map(([z, v]) => `${z} ${fmt(pct(v.servers, total), 1)}%`).join(', ')}`)}">${rects.join('')}</svg>` +
    `<table class="zones"><thead><tr><th>zone</th><th class="n">sites</th><th class="n">servers</th><th class="n">share</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function overview(fleet: FleetView): string {
  const sites = fleet.sites;
  const totals =
    `<table class="totals"><tbody>` +
    [
      ['sites', fmt(sites.length)],
      ['servers', fmt(sum(sites, (s) => s.servers))],
      ['GPUs', fmt(sum(sites, (s) => s.gpus))],
      ['GPUs by model', models(gpusByModel(sites))],
      ['racks', fmt(sum(sites, (s) => s.racks.length))],
      ['power feeds', fmt(sum(sites, (s) => s.feeds.length))],
      ['IT load', `${fmt(sum(sites, (s) => s.itKw), 1)} kW`],
      ['facility load (IT × PUE)', `${fmt(sum(sites, (s) => s.facilityKw), 1)} kW of ${fmt(sum(sites, (s) => s.utilityCapacityKw), 1)} kW utility capacity`],
    ]
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td data-total="${esc(k)}">${esc(v)}</td></tr>`)
      .join('') +
    '</tbody></table>';
  const regions = new Map<string, SiteView[]>();
  for (const s of sites) regions.set(s.region, [...(regions.get(s.region) ?? []), s]);
  const bodies = [...regions].map(([region, list]) => {
    const head = `<tr class="rg"><th colspan="8" scope="rowgroup">${esc(region)}: ${list.length} site${list.length === 1 ? '' : 's'}, ${fmt(sum(list, (s) => s.servers))} servers, ${fmt(sum(list, (s) => s.gpus))} GPUs</th></tr>`;
    const rows = list.map((s) => {
      const util = pct(s.facilityKw, s.utilityCapacityKw);
      const level = loadLevel(util);
      return (
        `<tr data-site="${esc(s.id)}"><td data-v="${esc(s.id)}"><a href="#${siteAnchor(s.id)}">${esc(s.id)}</a></td><td>${esc(s.zone)}</td>` +
        `<td class="n" data-v="${s.servers}">${fmt(s.servers)}</td><td class="n" data-v="${s.gpus}">${fmt(s.gpus)}</td><td>${esc(models(s.gpusByModel as Record<string, number>))}</td>` +
        `<td class="n" data-v="${s.itKw}">${fmt(s.itKw, 1)}</td><td class="n" data-v="${util}">${fmt(s.facilityKw, 1)} / ${fmt(s.utilityCapacityKw, 1)} (${fmt(util, 1)}%)${level.word ? ` <span class="${level.cls}">${level.word}</span>` : ''}</td>` +
        `<td>${limitBar(s.facilityKw, s.utilityCapacityKw, `${s.id}: IT × PUE ${fmt(s.facilityKw, 1)} of ${fmt(s.utilityCapacityKw, 1)} kW utility capacity`, 120)}</td></tr>`
      );
    });
    return `<tbody data-region="${esc(region)}">${head}${rows.join('')}</tbody>`;
  });
  return (
    `<section id="overview" aria-labelledby="overview-h"><h1 id="overview-h">Fleet ${esc(fleet.name)}</h1>` +
    totals +
    zoneShares(sites) +
    '<h2>Sites by region</h2><p class="noprint">Click a column header to sort the sites within each region.</p>' +
    `<table class="sites sortable"><thead><tr><th data-sort="s">site</th><th>zone</th><th class="n" data-sort="n">servers</th><th class="n" data-sort="n">GPUs</th><th>GPUs by model</th>` +
    `<th class="n" data-sort="n">IT kW</th><th class="n" data-sort="n">IT × PUE / utility kW</th><th>utility use</th></tr></thead>${bodies.join('')}</table></section>`
  );
}

export function renderReportHtml(fleet: FleetView): string {
  const heights = fleet.sites.flatMap((s) => s.racks.map((r) => r.heightU));
  return page(`gpu-fleet: ${fleet.name}`, sharedDefs(heights), overview(fleet) + fleet.sites.map(siteSection).join('\n'), SORT_JS);
}

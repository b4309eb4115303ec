/**
 * One site's section of the HTML report: rack elevations grouped by block (a multi-rack
 * scale-up domain such as a CloudMatrix 384 outlined around its 16 racks), power (A/B feeds side
 * by side against the 2N limit, each rack's draw against its cooling), pools and tenants' quotas.
 * Pure: a SiteView in, HTML out. The plan's HTML reuses `elevations` and `feedPairs`.
 */
import { DomainView, FeedView, RackView, ServerView, SiteView, TenantView } from './model';
import { esc, fmt, limitBar, loadLevel, pct, poolClass, U_PX } from './render-common';
import { RackSvgOptions, rackSvg, ServerMark } from './render-rack';

/** Anchor ids of a site's section and its parts: the links between sections use these. */
export function siteAnchor(siteId: string, part?: 'racks' | 'power' | 'pools' | 'tenants'): string {
  return part ? `site-${siteId}-${part}` : `site-${siteId}`;
}

/**
 * Pool id -> legend index, by pool name: the same pool gets the same fill in the report and in
 * the plan's pictures (which know pools only by name, from the node inventory).
 */
export function poolIndexOf(site: Pick<SiteView, 'pools' | 'racks'>): Map<string, number> {
  const ids = new Set<string>(site.pools.map((p) => p.id));
  for (const r of site.racks) for (const s of r.servers) if (s.pool !== undefined) ids.add(s.pool);
  return new Map([...ids].sort().map((id, i) => [id, i]));
}

function swatch(cls: string, label: string): string {
  return `<li><svg width="18" height="12" aria-hidden="true"><rect class="${cls}" width="18" height="12" stroke="#222" stroke-width=".5"/></svg>${esc(label)}</li>`;
}

/** The legend: each pool's fill, then unpooled servers, switch trays and empty U. */
export function legend(poolIndex: ReadonlyMap<string, number>, extra: readonly string[] = []): string {
  const items = [...poolIndex].map(([id, i]) => swatch(poolClass(i), `pool ${id}`));
  items.push(swatch('un', 'unpooled'), swatch('sw', 'switch trays / switches'), `<li><svg width="18" height="12" aria-hidden="true"><rect fill="url(#ugrid)" width="18" height="12" stroke="#555"/></svg>empty U (grid line per U)</li>`);
  items.push(`<li><svg width="18" height="12" aria-hidden="true"><rect class="dom" x="1.5" y="1.5" width="15" height="9"/></svg>NVLink/HCCS domain</li>`, ...extra);
  return `<ul class="legend" aria-label="legend">${items.join('')}</ul>`;
}

export interface ElevationOptions {
  readonly marks?: ReadonlyMap<string, ReadonlyMap<string, ServerMark>>;
  readonly removed?: ReadonlyMap<string, readonly ServerView[]>;
}

/**
 * The racks, grouped: by multi-rack domain where one fills them (outlined, with its name), else
 * by block. Rack order is the site's.
 */
export function elevations(site: Pick<SiteView, 'id' | 'racks' | 'domains' | 'pools'>, o: ElevationOptions = {}): string {
  const poolIndex = poolIndexOf(site);
  const domains = new Map<string, DomainView>(site.domains.map((d) => [d.name, d]));
  const groups: Array<{ key: string; domain?: DomainView; racks: RackView[] }> = [];
  const byKey = new Map<string, (typeof groups)[number]>();
  for (const r of site.racks) {
    const d = r.domain !== undefined ? domains.get(r.domain) : undefined;
    const multi = d && d.racks.length > 1 ? d : undefined;
    const key = multi ? `domain ${multi.name}` : `block ${r.block}`;
    let g = byKey.get(key);
    if (!g) {
      g = { key, domain: multi, racks: [] };
      byKey.set(key, g);
      groups.push(g);
    }
    g.racks.push(r);
  }
  const html = groups.map((g) => {
    const caption = g.domain
      ? `${g.domain.kind} ${g.domain.name}: ${g.domain.platform}, ${fmt(g.domain.gpus)} accelerators over ${g.domain.racks.length} racks (block ${g.racks[0].block})`
      : `Block ${g.racks[0].block}`;
    const racks = g.racks.map((r) => {
      const d = r.domain !== undefined ? domains.get(r.domain) : undefined;
      const opts: RackSvgOptions = {
        poolIndex,
        outlineDomain: d && d.racks.length === 1 ? d.name : undefined,
        marks: o.marks?.get(r.id),
        removed: o.removed?.get(r.id),
      };
      return rackSvg(r, opts);
    });
    return `<div class="block${g.domain ? ' multi' : ''}" role="group" aria-label="${esc(caption)}"${g.domain ? ` data-domain="${esc(g.domain.name)}"` : ''}><h4>${esc(caption)}</h4><div class="racks">${racks.join('')}</div></div>`;
  });
  return `<div class="blocks">${html.join('')}</div>`;
}

/** Feeds in A/B pairs (the pairs racks use), then feeds no rack pairs. */
export function feedPairsOf(racks: readonly RackView[], feeds: readonly FeedView[]): Array<{ a?: FeedView; b?: FeedView; racks: string[] }> {
  const byId = new Map(feeds.map((f) => [f.id, f]));
  const pairs = new Map<string, { a?: FeedView; b?: FeedView; racks: string[] }>();
  const used = new Set<string>();
  for (const r of racks) {
    const key = `${r.feedA} ${r.feedB}`;
    let p = pairs.get(key);
    if (!p) {
      p = { a: byId.get(r.feedA), b: byId.get(r.feedB), racks: [] };
      pairs.set(key, p);
    }
    p.racks.push(r.id);
    used.add(r.feedA).add(r.feedB);
  }
  const out = [...pairs.values()];
  for (const f of feeds) if (!used.has(f.id)) out.push(f.side === 'A' ? { a: f, racks: [] } : { b: f, racks: [] });
  return out;
}

export function feedCell(f: FeedView | undefined, before?: FeedView): string {
  if (!f) return '<td>—</td>';
  const level = loadLevel(f.utilizationPercent);
  const was = before && before.loadKw !== f.loadKw ? `${fmt(before.loadKw, 1)} → ` : '';
  const wasPct = before && before.loadKw !== f.loadKw ? `${fmt(before.utilizationPercent, 1)}% → ` : '';
  const label = `Feed ${f.id} (side ${f.side}): ${was}${fmt(f.loadKw, 1)} kW of ${fmt(f.availableKw, 1)} kW available (${wasPct}${fmt(f.utilizationPercent, 1)}%)${level.word ? `, ${level.word}` : ''}`;
  return (
    `<td class="feed" data-feed="${esc(f.id)}" data-level="${level.cls}"${was ? ' data-changed="true"' : ''}>` +
    `<div><b>${esc(f.id)}</b> ${was}${fmt(f.loadKw, 1)} / ${fmt(f.availableKw, 1)} kW (${wasPct}${fmt(f.utilizationPercent, 1)}%)` +
    `${level.word ? ` <span class="${level.cls}">${esc(level.word)}</span>` : ''}</div>${limitBar(f.loadKw, f.availableKw, label)}</td>`
  );
}

function rackCoolingChart(racks: readonly RackView[]): string {
  // One column per rack: draw as a share of the cooling limit, lines at 80% and 100%.
  // Columns narrow down so that a hall of 200+ racks stays within 1,200 px.
  const W = Math.max(2, Math.min(8, Math.floor(1200 / Math.max(racks.length, 1))));
  const H = 100;
  const top = 125;
  const y = (p: number) => Math.round((H - (Math.min(p, top) / top) * H) * 10) / 10;
  const cols = racks.map((r, i) => {
    const p = pct(r.drawKw, r.coolingMaxKw);
    const level = loadLevel(p);
    return `<rect class="${level.cls}" data-rack="${esc(r.id)}" x="${i * W}" y="${y(p)}" width="${Math.max(W - 1, 1)}" height="${Math.round((H - y(p)) * 10) / 10}"><title>${esc(`${r.id}: ${fmt(r.drawKw, 1)} of ${fmt(r.coolingMaxKw, 1)} kW ${r.coolingKind} cooling (${fmt(p, 1)}%)${level.word ? `, ${level.word}` : ''}`)}</title></rect>`;
  });
  const width = Math.max(racks.length * W, 40);
  const over = racks.filter((r) => r.drawKw > r.coolingMaxKw + 1e-9).length;
  const high = racks.filter((r) => r.drawKw > 0.8 * r.coolingMaxKw + 1e-9).length - over;
  const label = `Rack draw against cooling limit for ${racks.length} racks: ${over} over the limit, ${high} above 80%`;
  return (
    `<p>${esc(label)}. One column per rack, in rack order; the solid line is the cooling limit, the dotted one 80%.</p>` +
    `<svg class="cooling" width="${width}" height="${H + 2}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${cols.join('')}` +
    `<path class="lim" d="M0 ${y(100)}H${width}"/><path class="l80" d="M0 ${y(80)}H${width}"/></svg>`
  );
}

export function powerSection(site: SiteView): string {
  const rows = feedPairsOf(site.racks, site.feeds).map(
    (p) => `<tr>${feedCell(p.a)}${feedCell(p.b)}<td class="n">${p.racks.length}</td></tr>`,
  );
  const util = pct(site.facilityKw, site.utilityCapacityKw);
  const level = loadLevel(util);
  return (
    `<h3 id="${siteAnchor(site.id, 'power')}">Power</h3>` +
    `<p>Utility: IT ${fmt(site.itKw, 1)} kW × PUE ${site.pue} = ${fmt(site.facilityKw, 1)} kW of ${fmt(site.utilityCapacityKw, 1)} kW (${fmt(util, 1)}%)` +
    `${level.word ? ` <span class="${level.cls}">${level.word}</span>` : ''}</p>` +
    limitBar(site.facilityKw, site.utilityCapacityKw, `Utility connection: ${fmt(site.facilityKw, 1)} of ${fmt(site.utilityCapacityKw, 1)} kW`, 440) +
    `<p>Feeds, A and B side by side. With 2N power each side alone must carry every rack it serves: the black line is the feed's available kW (the 2N limit), the dotted line 80% of it.</p>` +
    `<table class="power"><thead><tr><th>A side</th><th>B side</th><th class="n">racks</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
    rackCoolingChart(site.racks)
  );
}

export function poolsSection(site: SiteView): string {
  const rows = site.pools.map(
    (p) =>
      `<tr data-pool="${esc(p.id)}"><td>${esc(p.id)}</td><td>${esc(p.gpuModel ?? '—')}</td><td class="n">${fmt(p.servers)}</td><td class="n">${fmt(p.gpus)}</td><td>${esc(p.sharing)}</td>` +
      `<td class="n">${fmt(p.advertisedDevices)}</td><td>${esc(p.resourceName ?? '—')}</td><td>${p.taints.map((t) => `<code>${esc(t)}</code>`).join('<br>') || '—'}</td></tr>`,
  );
  return (
    `<h3 id="${siteAnchor(site.id, 'pools')}">Pools</h3>` +
    `<table class="pools"><thead><tr><th>pool</th><th>GPU model</th><th class="n">servers</th><th class="n">GPUs</th><th>sharing</th><th class="n">devices advertised</th><th>resource</th><th>taints</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** Tenants' guaranteed quotas: a plain list of TenantView, however the fleet defines tenants. */
export function tenantsSection(siteId: string, tenants: readonly TenantView[]): string {
  const head = `<h3 id="${siteAnchor(siteId, 'tenants')}">Tenants</h3>`;
  if (tenants.length === 0) return `${head}<p>No tenants are defined for this site.</p>`;
  const rows = tenants.flatMap((t) =>
    t.quotas.map((q, i) => `<tr data-tenant="${esc(t.name)}">${i === 0 ? `<td rowspan="${t.quotas.length}">${esc(t.name)}</td>` : ''}<td>${esc(q.pool)}</td><td>${esc(q.resource)}</td><td class="n">${fmt(q.nominalQuota)}</td></tr>`),
  );
  return `${head}<table class="tenants"><thead><tr><th>tenant</th><th>pool</th><th>resource</th><th class="n">guaranteed (nominal quota)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function siteSection(site: SiteView): string {
  const models = Object.entries(site.gpusByModel).map(([m, n]) => `${fmt(n)} × ${m}`).join(', ') || 'no GPUs';
  const nav = (['racks', 'power', 'pools', 'tenants'] as const).map((p) => `<a href="#${siteAnchor(site.id, p)}">${p}</a>`).join(' ');
  return (
    `<section class="site" id="${siteAnchor(site.id)}" data-site="${esc(site.id)}" aria-labelledby="${siteAnchor(site.id)}-h">` +
    `<h2 id="${siteAnchor(site.id)}-h">${esc(site.displayName)} <small>(${esc(site.id)}, ${esc(site.region)} / ${esc(site.zone)})</small></h2>` +
    `<nav class="toc">${nav} <a href="#overview">↑ fleet overview</a></nav>` +
    `<p>${fmt(site.servers)} servers, ${fmt(site.gpus)} GPUs (${esc(models)}), ${site.racks.length} racks, ${site.feeds.length} feeds, ${site.domains.length} multi-server NVLink/HCCS domains.</p>` +
    `<h3 id="${siteAnchor(site.id, 'racks')}">Rack elevations</h3>` +
    `<p class="noprint">Drawn to scale, ${U_PX} px per U, U1 at the bottom; hover a server for its node name, platform and pool.</p>` +
    `<div class="elev">${legend(poolIndexOf(site))}${elevations(site)}</div>` +
    powerSection(site) +
    poolsSection(site) +
    tenantsSection(site.id, site.tenants) +
    '</section>'
  );
}

/**
 * The plan in pictures (`npx gpu-fleet plan --format html`): the HTML report's rack elevations and
 * A/B feed bars (tools/html/), drawn for each site the change touches, with the change marked:
 * servers added (+), removed (−, dashed) or moved between pools or racks (›, the new pool's fill
 * with a thick amber edge), and feeds whose load changes as before -> after.
 *
 * A plan compares synth outputs (possibly of a git ref), not fleets, so the pictures are built
 * from what the outputs hold: each stack's node inventory (`nodes_<pool>` in
 * nodes.auto.tfvars.json: node name -> labels, stacks/node-inventory.ts) and its `capacity`
 * output (per-feed load and availability). A server's U is read from its node name when it has
 * the derived form `<site>-<rack>-u<NN>` (Server.nodeName's default), else servers are stacked in
 * name order; its height comes from the catalog platform of its `gpu-fleet.io/gpu-product`
 * label. Switch trays and switch racks are not in the inventory, so they are not drawn here.
 * Only racks with a change are drawn. `planPicturesMarkdown` is the short summary the markdown
 * format ends with.
 */
import { platforms } from '../../constructs/catalog/platforms';
import { FeedView, RackView, ServerView, SiteView } from '../html/model';
import { esc, fmt, page, sharedDefs } from '../html/render-common';
import { ServerMark } from '../html/render-rack';
import { elevations, feedCell, legend, poolIndexOf, siteAnchor } from '../html/render-site';
import { LABEL } from '../../stacks/node-labels';
import { isObject } from './json';
import { Json, Plan, SynthOutput } from './model';
import { CAPACITY_OUTPUT, PlanDetail } from './build';
import { planLine, sourceLabel } from './render-common';

type Labels = Record<string, string>;

/** What changed for one site's servers and feeds. */
export interface SitePictureChange {
  readonly site: string;
  readonly added: string[];
  readonly removed: string[];
  /** Node name -> `pool a → pool b` and/or `rack x → rack y`. */
  readonly moved: Map<string, string>;
  /** Feeds whose load differs, before and after (either may be missing). */
  readonly feeds: Array<{ id: string; before?: FeedView; after?: FeedView }>;
  /** Racks drawn: those holding a changed server, in the head, with its removed servers. */
  readonly view: Pick<SiteView, 'id' | 'racks' | 'domains' | 'pools'>;
  readonly marks: Map<string, Map<string, ServerMark>>;
  readonly removedServers: Map<string, ServerView[]>;
}

/** Node name -> labels of every pool of a stack's inventory. */
export function inventoryOf(output: SynthOutput | undefined, stack: string): Map<string, Labels> {
  const out = new Map<string, Labels>();
  const tfvars = output?.stacks.get(stack)?.tfvars ?? {};
  for (const [name, value] of Object.entries(tfvars)) {
    if (!name.startsWith('nodes_') || !isObject(value)) continue;
    for (const [node, labels] of Object.entries(value)) {
      if (!isObject(labels)) continue;
      const l: Labels = {};
      for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') l[k] = v;
      out.set(node, l);
    }
  }
  return out;
}

function feedsOf(capacity: Json | null | undefined): Map<string, FeedView> {
  const out = new Map<string, FeedView>();
  if (!isObject(capacity) || !isObject(capacity.feeds)) return out;
  for (const [id, f] of Object.entries(capacity.feeds)) {
    if (!isObject(f)) continue;
    const n = (v: Json | undefined) => (typeof v === 'number' ? v : 0);
    out.set(id, { id, side: f.side === 'B' ? 'B' : 'A', availableKw: n(f.availableKw), loadKw: n(f.loadKw), utilizationPercent: n(f.utilizationPercent), racks: [] });
  }
  return out;
}

/** Catalog platforms by the gpu-product label value, for a server's height in U. */
function platformByProduct(): Map<string, { name: string; heightU: number }> {
  const out = new Map<string, { name: string; heightU: number }>();
  for (const p of platforms()) {
    const known = out.get(p.gpuModel.product);
    // Two platforms of one GPU with different heights: the height is unknown, drawn as 1U.
    out.set(p.gpuModel.product, known ? { name: `${known.name}/${p.name}`, heightU: known.heightU === p.heightU ? p.heightU : 1 } : { name: p.name, heightU: p.heightU });
  }
  return out;
}

const DERIVED_U = /-u(\d+)$/;

/** Servers of one rack, placed: at the U in their derived name, else stacked in name order above the highest. */
function placeServers(nodes: Array<[string, Labels]>, byProduct: Map<string, { name: string; heightU: number }>): ServerView[] {
  const out: ServerView[] = [];
  let next = 1;
  const sorted = [...nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, l] of sorted) {
    const m = DERIVED_U.exec(name);
    const platform = byProduct.get(l[LABEL.gpuProduct] ?? '') ?? { name: l[LABEL.gpuProduct] ?? 'unknown platform', heightU: 1 };
    const positionU = m ? Number(m[1]) : next;
    next = Math.max(next, positionU + platform.heightU);
    out.push({
      id: name,
      nodeName: name,
      positionU,
      heightU: platform.heightU,
      platform: platform.name,
      gpuModel: l[LABEL.gpuProduct] ?? '',
      gpus: Number(l[LABEL.gpuCount] ?? 0),
      pool: l[LABEL.pool],
      domain: l[LABEL.nvlinkDomain] ?? l[LABEL.hccsDomain] ?? '',
    });
  }
  return out;
}

function racksOf(nodes: Map<string, Labels>, only: Set<string>, byProduct: Map<string, { name: string; heightU: number }>): RackView[] {
  const byRack = new Map<string, Array<[string, Labels]>>();
  for (const [name, l] of nodes) {
    const rack = l[LABEL.rack] ?? '(no rack label)';
    if (!only.has(rack)) continue;
    byRack.set(rack, [...(byRack.get(rack) ?? []), [name, l]]);
  }
  return [...byRack.keys()].sort().map((id) => {
    const list = byRack.get(id)!;
    const servers = placeServers(list, byProduct);
    const l = list[0][1];
    const top = servers.reduce((a, s) => Math.max(a, s.positionU + s.heightU - 1), 0);
    const domains = new Set(servers.map((s) => s.domain));
    return {
      id,
      heightU: Math.max(42, top),
      block: l[LABEL.block] ?? '-',
      coolingKind: 'unknown',
      coolingMaxKw: 0,
      drawKw: 0,
      feedA: l[LABEL.powerFeedA] ?? '',
      feedB: l[LABEL.powerFeedB] ?? '',
      servers,
      fabric: [],
      domain: domains.size === 1 && servers.length > 1 ? [...domains][0] : undefined,
    };
  });
}

/** What the plan changes in each site's servers and feeds, with the head's racks to draw; sites without such changes are left out. */
export function pictureChanges(plan: Plan, detail: PlanDetail): SitePictureChange[] {
  const { base, head } = detail;
  const byProduct = platformByProduct();
  const out: SitePictureChange[] = [];
  for (const stack of plan.stacks) {
    const before = inventoryOf(base, stack.name);
    const after = inventoryOf(head, stack.name);
    const added = [...after.keys()].filter((n) => !before.has(n)).sort();
    const removed = [...before.keys()].filter((n) => !after.has(n)).sort();
    const moved = new Map<string, string>();
    for (const [n, l] of after) {
      const was = before.get(n);
      if (!was) continue;
      const notes: string[] = [];
      if (was[LABEL.pool] !== l[LABEL.pool]) notes.push(`pool ${was[LABEL.pool] ?? '(none)'} → ${l[LABEL.pool] ?? '(none)'}`);
      if (was[LABEL.rack] !== l[LABEL.rack]) notes.push(`rack ${was[LABEL.rack] ?? '(none)'} → ${l[LABEL.rack] ?? '(none)'}`);
      if (notes.length) moved.set(n, notes.join(', '));
    }
    const evaluated = detail.stacks.get(stack.name);
    const fb = feedsOf(evaluated?.base?.outputs[CAPACITY_OUTPUT]);
    const fa = feedsOf(evaluated?.head?.outputs[CAPACITY_OUTPUT]);
    const feeds = [...new Set([...fb.keys(), ...fa.keys()])]
      .sort()
      .filter((id) => fb.get(id)?.loadKw !== fa.get(id)?.loadKw || fb.get(id)?.availableKw !== fa.get(id)?.availableKw)
      .map((id) => ({ id, before: fb.get(id), after: fa.get(id) }));
    if (added.length + removed.length + moved.size + feeds.length === 0) continue;
    const racks = new Set<string>();
    for (const n of [...added, ...moved.keys()]) racks.add(after.get(n)![LABEL.rack] ?? '(no rack label)');
    for (const n of removed) racks.add(before.get(n)![LABEL.rack] ?? '(no rack label)');
    const headRacks = racksOf(after, racks, byProduct);
    const removedRacks = racksOf(new Map(removed.map((n) => [n, before.get(n)!])), racks, byProduct);
    // A rack only the base has (all its servers removed) is drawn empty, with them marked.
    for (const r of removedRacks) if (!headRacks.some((h) => h.id === r.id)) headRacks.push({ ...r, servers: [] });
    headRacks.sort((a, b) => (a.id < b.id ? -1 : 1));
    const marks = new Map<string, Map<string, ServerMark>>();
    for (const r of headRacks) {
      const m = new Map<string, ServerMark>();
      for (const s of r.servers) {
        if (added.includes(s.id)) m.set(s.id, { cls: 'add', note: 'added' });
        else if (moved.has(s.id)) m.set(s.id, { cls: 'mov', note: `moved: ${moved.get(s.id)}` });
      }
      marks.set(r.id, m);
    }
    const removedServers = new Map(removedRacks.map((r) => [r.id, [...r.servers]]));
    const pools = [...new Set([...after.values(), ...before.values()].map((l) => l[LABEL.pool]).filter((p): p is string => !!p))].sort();
    const domainRacks = new Map<string, Set<string>>();
    for (const l of after.values()) {
      const d = l[LABEL.nvlinkDomain] ?? l[LABEL.hccsDomain];
      if (d) domainRacks.set(d, (domainRacks.get(d) ?? new Set()).add(l[LABEL.rack] ?? ''));
    }
    out.push({
      site: stack.name,
      added,
      removed,
      moved,
      feeds,
      view: {
        id: stack.name,
        racks: headRacks,
        pools: pools.map((id) => ({ id, servers: 0, gpus: 0, sharing: '', advertisedDevices: 0, taints: [] })),
        domains: [...domainRacks].filter(([, r]) => headRacks.some((h) => h.domain !== undefined && r.has(h.id))).map(([name, r]) => ({ name, kind: 'scale-up domain', platform: '', gpus: 0, racks: [...r] })),
      },
      marks,
      removedServers,
    });
  }
  return out;
}

function siteSection(c: SitePictureChange): string {
  const feeds = c.feeds.map((f) => {
    const shown = f.after ?? f.before!;
    const what = !f.before ? ' (new feed)' : !f.after ? ' (feed removed)' : '';
    return `<tr data-feed-change="${esc(f.id)}">${feedCell(shown, f.before)}<td>${esc(what)}</td></tr>`;
  });
  const counts = `${c.added.length} server${c.added.length === 1 ? '' : 's'} added, ${c.removed.length} removed, ${c.moved.size} moved, ${c.feeds.length} feed${c.feeds.length === 1 ? '' : 's'} with a load change`;
  const movedRows = [...c.moved].map(([n, note]) => `<li>${esc(n)}: ${esc(note)}</li>`);
  const marksLegend = [
    '<li><svg width="18" height="12" aria-hidden="true"><rect class="add" width="18" height="12"/></svg>+ added</li>',
    '<li><svg width="18" height="12" aria-hidden="true"><rect class="rem" x="1" y="1" width="16" height="10"/></svg>− removed</li>',
    '<li><svg width="18" height="12" aria-hidden="true"><rect fill="#ccc" stroke="#e6a100" stroke-width="3" x="1.5" y="1.5" width="15" height="9"/></svg>› moved (new pool\'s fill)</li>',
  ];
  return (
    `<section class="site" id="${siteAnchor(c.site)}" data-site="${esc(c.site)}"><h2>${esc(c.site)}</h2><nav class="toc"><a href="#overview">↑ plan summary</a></nav>` +
    `<p data-counts>${esc(counts)}.</p>` +
    (c.view.racks.length
      ? `<h3 id="${siteAnchor(c.site, 'racks')}">Racks with a change</h3><div class="elev">${legend(poolIndexOf(c.view), marksLegend)}${elevations(c.view, { marks: c.marks, removed: c.removedServers })}</div>`
      : '') +
    (movedRows.length ? `<h3>Moved servers</h3><ul class="moved">${movedRows.join('')}</ul>` : '') +
    (feeds.length
      ? `<h3 id="${siteAnchor(c.site, 'power')}">Feeds whose load changes (before → after)</h3><table class="power"><tbody>${feeds.join('')}</tbody></table>`
      : '') +
    '</section>'
  );
}

export function renderHtml(plan: Plan, detail: PlanDetail): string {
  const changes = pictureChanges(plan, detail);
  const rows = changes.map(
    (c) => `<tr data-site="${esc(c.site)}"><td><a href="#${siteAnchor(c.site)}">${esc(c.site)}</a></td><td class="n">${c.added.length}</td><td class="n">${c.removed.length}</td><td class="n">${c.moved.size}</td><td class="n">${c.feeds.length}</td></tr>`,
  );
  const overview =
    `<section id="overview"><h1>Plan: ${esc(sourceLabel(plan.base))} → ${esc(sourceLabel(plan.head))}</h1><p>${esc(planLine(plan))}</p>` +
    (changes.length
      ? `<table class="sites"><thead><tr><th>site</th><th class="n">servers added</th><th class="n">removed</th><th class="n">moved</th><th class="n">feeds changed</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
      : '<p>No servers or feed loads change.</p>') +
    '</section>';
  const heights = changes.flatMap((c) => c.view.racks.map((r) => r.heightU));
  return page(`gpu-fleet plan: ${sourceLabel(plan.base)} → ${sourceLabel(plan.head)}`, sharedDefs(heights), overview + changes.map(siteSection).join('\n'));
}

/** A few markdown lines for the pull-request comment: servers and feeds the change touches, per site (at most 10 sites). */
export function planPicturesMarkdown(plan: Plan, detail: PlanDetail): string {
  const changes = pictureChanges(plan, detail);
  if (changes.length === 0) return '';
  const lines = changes.slice(0, 10).map((c) => `| ${c.site} | ${fmt(c.added.length)} | ${fmt(c.removed.length)} | ${fmt(c.moved.size)} | ${c.feeds.map((f) => `${f.id} ${f.before ? fmt(f.before.loadKw, 1) : '-'} → ${f.after ? fmt(f.after.loadKw, 1) : '-'} kW`).join(', ') || '-'} |`);
  const more = changes.length > 10 ? `\n\n…and ${changes.length - 10} more sites.` : '';
  return `\n### Servers and power\n\n| site | servers added | removed | moved | feeds (load before → after) |\n|---|--:|--:|--:|---|\n${lines.join('\n')}${more}\n\nRack pictures: \`npx gpu-fleet plan --format html\` with the same arguments.\n`;
}

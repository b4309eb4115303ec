/**
 * One rack's elevation as SVG, to scale in U (`U_PX` pixels a unit, U1 at the bottom, as NetBox
 * draws racks): the shared frame (`<use>` of the rack height's frame, whose U grid shows empty
 * units), a rect per server filled with its pool's pattern, switch trays hatched, and a dashed
 * outline when the whole rack is one scale-up domain (an NVL72). Pure: a RackView in, a string out.
 */
import { RackView, ServerView } from './model';
import { esc, poolClass, RACK_TOP_PX, RACK_W, U_PX } from './render-common';

/** A change mark on a server (the plan's HTML): class and words for its title. */
export interface ServerMark {
  readonly cls: 'add' | 'rem' | 'mov';
  readonly note: string;
}

export interface RackSvgOptions {
  /** Pool id -> its index in the site's legend. */
  readonly poolIndex: ReadonlyMap<string, number>;
  /** The rack is a whole rack-scale domain (an NVL72): outline it. */
  readonly outlineDomain?: string;
  /** Change marks by server id (the plan). */
  readonly marks?: ReadonlyMap<string, ServerMark>;
  /** Servers drawn but no longer there (the plan's removed servers). */
  readonly removed?: readonly ServerView[];
}

/** y of the top edge of a unit range in the rack's SVG. */
export function yOfU(rackHeightU: number, positionU: number, heightU: number): number {
  return RACK_TOP_PX + (rackHeightU - (positionU + heightU - 1)) * U_PX;
}

/** The inverse of yOfU: the lowest U of a rect at `y` of `heightPx` (what the browser tests read back). */
export function uOfY(rackHeightU: number, y: number, heightPx: number): number {
  return rackHeightU - (y - RACK_TOP_PX) / U_PX - Math.round(heightPx / U_PX) + 1;
}

function uRange(from: number, height: number): string {
  return height === 1 ? `U${from}` : `U${from}-U${from + height - 1}`;
}

export function serverTitle(s: ServerView): string {
  const pool = s.pool ? `pool ${s.pool}` : `no pool (${s.unpooledReason ?? 'unpooled'})`;
  return `${s.nodeName} · ${s.platform} · ${pool} · ${uRange(s.positionU, s.heightU)}`;
}

/** Free U of the rack: units neither a server nor the fabric takes. */
export function freeU(rack: RackView): number {
  return rack.heightU - rack.servers.reduce((a, s) => a + s.heightU, 0) - rack.fabric.reduce((a, f) => a + f.heightU, 0);
}

/** What the rack holds, bottom up, in words: the drawing's text alternative. */
export function rackDescription(rack: RackView): string {
  const parts: Array<[number, string]> = [];
  for (const s of rack.servers) parts.push([s.positionU, `${uRange(s.positionU, s.heightU)} ${s.pool ?? 'unpooled'}`]);
  for (const f of rack.fabric) parts.push([f.fromU, `${uRange(f.fromU, f.heightU)} ${f.label}`]);
  parts.sort((a, b) => a[0] - b[0]);
  return `Bottom up: ${parts.map((p) => p[1]).join('; ') || 'empty'}; ${freeU(rack)}U free.`;
}

export function rackSvg(rack: RackView, o: RackSvgOptions): string {
  const H = rack.heightU;
  const height = RACK_TOP_PX + H * U_PX + 1;
  const label = `Rack ${rack.id}: ${rack.servers.length} server${rack.servers.length === 1 ? '' : 's'}, ${freeU(rack)}U of ${H}U free, ${rack.drawKw} of ${rack.coolingMaxKw} kW ${rack.coolingKind} cooling${o.outlineDomain ? `, NVLink domain ${o.outlineDomain}` : ''}`;
  const out: string[] = [
    `<svg class="rack" data-rack="${esc(rack.id)}" data-height-u="${H}" width="${RACK_W}" height="${height}" role="img" aria-label="${esc(label)}">`,
    `<title>${esc(label)}</title><desc>${esc(rackDescription(rack))}</desc>`,
    `<text x="1" y="9">${esc(rack.id)}${o.outlineDomain ? ' NVL' : ''}</text>`,
    `<use href="#frame${H}"/>`,
  ];
  for (const f of rack.fabric) {
    out.push(`<rect class="sw" x="4" y="${yOfU(H, f.fromU, f.heightU)}" width="${RACK_W - 8}" height="${f.heightU * U_PX}"><title>${esc(`${f.label} · ${uRange(f.fromU, f.heightU)}`)}</title></rect>`);
  }
  const server = (s: ServerView, mark: ServerMark | undefined) => {
    const cls = mark?.cls === 'add' || mark?.cls === 'rem' ? mark.cls : s.pool !== undefined ? poolClass(o.poolIndex.get(s.pool) ?? 0) : 'un';
    const title = serverTitle(s) + (mark ? ` · ${mark.note}` : '');
    const y = yOfU(H, s.positionU, s.heightU);
    const h = s.heightU * U_PX;
    out.push(
      `<rect class="s ${cls}" x="4" y="${y}" width="${RACK_W - 8}" height="${h}"${s.pool !== undefined ? ` data-pool="${esc(s.pool)}"` : ''}${mark ? ` data-mark="${mark.cls}"` : ''}><title>${esc(title)}</title></rect>`,
    );
    // A letter as well as colour for changes: + added, - removed, > moved.
    if (mark) out.push(`<text class="mk" x="${RACK_W - 14}" y="${y + Math.min(h, 9)}">${mark.cls === 'add' ? '+' : mark.cls === 'rem' ? '−' : '›'}</text>`);
  };
  for (const s of rack.servers) server(s, o.marks?.get(s.id));
  for (const s of o.removed ?? []) server(s, { cls: 'rem', note: 'removed' });
  if (o.outlineDomain) out.push(`<rect class="dom" x="1.5" y="${RACK_TOP_PX + 1.5}" width="${RACK_W - 3}" height="${H * U_PX - 2}"/>`);
  out.push('</svg>');
  return out.join('');
}

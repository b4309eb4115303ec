/**
 * What the HTML report and the plan's HTML share: escaping, number formats, the page's CSS and
 * the one hidden SVG of shared definitions (pool fill patterns, rack frames) that every rack
 * drawing reuses with `url(#...)` and `<use>`, so a rack costs a few bytes more than its servers.
 */

/** Escapes text for HTML and SVG text and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** 14440 -> `14,440`; 245.04 -> `245.0` with `digits` 1. */
export function fmt(n: number, digits = 0): string {
  // One formatter per precision: Number#toLocaleString builds a new one on every call.
  let f = FORMATS.get(digits);
  if (!f) FORMATS.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(n);
}

const FORMATS = new Map<number, Intl.NumberFormat>();

export function pct(part: number, whole: number): number {
  return whole > 0 ? (part / whole) * 100 : 0;
}

/** Pixels per rack unit in elevations. */
export const U_PX = 6;
/** Height of the label above a rack's frame: 2U, so that the frame's U grid lines up with the pattern tiles. */
export const RACK_TOP_PX = 2 * U_PX;
export const RACK_W = 64;

/** Pool colours (Okabe-Ito, readable by most colour-blind viewers), each with a mark pattern on top. */
const COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#999999'];
/** Marks over the colour, so that pools differ without colour too (WCAG 1.4.1). */
const MARKS = ['', 'M0 6L6 0', 'M0 3H6', 'M0 0L6 6', 'M3 0V6'];
/** Colour and mark both change from one pool to the next; 40 pools differ before a style repeats (8 x 5, coprime). */
export const POOL_STYLES = COLOURS.length * MARKS.length;

/** Pool index -> CSS class of its fill (`p0`..). Indexes past POOL_STYLES repeat. */
export function poolClass(i: number): string {
  return `p${i % POOL_STYLES}`;
}

/** Load as a share of a limit -> `ok`, `warn` (over 80%) or `over` (over 100%), with the word shown beside colour. */
export function loadLevel(percent: number): { cls: 'ok' | 'warn' | 'over'; word: string } {
  if (percent > 100 + 1e-9) return { cls: 'over', word: 'OVER LIMIT' };
  if (percent > 80 + 1e-9) return { cls: 'warn', word: 'above 80%' };
  return { cls: 'ok', word: '' };
}

/** The hidden SVG every drawing refers to: pool patterns, hatches and one frame per rack height. */
export function sharedDefs(rackHeights: Iterable<number>): string {
  const pats: string[] = [];
  for (let i = 0; i < POOL_STYLES; i++) {
    const colour = COLOURS[i % COLOURS.length];
    const mark = MARKS[i % MARKS.length];
    pats.push(
      `<pattern id="pp${i}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${colour}"/>${mark ? `<path d="${mark}" stroke="#fff" stroke-width="1.2"/>` : ''}</pattern>`,
    );
  }
  const frames = [...new Set(rackHeights)].sort((a, b) => a - b).map(
    (h) => `<g id="frame${h}"><rect class="fr" x="0.5" y="${RACK_TOP_PX + 0.5}" width="${RACK_W - 1}" height="${h * U_PX}" fill="url(#ugrid)"/></g>`,
  );
  return (
    '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>' +
    pats.join('') +
    `<pattern id="ugrid" width="${RACK_W}" height="${U_PX}" patternUnits="userSpaceOnUse"><rect width="${RACK_W}" height="${U_PX}" fill="#fafafa"/><path d="M0 ${U_PX - 0.5}H${RACK_W}" stroke="#ddd"/></pattern>` +
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#444"/><path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#bbb"/></pattern>' +
    '<pattern id="unpooled" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/><path d="M0 0L6 6M6 0L0 6" stroke="#777"/></pattern>' +
    '<pattern id="over" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#c0392b"/><path d="M0 4L4 0" stroke="#fff"/></pattern>' +
    frames.join('') +
    '</defs></svg>'
  );
}

/** CSS of both pages: screen, then print (a site section per A3 landscape page). */
export const CSS = `
:root{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222}
body{margin:0 auto;max-width:1400px;padding:0 16px 32px}
h1{font-size:22px}h2{font-size:19px;margin-top:0}h3{font-size:16px;margin:16px 0 6px}
a{color:#0b5cad}
svg.defs{position:absolute}
table{border-collapse:collapse;margin:6px 0}
th,td{padding:2px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:middle}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th[data-sort]{cursor:pointer;text-decoration:underline dotted}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
tr.rg th{background:#eef2f6;font-weight:600}
nav.toc a{margin-right:10px}
section.site{border-top:3px solid #345;margin-top:28px;padding-top:8px;content-visibility:auto;contain-intrinsic-size:auto 2400px}
.blocks{display:flex;flex-wrap:wrap;gap:10px}
.block{border:1px solid #ccc;padding:4px 6px 6px}
.block.multi{border:3px dashed #6a3d9a}
.block>h4{margin:0 0 4px;font-size:12px;font-weight:600}
.racks{display:flex;flex-wrap:wrap;gap:4px}
svg.rack text{font-size:9px}
.fr{stroke:#555}
rect.s{stroke:#222;stroke-width:.5}
rect[data-mark=mov]{stroke:#e6a100;stroke-width:3}
text.mk{font-size:10px;font-weight:700}
${Array.from({ length: POOL_STYLES }, (_, i) => `.p${i}{fill:url(#pp${i})}`).join('')}
.un{fill:url(#unpooled)}
.sw{fill:url(#hatch);stroke:#222;stroke-width:.5}
.dom{fill:none;stroke:#6a3d9a;stroke-width:3;stroke-dasharray:6 3}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin:6px 0;padding:0;list-style:none}
.legend svg{vertical-align:middle;margin-right:4px}
.ok{fill:#2e7d32}.warn{fill:#e6a100}.over{fill:url(#over)}
span.warn,span.over{font-weight:600}span.over{color:#c0392b}span.warn{color:#8a5a00}
.lim{stroke:#000;stroke-width:2}.l80{stroke:#777;stroke-dasharray:2 2}
.add{fill:#2e7d32}.rem{fill:#fff;stroke:#c0392b;stroke-width:1.5;stroke-dasharray:3 2}.mov{fill:#e6a100}
.bar-bg{fill:#eee}
@page{size:A3 landscape;margin:10mm}
@media print{
  body{max-width:none;padding:0}
  nav.toc,.noprint{display:none}
  section.site{break-before:page;border-top:none;content-visibility:visible}
  .block,.power,table,svg{break-inside:avoid}
  a{color:inherit;text-decoration:none}
}
`;

/** The only script: sorts a table's rows (within each tbody) by a clicked header's column. */
export const SORT_JS = `
document.querySelectorAll('table.sortable th[data-sort]').forEach(function(th){
  th.tabIndex=0;
  function go(){
    var table=th.closest('table'),col=th.cellIndex,num=th.dataset.sort==='n';
    var asc=th.getAttribute('aria-sort')!=='ascending';
    table.querySelectorAll('th[data-sort]').forEach(function(o){o.removeAttribute('aria-sort')});
    th.setAttribute('aria-sort',asc?'ascending':'descending');
    table.querySelectorAll('tbody').forEach(function(tb){
      var rows=Array.prototype.filter.call(tb.rows,function(r){return !r.classList.contains('rg')});
      rows.sort(function(a,b){
        var x=a.cells[col].dataset.v||a.cells[col].textContent,y=b.cells[col].dataset.v||b.cells[col].textContent;
        var c=num?Number(x)-Number(y):x.localeCompare(y);
        return asc?c:-c;
      });
      rows.forEach(function(r){tb.appendChild(r)});
    });
  }
  th.addEventListener('click',go);
  th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go()}});
});
`;

/** A whole page around `body`. */
export function page(title: string, defs: string, body: string, script = ''): string {
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    // Nothing is fetched: no network at view time (the report opens from disk).
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">` +
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>${defs}\n${body}\n` +
    (script ? `<script>${script}</script>` : '') +
    '</body></html>\n'
  );
}

/** A horizontal bar: `value` against `limit`, with the limit line and an 80% tick; label for screen readers. */
export function limitBar(value: number, limit: number, label: string, widthPx = 220): string {
  const scale = Math.max(limit * 1.25, value * 1.05, 1e-9);
  const x = (v: number) => Math.round((v / scale) * widthPx * 10) / 10;
  const level = loadLevel(pct(value, limit));
  return (
    `<svg class="hbar" width="${widthPx}" height="14" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>` +
    `<rect class="bar-bg" width="${widthPx}" height="14"/><rect class="${level.cls}" width="${x(value)}" height="14"/>` +
    `<path class="l80" d="M${x(limit * 0.8)} 0V14"/><path class="lim" d="M${x(limit)} 0V14"/></svg>`
  );
}

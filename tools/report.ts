/**
 * `npx gpu-fleet report` (or `npm run -s report --`): what the fleet named by FLEET (default:
 * reference) holds, as a text table on stdout or, with `--json`, as one JSON object.
 *
 *   report                  one row per site with fleet totals
 *   report --site <id>      one site: power per side (2N), feeds, racks and pools
 *   report --pool <name>    the pools of that name, on every site (or on --site's site)
 *   report --html <file>    the HTML report with rack elevations, power and pools (tools/html/)
 *   report --netbox <dir>   NetBox's bulk-import CSV files of the fleet (tools/netbox-export.ts)
 *
 * Stdout carries the report and nothing else, so it can be piped (`| jq`); problems go to
 * stderr. A fleet that breaks a rule prints its violations, one line each, and exits 1.
 * `main(argv, io)` returns the exit code and never throws; options are the table `OPTIONS`.
 */
import { sideTotals, siteCapacity, SiteCapacity, round1 } from '../constructs/capacity';
import { unknownNameError } from '../constructs/catalog/lookup';
import { Fleet } from '../constructs/fleet';
import type { NodePool } from '../constructs/node-pool';
import { Site } from '../constructs/site';
import { FleetValidationError, formatViolation } from '../constructs/violations';
import { loadFleet } from '../fleets';
import { advertisedResources } from '../stacks/kueue/quota';
import { formatTenantReport, tenantReport, TenantRow, tenantViews } from './report-tenants';
import { netboxExportMain } from './netbox-export';
import { htmlReport } from './html/cli';

export type ReportRow = Omit<SiteCapacity, 'feeds'>;

export interface FleetReport {
  readonly sites: ReportRow[];
  readonly totals: Omit<ReportRow, 'name' | 'region'>;
  /** Each tenant's guaranteed devices per site and pool (empty when the fleet defines none). */
  readonly tenants: readonly TenantRow[];
}

/** One side (A or B) of a site's 2N power: every feed of that side together. */
export interface SideRow {
  readonly side: 'A' | 'B';
  readonly feeds: number;
  readonly availableKw: number;
  readonly loadKw: number;
  readonly utilizationPercent: number;
}

export interface FeedRow {
  readonly name: string;
  readonly side: 'A' | 'B';
  readonly availableKw: number;
  readonly loadKw: number;
  readonly utilizationPercent: number;
  readonly racks: number;
}

export interface RackRow {
  readonly name: string;
  readonly block: string;
  readonly servers: number;
  readonly gpus: number;
  readonly drawKw: number;
  readonly coolingKw: number;
  readonly usedU: number;
  readonly heightU: number;
  readonly feedA: string;
  readonly feedB: string;
}

export interface PoolRow {
  readonly site: string;
  readonly name: string;
  readonly servers: number;
  readonly gpus: number;
  readonly gpuModel: string | null;
  /** The pool's GPU sharing as GpuSharing prints it: `exclusive`, `time-slicing x4`, ... */
  readonly sharing: string;
  /** What the device plugin advertises for the pool, by extended resource name. */
  readonly devices: Record<string, number>;
  readonly taints: string[];
}

/** `--site`: one site in detail. */
export interface SiteReport {
  readonly site: ReportRow & { readonly zone: string; readonly displayName: string; readonly utilityCapacityMw: number; readonly pue: number };
  /** The two sides of 2N power; `site.feedCapacityKw` is the smaller side's availableKw. */
  readonly power: SideRow[];
  readonly feeds: FeedRow[];
  readonly racks: RackRow[];
  readonly pools: PoolRow[];
}

/** `--pool`: pools of one name across sites. */
export interface PoolReport {
  readonly pools: PoolRow[];
}

function rowOf(site: Site): ReportRow {
  const { feeds: _feeds, ...row } = siteCapacity(site);
  return row;
}

export function fleetReport(fleet: Fleet): FleetReport {
  const sites = fleet.sites.map(rowOf);
  const gpusByModel: Record<string, number> = {};
  for (const s of sites) for (const [m, n] of Object.entries(s.gpusByModel)) gpusByModel[m] = (gpusByModel[m] ?? 0) + n;
  const sum = (f: (r: ReportRow) => number) => sites.reduce((a, r) => a + f(r), 0);
  return {
    sites,
    totals: {
      servers: sum((r) => r.servers),
      gpus: sum((r) => r.gpus),
      gpusByModel: Object.fromEntries(Object.entries(gpusByModel).sort(([a], [b]) => (a < b ? -1 : 1))),
      racks: sum((r) => r.racks),
      nvlinkDomains: sum((r) => r.nvlinkDomains),
      itPowerKw: round1(sum((r) => r.itPowerKw)),
      feedCapacityKw: round1(sum((r) => r.feedCapacityKw)),
      feedLoadAKw: round1(sum((r) => r.feedLoadAKw)),
      feedLoadBKw: round1(sum((r) => r.feedLoadBKw)),
    },
    tenants: tenantReport(fleet).tenants,
  };
}

function percent(loadKw: number, availableKw: number): number {
  return availableKw > 0 ? round1((loadKw / availableKw) * 100) : 0;
}

export function poolRow(pool: NodePool): PoolRow {
  return {
    site: pool.site.node.id,
    name: pool.node.id,
    servers: pool.servers.length,
    gpus: pool.gpus,
    gpuModel: pool.gpuModel?.name ?? null,
    sharing: pool.sharing.toString(),
    devices: advertisedResources(pool),
    taints: pool.taints.map((t) => t.toString()),
  };
}

/** The `--site` view of `site`. */
export function siteReport(site: Site): SiteReport {
  const sides = sideTotals(site);
  return {
    site: { ...rowOf(site), zone: site.zone, displayName: site.displayName, utilityCapacityMw: site.utilityCapacityMw, pue: site.pue },
    power: (['A', 'B'] as const).map((side) => ({
      side,
      feeds: sides[side].feeds,
      availableKw: round1(sides[side].availableKw),
      loadKw: round1(sides[side].loadKw),
      utilizationPercent: percent(sides[side].loadKw, sides[side].availableKw),
    })),
    feeds: site.feeds.map((f) => ({
      name: f.node.id,
      side: f.side,
      availableKw: round1(f.availableKw),
      loadKw: round1(f.loadKw),
      utilizationPercent: percent(f.loadKw, f.availableKw),
      racks: f.racks.length,
    })),
    racks: site.racks.map((r) => ({
      name: r.node.id,
      block: r.block,
      servers: r.servers.length,
      gpus: r.servers.reduce((a, s) => a + s.gpus, 0),
      drawKw: round1(r.drawKw),
      coolingKw: r.cooling.maxKw,
      usedU: r.usedU,
      heightU: r.heightU,
      feedA: r.feedA.node.id,
      feedB: r.feedB.node.id,
    })),
    pools: site.pools.map(poolRow),
  };
}

/** The `--pool` view: every pool called `name`, on `sites`. */
export function poolReport(sites: readonly Site[], name: string): PoolReport {
  return { pools: sites.flatMap((s) => s.pools.filter((p) => p.node.id === name).map(poolRow)) };
}

/** `1 site`, `2 sites`. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`;
}

/** Aligned columns; `numeric` columns are right-aligned. A `null` row is a rule. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[] | null>, numeric: readonly number[]): string {
  const all = [header, ...rows.filter((r): r is readonly string[] => r !== null)];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const right = new Set(numeric);
  const line = (r: readonly string[]) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map((r) => (r === null ? rule : line(r)))].join('\n');
}

const kw = (n: number) => n.toFixed(1);
const pct = (n: number) => `${n.toFixed(1)}%`;
const models = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k}: ${v}`).join(', ');

/** The report as an aligned text table. */
export function formatReport(report: FleetReport): string {
  const header = ['site', 'region', 'servers', 'gpus', 'gpus by model', 'racks', 'nvlink domains', 'IT kW', 'feed capacity kW (2N)', 'feed A load kW', 'feed B load kW'];
  const row = (name: string, region: string, r: FleetReport['totals']) => [
    name, region, String(r.servers), String(r.gpus), models(r.gpusByModel), String(r.racks), String(r.nvlinkDomains), kw(r.itPowerKw), kw(r.feedCapacityKw), kw(r.feedLoadAKw), kw(r.feedLoadBKw),
  ];
  const rows = [...report.sites.map((s) => row(s.name, s.region, s)), null, row('TOTAL', plural(report.sites.length, 'site'), report.totals)];
  return `${table(header, rows, [2, 3, 5, 6, 7, 8, 9, 10])}\n\n${formatTenantReport(report)}`;
}

function formatPools(pools: readonly PoolRow[], withSite: boolean): string {
  const header = [...(withSite ? ['site'] : []), 'pool', 'servers', 'gpus', 'gpu model', 'sharing', 'devices', 'taints'];
  const off = withSite ? 1 : 0;
  const rows = pools.map((p) => [
    ...(withSite ? [p.site] : []), p.name, String(p.servers), String(p.gpus), p.gpuModel ?? '-', p.sharing, models(p.devices) || '-', p.taints.join(', ') || '-',
  ]);
  return table(header, rows, [off + 1, off + 2]);
}

export function formatSiteReport(r: SiteReport): string {
  const s = r.site;
  const [a, b] = r.power;
  const which = a.availableKw === b.availableKw ? 'both sides alike' : `side ${a.availableKw < b.availableKw ? 'A' : 'B'}, the smaller one`;
  return [
    `site ${s.name}${s.displayName !== s.name ? ` (${s.displayName})` : ''}, ${s.region} / ${s.zone}: ${plural(s.servers, 'server')}, ${plural(s.gpus, 'GPU')} (${models(s.gpusByModel)}), ${plural(s.racks, 'rack')}, ${plural(s.nvlinkDomains, 'NVLink domain')}`,
    `IT load ${kw(s.itPowerKw)} kW; utility ${s.utilityCapacityMw} MW at PUE ${s.pue}`,
    '',
    `Power, 2N: either side alone carries every rack. Usable capacity ${kw(s.feedCapacityKw)} kW (${which}).`,
    table(['side', 'feeds', 'available kW', 'load kW', 'utilisation'], r.power.map((p) => [p.side, String(p.feeds), kw(p.availableKw), kw(p.loadKw), pct(p.utilizationPercent)]), [1, 2, 3, 4]),
    '',
    `Feeds (${r.feeds.length})`,
    table(['feed', 'side', 'available kW', 'load kW', 'utilisation', 'racks'], r.feeds.map((f) => [f.name, f.side, kw(f.availableKw), kw(f.loadKw), pct(f.utilizationPercent), String(f.racks)]), [2, 3, 4, 5]),
    '',
    `Racks (${r.racks.length})`,
    table(
      ['rack', 'block', 'servers', 'gpus', 'draw kW', 'cooling kW', 'U used', 'feed A', 'feed B'],
      r.racks.map((k) => [k.name, k.block, String(k.servers), String(k.gpus), kw(k.drawKw), kw(k.coolingKw), `${k.usedU}/${k.heightU}`, k.feedA, k.feedB]),
      [2, 3, 4, 5, 6],
    ),
    '',
    `Pools (${r.pools.length})`,
    formatPools(r.pools, false),
  ].join('\n');
}

export function formatPoolReport(r: PoolReport): string {
  return formatPools(r.pools, true);
}

/** Where the command writes and what it reads: process streams and environment in real use. */
export interface ReportIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The parsed command line: each option's value by its name (`true` for a flag). */
export type ReportArgs = Readonly<Record<string, string | true | undefined>>;

/** What the command reports, chosen by --site / --pool. */
export type ReportView = { readonly kind: 'fleet'; readonly data: FleetReport } | { readonly kind: 'site'; readonly data: SiteReport } | { readonly kind: 'pool'; readonly data: PoolReport };

export interface ReportOption {
  /** The option's name: `--<name>` on the command line, the key in ReportArgs. */
  readonly name: string;
  /** Placeholder of its value in the usage (`<file>`); none for a flag. */
  readonly value?: string;
  readonly help: string;
  /**
   * For an output option: writes the view (to stdout through `io`, or to the file the value
   * names). Outputs run in table order; without any, the text table goes to stdout.
   */
  readonly output?: (view: ReportView, value: string | true, io: ReportIo, fleet: Fleet) => void;
}

/** The command's options. A new output format or filter is one more entry. */
export const OPTIONS: readonly ReportOption[] = [
  { name: 'site', value: '<id>', help: 'one site in detail: power per side (2N), feeds, racks and pools' },
  { name: 'pool', value: '<name>', help: 'the pools of that name on every site (or on --site)' },
  { name: 'json', help: 'print the report as one JSON object instead of a table', output: (view, _v, io) => io.stdout(`${JSON.stringify(view.data)}\n`) },
  {
    name: 'netbox',
    value: '<dir>',
    help: "write NetBox's bulk-import CSV files of the fleet to <dir> (tools/netbox-export.ts)",
    output: (_view, dir, io, fleet) => {
      if (netboxExportMain(String(dir), fleet, { write: io.stdout }, { write: io.stderr }) !== 0) throw new Error('nothing was exported');
    },
  },
  { name: 'help', help: 'show this help (--html <file> [--screenshot <png> [--site <id>]] writes the HTML report)' },
];

export function usage(): string {
  const flags = OPTIONS.map((o) => `  --${o.name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...flags.map((f) => f.length));
  return [
    'Usage: npx gpu-fleet report [options]      (or: npm run -s report -- [options])',
    '',
    'What the fleet named by FLEET (default: reference) holds: one row per site with totals.',
    '',
    'Options:',
    ...OPTIONS.map((o, i) => `${flags[i].padEnd(width)}  ${o.help}`),
    '',
    'Exit status: 0 report printed, 1 error (unknown option or name, or a fleet that breaks a rule).',
  ].join('\n');
}

/** Thrown for a bad command line; main prints its message and the usage hint. */
class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): ReportArgs {
  const args: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const option = OPTIONS.find((o) => `--${o.name}` === flag);
    if (!option) throw new UsageError(`unknown argument ${argv[i]}`);
    if (!option.value) {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value, got ${inline}`);
      args[option.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value ${option.value}`);
    args[option.name] = value;
  }
  return args;
}

/** The view the arguments select, over a valid fleet. Throws for an unknown site or pool. */
export function selectView(fleet: Fleet, args: ReportArgs): ReportView {
  const sites = fleet.sites;
  let selected = sites;
  if (typeof args.site === 'string') {
    const site = sites.find((s) => s.node.id === args.site);
    if (!site) throw unknownNameError('site', args.site, sites.map((s) => s.node.id).sort());
    if (typeof args.pool !== 'string') return { kind: 'site', data: siteReport(site) };
    selected = [site];
  }
  if (typeof args.pool === 'string') {
    const data = poolReport(selected, args.pool);
    if (data.pools.length === 0) {
      const known = [...new Set(selected.flatMap((s) => s.pools.map((p) => p.node.id)))].sort();
      throw unknownNameError('pool', args.pool, known);
    }
    return { kind: 'pool', data };
  }
  return { kind: 'fleet', data: fleetReport(fleet) };
}

function formatView(view: ReportView): string {
  switch (view.kind) {
    case 'fleet':
      return formatReport(view.data);
    case 'site':
      return formatSiteReport(view.data);
    case 'pool':
      return formatPoolReport(view.data);
  }
}

/** The command: prints the selected view and returns the exit code; never throws. */
export function main(argv: readonly string[], io: ReportIo): number {
  let args: ReportArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`report: ${(e as Error).message}\n${usage()}\n`);
    return 1;
  }
  if (args.help) {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  let fleet: Fleet;
  let view: ReportView;
  try {
    fleet = loadFleet(io.env.FLEET || undefined);
    fleet.assertValid();
    view = selectView(fleet, args);
  } catch (e) {
    if (e instanceof FleetValidationError) {
      io.stderr(`report: the fleet breaks ${plural(e.violations.length, 'rule')}, nothing to report:\n${e.violations.map(formatViolation).join('\n')}\n`);
      return 1;
    }
    if (e instanceof Error && /^unknown (fleet|site|pool|platform|GPU model) /.test(e.message)) {
      io.stderr(`report: ${e.message}\n`);
      return 1;
    }
    io.stderr(`report: internal error, please report it: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
  const outputs = OPTIONS.filter((o) => o.output && args[o.name] !== undefined);
  try {
    if (outputs.length === 0) io.stdout(`${formatView(view)}\n`);
    for (const o of outputs) o.output!(view, args[o.name]!, io, fleet);
  } catch (e) {
    io.stderr(`report: ${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}

/**
 * The command as `npx gpu-fleet report` runs it: `--html <file> [--screenshot <png> [--site <id>]]`
 * writes the HTML report (asynchronous: the screenshot drives a browser); everything else is `main`.
 */
export async function command(argv: readonly string[], io: ReportIo): Promise<number> {
  if (argv.includes('--html')) return htmlReport(argv, { tenantsOf: tenantViews }, () => loadFleet(io.env.FLEET || undefined));
  return main(argv, io);
}

if (require.main === module) {
  void command(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  }).then((code) => (process.exitCode = code));
}

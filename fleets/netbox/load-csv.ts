/**
 * Reads inventories kept as CSV files, into the same plain data as a NetBox export (so the same
 * checks apply, each problem naming `file line N`):
 *
 * - `loadInventoryCsv(dir)`: the inventory CSV of a site without NetBox, three files:
 *   - `servers.csv`: `site,rack,position_u,node_name,platform,serial,pool`, one row per device;
 *     optional columns `unpooled_reason`, `height_u`, `power_w`. `platform` is a catalog platform
 *     or a device type of the mapping (switches and other devices, with `pool` empty).
 *   - `racks.csv`: `site,rack,height_u,feed_a,feed_b`.
 *   - `feeds.csv`: `site,feed,side,voltage_v,amperage_a,phase,max_utilization_percent`
 *     (`side` A or B, `phase` single or three).
 * - `loadNetboxCsv(dir)`: the files NetBox's bulk import takes (what `tools/netbox-export.ts`
 *   writes): sites, racks, power feeds, device types, devices and power ports.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CsvRow, CsvSyntaxError, CsvTable, parseCsv } from './csv';
import { FleetValidationError, problem } from '../../constructs/violations';
import { Inventory, InventoryDevice, InventoryFeed, InventoryRack, InventorySite, LoadProblem } from './inventory';

/** Thrown when a file is missing, is not CSV or lacks a required column: a FleetValidationError naming the file (and line). */
export class InventoryCsvError extends FleetValidationError {
  constructor(where: string, message: string) {
    super([{ path: where, message }]);
    this.name = 'InventoryCsvError';
  }
}

interface Sheet {
  readonly file: string;
  readonly table: CsvTable;
}

function readSheet(dir: string, file: string, required: readonly string[], optional = false): Sheet {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) {
    if (optional) return { file, table: { header: [], rows: [] } };
    throw new InventoryCsvError(p, problem('file is missing', undefined, 'a CSV file'));
  }
  let table: CsvTable;
  try {
    table = parseCsv(fs.readFileSync(p, 'utf8'));
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new InventoryCsvError(`${file} line ${e.line}`, problem('not CSV', e.what, 'RFC 4180 CSV (fields with commas, quotes or line breaks quoted, quotes doubled)'));
    throw e;
  }
  const missing = required.filter((c) => !table.header.includes(c));
  if (missing.length > 0) throw new InventoryCsvError(file, problem('header lacks columns', missing, `the columns ${required.join(',')}`));
  return { file, table };
}

/** Reads numbers of a row, recording a problem for a value that is not one. */
class RowReader {
  constructor(
    private readonly file: string,
    private readonly problems: LoadProblem[],
  ) {}

  public ref(row: CsvRow): string {
    return `${this.file} line ${row.line}`;
  }

  public text(row: CsvRow, col: string): string | undefined {
    const v = row.values[col]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  /** A number, or undefined for an empty cell; NaN (with a problem) for anything else. */
  public number(row: CsvRow, col: string): number | undefined {
    const v = this.text(row, col);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) {
      this.problems.push({ ref: this.ref(row), message: `${col} is not a number, got ${JSON.stringify(v)}, expected a number` });
      return NaN;
    }
    return n;
  }
}

export const INVENTORY_CSV_FILES = { servers: 'servers.csv', racks: 'racks.csv', feeds: 'feeds.csv' } as const;

/** Reads the inventory CSV files in `dir` (see the file comment). */
export function loadInventoryCsv(dir: string): Inventory {
  const problems: LoadProblem[] = [];
  const servers = readSheet(dir, INVENTORY_CSV_FILES.servers, ['site', 'rack', 'position_u', 'node_name', 'platform', 'serial', 'pool']);
  const racksSheet = readSheet(dir, INVENTORY_CSV_FILES.racks, ['site', 'rack', 'height_u', 'feed_a', 'feed_b']);
  const feedsSheet = readSheet(dir, INVENTORY_CSV_FILES.feeds, ['site', 'feed', 'side', 'voltage_v', 'amperage_a', 'phase', 'max_utilization_percent']);
  const fr = new RowReader(feedsSheet.file, problems);
  const feeds: InventoryFeed[] = feedsSheet.table.rows.map((row) => ({
    ref: fr.ref(row),
    site: fr.text(row, 'site') ?? '',
    name: fr.text(row, 'feed') ?? '',
    type: fr.text(row, 'side')?.toUpperCase(),
    voltageV: fr.number(row, 'voltage_v') ?? NaN,
    amperageA: fr.number(row, 'amperage_a') ?? NaN,
    phase: fr.text(row, 'phase') ?? 'three',
    maxUtilizationPercent: fr.number(row, 'max_utilization_percent') ?? 80,
  }));
  const rr = new RowReader(racksSheet.file, problems);
  const racks: InventoryRack[] = racksSheet.table.rows.map((row) => ({
    ref: rr.ref(row),
    site: rr.text(row, 'site') ?? '',
    name: rr.text(row, 'rack') ?? '',
    heightU: rr.number(row, 'height_u'),
    feeds: [rr.text(row, 'feed_a'), rr.text(row, 'feed_b')].filter((f): f is string => f !== undefined),
  }));
  const sr = new RowReader(servers.file, problems);
  const devices: InventoryDevice[] = servers.table.rows.map((row) => ({
    ref: sr.ref(row),
    site: sr.text(row, 'site') ?? '',
    name: sr.text(row, 'node_name') ?? '',
    deviceType: sr.text(row, 'platform') ?? '',
    typeHeightU: sr.number(row, 'height_u'),
    rack: sr.text(row, 'rack'),
    position: sr.number(row, 'position_u'),
    tags: [],
    serial: sr.text(row, 'serial'),
    maxDrawW: sr.number(row, 'power_w'),
    feeds: [],
    pool: sr.text(row, 'pool') ?? '',
    unpooledReason: sr.text(row, 'unpooled_reason'),
  }));
  // Sites are those the files name, in order of first mention.
  const sites: InventorySite[] = [];
  for (const r of [...servers.table.rows.map((row) => ({ row, file: servers.file })), ...racksSheet.table.rows.map((row) => ({ row, file: racksSheet.file }))]) {
    const slug = r.row.values.site?.trim();
    if (slug && !sites.some((s) => s.slug === slug)) sites.push({ ref: `${r.file} line ${r.row.line}`, slug, name: slug });
  }
  return { sites, racks, feeds, devices, problems };
}

/** The files NetBox's bulk import takes, as `tools/netbox-export.ts` writes them. */
export const NETBOX_CSV_FILES = {
  manufacturers: 'manufacturers.csv',
  deviceRoles: 'device-roles.csv',
  sites: 'sites.csv',
  racks: 'racks.csv',
  powerPanels: 'power-panels.csv',
  powerFeeds: 'power-feeds.csv',
  deviceTypes: 'device-types.csv',
  devices: 'devices.csv',
  powerPorts: 'power-ports.csv',
} as const;

/**
 * Reads NetBox bulk-import CSV files (column names of netbox/dcim/forms/bulk_import.py:
 * SiteImportForm, RackImportForm, PowerFeedImportForm, DeviceTypeImportForm, DeviceImportForm,
 * PowerPortImportForm), with the rack custom fields `cf_power_feed_a` / `cf_power_feed_b`.
 */
export function loadNetboxCsv(dir: string): Inventory {
  const problems: LoadProblem[] = [];
  const f = NETBOX_CSV_FILES;
  const sitesSheet = readSheet(dir, f.sites, ['name', 'slug']);
  const racksSheet = readSheet(dir, f.racks, ['site', 'name', 'u_height']);
  const feedsSheet = readSheet(dir, f.powerFeeds, ['site', 'power_panel', 'name', 'type', 'supply', 'phase', 'voltage', 'amperage', 'max_utilization']);
  const typesSheet = readSheet(dir, f.deviceTypes, ['manufacturer', 'model', 'slug', 'u_height']);
  const devicesSheet = readSheet(dir, f.devices, ['name', 'role', 'manufacturer', 'device_type', 'status', 'site', 'rack', 'position']);
  const portsSheet = readSheet(dir, f.powerPorts, ['device', 'name', 'maximum_draw'], true);
  const slugByName = new Map(sitesSheet.table.rows.map((r) => [r.values.name, r.values.slug]));
  const siteOf = (name: string | undefined) => slugByName.get(name ?? '') ?? name ?? '';
  const s = new RowReader(sitesSheet.file, problems);
  const sites: InventorySite[] = sitesSheet.table.rows.map((row) => ({ ref: s.ref(row), slug: s.text(row, 'slug') ?? '', name: s.text(row, 'name') ?? '' }));
  const r = new RowReader(racksSheet.file, problems);
  const racks: InventoryRack[] = racksSheet.table.rows.map((row) => ({
    ref: r.ref(row),
    site: siteOf(r.text(row, 'site')),
    name: r.text(row, 'name') ?? '',
    heightU: r.number(row, 'u_height'),
    feeds: [r.text(row, 'cf_power_feed_a'), r.text(row, 'cf_power_feed_b')].filter((x): x is string => x !== undefined),
  }));
  const p = new RowReader(feedsSheet.file, problems);
  const feeds: InventoryFeed[] = feedsSheet.table.rows.map((row) => ({
    ref: p.ref(row),
    site: siteOf(p.text(row, 'site')),
    name: p.text(row, 'name') ?? '',
    voltageV: p.number(row, 'voltage') ?? NaN,
    amperageA: p.number(row, 'amperage') ?? NaN,
    phase: p.text(row, 'phase') ?? '',
    maxUtilizationPercent: p.number(row, 'max_utilization') ?? 80,
    type: p.text(row, 'type'),
    supply: p.text(row, 'supply'),
    rack: p.text(row, 'rack'),
  }));
  // Devices name their type by model (DeviceImportForm.device_type, to_field_name='model').
  const t = new RowReader(typesSheet.file, problems);
  const typeByModel = new Map(typesSheet.table.rows.map((row) => [`${t.text(row, 'manufacturer')}\u0000${t.text(row, 'model')}`, { slug: t.text(row, 'slug') ?? '', heightU: t.number(row, 'u_height') }]));
  const pp = new RowReader(portsSheet.file, problems);
  const draw = new Map<string, number>();
  for (const row of portsSheet.table.rows) {
    const w = pp.number(row, 'maximum_draw');
    if (w !== undefined) draw.set(pp.text(row, 'device') ?? '', (draw.get(pp.text(row, 'device') ?? '') ?? 0) + w);
  }
  const d = new RowReader(devicesSheet.file, problems);
  const devices: InventoryDevice[] = devicesSheet.table.rows.map((row) => {
    const type = typeByModel.get(`${d.text(row, 'manufacturer')}\u0000${d.text(row, 'device_type')}`);
    const name = d.text(row, 'name') ?? '';
    return {
      ref: d.ref(row),
      site: siteOf(d.text(row, 'site')),
      name,
      deviceType: type?.slug ?? d.text(row, 'device_type') ?? '',
      typeHeightU: type?.heightU,
      rack: d.text(row, 'rack'),
      position: d.number(row, 'position'),
      role: d.text(row, 'role'),
      tags: (d.text(row, 'tags') ?? '').split(',').map((x) => x.trim()).filter((x) => x !== ''),
      serial: d.text(row, 'serial'),
      status: d.text(row, 'status'),
      comments: d.text(row, 'comments'),
      maxDrawW: draw.get(name),
      feeds: [],
    };
  });
  return { sites, racks, feeds, devices, problems };
}

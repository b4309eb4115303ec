/**
 * `npm run report -- --netbox <dir>`: writes the CSV files NetBox's bulk import takes (Import
 * on each object list, or POST to the same forms), so that a site designed here seeds NetBox
 * instead of being typed in again. Columns are those of NetBox's import forms
 * (netbox/dcim/forms/bulk_import.py: ManufacturerImportForm, DeviceRoleImportForm,
 * SiteImportForm, RackImportForm, PowerPanelImportForm, PowerFeedImportForm,
 * DeviceTypeImportForm, DeviceImportForm, PowerPortImportForm). Import them in the order of
 * `NETBOX_IMPORT_ORDER`: each file names objects of the ones before it.
 *
 * What NetBox has no field for is written as custom fields: a rack's A and B feeds as the text
 * custom fields `power_feed_a` / `power_feed_b` on dcim.rack (columns `cf_power_feed_a`,
 * `cf_power_feed_b`; a NetBox power feed links to one rack, a busway feeds a row). A spare GPU
 * server (`unpooledReason`) is written with status `inventory` and its reason as comments.
 * Reading the files back (`loadNetboxCsv`) with `mappingFromFleet` gives the same fleet.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Fleet } from '../constructs/fleet';
import { Site } from '../constructs/site';
import { formatCsv } from '../fleets/netbox/csv';
import { rackDeviceTypeSlug } from '../fleets/netbox/fleet-mapping';
import { NETBOX_CSV_FILES } from '../fleets/netbox/load-csv';

/** NetBox role of GPU servers. */
export const GPU_SERVER_ROLE = 'gpu-server';

/** The order NetBox must import the files in. */
export const NETBOX_IMPORT_ORDER: readonly string[] = [
  NETBOX_CSV_FILES.manufacturers,
  NETBOX_CSV_FILES.deviceRoles,
  NETBOX_CSV_FILES.sites,
  NETBOX_CSV_FILES.racks,
  NETBOX_CSV_FILES.powerPanels,
  NETBOX_CSV_FILES.powerFeeds,
  NETBOX_CSV_FILES.deviceTypes,
  NETBOX_CSV_FILES.devices,
  NETBOX_CSV_FILES.powerPorts,
];

const VENDOR_NAMES: Readonly<Record<string, string>> = { nvidia: 'NVIDIA', huawei: 'Huawei' };

/** Role colours NetBox asks for (6 hex digits). */
const ROLE_COLORS: Readonly<Record<string, string>> = { [GPU_SERVER_ROLE]: '4caf50', switch: '2196f3', storage: '9c27b0', management: '607d8b', console: '795548', pdu: 'ff9800', other: '9e9e9e' };

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Whole watts, as NetBox's PowerPort.maximum_draw (a positive integer). */
function watts(kw: number): number {
  return Math.round(kw * 1000);
}

/** Panel of a side: NetBox feeds hang off a power panel; one per site and side. */
function panelName(site: Site, side: 'A' | 'B'): string {
  return `${site.node.id}-panel-${side.toLowerCase()}`;
}

/** The import files of `fleet`, by file name, in import order. Deterministic: fleet order, no timestamps. */
export function netboxImportFiles(fleet: Fleet): Record<string, string> {
  const sites = fleet.sites;
  const manufacturers = new Set<string>();
  const roles = new Set<string>();
  const siteRows: string[][] = [];
  const rackRows: Array<Array<string | number>> = [];
  const panelRows: string[][] = [];
  const feedRows: Array<Array<string | number | undefined>> = [];
  const types = new Map<string, Array<string | number>>();
  const deviceRows: Array<Array<string | number | undefined>> = [];
  const portRows: Array<Array<string | number>> = [];
  for (const site of sites) {
    siteRows.push([site.displayName, site.node.id, 'active', `${site.region}/${site.zone}`]);
    for (const side of ['A', 'B'] as const) if (site.feeds.some((f) => f.side === side)) panelRows.push([site.displayName, panelName(site, side)]);
    for (const f of site.feeds) {
      const rack = f.racks.length === 1 ? f.racks[0].node.id : undefined;
      feedRows.push([
        site.displayName, panelName(site, f.side), rack, f.node.id, 'active', f.side === 'A' ? 'primary' : 'redundant', 'ac',
        f.phase === 'three' ? 'three-phase' : 'single-phase', f.voltageV, f.amperageA, f.maxUtilizationPercent,
      ]);
    }
    for (const rack of site.racks) {
      rackRows.push([site.displayName, rack.node.id, 'active', 19, rack.heightU, rack.feedA.node.id, rack.feedB.node.id]);
      for (const s of rack.servers) {
        const maker = VENDOR_NAMES[s.platform.gpuModel.vendor] ?? s.platform.gpuModel.vendor;
        manufacturers.add(maker);
        roles.add(GPU_SERVER_ROLE);
        types.set(`${maker}\u0000${s.platform.name}`, [maker, s.platform.name, s.platform.name, s.platform.heightU, 'true']);
        const spare = s.unpooledReason !== undefined;
        deviceRows.push([s.nodeName, GPU_SERVER_ROLE, maker, s.platform.name, s.serial, spare ? 'inventory' : 'active', site.displayName, rack.node.id, s.positionU, 'front', s.unpooledReason]);
        portRows.push([s.nodeName, 'PSU', watts(s.platform.maxPowerKw)]);
      }
      for (const d of rack.devices) {
        manufacturers.add(d.manufacturer);
        roles.add(d.role);
        const model = rackDeviceTypeSlug(d);
        types.set(`${d.manufacturer}\u0000${model}`, [d.manufacturer, model, slug(model), d.heightU, 'false']);
        deviceRows.push([d.name, d.role, d.manufacturer, model, d.serial, 'active', site.displayName, rack.node.id, d.positionU, d.positionU === undefined ? undefined : 'front', undefined]);
        portRows.push([d.name, 'PSU', watts(d.maxPowerKw)]);
      }
    }
  }
  const f = NETBOX_CSV_FILES;
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  return {
    [f.manufacturers]: formatCsv(['name', 'slug'], sorted(manufacturers).map((m) => [m, slug(m)])),
    [f.deviceRoles]: formatCsv(['name', 'slug', 'color'], sorted(roles).map((r) => [r, slug(r), ROLE_COLORS[r] ?? '9e9e9e'])),
    [f.sites]: formatCsv(['name', 'slug', 'status', 'description'], siteRows),
    [f.racks]: formatCsv(['site', 'name', 'status', 'width', 'u_height', 'cf_power_feed_a', 'cf_power_feed_b'], rackRows),
    [f.powerPanels]: formatCsv(['site', 'name'], panelRows),
    [f.powerFeeds]: formatCsv(['site', 'power_panel', 'rack', 'name', 'status', 'type', 'supply', 'phase', 'voltage', 'amperage', 'max_utilization'], feedRows),
    [f.deviceTypes]: formatCsv(['manufacturer', 'model', 'slug', 'u_height', 'is_full_depth'], [...types.values()]),
    [f.devices]: formatCsv(['name', 'role', 'manufacturer', 'device_type', 'serial', 'status', 'site', 'rack', 'position', 'face', 'comments'], deviceRows),
    [f.powerPorts]: formatCsv(['device', 'name', 'maximum_draw'], portRows),
  };
}

/** Writes the import files of `fleet` into `dir` (created if needed); returns the paths written, in import order. */
export function writeNetboxImport(fleet: Fleet, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files = netboxImportFiles(fleet);
  return NETBOX_IMPORT_ORDER.map((name) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, files[name]);
    return p;
  });
}

/** `report --netbox <dir>`: writes the files and lists them; returns the exit code. */
export function netboxExportMain(dir: string | undefined, fleet: Fleet, out: { write(text: string): unknown } = process.stdout, err: { write(text: string): unknown } = process.stderr): number {
  if (!dir || dir.startsWith('--')) {
    err.write('report: --netbox needs a directory; usage: npm run report -- --netbox <dir>\n');
    return 1;
  }
  const written = writeNetboxImport(fleet, dir);
  out.write(`NetBox bulk-import files of fleet ${fleet.name}, to import in this order:\n${written.map((p) => `  ${p}`).join('\n')}\n`);
  return 0;
}

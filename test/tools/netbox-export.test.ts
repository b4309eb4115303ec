import * as fs from 'fs';
import * as path from 'path';
import { Fleet } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { NodePool } from '../../constructs/node-pool';
import { Site } from '../../constructs/site';
import { Taint } from '../../constructs/taint';
import { inventoryFleet } from '../../fleets/inventory/hm-yw3';
import { buildInventoryFleet } from '../../fleets/netbox/build';
import { parseCsv } from '../../fleets/netbox/csv';
import { mappingFromFleet } from '../../fleets/netbox/fleet-mapping';
import { loadNetboxCsv, NETBOX_CSV_FILES } from '../../fleets/netbox/load-csv';
import { addNvl72Racks } from '../../fleets/rack-scale';
import { buildFleet, LIQUID_HGX_RACKS, PoolDesign, TRAINING_POOL } from '../../fleets/site-design';
import { netboxExportMain, netboxImportFiles, NETBOX_IMPORT_ORDER, writeNetboxImport } from '../../tools/netbox-export';
import { removeDir, synthFleetToTemp, tempDir } from '../support/synth';

/**
 * Fields of NetBox's import forms (netbox/dcim/forms/bulk_import.py, Meta.fields), the columns
 * the bulk import accepts; `cf_<name>` columns set custom fields.
 */
const IMPORT_FORM_FIELDS: Record<string, readonly string[]> = {
  [NETBOX_CSV_FILES.manufacturers]: ['name', 'slug', 'description', 'tags'],
  [NETBOX_CSV_FILES.deviceRoles]: ['name', 'slug', 'color', 'vm_role', 'config_template', 'description', 'tags'],
  [NETBOX_CSV_FILES.sites]: ['name', 'slug', 'status', 'region', 'group', 'tenant', 'facility', 'time_zone', 'description', 'physical_address', 'shipping_address', 'latitude', 'longitude', 'comments', 'tags'],
  [NETBOX_CSV_FILES.racks]: ['site', 'location', 'name', 'facility_id', 'tenant', 'status', 'role', 'form_factor', 'serial', 'asset_tag', 'width', 'u_height', 'desc_units', 'outer_width', 'outer_depth', 'outer_unit', 'mounting_depth', 'airflow', 'weight', 'max_weight', 'weight_unit', 'description', 'comments', 'tags'],
  [NETBOX_CSV_FILES.powerPanels]: ['site', 'location', 'name', 'description', 'comments', 'tags'],
  [NETBOX_CSV_FILES.powerFeeds]: ['site', 'power_panel', 'location', 'rack', 'name', 'status', 'type', 'mark_connected', 'supply', 'phase', 'voltage', 'amperage', 'max_utilization', 'tenant', 'description', 'comments', 'tags'],
  [NETBOX_CSV_FILES.deviceTypes]: ['manufacturer', 'default_platform', 'model', 'slug', 'part_number', 'u_height', 'exclude_from_utilization', 'is_full_depth', 'subdevice_role', 'airflow', 'description', 'weight', 'weight_unit', 'comments', 'tags'],
  [NETBOX_CSV_FILES.devices]: ['name', 'role', 'tenant', 'manufacturer', 'device_type', 'platform', 'serial', 'asset_tag', 'status', 'site', 'location', 'rack', 'position', 'face', 'latitude', 'longitude', 'parent', 'device_bay', 'airflow', 'virtual_chassis', 'vc_position', 'vc_priority', 'cluster', 'description', 'config_template', 'comments', 'tags'],
  [NETBOX_CSV_FILES.powerPorts]: ['device', 'name', 'label', 'type', 'mark_connected', 'maximum_draw', 'allocated_draw', 'description', 'tags'],
};
/** Required fields of those forms (no `required=False`, no model default). */
const REQUIRED: Record<string, readonly string[]> = {
  [NETBOX_CSV_FILES.sites]: ['name', 'slug', 'status'],
  [NETBOX_CSV_FILES.racks]: ['site', 'name', 'status', 'width'],
  [NETBOX_CSV_FILES.powerFeeds]: ['site', 'power_panel', 'name', 'status', 'type', 'supply', 'phase'],
  [NETBOX_CSV_FILES.deviceTypes]: ['manufacturer', 'model', 'slug'],
  [NETBOX_CSV_FILES.devices]: ['role', 'manufacturer', 'device_type', 'status', 'site'],
};

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function newDir(): string {
  const d = tempDir('netbox-export-');
  dirs.push(d);
  return d;
}

/** Every file under `dir`, relative path -> contents. */
function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** model -> NetBox CSV -> model: the fleet read back from its own export. */
function roundTrip(fleet: Fleet): Fleet {
  const dir = newDir();
  writeNetboxImport(fleet, dir);
  return buildInventoryFleet(fleet.name, loadNetboxCsv(dir), mappingFromFleet(fleet), { kubeconfigPath: fleet.kubeconfigPath });
}

function expectSameSynth(a: Fleet, b: Fleet): void {
  const sa = synthFleetToTemp(a);
  const sb = synthFleetToTemp(b);
  dirs.push(path.dirname(sa.outdir), path.dirname(sb.outdir));
  const ta = readTree(sa.outdir);
  const tb = readTree(sb.outdir);
  expect([...tb.keys()].sort()).toEqual([...ta.keys()].sort());
  // The stack's Terraform JSON and its node inventory, per site.
  for (const site of sites(a)) for (const f of ['cdk.tf.json', 'nodes.auto.tfvars.json']) expect(ta.has(path.join('stacks', site.node.id, f))).toBe(true);
  for (const [file, bytes] of ta) expect({ file, same: bytes.equals(tb.get(file)!) }).toEqual({ file, same: true });
}

const EVAL_POOL: PoolDesign = { name: 'eval', servers: 6, sharing: GpuSharing.mps(2), taints: [Taint.noSchedule('gpu-fleet.io/workload', 'eval')] };

const sites = (f: Fleet) => f.node.children.filter((c): c is Site => c instanceof Site);

describe('the NetBox export', () => {
  const fleet = inventoryFleet();
  const files = netboxImportFiles(fleet);

  it('writes one file per import form, in import order, with columns those forms accept', () => {
    expect(Object.keys(files)).toEqual(NETBOX_IMPORT_ORDER);
    for (const [file, text] of Object.entries(files)) {
      const { header } = parseCsv(text);
      expect({ file, unknown: header.filter((h) => !IMPORT_FORM_FIELDS[file].includes(h) && !h.startsWith('cf_')) }).toEqual({ file, unknown: [] });
      expect({ file, missing: (REQUIRED[file] ?? []).filter((h) => !header.includes(h)) }).toEqual({ file, missing: [] });
    }
  });

  it('writes every server and non-GPU device with its name, serial, position and draw, and spares as inventory', () => {
    const devices = parseCsv(files[NETBOX_CSV_FILES.devices]).rows.map((r) => r.values);
    expect(devices).toHaveLength(240 + 60 * 3 + 4 * 8);
    const spare = devices.find((d) => d.name === 'hm-yw3-gpu0118.prod.example.cn')!;
    expect([spare.status, spare.comments, spare.rack]).toEqual(['inventory', 'Cold spare for hall 2, racked and cabled, not in service', expect.stringMatching(/^yw3-h2-/)]);
    const console = devices.find((d) => d.name === 'hm-yw3-a07-con1')!;
    expect([console.role, console.device_type, console.position, console.face]).toEqual(['console', 'om1204-4e', '42', 'front']);
    const types = parseCsv(files[NETBOX_CSV_FILES.deviceTypes]).rows.map((r) => [r.values.model, r.values.u_height]);
    expect(types).toContainEqual(['om1204-4e', '0.5']);
    expect(types).toContainEqual(['hgx-h800', '8']);
    const racks = parseCsv(files[NETBOX_CSV_FILES.racks]).rows.map((r) => r.values);
    expect(racks[0]).toEqual({ site: 'Hami Yiwu DC3, hall 2', name: 'yw3-h2-a01', status: 'active', width: '19', u_height: '42', cf_power_feed_a: 'yw3-h2-a01-a', cf_power_feed_b: 'yw3-h2-a01-b' });
  });

  it('gives the same fleet back: model -> NetBox CSV -> model synthesizes byte for byte the same, non-GPU devices and serials included', () => {
    const back = roundTrip(fleet);
    expect(back.validate()).toEqual([]);
    const [a] = sites(fleet);
    const [b] = sites(back);
    expect(b.servers.map((s) => [s.nodeName, s.serial, s.unpooledReason])).toEqual(a.servers.map((s) => [s.nodeName, s.serial, s.unpooledReason]));
    const devs = (s: Site) => s.racks.flatMap((r) => r.devices.map((d) => [r.node.id, d.node.id, d.name, d.role, d.heightU, d.positionU, d.maxPowerKw, d.serial]));
    expect(devs(b)).toEqual(devs(a));
    expectSameSynth(fleet, back);
  });

  it('gives a designed site back the same, row busways that feed several racks included', () => {
    // 30 liquid-cooled HGX H200 servers, 4 a rack, 5 racks a row on one busway pair.
    const designed = buildFleet('designed', [
      { id: 'lanzhou-h200-01', region: 'gansu', zone: 'lanzhou-xinqu', platform: 'hgx-h200', servers: 30, racks: LIQUID_HGX_RACKS, utilityCapacityMw: 1, pue: 1.2, pools: [TRAINING_POOL, EVAL_POOL] },
    ]);
    const feeds = parseCsv(netboxImportFiles(designed)[NETBOX_CSV_FILES.powerFeeds]).rows.map((r) => r.values);
    // Five racks a row: NetBox's one-rack link stays empty, the racks name the feed.
    expect(feeds[0]).toMatchObject({ name: 'row-01-a', rack: '', type: 'primary', phase: 'three-phase', voltage: '415', amperage: '400', max_utilization: '80' });
    const back = roundTrip(designed);
    expect(sites(back)[0].feeds.map((f) => [f.node.id, f.racks.length])).toEqual(sites(designed)[0].feeds.map((f) => [f.node.id, f.racks.length]));
    expectSameSynth(designed, back);
  });

  it('is written by `report --netbox <dir>`, which refuses a missing directory', () => {
    const dir = path.join(newDir(), 'netbox');
    const out: string[] = [];
    const err: string[] = [];
    const io = (into: string[]) => ({ write: (t: string) => into.push(t) });
    expect(netboxExportMain(dir, fleet, io(out), io(err))).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual([...NETBOX_IMPORT_ORDER].sort());
    expect(fs.readFileSync(path.join(dir, NETBOX_CSV_FILES.devices), 'utf8')).toBe(files[NETBOX_CSV_FILES.devices]);
    expect(out.join('')).toContain(`to import in this order:\n  ${path.join(dir, NETBOX_CSV_FILES.manufacturers)}`);
    expect(netboxExportMain(undefined, fleet, io(out), io(err))).toBe(1);
    expect(err.join('')).toBe('report: --netbox needs a directory; usage: npm run report -- --netbox <dir>\n');
  });

  it('gives an NVL72 site back the same: one NVLink domain per rack, blocks of scalable units, a ComputeDomain per pool', () => {
    const nvl = new Fleet('nvl72');
    const site = new Site(nvl, 'hami-nvl02', { region: 'xinjiang', zone: 'hami-yiwu', utilityCapacityMw: 2, pue: 1.15 });
    const trays = addNvl72Racks(site, { racks: 4, racksPerRow: 2, racksPerBlock: 2, feed: { voltageV: 415, amperageA: 630 }, coolingKw: 140 });
    new NodePool(site, 'training', { servers: trays.slice(0, 54) });
    new NodePool(site, 'serving', { servers: trays.slice(54) });
    const back = roundTrip(nvl);
    expect(sites(back)[0].racks.map((r) => [r.node.id, r.block, r.nvlinkDomains.map((d) => [d.name, d.gpus])])).toEqual(
      site.racks.map((r) => [r.node.id, r.block, [[`${r.node.id}-nvlink`, 72]]]),
    );
    expectSameSynth(nvl, back);
  });
});

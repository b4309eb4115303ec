import { platform } from '../../../constructs/catalog/platforms';
import { Cooling } from '../../../constructs/cooling';
import { Site } from '../../../constructs/site';
import { formatViolation } from '../../../constructs/violations';
import { buildInventoryFleet } from '../../../fleets/netbox/build';
import { loadNetboxExport } from '../../../fleets/netbox/load-netbox';
import { DeviceSelector, DeviceTypeMapping, InventoryMapping, SiteMapping } from '../../../fleets/netbox/mapping';
import { device, feed, labExport, NbExport, NbObject, powerPort, rack, saveExport } from '../../support/netbox-export';
import { removeDir, tempDir } from '../../support/synth';
import { thrownValidationError } from '../../support/tiny-fleet';

const LAB: SiteMapping = {
  region: 'xinjiang',
  zone: 'hami-yiwu',
  utilityCapacityMw: 1,
  pue: 1.2,
  cooling: Cooling.liquid(50),
  pools: [{ name: 'training', select: DeviceSelector.role('gpu-training') }],
};

function mapping(site: Partial<SiteMapping> = {}, extra: Partial<InventoryMapping> = {}): InventoryMapping {
  return {
    deviceTypes: { 'hgx-h100-8u': DeviceTypeMapping.platform(platform('hgx-h100')), tor: DeviceTypeMapping.device('switch') },
    sites: { lab: { ...LAB, ...site } },
    ...extra,
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function build(e: NbExport, m: InventoryMapping = mapping(), counts = {}) {
  const dir = tempDir('netbox-');
  dirs.push(dir);
  return buildInventoryFleet('lab', loadNetboxExport(saveExport(dir, e, counts)), m);
}

function refusal(e: NbExport, m: InventoryMapping = mapping(), counts = {}): string[] {
  return thrownValidationError(() => build(e, m, counts)).violations.map(formatViolation);
}

describe('building a fleet from a NetBox export', () => {
  it('keeps NetBox names as node names, serials, rack height and feeds, and counts switches in U and power', () => {
    const e = labExport();
    const [r] = e.racks;
    r.u_height = 48;
    const gpu = device('gpu0142.prod.example.cn', 'hgx-h100-8u', r, 1.0, { serial: 'S42180001' });
    const tor = device('r01-leaf1', 'tor', r, 48.0);
    e.devices.push(gpu, device('gpu0007.prod.example.cn', 'hgx-h100-8u', r, 9.0, { serial: '' }), tor);
    e.powerPorts.push(powerPort(tor, 'PSU1', 275), powerPort(tor, 'PSU2', 275));
    const fleet = build(e);
    expect(fleet.validate()).toEqual([]);
    const site = fleet.node.findChild('lab') as Site;
    const [rk] = site.racks;
    expect(rk.node.id).toBe('r01');
    expect(rk.heightU).toBe(48);
    expect(site.servers.map((s) => [s.node.id, s.nodeName, s.serial])).toEqual([
      ['u01', 'gpu0142.prod.example.cn', 'S42180001'],
      ['u09', 'gpu0007.prod.example.cn', undefined],
    ]);
    expect(rk.devices.map((d) => [d.node.id, d.name, d.role, d.maxPowerKw])).toEqual([['u48', 'r01-leaf1', 'switch', 0.55]]);
    expect(rk.usedU).toBe(17);
    expect(rk.drawKw).toBeCloseTo(2 * 10.2 + 0.55, 9);
    expect([rk.feedA.node.id, rk.feedA.voltageV, rk.feedA.amperageA, rk.feedA.phase, rk.feedA.maxUtilizationPercent]).toEqual(['r01-a', 415, 100, 'three', 80]);
    expect(rk.feedB.node.id).toBe('r01-b');
    expect(site.pools.map((p) => [p.node.id, p.servers.length])).toEqual([['training', 2]]);
  });

  it('refuses an export with every kind of mistake in one run, naming each NetBox object', () => {
    const e = labExport();
    const [r1] = e.racks;
    const r2 = rack('R02'); // no feeds
    const r3 = rack('R03', { u_height: 120 });
    const r4 = rack('R04');
    e.racks.push(r2, r3, r4);
    e.powerFeeds.push(feed('R03-A', r3, 'primary'), feed('R03-B', r3, 'redundant'));
    // Two primary feeds and a DC feed on R04.
    e.powerFeeds.push(feed('R04-A', r4, 'primary'), feed('R04-A2', r4, 'primary'), feed('R04-B', r4, 'redundant', { supply: { value: 'dc', label: 'DC' } }));
    const nb = (name: string, type: string, rk: typeof r1 | null, pos: number | null, props = {}) => {
      const d = device(name, type, rk, pos, props);
      e.devices.push(d);
      return d;
    };
    const ok = nb('gpu0001', 'hgx-h100-8u', r1, 1);
    nb('gpu0002', 'dgx-a100-6u', r1, 9); // type without mapping
    nb('gpu0003', 'hgx-h100-8u', r1, 40); // off the rack: U40-U47 of 42
    nb('gpu0004', 'hgx-h100-8u', r1, 5); // overlaps gpu0001
    nb('gpu0005', 'hgx-h100-8u', r1, 17.5); // half-U
    nb('gpu0006', 'hgx-h100-8u', null, null); // no rack
    nb('gpu0001', 'hgx-h100-8u', r1, 25); // duplicate name
    nb('GPU_0008', 'hgx-h100-8u', r1, 33); // not a node name
    nb('gpu0009', 'hgx-h100-8u', r1, null); // no position
    nb('gpu0010', 'hgx-h100-8u', { id: 999, name: 'R99' }, 1); // rack not in the export
    nb('r01-leaf1', 'tor', r1, 41); // no power stated anywhere
    nb('gpu0011', 'hgx-h100-8u', r2, 1, { role: { id: 9, slug: 'gpu-lab', name: 'GPU lab' } }); // no pool
    expect(ok.name).toBe('gpu0001');
    const lines = refusal(e, mapping(), { devices: e.devices.length + 250 });
    const id = (name: string, n = 0) => e.devices.filter((d) => d.name === name)[n].id;
    const rid = (o: NbObject) => o.id as number;
    expect(lines).toEqual([
      `devices.json: export holds ${e.devices.length} objects but NetBox counted ${e.devices.length + 250}; save every page (follow "next"), got ${e.devices.length}, expected ${e.devices.length + 250}`,
      `dcim.powerfeed ${e.powerFeeds[6].id} "R04-B": power feed supply is not AC, got "dc", expected ac (the power model is three- or single-phase AC)`,
      `dcim.rack ${rid(r2)} "R02": rack has no power feeds, got 0, expected an A-side (primary) and a B-side (redundant) feed`,
      `dcim.rack ${rid(r3)} "R03": heightU is taller than any rack, got 120, expected at most 100`,
      `dcim.rack ${rid(r4)} "R04": rack needs exactly one A-side (primary) feed, got ["r04-a", "r04-a2"], expected one feed of type primary`,
      `dcim.device ${id('gpu0002')} "gpu0002": device type has no mapping, got "dgx-a100-6u", expected an entry in the mapping's deviceTypes, or a catalog platform (hgx-a100-40gb, hgx-a100-80gb, hgx-a800, hgx-h100, hgx-h800, hgx-h200, hgx-h20, dgx-b200, gb200-nvl72, atlas-800t-a2, cloudmatrix-384)`,
      `dcim.device ${id('gpu0003')} "gpu0003": device of 8U is off rack R01, got "U40 to U47", expected units 1 to 42`,
      `dcim.device ${id('gpu0004')} "gpu0004": device overlaps dcim.device ${id('gpu0001')} "gpu0001" in rack R01, got "U5", expected each rack unit used by one device`,
      `dcim.device ${id('gpu0005')} "gpu0005": device sits at a half-U position, got 17.5, expected a whole unit (the model counts whole rack units)`,
      `dcim.device ${id('gpu0006')} "gpu0006": device is in no rack, got nothing, expected a rack (devices outside racks cannot be checked for space and power)`,
      `dcim.device ${id('gpu0001', 1)} "gpu0001": device name is used twice in the site (also dcim.device ${id('gpu0001')} "gpu0001"), got "gpu0001", expected unique device names`,
      `dcim.device ${id('GPU_0008')} "GPU_0008": device name as a Kubernetes node name is not a valid DNS-1123 subdomain, got "GPU_0008", expected at most 253 characters of a-z, 0-9, '-' and '.', each part starting and ending with a letter or digit`,
      `dcim.device ${id('gpu0009')} "gpu0009": device of 8U has no position in rack R01, got nothing, expected a position (only zero-U devices have none)`,
      `dcim.device ${id('gpu0010')} "gpu0010": device is in a rack that is not in the inventory, got "R99", expected a rack of the same site`,
      `dcim.device ${id('r01-leaf1')} "r01-leaf1": device draws no stated power, got nothing, expected maximum_draw on its power ports, maxPowerW in its device type's mapping, or the mapping's defaultDevicePowerW`,
      `dcim.device ${id('gpu0011')} "gpu0011": GPU server matches no pool of the mapping, got "gpu-lab", expected a pool selecting it (training: role "gpu-training"), or a status of offline, failed, inventory, decommissioning`,
    ]);
  });

  function poolExport(): NbExport {
    const e = labExport();
    const [r1] = e.racks;
    const r2 = rack('R02');
    e.racks.push(r2);
    e.powerFeeds.push(feed('R02-A', r2, 'primary'), feed('R02-B', r2, 'redundant'));
    const inference = { id: 3, slug: 'gpu-inference', name: 'GPU inference' };
    e.devices.push(
      device('a1', 'hgx-h100-8u', r1, 1),
      device('a2', 'hgx-h100-8u', r1, 9, { role: inference, tags: [{ id: 4, name: 'Eval', slug: 'eval' }] }),
      device('a3', 'hgx-h100-8u', r1, 17, { role: inference, status: { value: 'offline', label: 'Offline' }, comments: 'RMA 4411: PSU 3 failed' }),
      device('a4', 'hgx-h100-8u', r1, 25, { role: inference, status: { value: 'inventory', label: 'Inventory' } }),
      device('b1', 'hgx-h100-8u', r2, 1, { role: inference }),
      device('b2', 'hgx-h100-8u', r2, 9, { role: inference }),
    );
    return e;
  }

  const POOLS = [
    { name: 'training', select: DeviceSelector.role('gpu-training') },
    { name: 'eval', select: DeviceSelector.tag('eval') },
    { name: 'serving', select: DeviceSelector.racks('R02', 'R09') },
  ];

  it('assigns pools by role, tag and rack range, and leaves servers out of service unpooled with their reason', () => {
    const fleet = build(poolExport(), mapping({ pools: POOLS }));
    expect(fleet.validate()).toEqual([]);
    const site = fleet.node.findChild('lab') as Site;
    expect(site.pools.map((p) => [p.node.id, p.servers.map((x) => x.nodeName)])).toEqual([
      ['training', ['a1']],
      ['eval', ['a2']],
      ['serving', ['b1', 'b2']],
    ]);
    expect(site.servers.filter((x) => x.unpooledReason).map((x) => [x.nodeName, x.unpooledReason])).toEqual([
      ['a3', 'RMA 4411: PSU 3 failed'],
      ['a4', 'NetBox status inventory'],
    ]);
  });

  it('rejects a server two pools select, a listed name not in the export and a site without a mapping', () => {
    const e = poolExport();
    e.sites.push({ id: 2, name: 'Lab 2', slug: 'lab-2' });
    const b2 = e.devices.find((d) => d.name === 'b2')!;
    expect(refusal(e, mapping({ pools: [...POOLS, { name: 'pinned', select: DeviceSelector.names(['b2', 'zz9']) }] }))).toEqual([
      'mapping pool lab/pinned: pool lists devices that are not in the inventory, got ["zz9"], expected names of devices of the site',
      `dcim.device ${b2.id} "b2": GPU server matches more than one pool, got ["serving", "pinned"], expected exactly one pool`,
      'dcim.site 2 "lab-2": site has no mapping, got "lab-2", expected an entry in the mapping\'s sites (known: lab)',
    ]);
  });

  it('finds a rack\'s feeds by custom field and by cable trace, and takes the side from the mapping', () => {
    const e = labExport();
    const [r1] = e.racks;
    // A row busway feeds two racks: NetBox links a feed to one rack, so R02 names it in custom fields,
    // and R03's switch is cabled to the B side.
    const r2 = rack('R02', { custom_fields: { power_feed_a: 'ROW-A', power_feed_b: { id: 0, name: 'ROW-B' } } });
    const r3 = rack('R03', { custom_fields: { power_feed_a: 'ROW-A' } });
    e.racks.push(r2, r3);
    e.powerFeeds.push(feed('ROW-A', null, 'primary', { amperage: 400 }), feed('ROW-B', null, 'redundant', { amperage: 400, type: null }));
    const tor = device('r03-leaf1', 'tor', r3, 42);
    e.devices.push(device('g1', 'hgx-h100-8u', r1, 1), device('g2', 'hgx-h100-8u', r2, 1), device('g3', 'hgx-h100-8u', r3, 1), tor);
    e.powerPorts.push(powerPort(tor, 'PSU1', 300, { connected_endpoints: [{ id: e.powerFeeds[3].id, name: 'ROW-B' }], connected_endpoints_type: 'dcim.powerfeed' }));
    const fleet = build(e, mapping({ feedSides: { 'ROW-B': 'B' } }));
    expect(fleet.validate()).toEqual([]);
    const site = fleet.node.findChild('lab') as Site;
    expect(site.racks.map((r) => [r.node.id, r.feedA.node.id, r.feedB.node.id])).toEqual([
      ['r01', 'r01-a', 'r01-b'],
      ['r02', 'row-a', 'row-b'],
      ['r03', 'row-a', 'row-b'],
    ]);
    expect(site.feeds.find((f) => f.node.id === 'row-a')!.loadKw).toBeCloseTo(2 * 10.2 + 0.3, 9);
  });

  it('builds a GB200 NVL72 rack as one NVLink domain, its switch trays checked for position but counted once, by the platform', () => {
    const e = labExport();
    const [r1] = e.racks;
    e.powerFeeds.forEach((f) => (f.amperage = 400));
    for (const u of [1, 2, 3, 4, 5, 6, 7, 8, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]) e.devices.push(device(`nvl-r01-c${u}`, 'gb200-tray', r1, u));
    for (let u = 9; u <= 17; u++) e.devices.push(device(`nvl-r01-sw${u}`, 'nvlink-switch-tray', r1, u, { role: { id: 5, slug: 'nvlink-switch', name: 'NVLink switch' } }));
    const m = mapping(
      { cooling: Cooling.liquid(140) },
      { deviceTypes: { 'gb200-tray': DeviceTypeMapping.platform(platform('gb200-nvl72')), 'nvlink-switch-tray': DeviceTypeMapping.fabric() } },
    );
    const fleet = build(e, m);
    expect(fleet.validate()).toEqual([]);
    const [rk] = (fleet.node.findChild('lab') as Site).racks;
    expect(rk.nvlinkDomains.map((d) => [d.name, d.gpus])).toEqual([['r01-nvlink', 72]]);
    expect([rk.devices.length, rk.usedU]).toEqual([0, 27]);
    expect(rk.drawKw).toBeCloseTo(132, 9);
    // A tray where a switch tray sits is an overlap.
    e.devices.push(device('nvl-r01-c28', 'gb200-tray', r1, 12));
    const idOf = (name: string) => e.devices.find((d) => d.name === name)!.id;
    expect(refusal(e, m)).toEqual([
      `dcim.device ${idOf('nvl-r01-c28')} "nvl-r01-c28": device overlaps dcim.device ${idOf('nvl-r01-sw12')} "nvl-r01-sw12" in rack R01, got "U12", expected each rack unit used by one device`,
    ]);
  });
});

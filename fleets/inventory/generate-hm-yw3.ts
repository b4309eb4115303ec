/**
 * Writes the example NetBox export in fleets/inventory/hm-yw3/ (the committed files are its
 * output; run `node -r ./tools/ts-register.js fleets/inventory/generate-hm-yw3.ts` after a change).
 *
 * The site: hall 2 of a (made-up) Hami Yiwu data centre, HM-YW3, as its NetBox would hold it.
 * Four rows of 16 racks. Rows A-C and D01-D12 are GPU racks: four 8U Supermicro HGX H800
 * servers at U1/U9/U17/U25, a 1U leaf switch at U40, a 1U out-of-band switch at U41 and a half-U
 * console server at U42. D13-D16 are network and storage racks: two 2U spine switches and six 2U
 * storage servers. Every rack has its own A (primary) and B (redundant) 415 V / 100 A
 * three-phase feed. Hostnames come from the asset register (`hm-yw3-gpu0142.prod.example.cn`),
 * numbered in delivery order, not by rack or position. Three servers are out of service
 * (status offline or inventory, the reason in comments).
 *
 * The JSON follows NetBox 4.x list responses (netbox/dcim/api/serializers_/): paginated at 250
 * (`?limit=250`), pages saved as an array when there is more than one.
 */
import * as fs from 'fs';
import * as path from 'path';

const OUT = path.join(__dirname, 'hm-yw3');
const API = 'https://netbox.prod.example.cn/api';
const PAGE = 250;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

/** A deterministic pseudo-random sequence (xorshift32), so that the output never changes by itself. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

function brief(kind: string, id: number, fields: Obj): Obj {
  return { id, url: `${API}/dcim/${kind}/${id}/`, display: fields.name ?? fields.model, ...fields };
}

const choice = (value: string | number, label: string) => ({ value, label });

const SITE = brief('sites', 7, { name: 'HM-YW3', slug: 'hm-yw3', description: 'Hami Yiwu DC3, hall 2' });
const MAKERS: Record<string, Obj> = {
  supermicro: brief('manufacturers', 3, { name: 'Supermicro', slug: 'supermicro' }),
  h3c: brief('manufacturers', 5, { name: 'H3C', slug: 'h3c' }),
  opengear: brief('manufacturers', 9, { name: 'Opengear', slug: 'opengear' }),
  inspur: brief('manufacturers', 11, { name: 'Inspur', slug: 'inspur' }),
};
interface TypeDef {
  readonly id: number;
  readonly maker: string;
  readonly model: string;
  readonly slug: string;
  readonly uHeight: number;
}
const TYPES: Record<string, TypeDef> = {
  gpu: { id: 41, maker: 'supermicro', model: 'SYS-821GE-TNHR (HGX H800)', slug: 'sys-821ge-tnhr-h800', uHeight: 8 },
  leaf: { id: 52, maker: 'h3c', model: 'S9855-48CD8D', slug: 's9855-48cd8d', uHeight: 1 },
  oob: { id: 53, maker: 'h3c', model: 'S5130S-52S-EI', slug: 's5130s-52s-ei', uHeight: 1 },
  console: { id: 61, maker: 'opengear', model: 'OM1204-4E', slug: 'om1204-4e', uHeight: 0.5 },
  spine: { id: 54, maker: 'h3c', model: 'S12500R-48Y8C', slug: 's12500r-48y8c', uHeight: 2 },
  storage: { id: 71, maker: 'inspur', model: 'NF5280M6 (storage)', slug: 'nf5280m6-storage', uHeight: 2 },
};
const ROLES: Record<string, Obj> = {
  training: brief('device-roles', 2, { name: 'GPU training', slug: 'gpu-training' }),
  inference: brief('device-roles', 3, { name: 'GPU inference', slug: 'gpu-inference' }),
  leaf: brief('device-roles', 6, { name: 'Leaf switch', slug: 'leaf-switch' }),
  oob: brief('device-roles', 7, { name: 'OOB switch', slug: 'oob-switch' }),
  console: brief('device-roles', 8, { name: 'Console server', slug: 'console-server' }),
  spine: brief('device-roles', 9, { name: 'Spine switch', slug: 'spine-switch' }),
  storage: brief('device-roles', 10, { name: 'Storage', slug: 'storage' }),
};

function deviceTypeBrief(t: TypeDef): Obj {
  return brief('device-types', t.id, { manufacturer: MAKERS[t.maker], model: t.model, slug: t.slug, description: '' });
}

function listPages(kind: string, objects: Obj[]): Obj | Obj[] {
  const pages: Obj[] = [];
  for (let i = 0; i < Math.max(1, objects.length); i += PAGE) {
    const next = i + PAGE < objects.length ? `${API}/dcim/${kind}/?limit=${PAGE}&offset=${i + PAGE}` : null;
    const previous = i > 0 ? `${API}/dcim/${kind}/?limit=${PAGE}${i - PAGE > 0 ? `&offset=${i - PAGE}` : ''}` : null;
    pages.push({ count: objects.length, next, previous, results: objects.slice(i, i + PAGE) });
  }
  return pages.length === 1 ? pages[0] : pages;
}

/** JSON with one object of `results` per line: compact, yet a change shows as a line in a diff. */
function formatPages(pages: Obj | Obj[]): string {
  const page = (p: Obj) => {
    const head = JSON.stringify({ count: p.count, next: p.next, previous: p.previous });
    // NetBox writes a device's position as a decimal: 1.0, not 1.
    const line = (r: Obj) => JSON.stringify(r).replace(/"position":(\d+),/, '"position":$1.0,');
    return `${head.slice(0, -1)},"results":[\n${p.results.map(line).join(',\n')}\n]}`;
  };
  return Array.isArray(pages) ? `[\n${pages.map(page).join(',\n')}\n]\n` : `${page(pages)}\n`;
}

function main(): void {
  const random = rng(0x59573300);
  const racks: Obj[] = [];
  const feeds: Obj[] = [];
  const devices: Obj[] = [];
  const ports: Obj[] = [];
  let rackId = 300;
  let feedId = 900;
  let deviceId = 12000;
  let portId = 48000;
  // Asset numbers of GPU servers in delivery order: a shuffled range, as racks were filled over months.
  const assets = Array.from({ length: 240 }, (_, i) => i + 101);
  for (let i = assets.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [assets[i], assets[j]] = [assets[j], assets[i]];
  }
  const outOfService: Record<number, { status: Obj; comments: string }> = {
    317: { status: choice('offline', 'Offline'), comments: 'RMA 2025-0931: GPU 5 Xid 79 (fell off the bus), baseboard swap pending' },
    118: { status: choice('inventory', 'Inventory'), comments: 'Cold spare for hall 2, racked and cabled, not in service' },
    203: { status: choice('offline', 'Offline'), comments: 'Burn-in failed: NVLink errors on GPU 2, vendor ticket SMC-88412' },
  };
  let gpuIndex = 0;
  const panelA = brief('power-panels', 21, { name: 'YW3-H2-UPS-A', description: '' });
  const panelB = brief('power-panels', 22, { name: 'YW3-H2-UPS-B', description: '' });
  let switchSerial = 0x3a10;
  const device = (name: string, type: TypeDef, role: Obj, rack: Obj, position: number | null, serial: string, extra: Obj = {}): Obj => {
    const d = {
      id: deviceId++,
      url: `${API}/dcim/devices/${deviceId - 1}/`,
      display: name,
      name,
      device_type: deviceTypeBrief(type),
      role,
      tenant: null,
      platform: null,
      serial,
      asset_tag: null,
      site: SITE,
      location: brief('locations', 14, { name: 'Hall 2', slug: 'hm-yw3-hall-2' }),
      rack: brief('racks', rack.id, { name: rack.name, description: '' }),
      position,
      face: position === null ? null : choice('front', 'Front'),
      parent_device: null,
      status: choice('active', 'Active'),
      airflow: null,
      comments: '',
      tags: [] as Obj[],
      custom_fields: {},
      ...extra,
    };
    devices.push(d);
    return d;
  };
  const port = (d: Obj, name: string, maximumDraw: number | null): void => {
    ports.push({
      id: portId++,
      url: `${API}/dcim/power-ports/${portId - 1}/`,
      display: name,
      device: brief('devices', d.id, { name: d.name, description: '' }),
      name,
      type: choice('iec-60320-c14', 'C14'),
      maximum_draw: maximumDraw,
      allocated_draw: maximumDraw === null ? null : Math.round(maximumDraw * 0.6),
      cable: null,
      link_peers: [],
      link_peers_type: null,
      connected_endpoints: null,
      connected_endpoints_type: null,
      connected_endpoints_reachable: null,
      tags: [],
    });
  };
  for (const row of ['A', 'B', 'C', 'D']) {
    for (let n = 1; n <= 16; n++) {
      const name = `YW3-H2-${row}${String(n).padStart(2, '0')}`;
      const rack = {
        id: rackId++,
        url: `${API}/dcim/racks/${rackId - 1}/`,
        display: name,
        name,
        facility_id: `H2-${row}-${n}`,
        site: SITE,
        location: brief('locations', 14, { name: 'Hall 2', slug: 'hm-yw3-hall-2' }),
        status: choice('active', 'Active'),
        role: brief('rack-roles', 1, { name: row === 'D' && n > 12 ? 'Network' : 'GPU compute', slug: row === 'D' && n > 12 ? 'network' : 'gpu-compute' }),
        width: choice(19, '19 inches'),
        u_height: 42,
        starting_unit: 1,
        desc_units: false,
        form_factor: choice('4-post-cabinet', '4-post cabinet'),
        tags: [],
        custom_fields: {},
      };
      racks.push(rack);
      for (const [side, panel, type] of [['A', panelA, choice('primary', 'Primary')], ['B', panelB, choice('redundant', 'Redundant')]] as const) {
        feeds.push({
          id: feedId++,
          url: `${API}/dcim/power-feeds/${feedId - 1}/`,
          display: `${name}-${side}`,
          power_panel: panel,
          rack: brief('racks', rack.id, { name, description: '' }),
          name: `${name}-${side}`,
          status: choice('active', 'Active'),
          type,
          supply: choice('ac', 'AC'),
          phase: choice('three-phase', 'Three-phase'),
          voltage: 415,
          amperage: 100,
          max_utilization: 80,
          mark_connected: false,
          tags: [],
          custom_fields: {},
        });
      }
      if (row === 'D' && n > 12) {
        for (const [k, u] of [16, 18].entries()) {
          const d = device(`hm-yw3-spine${String((n - 13) * 2 + k + 1).padStart(2, '0')}`, TYPES.spine, ROLES.spine, rack, u, `210235A3${(switchSerial++).toString(16).toUpperCase()}`);
          port(d, 'PSU1', 900);
          port(d, 'PSU2', 900);
        }
        for (const [k, u] of [2, 4, 6, 8, 10, 12].entries()) {
          device(`hm-yw3-stor${String((n - 13) * 6 + k + 1).padStart(3, '0')}.prod.example.cn`, TYPES.storage, ROLES.storage, rack, u, `22109${String(4400 + (n - 13) * 6 + k)}`);
        }
        continue;
      }
      const role = row === 'D' ? ROLES.inference : ROLES.training;
      for (const u of [1, 9, 17, 25]) {
        const asset = assets[gpuIndex++];
        const extra: Obj = outOfService[asset] ?? {};
        device(`hm-yw3-gpu${String(asset).padStart(4, '0')}.prod.example.cn`, TYPES.gpu, role, rack, u, `S4218${String(700000 + asset * 37).padStart(7, '0')}`, extra);
      }
      const leaf = device(`hm-yw3-${row.toLowerCase()}${String(n).padStart(2, '0')}-leaf1`, TYPES.leaf, ROLES.leaf, rack, 40, `210235A4${(switchSerial++).toString(16).toUpperCase()}`);
      port(leaf, 'PSU1', 275);
      port(leaf, 'PSU2', 275);
      device(`hm-yw3-${row.toLowerCase()}${String(n).padStart(2, '0')}-oob1`, TYPES.oob, ROLES.oob, rack, 41, `210235A5${(switchSerial++).toString(16).toUpperCase()}`);
      device(`hm-yw3-${row.toLowerCase()}${String(n).padStart(2, '0')}-con1`, TYPES.console, ROLES.console, rack, 42, `OM12${String(10000 + n * 13 + row.charCodeAt(0))}`);
    }
  }
  const deviceTypes = Object.values(TYPES).map((t) => ({ ...deviceTypeBrief(t), u_height: t.uHeight, is_full_depth: t.uHeight >= 1, part_number: '' }));
  fs.mkdirSync(OUT, { recursive: true });
  const write = (file: string, kind: string, objects: Obj[]) => fs.writeFileSync(path.join(OUT, file), formatPages(listPages(kind, objects)));
  write('sites.json', 'sites', [{ ...SITE, status: choice('active', 'Active'), region: brief('regions', 4, { name: 'Hami', slug: 'hami' }), facility: 'YW3', time_zone: 'Asia/Urumqi', tags: [], custom_fields: {} }]);
  write('racks.json', 'racks', racks);
  write('power-feeds.json', 'power-feeds', feeds);
  write('devices.json', 'devices', devices);
  write('power-ports.json', 'power-ports', ports);
  write('device-types.json', 'device-types', deviceTypes);
}

main();

/**
 * A small NetBox 4.x export, written as the API returns it, for import tests: one site `lab`,
 * racks with A/B feeds, and helpers to add devices, power ports and racks, then save the list
 * responses to a directory (`saveExport`) as `curl .../api/dcim/<endpoint>/` would.
 */
import * as fs from 'fs';
import * as path from 'path';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type NbObject = Record<string, any>;

export interface NbExport {
  sites: NbObject[];
  racks: NbObject[];
  devices: NbObject[];
  powerFeeds: NbObject[];
  powerPorts: NbObject[];
  deviceTypes: NbObject[];
}

const choice = (value: string | number, label: string) => ({ value, label });
export const LAB_SITE = { id: 1, name: 'Lab', slug: 'lab' };

let nextId = 100;

export function rack(name: string, props: NbObject = {}): NbObject {
  return { id: nextId++, name, site: LAB_SITE, u_height: 42, status: choice('active', 'Active'), custom_fields: {}, ...props };
}

export function feed(name: string, rackObj: NbObject | null, type: 'primary' | 'redundant', props: NbObject = {}): NbObject {
  return {
    id: nextId++,
    name,
    power_panel: { id: 7, name: 'Lab-UPS' },
    rack: rackObj ? { id: rackObj.id, name: rackObj.name } : null,
    status: choice('active', 'Active'),
    type: choice(type, type === 'primary' ? 'Primary' : 'Redundant'),
    supply: choice('ac', 'AC'),
    phase: choice('three-phase', 'Three-phase'),
    voltage: 415,
    amperage: 100,
    max_utilization: 80,
    ...props,
  };
}

export function device(name: string | null, typeSlug: string, rackObj: NbObject | null, position: number | null, props: NbObject = {}): NbObject {
  return {
    id: nextId++,
    name,
    device_type: { id: 1, model: typeSlug.toUpperCase(), slug: typeSlug, manufacturer: { id: 1, name: 'Maker', slug: 'maker' } },
    role: { id: 2, name: 'GPU training', slug: 'gpu-training' },
    site: LAB_SITE,
    rack: rackObj ? { id: rackObj.id, name: rackObj.name } : null,
    position,
    face: position === null ? null : choice('front', 'Front'),
    status: choice('active', 'Active'),
    serial: `SN${nextId}`,
    comments: '',
    tags: [],
    ...props,
  };
}

export function powerPort(dev: NbObject, name: string, maximumDraw: number | null, props: NbObject = {}): NbObject {
  return { id: nextId++, device: { id: dev.id, name: dev.name }, name, maximum_draw: maximumDraw, allocated_draw: null, connected_endpoints: null, connected_endpoints_type: null, ...props };
}

/** One rack `R01` with feeds `R01-A` (primary) and `R01-B` (redundant). */
export function labExport(): NbExport {
  const r = rack('R01');
  return {
    sites: [LAB_SITE],
    racks: [r],
    devices: [],
    powerFeeds: [feed('R01-A', r, 'primary'), feed('R01-B', r, 'redundant')],
    powerPorts: [],
    deviceTypes: [{ id: 1, slug: 'hgx-h100-8u', model: 'HGX-H100-8U', u_height: 8 }, { id: 2, slug: 'tor', model: 'TOR', u_height: 1 }],
  };
}

function listResponse(objects: NbObject[], count = objects.length): NbObject {
  return { count, next: null, previous: null, results: objects };
}

/** Saves the export's list responses to `dir`; `counts` overrides the `count` of an endpoint (a lost page). */
export function saveExport(dir: string, e: NbExport, counts: Partial<Record<keyof NbExport, number>> = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<keyof NbExport, string> = { sites: 'sites.json', racks: 'racks.json', devices: 'devices.json', powerFeeds: 'power-feeds.json', powerPorts: 'power-ports.json', deviceTypes: 'device-types.json' };
  for (const [k, file] of Object.entries(files) as Array<[keyof NbExport, string]>) {
    fs.writeFileSync(path.join(dir, file), JSON.stringify(listResponse(e[k], counts[k])));
  }
  return dir;
}

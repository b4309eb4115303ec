/**
 * Reads a NetBox REST API export: the list responses of /api/dcim/sites/, racks/, devices/,
 * power-feeds/ and power-ports/ (and, optionally, device-types/ for heights), saved to files in
 * one directory. A file holds one list response (`{count, next, previous, results}`), an array
 * of such pages, or a plain array of objects. No network: the files are the input.
 *
 * Field names are NetBox 4.x's (netbox/dcim/api/serializers_/sites.py, racks.py, devices.py,
 * power.py, device_components.py): choice fields are `{value, label}` objects, related objects
 * are nested `{id, name, slug}` objects, `device.position` is a decimal (12.0, 12.5),
 * `power_port.maximum_draw` is in W, a cabled power port names the feed it reaches in
 * `connected_endpoints` with `connected_endpoints_type` `dcim.powerfeed`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FleetValidationError, problem } from '../../constructs/violations';
import { Inventory, InventoryDevice, InventoryFeed, InventoryRack, InventorySite, LoadProblem, netboxRef } from './inventory';

/** The files of an export, by endpoint. */
export const NETBOX_EXPORT_FILES = {
  sites: 'sites.json',
  racks: 'racks.json',
  devices: 'devices.json',
  powerFeeds: 'power-feeds.json',
  powerPorts: 'power-ports.json',
  /** Optional: device type heights (`u_height`), which the nested device_type of a device lacks. */
  deviceTypes: 'device-types.json',
} as const;

/**
 * Thrown when an export cannot be read at all (a file missing or not JSON): a
 * FleetValidationError naming the file, so that synth prints it as a refusal, not a crash.
 */
export class NetboxExportError extends FleetValidationError {
  constructor(file: string, message: string) {
    super([{ path: file, message }]);
    this.name = 'NetboxExportError';
  }
}

// The parts of NetBox's API objects the import reads.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

interface Listing {
  readonly objects: Json[];
  readonly problems: LoadProblem[];
}

/** The objects of one endpoint's saved list response(s). */
export function readListing(file: string, text: string): Listing {
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new NetboxExportError(file, problem('file is not JSON', (e as Error).message, 'a saved NetBox list response'));
  }
  const pages: Json[] = Array.isArray(data) && data.every((p) => p && Array.isArray(p.results)) && data.length > 0 ? data : [data];
  const objects: Json[] = [];
  const problems: LoadProblem[] = [];
  for (const page of pages) {
    if (Array.isArray(page)) {
      objects.push(...page);
    } else if (page && Array.isArray(page.results)) {
      objects.push(...page.results);
    } else {
      throw new NetboxExportError(file, problem('file is not a NetBox list response', page && typeof page === 'object' ? Object.keys(page) : page, '{"count", "results"}, an array of them, or an array of objects'));
    }
  }
  // A paginated export that stopped early: `count` says how many objects the list has.
  const count = pages.find((p) => !Array.isArray(p) && typeof p.count === 'number')?.count;
  if (count !== undefined && count !== objects.length) {
    problems.push({ ref: file, message: `export holds ${objects.length} objects but NetBox counted ${count}; save every page (follow "next"), got ${objects.length}, expected ${count}` });
  }
  return { objects, problems };
}

/** Reads the export in `dir`. */
export function loadNetboxExport(dir: string): Inventory {
  const read = (file: string, optional = false): Listing => {
    const p = path.join(dir, file);
    if (!fs.existsSync(p)) {
      if (optional) return { objects: [], problems: [] };
      throw new NetboxExportError(p, problem('file is missing', undefined, `the saved list response of /api/dcim/${file.replace(/\.json$/, '')}/`));
    }
    return readListing(file, fs.readFileSync(p, 'utf8'));
  };
  return netboxInventory({
    sites: read(NETBOX_EXPORT_FILES.sites),
    racks: read(NETBOX_EXPORT_FILES.racks),
    devices: read(NETBOX_EXPORT_FILES.devices),
    powerFeeds: read(NETBOX_EXPORT_FILES.powerFeeds),
    powerPorts: read(NETBOX_EXPORT_FILES.powerPorts, true),
    deviceTypes: read(NETBOX_EXPORT_FILES.deviceTypes, true),
  });
}

/** A choice field's value (`{value, label}` in NetBox 4, a plain string in older exports). */
function choice(v: Json): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'object' ? v.value : String(v);
}

function num(v: Json): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  return typeof v === 'number' ? v : Number(v);
}

/** Turns the listings into the inventory's plain data. */
export function netboxInventory(l: { sites: Listing; racks: Listing; devices: Listing; powerFeeds: Listing; powerPorts: Listing; deviceTypes: Listing }): Inventory {
  const problems: LoadProblem[] = [...l.sites.problems, ...l.racks.problems, ...l.devices.problems, ...l.powerFeeds.problems, ...l.powerPorts.problems, ...l.deviceTypes.problems];
  const siteSlugById = new Map<number, string>();
  const sites: InventorySite[] = l.sites.objects.map((s) => {
    siteSlugById.set(s.id, s.slug);
    return { ref: netboxRef('site', s.id, s.slug), slug: s.slug, name: s.name };
  });
  const slugOf = (site: Json): string => site?.slug ?? siteSlugById.get(site?.id) ?? '';
  const feedNameById = new Map<number, string>(l.powerFeeds.objects.map((f) => [f.id, f.name]));
  const racks: InventoryRack[] = l.racks.objects.map((r) => {
    const cf = r.custom_fields ?? {};
    const feeds = [cf.power_feed_a, cf.power_feed_b].map((v: Json) => (v && typeof v === 'object' ? (v.name ?? feedNameById.get(v.id)) : v)).filter((v: Json): v is string => typeof v === 'string' && v !== '');
    return { ref: netboxRef('rack', r.id, r.name), site: slugOf(r.site), name: r.name, heightU: num(r.u_height), feeds };
  });
  // A feed's site: NetBox's PowerFeed serializer nests rack and power_panel briefly (no site):
  // the site of its rack, else of another feed's rack on the same panel, else the only site.
  const rackSiteById = new Map<number, string>(l.racks.objects.map((r) => [r.id, slugOf(r.site)]));
  const panelSites = new Map<number, string>();
  for (const f of l.powerFeeds.objects) if (f.rack && f.power_panel) panelSites.set(f.power_panel.id, rackSiteById.get(f.rack.id) ?? '');
  const onlySite = sites.length === 1 ? sites[0].slug : '';
  const feedSite = (f: Json): string => (f.site ? slugOf(f.site) : (rackSiteById.get(f.rack?.id) ?? panelSites.get(f.power_panel?.id) ?? onlySite));
  const feeds: InventoryFeed[] = l.powerFeeds.objects.map((f) => ({
    ref: netboxRef('powerfeed', f.id, f.name),
    site: feedSite(f),
    name: f.name,
    voltageV: num(f.voltage) ?? NaN,
    amperageA: num(f.amperage) ?? NaN,
    phase: choice(f.phase) ?? 'three-phase',
    maxUtilizationPercent: num(f.max_utilization) ?? 80,
    type: choice(f.type),
    supply: choice(f.supply),
    rack: f.rack?.name ?? undefined,
  }));
  const heightBySlug = new Map<string, number>(l.deviceTypes.objects.filter((t) => num(t.u_height) !== undefined).map((t) => [t.slug, num(t.u_height)!]));
  const drawByDevice = new Map<number, number>();
  const feedsByDevice = new Map<number, string[]>();
  for (const p of l.powerPorts.objects) {
    const id = p.device?.id;
    const draw = num(p.maximum_draw);
    if (draw !== undefined) drawByDevice.set(id, (drawByDevice.get(id) ?? 0) + draw);
    if (p.connected_endpoints_type === 'dcim.powerfeed') {
      for (const e of p.connected_endpoints ?? []) {
        const name = e?.name ?? feedNameById.get(e?.id);
        if (name) feedsByDevice.set(id, [...(feedsByDevice.get(id) ?? []), name]);
      }
    }
  }
  const devices: InventoryDevice[] = l.devices.objects.map((d) => {
    const slug = d.device_type?.slug ?? '';
    return {
      ref: netboxRef('device', d.id, d.name),
      site: slugOf(d.site),
      name: d.name ?? '',
      deviceType: slug,
      typeHeightU: num(d.device_type?.u_height) ?? heightBySlug.get(slug),
      rack: d.rack?.name ?? undefined,
      position: num(d.position),
      role: (d.role ?? d.device_role)?.slug,
      tags: (d.tags ?? []).map((t: Json) => (typeof t === 'string' ? t : t.slug)),
      serial: d.serial || undefined,
      status: choice(d.status),
      comments: d.comments || undefined,
      maxDrawW: drawByDevice.get(d.id),
      feeds: feedsByDevice.get(d.id) ?? [],
    };
  });
  return { sites, racks, feeds, devices, problems };
}

/**
 * Builds a fleet from an inventory (plain data from a NetBox export or CSV files) and its
 * mapping. Every problem of the inventory is collected and reported at once, each naming the
 * NetBox object or the file and line it comes from (`dcim.device 1234 "hm-yw3-gpu0142": ...`);
 * a fleet with any problem is refused as a whole (FleetValidationError), nothing half-built.
 *
 * Ids: a rack's and a feed's construct id is its inventory name in lower case with every other
 * character than a-z, 0-9 and '-' as '-'; a device at U9 is `u09`; a GPU server keeps its
 * inventory name as its Kubernetes node name.
 */
import { IConstruct } from 'constructs';
import { platforms, PlatformSpec } from '../../constructs/catalog/platforms';
import { Fleet, FleetProps } from '../../constructs/fleet';
import { dns1123LabelProblems } from '../../constructs/kubernetes-names';
import { NodePool } from '../../constructs/node-pool';
import { NvlinkDomain } from '../../constructs/nvlink-domain';
import { Phase, PowerFeed, PowerSide } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { RackDevice, unitsTaken } from '../../constructs/rack-device';
import { nodeNameProblems, Server } from '../../constructs/server';
import { Site } from '../../constructs/site';
import { captureProblems, FleetValidationError, problem, Violation } from '../../constructs/violations';
import type { Inventory, InventoryDevice, InventoryFeed, InventoryRack, InventorySite, SourceRef } from './inventory';
import { DeviceTypeMapping, InventoryMapping, PoolMapping, SiteMapping } from './mapping';

/**
 * NetBox device statuses (dcim/choices.py DeviceStatusChoices) of GPU servers that are not in
 * service: such a server joins no pool, its reason being its NetBox comments or its status.
 */
export const UNPOOLED_STATUSES: readonly string[] = ['offline', 'failed', 'inventory', 'decommissioning'];

/** A NetBox or CSV name as a construct id (a DNS-1123 label): lower case, other characters as '-'. */
export function idFromName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `u09`: the id of a device whose lowest unit is 9. */
export function unitId(positionU: number): string {
  return `u${String(positionU).padStart(2, '0')}`;
}

/** Builds the fleet `name` from `inventory` and `mapping`, or throws one FleetValidationError listing every problem. */
export function buildInventoryFleet(name: string, inventory: Inventory, mapping: InventoryMapping, props: FleetProps = {}): Fleet {
  const fleet = new Fleet(name, props);
  const b = new Builder(fleet, inventory, mapping);
  b.build();
  // The fleet's own rules too (cooling, feed load, utility capacity), so that one run shows every
  // problem, each at its NetBox object; except at objects the import already refused.
  const refused = new Set(b.violations.map((v) => v.path));
  const all = [...b.violations, ...b.relabel(fleet.validate()).filter((v) => !refused.has(v.path))];
  if (all.length > 0) throw new FleetValidationError(all);
  return fleet;
}

interface Placed {
  readonly device: InventoryDevice;
  readonly type: DeviceTypeMapping;
  readonly heightU: number;
}

class Builder {
  public readonly violations: Violation[] = [];
  /** Construct path -> inventory reference, so that rule violations name the NetBox object. */
  private readonly refs = new Map<string, SourceRef>();

  constructor(
    private readonly fleet: Fleet,
    private readonly inv: Inventory,
    private readonly mapping: InventoryMapping,
  ) {}

  /** Violations with their construct path replaced by the inventory object, where there is one. */
  public relabel(vs: readonly Violation[]): Violation[] {
    return vs.map((v) => {
      const ref = this.refs.get(v.path);
      return ref ? { path: ref, message: v.message } : v;
    });
  }

  public build(): void {
    for (const p of this.inv.problems) this.add(p.ref, p.message);
    const known = new Set(this.inv.sites.map((s) => s.slug));
    const orphan = (what: string, r: { ref: SourceRef; site: string }) => {
      if (!known.has(r.site)) this.add(r.ref, problem(`${what} belongs to a site that is not in the inventory`, r.site, `one of ${[...known].join(', ') || 'no sites'}`));
    };
    for (const r of this.inv.racks) orphan('rack', r);
    for (const f of this.inv.feeds) orphan('power feed', f);
    for (const d of this.inv.devices) orphan('device', d);
    const seenSite = new Set<string>();
    for (const s of this.inv.sites) {
      if (seenSite.has(s.slug)) {
        this.add(s.ref, problem('site is listed twice', s.slug, 'each site once'));
        continue;
      }
      seenSite.add(s.slug);
      const m = this.mapping.sites[s.slug];
      if (!m) {
        this.add(s.ref, problem('site has no mapping', s.slug, `an entry in the mapping's sites (known: ${Object.keys(this.mapping.sites).join(', ') || 'none'})`));
        continue;
      }
      this.buildSite(s, m);
    }
  }

  private add(ref: SourceRef, message: string): void {
    this.violations.push({ path: ref, message });
  }

  /**
   * Runs a constructor; its problems (recorded with `PropChecker.defer`, or thrown) are reported
   * at `ref`. A construct with problems is left out of the rest of the build (undefined), as its
   * props are stand-ins; its later rule violations are relabelled to `ref`, where the import
   * already refused it.
   */
  private attemptAt<T extends IConstruct>(ref: SourceRef, build: () => T): T | undefined {
    const { result, violations } = captureProblems(build);
    if (result) this.refs.set(result.node.path, ref);
    for (const v of violations) this.add(ref, v.message);
    return violations.length > 0 ? undefined : result;
  }

  private buildSite(s: InventorySite, m: SiteMapping): void {
    const id = m.id ?? s.slug;
    const site = this.attemptAt(s.ref, () => new Site(this.fleet, id, { ...m, displayName: m.displayName ?? s.name }));
    if (!site) return;
    const feeds = this.buildFeeds(site, m, this.inv.feeds.filter((f) => f.site === s.slug));
    const devices = this.inv.devices.filter((d) => d.site === s.slug);
    const racks = this.buildRacks(site, m, s.slug, feeds, devices);
    const servers = this.buildDevices(devices, racks);
    this.buildPools(site, m, new Set(devices.map((d) => d.name)), servers);
  }

  private buildFeeds(site: Site, m: SiteMapping, feeds: readonly InventoryFeed[]): Map<string, PowerFeed> {
    const out = new Map<string, PowerFeed>();
    const ids = new Map<string, InventoryFeed>();
    for (const f of feeds) {
      const before = this.violations.length;
      const id = idFromName(f.name);
      for (const msg of dns1123LabelProblems('power feed name as an id', id)) this.add(f.ref, msg);
      const clash = ids.get(id);
      if (clash) this.add(f.ref, problem(`power feed name is used twice in the site (also ${clash.ref})`, f.name, 'unique feed names'));
      ids.set(id, f);
      const side = feedSide(f, m);
      if (!side) this.add(f.ref, problem('power feed type does not say its side', f.type, 'type primary (A) or redundant (B), or the feed in the mapping\'s feedSides'));
      if ((f.supply ?? 'ac') !== 'ac') this.add(f.ref, problem('power feed supply is not AC', f.supply, 'ac (the power model is three- or single-phase AC)'));
      const phase = PHASES[f.phase];
      if (!phase) this.add(f.ref, problem('power feed phase is unknown', f.phase, 'single-phase or three-phase'));
      if (this.violations.length > before || !side || !phase) continue;
      const feed = this.attemptAt(f.ref, () => new PowerFeed(site, id, { side, voltageV: f.voltageV, amperageA: f.amperageA, phase, maxUtilizationPercent: f.maxUtilizationPercent }));
      if (feed) out.set(f.name, feed);
    }
    return out;
  }

  private buildRacks(site: Site, m: SiteMapping, slug: string, feeds: Map<string, PowerFeed>, devices: readonly InventoryDevice[]): Map<string, Rack> {
    const out = new Map<string, Rack>();
    const ids = new Map<string, InventoryRack>();
    const known = new Set(this.inv.feeds.filter((f) => f.site === slug).map((f) => f.name));
    // Feeds by the rack they are linked to (the feed's rack, or a device's cabled power port), indexed once.
    const linked = new Map<string, string[]>();
    const link = (rack: string | undefined, feed: string) => rack !== undefined && (linked.get(rack) ?? linked.set(rack, []).get(rack)!).push(feed);
    for (const f of this.inv.feeds) if (f.site === slug) link(f.rack, f.name);
    for (const d of devices) for (const f of d.feeds) link(d.rack, f);
    for (const r of this.inv.racks.filter((x) => x.site === slug)) {
      const before = this.violations.length;
      const id = idFromName(r.name);
      for (const msg of dns1123LabelProblems('rack name as an id', id)) this.add(r.ref, msg);
      const clash = ids.get(id);
      if (clash) this.add(r.ref, problem(`rack name is used twice in the site (also ${clash.ref})`, r.name, 'unique rack names'));
      ids.set(id, r);
      // The rack's feeds: those it names, those connected to it, those its devices are cabled to.
      const names = new Set<string>(r.feeds);
      for (const f of linked.get(r.name) ?? []) names.add(f);
      for (const n of names) if (!known.has(n)) this.add(r.ref, problem('rack names a power feed that is not in the inventory', n, 'a feed of the same site'));
      const mine = [...names].map((n) => feeds.get(n)).filter((f): f is PowerFeed => f !== undefined);
      const sideA = mine.filter((f) => f.side === 'A');
      const sideB = mine.filter((f) => f.side === 'B');
      if (names.size === 0) {
        this.add(r.ref, problem('rack has no power feeds', 0, 'an A-side (primary) and a B-side (redundant) feed'));
      } else {
        // A missing side is only certain when every feed of the rack was understood.
        const whole = mine.length === names.size;
        if (sideA.length > 1 || (whole && sideA.length === 0)) this.add(r.ref, problem('rack needs exactly one A-side (primary) feed', sideA.map((f) => f.node.id), 'one feed of type primary'));
        if (sideB.length > 1 || (whole && sideB.length === 0)) this.add(r.ref, problem('rack needs exactly one B-side (redundant) feed', sideB.map((f) => f.node.id), 'one feed of type redundant'));
      }
      if (this.violations.length > before || sideA.length !== 1 || sideB.length !== 1) continue;
      const cooling = m.rackCooling?.[r.name] ?? m.cooling;
      const rack = this.attemptAt(r.ref, () => new Rack(site, id, { cooling, feedA: sideA[0], feedB: sideB[0], heightU: r.heightU, block: m.rackBlocks?.[r.name] ?? m.blockOf?.(r.name) }));
      if (rack) out.set(r.name, rack);
    }
    return out;
  }

  /**
   * Checks and places every device of a site; returns its GPU server records (each with its
   * Server, when one could be built), for the pools.
   */
  private buildDevices(devices: readonly InventoryDevice[], racks: Map<string, Rack>): Map<InventoryDevice, Server | undefined> {
    const servers = new Map<InventoryDevice, Server | undefined>();
    const rackRecords = new Map(this.inv.racks.map((r) => [`${r.site}\u0000${r.name}`, r]));
    const byName = new Map<string, InventoryDevice>();
    const units = new Map<string, Map<number, InventoryDevice>>();
    const placed: Placed[] = [];
    for (const d of devices) {
      const before = this.violations.length;
      const other = byName.get(d.name);
      if (!d.name) this.add(d.ref, problem('device has no name', d.name, 'a name (the Kubernetes node name of a GPU server)'));
      else if (other) this.add(d.ref, problem(`device name is used twice in the site (also ${other.ref})`, d.name, 'unique device names'));
      else byName.set(d.name, d);
      const type = this.typeOf(d);
      if (!type) continue;
      if (type.platform) servers.set(d, undefined);
      if (type.platform) for (const msg of nodeNameProblems('device name as a Kubernetes node name', d.name)) this.add(d.ref, msg);
      const heightU = this.heightOf(d, type);
      if (d.rack === undefined || d.rack === '') {
        this.add(d.ref, problem('device is in no rack', d.rack, 'a rack (devices outside racks cannot be checked for space and power)'));
        continue;
      }
      const rackRecord = rackRecords.get(`${d.site}\u0000${d.rack}`);
      if (!rackRecord) {
        this.add(d.ref, problem('device is in a rack that is not in the inventory', d.rack, 'a rack of the same site'));
        continue;
      }
      if (heightU === undefined) continue;
      const rackHeight = rackRecord.heightU ?? 42;
      if (d.position === undefined) {
        if (heightU > 0) this.add(d.ref, problem(`device of ${heightU}U has no position in rack ${d.rack}`, d.position, 'a position (only zero-U devices have none)'));
      } else if (!Number.isInteger(d.position)) {
        this.add(d.ref, problem('device sits at a half-U position', d.position, 'a whole unit (the model counts whole rack units)'));
      } else {
        const top = d.position + unitsTaken(heightU) - 1;
        if (d.position < 1 || top > rackHeight) this.add(d.ref, problem(`device of ${heightU}U is off rack ${d.rack}`, `U${d.position} to U${top}`, `units 1 to ${rackHeight}`));
        else {
          const used = units.get(d.rack) ?? new Map<number, InventoryDevice>();
          units.set(d.rack, used);
          for (let u = d.position; u <= top; u++) {
            const o = used.get(u);
            if (o) {
              this.add(d.ref, problem(`device overlaps ${o.ref} in rack ${d.rack}`, `U${u}`, 'each rack unit used by one device'));
              break;
            }
          }
          for (let u = d.position; u <= top; u++) if (!used.has(u)) used.set(u, d);
        }
      }
      if (this.violations.length === before) placed.push({ device: d, type, heightU });
    }
    // A rack-scale platform's servers share one NvlinkDomain per rack (`<rack>-nvlink`, as fleets/rack-scale.ts names it).
    const domains = new Map<Rack, NvlinkDomain | undefined>();
    const domainOf = (rack: Rack, spec: PlatformSpec, ref: SourceRef) => {
      if (!domains.has(rack)) domains.set(rack, this.attemptAt(ref, () => new NvlinkDomain(rack, 'nvlink', { platform: spec })));
      return domains.get(rack);
    };
    for (const p of placed) {
      const rack = racks.get(p.device.rack!);
      if (!rack || p.type.isFabric) continue; // a missing rack's own problems are reported
      const d = p.device;
      const spec = p.type.platform;
      if (spec) {
        const shared = spec.nvlinkScope === 'rack' ? domainOf(rack, spec, rackRecords.get(`${d.site}\u0000${d.rack}`)!.ref) : undefined;
        if (spec.nvlinkScope === 'rack' && !shared) continue;
        const server = this.attemptAt(d.ref, () =>
          new Server(rack, unitId(d.position!), { platform: spec, positionU: d.position!, nodeName: d.name, serial: d.serial || undefined, unpooledReason: unpooledReason(d), nvlinkDomain: shared }),
        );
        if (server) servers.set(d, server);
      } else {
        const powerW = d.maxDrawW ?? p.type.options.maxPowerW ?? this.mapping.defaultDevicePowerW;
        if (powerW === undefined) {
          this.add(d.ref, problem('device draws no stated power', powerW, "maximum_draw on its power ports, maxPowerW in its device type's mapping, or the mapping's defaultDevicePowerW"));
          continue;
        }
        const id = d.position === undefined ? `zero-u-${idFromName(d.name)}` : unitId(d.position);
        this.attemptAt(d.ref, () =>
          new RackDevice(rack, id, {
            role: p.type.role!,
            heightU: p.heightU,
            positionU: d.position,
            maxPowerKw: powerW / 1000,
            name: d.name,
            serial: d.serial || undefined,
            model: d.deviceType,
            manufacturer: p.type.options.manufacturer,
          }),
        );
      }
    }
    return servers;
  }

  private typeOf(d: InventoryDevice): DeviceTypeMapping | undefined {
    const mapped = this.mapping.deviceTypes[d.deviceType];
    if (mapped) return mapped;
    const catalog = platforms().find((p) => p.name === d.deviceType);
    if (catalog) return DeviceTypeMapping.platform(catalog);
    this.add(d.ref, problem('device type has no mapping', d.deviceType, `an entry in the mapping's deviceTypes, or a catalog platform (${platforms().map((p) => p.name).join(', ')})`));
    return undefined;
  }

  private heightOf(d: InventoryDevice, type: DeviceTypeMapping): number | undefined {
    const p: PlatformSpec | undefined = type.platform;
    if (p) {
      if (p.nvlinkScope === 'multi-rack') {
        this.add(d.ref, problem(`platform ${p.name} spans several racks (switch racks, a supernode id), which inventory import does not build`, d.deviceType, 'a server- or rack-scale platform (HGX, DGX, Atlas 800T A2, GB200 NVL72)'));
        return undefined;
      }
      if (d.typeHeightU !== undefined && d.typeHeightU !== p.heightU) {
        this.add(d.ref, problem(`device type height differs from platform ${p.name}`, `${d.typeHeightU}U`, `${p.heightU}U`));
      }
      return p.heightU;
    }
    if (type.isFabric && d.typeHeightU === undefined) return 1;
    const h = d.typeHeightU ?? type.options.heightU;
    if (h === undefined) this.add(d.ref, problem('device type height is unknown', d.deviceType, "u_height in the export, or heightU in the device type's mapping"));
    else if (!(h >= 0 && Number.isInteger(h * 2))) this.add(d.ref, problem('device type height is not a multiple of 0.5', h, 'e.g. 0, 0.5, 1, 2'));
    else return h;
    return undefined;
  }

  /** Pools of the mapping (and those the inventory names), with every GPU server record checked for exactly one pool. */
  private buildPools(site: Site, m: SiteMapping, names: ReadonlySet<string>, servers: Map<InventoryDevice, Server | undefined>): void {
    const pools = [...(m.pools ?? [])];
    const byName = new Map(pools.map((p) => [p.name, p]));
    // Pools named by the inventory itself (inventory CSV `pool`), in order of first use, after the mapped ones.
    for (const d of servers.keys()) {
      if (d.pool && !byName.has(d.pool)) {
        const p: PoolMapping = { name: d.pool };
        pools.push(p);
        byName.set(p.name, p);
      }
    }
    const members = new Map<string, Server[]>(pools.map((p) => [p.name, []]));
    for (const p of pools) {
      const missing = (p.select?.listed ?? []).filter((n) => !names.has(n));
      if (missing.length > 0) this.add(`mapping pool ${site.node.id}/${p.name}`, problem('pool lists devices that are not in the inventory', missing, 'names of devices of the site'));
    }
    for (const [d, server] of servers) {
      if (unpooledReason(d) !== undefined) continue;
      const chosen = d.pool ? [byName.get(d.pool)!] : pools.filter((p) => p.select?.matches(d));
      if (d.pool === '') {
        this.add(d.ref, problem('GPU server has no pool', d.pool, 'a pool in the pool column, or an unpooled_reason'));
      } else if (chosen.length === 0) {
        this.add(d.ref, problem('GPU server matches no pool of the mapping', d.role ?? d.tags, `a pool selecting it (${pools.map((p) => `${p.name}: ${p.select?.description ?? 'none'}`).join('; ')}), or a status of ${UNPOOLED_STATUSES.join(', ')}`));
      } else if (chosen.length > 1) {
        this.add(d.ref, problem('GPU server matches more than one pool', chosen.map((p) => p.name), 'exactly one pool'));
      } else if (server) {
        members.get(chosen[0].name)!.push(server);
      }
    }
    for (const p of pools) {
      this.attemptAt(`mapping pool ${site.node.id}/${p.name}`, () => new NodePool(site, p.name, { sharing: p.sharing, taints: p.taints, labels: p.labels, servers: members.get(p.name) }));
    }
  }
}

const PHASES: Readonly<Record<string, Phase>> = { 'single-phase': 'single', 'three-phase': 'three', single: 'single', three: 'three' };

function feedSide(f: InventoryFeed, m: SiteMapping): PowerSide | undefined {
  const given = m.feedSides?.[f.name];
  if (given) return given;
  switch (f.type) {
    case 'primary':
    case 'A':
      return 'A';
    case 'redundant':
    case 'B':
      return 'B';
    default:
      return undefined;
  }
}

function unpooledReason(d: InventoryDevice): string | undefined {
  if (d.unpooledReason) return d.unpooledReason;
  if (d.status && UNPOOLED_STATUSES.includes(d.status)) return d.comments?.trim() || `NetBox status ${d.status}`;
  return undefined;
}

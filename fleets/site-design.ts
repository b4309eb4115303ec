/**
 * A compact way to describe a typical site: how many servers of which platform, how racks
 * are built (servers per rack, cooling, feeds per row), and how servers split into pools.
 * `buildSite` turns it into the domain constructs (feeds, racks, servers, pools); `buildFleet`
 * builds a whole fleet of them. Neither throws for a bad design: every problem, of the design's
 * arguments (each under its own name, `racks.rackHeightU`) and of the constructs' props, is
 * recorded for the fleet's validation, which every synth runs with the fleet's rules and the
 * stacks' rules, so that one run shows every mistake.
 * Hand-built sites can use the constructs directly instead.
 */
import { findPlatform, PlatformSpec, platformNames } from '../constructs/catalog/platforms';
import { Cooling } from '../constructs/cooling';
import { Fleet, FleetProps } from '../constructs/fleet';
import type { GpuSharing } from '../constructs/gpu-sharing';
import { NodePool } from '../constructs/node-pool';
import { Phase, PowerFeed } from '../constructs/power-feed';
import { Rack } from '../constructs/rack';
import { Server } from '../constructs/server';
import { Site, SiteProps } from '../constructs/site';
import { Taint } from '../constructs/taint';
import { attempt, PropChecker, recordProblems, Violation } from '../constructs/violations';

/** How a site's racks are built and fed. */
export interface RackDesign {
  /** Servers in each rack (the last rack takes the rest); a whole number >= 1. */
  readonly serversPerRack: number;
  readonly cooling: Cooling;
  /** Racks on one pair of A/B feeds (a row on one busway per side); a whole number >= 1. */
  readonly racksPerRow: number;
  readonly feedVoltageV: number;
  readonly feedAmperageA: number;
  /** @default 'three' */
  readonly feedPhase?: Phase;
  /** Rack height in U, from 1 to 100. @default 42 */
  readonly rackHeightU?: number;
}

/**
 * Four 8U HGX servers (32U, 40.8 kW at 10.2 kW each) in a direct-liquid-cooled rack of
 * 50 kW; five racks per row on 415 V / 400 A three-phase busways (230 kW at 80%).
 */
export const LIQUID_HGX_RACKS: RackDesign = { serversPerRack: 4, cooling: Cooling.liquid(50), racksPerRow: 5, feedVoltageV: 415, feedAmperageA: 400 };

/**
 * Two 8U HGX servers (20.4 kW) in an air-cooled rack of 25 kW; eight racks per row on
 * 415 V / 300 A three-phase busways (172.5 kW at 80%).
 */
export const AIR_HGX_RACKS: RackDesign = { serversPerRack: 2, cooling: Cooling.air(25), racksPerRow: 8, feedVoltageV: 415, feedAmperageA: 300 };

/**
 * The racks a design gets when it names none: liquid-cooled racks of 50 kW and 42U, as many
 * servers each as fit in 40U (2U left for the top-of-rack switch) and 50 kW, on 415 V / 400 A
 * three-phase rows (230 kW at 80%) of as many racks as the feeds carry. For an 8U 10.2 kW HGX
 * that is `LIQUID_HGX_RACKS`; for a 10U 14.3 kW DGX B200, three servers a rack, five racks a row.
 */
export function defaultRackDesign(spec: PlatformSpec): RackDesign {
  const coolingKw = 50;
  const perRack = Math.max(1, Math.min(Math.floor(40 / spec.heightU), spec.maxPowerKw > 0 ? Math.floor(coolingKw / spec.maxPowerKw) : 40));
  const rowKw = (415 * 400 * 0.8 * Math.sqrt(3)) / 1000;
  const rackKw = perRack * spec.maxPowerKw;
  return { serversPerRack: perRack, cooling: Cooling.liquid(coolingKw), racksPerRow: Math.max(1, rackKw > 0 ? Math.floor(rowKw / rackKw) : 8), feedVoltageV: 415, feedAmperageA: 400 };
}

export interface PoolDesign {
  readonly name: string;
  /**
   * Servers in the pool, taken from the end of the site. Exactly one pool of a site leaves
   * this out and takes the servers that remain.
   * @default the remaining servers
   */
  readonly servers?: number;
  /** @default GpuSharing.exclusive() */
  readonly sharing?: GpuSharing;
  /** @default none */
  readonly taints?: readonly Taint[];
  /** @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface SiteDesign extends SiteProps {
  readonly id: string;
  /**
   * Catalog platform of every server, e.g. `hgx-h100`: one whose NVLink domain is the server
   * (rack-scale systems are added with `addNvl72Racks` and `addCloudMatrix384`).
   */
  readonly platform: string;
  /** Servers of the site; a whole number >= 1. */
  readonly servers: number;
  /**
   * How racks are built and fed.
   * @default `defaultRackDesign(platform)`: 50 kW liquid-cooled 42U racks filled to 40U or 50 kW, 415 V / 400 A rows
   */
  readonly racks?: RackDesign;
  /** @default one exclusive pool `training`, tainted for training jobs */
  readonly pools?: readonly PoolDesign[];
}

export const TRAINING_POOL: PoolDesign = {
  name: 'training',
  taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')],
};

/** Builders of rack-scale systems, named in messages when a design asks `buildSite` for one. */
const RACK_SCALE_BUILDER: Readonly<Record<string, string>> = { rack: 'addNvl72Racks', 'multi-rack': 'addCloudMatrix384' };

/**
 * Builds a site from its design: feeds per row, racks, servers bottom-up, pools.
 *
 * Does not throw for a bad design: the design's own problems (unknown or rack-scale platform,
 * counts that are not whole numbers, racks that cannot hold their servers, pools that take
 * every server) are recorded at the site, each under its argument's name, and the constructs'
 * props are checked by their constructors, which record theirs too; every one of them is
 * reported by `Fleet.validate()` (and so by every synth), together with the facts that span
 * constructs (power, NVLink, pool membership). Racks and pools are built only from numbers
 * that passed. Throws a FleetValidationError only for a site id the fleet already has.
 */
export function buildSite(fleet: Fleet, design: SiteDesign): Site {
  const check = PropChecker.forChild(fleet, design.id);
  if (fleet.node.tryFindChild(design.id)) {
    check.fail('site name is already used in the fleet', design.id, 'a name not used by another site');
    check.throwIfAny();
  }
  const spec = catalogPlatform(check, design.platform);
  const rd = design.racks ?? (spec ? defaultRackDesign(spec) : LIQUID_HGX_RACKS);
  const serversOk = check.integer('servers', design.servers);
  const racksOk = rackDesignOk(check, rd, spec);
  const pools = Array.isArray(design.pools) ? design.pools : design.pools === undefined ? [TRAINING_POOL] : [];
  check.check(Array.isArray(pools) && pools.length > 0, 'pools must list at least one pool', design.pools, 'a list of PoolDesigns, or none for one training pool');
  const poolsOk = poolDesignOk(check, pools, serversOk ? design.servers : undefined);
  check.record();

  const site = new Site(fleet, design.id, design);
  if (!spec || !serversOk || !racksOk) return site;
  const servers: Server[] = [];
  buildRacks(site, design.servers, rd, spec, servers);
  if (!poolsOk) return site;
  let end = servers.length;
  for (const p of pools.filter((x) => x.servers !== undefined)) {
    const n = p.servers!;
    new NodePool(site, p.name, { ...p, servers: servers.slice(end - n, end) });
    end -= n;
  }
  const open = pools.find((p) => p.servers === undefined)!;
  new NodePool(site, open.name, { ...open, servers: servers.slice(0, end) });
  return site;
}

/**
 * Builds a fleet of designed sites. Every site is built, whatever is wrong with the others, and
 * nothing is thrown: `fleet.validate()` (every synth) reports the problems of all of them.
 */
export function buildFleet(name: string, designs: readonly SiteDesign[], props: FleetProps = {}): Fleet {
  const fleet = new Fleet(name, props);
  const violations: Violation[] = [];
  for (const design of designs) attempt(violations, () => buildSite(fleet, design));
  recordProblems(fleet, violations);
  return fleet;
}

/**
 * The catalog platform called `name`, or a problem: an unknown name lists the known ones, and a
 * rack-scale platform points to its builder.
 */
function catalogPlatform(check: PropChecker, name: string): PlatformSpec | undefined {
  const found = typeof name === 'string' ? findPlatform(name) : undefined;
  if (!found) {
    check.fail('unknown platform', name, `one of ${platformNames().join(', ')}`);
    return undefined;
  }
  if (found.nvlinkScope !== 'server') {
    const builder = RACK_SCALE_BUILDER[found.nvlinkScope];
    check.fail(`platform ${found.name} shares one ${found.nvlinkScope === 'rack' ? 'NVLink domain across a rack' : 'HCCS domain across racks'}, which buildSite does not build`, name, `a server-scoped platform, or ${builder}(site, ...) from fleets/rack-scale.ts for ${found.name}`);
    return undefined;
  }
  return found;
}

/** Checks `racks.*`, each under its own name; true when racks can be built from them. */
function rackDesignOk(check: PropChecker, rd: RackDesign, spec: PlatformSpec | undefined): boolean {
  if (!check.check(typeof rd === 'object' && rd !== null, 'racks must be a RackDesign', rd, 'a RackDesign such as LIQUID_HGX_RACKS, or none for the default')) return false;
  const perRackOk = check.integer('racks.serversPerRack', rd.serversPerRack);
  const perRowOk = check.integer('racks.racksPerRow', rd.racksPerRow);
  const voltageOk = check.positive('racks.feedVoltageV', rd.feedVoltageV);
  const amperageOk = check.positive('racks.feedAmperageA', rd.feedAmperageA);
  const phaseOk = rd.feedPhase === undefined || check.check(rd.feedPhase === 'single' || rd.feedPhase === 'three', 'racks.feedPhase must be single or three', rd.feedPhase, '"single" or "three"');
  const coolingOk = check.check(rd.cooling instanceof Cooling, 'racks.cooling must be a Cooling', rd.cooling, 'Cooling.air(kW) or Cooling.liquid(kW)');
  const heightU = rd.rackHeightU ?? 42;
  // NetBox caps rack height at 100U (dcim/constants.py RACK_U_HEIGHT_MAX), as Rack does.
  const heightOk = check.integer('racks.rackHeightU', heightU) && check.check(heightU <= 100, 'racks.rackHeightU is taller than any rack', heightU, 'at most 100');
  let fitOk = true;
  if (spec && perRackOk && heightOk) {
    const usedU = rd.serversPerRack * spec.heightU;
    fitOk = check.check(usedU <= heightU, `racks.serversPerRack servers of ${spec.heightU}U do not fit in a rack of racks.rackHeightU ${heightU}`, `${usedU}U`, `at most ${heightU}U`);
  }
  return perRackOk && perRowOk && voltageOk && amperageOk && phaseOk && coolingOk && heightOk && fitOk;
}

/** Checks the pools' names and server counts against each other and the site's servers; true when pools can be built. */
function poolDesignOk(check: PropChecker, pools: readonly PoolDesign[], servers: number | undefined): boolean {
  const ok = check.ok;
  const names = new Set<string>();
  let countsOk = true;
  pools.forEach((p, i) => {
    if (!check.check(typeof p === 'object' && p !== null, `pools[${i}] must be a PoolDesign`, p, 'an object with a name')) return;
    if (names.has(p.name)) check.fail('pool name is used twice in the design', p.name, 'one pool per name');
    names.add(p.name);
    if (p.servers !== undefined) countsOk = check.integer(`pool ${p.name} servers`, p.servers) && countsOk;
  });
  const open = pools.filter((p) => p?.servers === undefined);
  check.check(open.length === 1, 'exactly one pool must take the remaining servers (leave out its `servers`)', open.map((p) => p?.name), 'one pool without a server count');
  const counted = pools.reduce((sum, p) => sum + (p?.servers ?? 0), 0);
  if (servers !== undefined && countsOk) check.check(counted < servers, 'pools with a server count take every server', counted, `fewer than ${servers}`);
  return ok && check.ok;
}

/** Feeds (one A/B pair per row), racks and servers, bottom-up; appends the servers to `servers`. */
function buildRacks(site: Site, count: number, rd: RackDesign, spec: PlatformSpec, servers: Server[]): void {
  const rackCount = Math.ceil(count / rd.serversPerRack);
  const rows = Math.ceil(rackCount / rd.racksPerRow);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const rowWidth = Math.max(2, String(rows).length);
  const rackWidth = Math.max(3, String(rackCount).length);
  for (let row = 1; row <= rows; row++) {
    const feed = (side: 'A' | 'B') =>
      new PowerFeed(site, `row-${pad(row, rowWidth)}-${side.toLowerCase()}`, { side, voltageV: rd.feedVoltageV, amperageA: rd.feedAmperageA, phase: rd.feedPhase });
    const feedA = feed('A');
    const feedB = feed('B');
    for (let i = 0; i < rd.racksPerRow; i++) {
      const r = (row - 1) * rd.racksPerRow + i + 1;
      if (r > rackCount) break;
      const rack = new Rack(site, `rack-${pad(r, rackWidth)}`, { cooling: rd.cooling, feedA, feedB, heightU: rd.rackHeightU });
      const inRack = Math.min(rd.serversPerRack, count - servers.length);
      for (let s = 0; s < inRack; s++) {
        const positionU = 1 + s * spec.heightU;
        servers.push(new Server(rack, `u${pad(positionU, 2)}`, { platform: spec, positionU }));
      }
    }
  }
}

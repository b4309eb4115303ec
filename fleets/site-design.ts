/**
 * A compact way to describe a typical site: how many servers of which platform, how racks
 * are built (servers per rack, cooling, feeds per row), and how servers split into pools.
 * `buildSite` turns it into the domain constructs (feeds, racks, servers, pools); `buildFleet`
 * builds a whole fleet of them and reports the problems of every site at once.
 * Hand-built sites can use the constructs directly instead.
 */
import { PlatformSpec, platforms } from '../constructs/catalog/platforms';
import { Cooling } from '../constructs/cooling';
import { Fleet, FleetProps } from '../constructs/fleet';
import type { GpuSharing } from '../constructs/gpu-sharing';
import { NodePool } from '../constructs/node-pool';
import { Phase, PowerFeed } from '../constructs/power-feed';
import { Rack } from '../constructs/rack';
import { Server } from '../constructs/server';
import { Site, SiteProps } from '../constructs/site';
import { Taint } from '../constructs/taint';
import { attempt, FleetValidationError, PropChecker, Violation } from '../constructs/violations';

/** How a site's racks are built and fed. */
export interface RackDesign {
  readonly serversPerRack: number;
  readonly cooling: Cooling;
  /** Racks on one pair of A/B feeds (a row on one busway per side). */
  readonly racksPerRow: number;
  readonly feedVoltageV: number;
  readonly feedAmperageA: number;
  /** @default 'three' */
  readonly feedPhase?: Phase;
  /** @default 42 */
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
  /** Catalog platform of every server, e.g. `hgx-h100`. */
  readonly platform: string;
  readonly servers: number;
  readonly racks: RackDesign;
  /** @default one exclusive pool `training`, tainted for training jobs */
  readonly pools?: readonly PoolDesign[];
}

export const TRAINING_POOL: PoolDesign = {
  name: 'training',
  taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')],
};

/**
 * Builds a site from its design: feeds per row, racks, servers bottom-up, pools.
 *
 * Checks the whole design first and goes on building as far as it can, so that one
 * FleetValidationError lists every problem of the design and of the constructs' props
 * (unknown platform, bad counts, bad pool names, labels, taints or sharing, ...).
 * A site that fails to build is removed again: it leaves nothing behind in the fleet.
 * Facts that span constructs (power, NVLink, pool membership) are checked later, by
 * `Fleet.validate()`.
 */
export function buildSite(fleet: Fleet, design: SiteDesign): Site {
  const check = PropChecker.forChild(fleet, design.id);
  const spec = catalogPlatform(check, design.platform);
  const rd = design.racks;
  const serversOk = check.integer('servers', design.servers);
  const perRackOk = check.integer('racks.serversPerRack', rd.serversPerRack);
  check.integer('racks.racksPerRow', rd.racksPerRow);
  check.positive('racks.feedVoltageV', rd.feedVoltageV);
  check.positive('racks.feedAmperageA', rd.feedAmperageA);
  const heightU = rd.rackHeightU ?? 42;
  if (spec && perRackOk && Number.isInteger(heightU)) {
    const usedU = rd.serversPerRack * spec.heightU;
    check.check(usedU <= heightU, `racks.serversPerRack servers of ${spec.heightU}U do not fit in a rack`, `${usedU}U`, `at most ${heightU}U`);
  }
  const pools = design.pools ?? [TRAINING_POOL];
  const countsOk = pools.map((p) => p.servers === undefined || check.integer(`pool ${p.name} servers`, p.servers)).every((ok) => ok);
  const open = pools.filter((p) => p.servers === undefined);
  check.check(open.length === 1, 'exactly one pool must take the remaining servers (leave out its `servers`)', open.map((p) => p.name), 'one pool without a server count');
  const counted = pools.reduce((sum, p) => sum + (p.servers ?? 0), 0);
  if (serversOk && countsOk) check.check(counted < design.servers, 'pools with a server count take every server', counted, `fewer than ${design.servers}`);

  const violations = check.violations;
  const site = attempt(violations, () => new Site(fleet, design.id, design));
  if (site && spec && violations.length === 0) {
    const servers: Server[] = [];
    attempt(violations, () => buildRacks(site, design, spec, servers));
    // Pools are built even when racks failed, so that their own props are checked too.
    let end = servers.length;
    for (const p of pools.filter((x) => x.servers !== undefined)) {
      const n = p.servers!;
      attempt(violations, () => new NodePool(site, p.name, { ...p, servers: servers.slice(Math.max(0, end - n), end) }));
      end = Math.max(0, end - n);
    }
    attempt(violations, () => new NodePool(site, open[0].name, { ...open[0], servers: servers.slice(0, end) }));
  }
  if (violations.length > 0) {
    if (site) fleet.node.tryRemoveChild(design.id);
    throw new FleetValidationError(violations);
  }
  return site!;
}

/**
 * Builds a fleet of designed sites. Every site is attempted, whatever happened to the ones
 * before: when any fails, one FleetValidationError lists the problems of every failed site
 * followed by the cross-construct violations of the sites that did build.
 */
export function buildFleet(name: string, designs: readonly SiteDesign[], props: FleetProps = {}): Fleet {
  const fleet = new Fleet(name, props);
  const violations: Violation[] = [];
  for (const design of designs) attempt(violations, () => buildSite(fleet, design));
  if (violations.length > 0) throw new FleetValidationError([...violations, ...fleet.validate()]);
  return fleet;
}

/** The catalog platform called `name`, or a problem listing the known ones. */
function catalogPlatform(check: PropChecker, name: string): PlatformSpec | undefined {
  const found = platforms().find((p) => p.name === name);
  const known = platforms()
    .map((p) => p.name)
    .sort();
  check.check(found !== undefined, 'unknown platform', name, `one of ${known.join(', ')}`);
  return found;
}

/** Feeds (one A/B pair per row), racks and servers, bottom-up; appends the servers to `servers`. */
function buildRacks(site: Site, design: SiteDesign, spec: PlatformSpec, servers: Server[]): void {
  const rd = design.racks;
  const rackCount = Math.ceil(design.servers / rd.serversPerRack);
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
      const inRack = Math.min(rd.serversPerRack, design.servers - servers.length);
      for (let s = 0; s < inRack; s++) {
        const positionU = 1 + s * spec.heightU;
        servers.push(new Server(rack, `u${pad(positionU, 2)}`, { platform: spec, positionU }));
      }
    }
  }
}

/**
 * Builders for rack-scale systems, which `buildSite` (one server per NVLink domain) cannot
 * describe: GB200 NVL72 racks, and Huawei CloudMatrix 384 supernodes. Each adds feeds, racks,
 * the scale-up domain and its servers to an existing site and returns the servers, for pools.
 *
 * Every argument is checked first, for type, whole numbers, range and clashes with what the
 * site already holds; problems are recorded at the site under the argument's name
 * (`addNvl72Racks racksPerRow ...`) for the fleet's validation, as constructors do, and nothing
 * is added (an empty list is returned), so a mistake here never turns into a broken rack, label
 * or topology, and the rest of the fleet is still checked in the same run.
 */
import { platform } from '../constructs/catalog/platforms';
import { Cooling } from '../constructs/cooling';
import { NvlinkDomain } from '../constructs/nvlink-domain';
import { Phase, PowerFeed } from '../constructs/power-feed';
import { Rack } from '../constructs/rack';
import { Server } from '../constructs/server';
import type { Site } from '../constructs/site';
import { PropChecker } from '../constructs/violations';

/** A pair of A/B feeds of one power row. */
export interface FeedDesign {
  readonly voltageV: number;
  readonly amperageA: number;
  /** @default 'three' */
  readonly phase?: Phase;
}

export interface Nvl72Design {
  /** NVL72 racks to add. */
  readonly racks: number;
  /** Number of the first rack (`rack-<nnn>`), so several calls can share a site. @default 1 */
  readonly firstRack?: number;
  /** Racks on one pair of A/B feeds. */
  readonly racksPerRow: number;
  readonly feed: FeedDesign;
  /** kW the rack's liquid cooling removes: at least the rack's 132 kW. */
  readonly coolingKw: number;
  /**
   * Racks per block. A DGX SuperPOD scalable unit of GB200 is 8 NVL72 racks (domain.md s3).
   * @default 8
   */
  readonly racksPerBlock?: number;
}

/**
 * Adds GB200 NVL72 racks: per rack one NVLink domain (`rack-<nnn>-nvlink`) of 18 compute trays
 * of 1U, 8 at U1-U8 and 10 at U18-U27 around the 9 NVLink switch trays at U9-U17, as NVIDIA
 * stacks them; racks grouped into blocks `su-<nn>` of `racksPerBlock` racks.
 */
export function addNvl72Racks(site: Site, design: Nvl72Design): Server[] {
  const check = PropChecker.forChild(site.node.scope!, site.node.id);
  const what = 'addNvl72Racks';
  const first = design.firstRack ?? 1;
  const perBlock = design.racksPerBlock ?? 8;
  const countOk = check.integer(`${what} racks`, design.racks);
  const firstOk = check.integer(`${what} firstRack`, first);
  const perRowOk = check.integer(`${what} racksPerRow`, design.racksPerRow);
  check.integer(`${what} racksPerBlock`, perBlock);
  check.positive(`${what} coolingKw`, design.coolingKw);
  feedProblems(check, `${what} feed`, design.feed);
  if (countOk && firstOk) rackIdProblems(check, site, what, first, design.racks);
  if (countOk && firstOk && perRowOk) {
    for (let n = first; n < first + design.racks; n++) if (n === first || (n - 1) % design.racksPerRow === 0) sharedRowProblems(check, site, what, nvlRow(n, design.racksPerRow), design.feed);
  }
  if (!check.record()) return [];

  const spec = platform('gb200-nvl72');
  const trays = [...range(1, 8), ...range(18, 27)];
  const servers: Server[] = [];
  let feeds: { a: PowerFeed; b: PowerFeed } | undefined;
  for (let i = 0; i < design.racks; i++) {
    const n = first + i;
    // Rows count from rack 1, so racks added by several calls share rows (and their feeds) the same way.
    if (i === 0 || (n - 1) % design.racksPerRow === 0) feeds = feedPair(site, nvlRow(n, design.racksPerRow), design.feed);
    const rack = new Rack(site, `rack-${pad(n, 3)}`, {
      cooling: Cooling.liquid(design.coolingKw),
      feedA: feeds!.a,
      feedB: feeds!.b,
      block: `su-${pad(Math.floor((n - 1) / perBlock) + 1, 2)}`,
    });
    const domain = new NvlinkDomain(rack, 'nvlink', { platform: spec });
    for (const u of trays) servers.push(new Server(rack, `u${pad(u, 2)}`, { platform: spec, positionU: u, nvlinkDomain: domain }));
  }
  return servers;
}

/** The feed row of NVL72 rack number `n`: `nvl-row-<nn>`, counted from rack 1. */
function nvlRow(n: number, racksPerRow: number): string {
  return `nvl-row-${pad(Math.floor((n - 1) / racksPerRow) + 1, 2)}`;
}

export interface CloudMatrixDesign {
  /** The supernode's construct id and `gpu-fleet.io/hccs-domain` value, e.g. `supernode-01`. */
  readonly id: string;
  /** The supernode id set on its hardware (the `superPodID` node annotation). */
  readonly superPodId: number;
  /** Number of its first rack (`rack-<nnn>`); it takes 16 consecutive numbers. @default 1 */
  readonly firstRack?: number;
  /** Compute racks on one pair of A/B feeds; the 4 network racks get a pair of their own. */
  readonly computeRacksPerRow: number;
  readonly feed: FeedDesign;
  readonly computeCooling: Cooling;
  readonly networkCooling: Cooling;
}

/**
 * The usual racking of a CloudMatrix 384: six liquid-cooled compute racks (4 x 9.5 kW = 38 kW
 * each, 45 kW cooling) on a 415 V / 400 A three-phase pair (230 kW at 80%), air-cooled network
 * racks (30 kW). Spread it into a design and add `id` and `superPodId`.
 */
export const CLOUDMATRIX_RACKS: Pick<CloudMatrixDesign, 'computeRacksPerRow' | 'feed' | 'computeCooling' | 'networkCooling'> = {
  computeRacksPerRow: 6,
  feed: { voltageV: 415, amperageA: 400 },
  computeCooling: Cooling.liquid(45),
  networkCooling: Cooling.air(30),
};

/**
 * Adds one CloudMatrix 384: 12 compute racks of 4 servers (8U each, at U1, U9, U17, U25), then
 * 4 network racks of HCCS switches, all 16 in one block named after the supernode, and the
 * supernode's HCCS domain in the site.
 */
export function addCloudMatrix384(site: Site, design: CloudMatrixDesign): Server[] {
  const check = PropChecker.forChild(site.node.scope!, site.node.id);
  const what = 'addCloudMatrix384';
  const spec = platform('cloudmatrix-384');
  const scaleUp = spec.scaleUp!;
  const first = design.firstRack ?? 1;
  check.check(typeof design.id === 'string' && design.id.length > 0, `${what} id must name the supernode`, design.id, 'a DNS label such as supernode-01');
  if (design.superPodId === undefined) check.fail(`${what} superPodId is required`, design.superPodId, 'the supernode id set on its hardware, an integer >= 0');
  else check.integer(`${what} superPodId`, design.superPodId, 0);
  const firstOk = check.integer(`${what} firstRack`, first);
  const perRowOk = check.integer(`${what} computeRacksPerRow`, design.computeRacksPerRow);
  feedProblems(check, `${what} feed`, design.feed);
  check.check(design.computeCooling instanceof Cooling, `${what} computeCooling must be a Cooling`, design.computeCooling, 'Cooling.liquid(kW)');
  check.check(design.networkCooling instanceof Cooling, `${what} networkCooling must be a Cooling`, design.networkCooling, 'Cooling.air(kW) or Cooling.liquid(kW)');
  if (firstOk) rackIdProblems(check, site, what, first, scaleUp.computeRacks + scaleUp.switchRacks);
  if (typeof design.id === 'string' && site.node.tryFindChild(domainId(design.id))) {
    check.fail(`${what} id is already the id of a supernode of the site`, design.id, 'one id per supernode');
  }
  if (!check.record() || !perRowOk) return [];

  const rackId = (i: number) => `rack-${pad(first + i, 3)}`;
  const computeRacks: Rack[] = [];
  let feeds: { a: PowerFeed; b: PowerFeed } | undefined;
  for (let i = 0; i < scaleUp.computeRacks; i++) {
    if (i % design.computeRacksPerRow === 0) feeds = feedPair(site, `${design.id}-row-${pad(i / design.computeRacksPerRow + 1, 2)}`, design.feed);
    computeRacks.push(new Rack(site, rackId(i), { cooling: design.computeCooling, feedA: feeds!.a, feedB: feeds!.b, block: design.id }));
  }
  const net = feedPair(site, `${design.id}-net`, design.feed);
  const switchRacks = range(0, scaleUp.switchRacks - 1).map(
    (j) => new Rack(site, rackId(scaleUp.computeRacks + j), { cooling: design.networkCooling, feedA: net.a, feedB: net.b, block: design.id }),
  );
  const domain = new NvlinkDomain(site, domainId(design.id), { platform: spec, switchRacks, superPodId: design.superPodId, name: design.id });
  const servers: Server[] = [];
  for (const rack of computeRacks) {
    for (let s = 0; s < scaleUp.serversPerComputeRack; s++) {
      const u = 1 + s * spec.heightU;
      servers.push(new Server(rack, `u${pad(u, 2)}`, { platform: spec, positionU: u, nvlinkDomain: domain }));
    }
  }
  return servers;
}

/**
 * The construct id of a supernode's HCCS domain: `<id>-hccs`, so that a pool may be named like
 * the supernode (pools and domains are both children of the site). The domain's name, its
 * `gpu-fleet.io/hccs-domain` value, stays `id`.
 */
function domainId(id: string): string {
  return `${id}-hccs`;
}

/** Problems of a FeedDesign argument, each under `<what>.<field>`. */
function feedProblems(check: PropChecker, what: string, feed: FeedDesign): void {
  if (!check.check(typeof feed === 'object' && feed !== null, `${what} must be a FeedDesign`, feed, 'an object with voltageV and amperageA')) return;
  check.positive(`${what}.voltageV`, feed.voltageV);
  check.positive(`${what}.amperageA`, feed.amperageA);
  if (feed.phase !== undefined) check.check(feed.phase === 'single' || feed.phase === 'three', `${what}.phase must be single or three`, feed.phase, '"single" or "three"');
}

/** Racks `rack-<first>` .. the `count`th that the site already has: the calls' rack numbers overlap. */
function rackIdProblems(check: PropChecker, site: Site, what: string, first: number, count: number): void {
  const taken = range(first, first + count - 1)
    .map((n) => `rack-${pad(n, 3)}`)
    .filter((id) => site.node.tryFindChild(id));
  if (taken.length > 0) check.fail(`${what} firstRack ${first} takes racks the site already has`, taken, `a firstRack after the site's last rack`);
}

/**
 * A row of feeds another call made already is shared, as rows count from rack 1; its feeds
 * must be the ones this call asks for.
 */
function sharedRowProblems(check: PropChecker, site: Site, what: string, row: string, feed: FeedDesign): void {
  const a = site.node.tryFindChild(`${row}-a`);
  if (!a) return;
  const same = a instanceof PowerFeed && a.voltageV === feed.voltageV && a.amperageA === feed.amperageA && a.phase === (feed.phase ?? 'three');
  if (!same) {
    const got = a instanceof PowerFeed ? `${a.voltageV} V / ${a.amperageA} A ${a.phase}-phase` : 'another construct';
    check.fail(`${what} feed differs from the feeds of row ${row}, which an earlier call built and this one shares`, `${feed?.voltageV} V / ${feed?.amperageA} A ${feed?.phase ?? 'three'}-phase`, `the row's ${got}`);
  }
}

/** The A/B feeds of `row`: those an earlier call made, or new ones. */
function feedPair(site: Site, row: string, feed: FeedDesign): { a: PowerFeed; b: PowerFeed } {
  const existing = (side: 'a' | 'b') => site.node.tryFindChild(`${row}-${side}`);
  const make = (side: 'A' | 'B') =>
    (existing(side === 'A' ? 'a' : 'b') as PowerFeed | undefined) ??
    new PowerFeed(site, `${row}-${side.toLowerCase()}`, { side, voltageV: feed.voltageV, amperageA: feed.amperageA, phase: feed.phase });
  return { a: make('A'), b: make('B') };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Builders for rack-scale systems, which `buildSite` (one server per NVLink domain) cannot
 * describe: GB200 NVL72 racks, and Huawei CloudMatrix 384 supernodes. Each adds feeds, racks,
 * the scale-up domain and its servers to an existing site and returns the servers, for pools.
 */
import { platform } from '../constructs/catalog/platforms';
import { Cooling } from '../constructs/cooling';
import { NvlinkDomain } from '../constructs/nvlink-domain';
import { Phase, PowerFeed } from '../constructs/power-feed';
import { Rack } from '../constructs/rack';
import { Server } from '../constructs/server';
import type { Site } from '../constructs/site';

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
  const spec = platform('gb200-nvl72');
  const first = design.firstRack ?? 1;
  const perBlock = design.racksPerBlock ?? 8;
  const trays = [...range(1, 8), ...range(18, 27)];
  const servers: Server[] = [];
  let feeds: { a: PowerFeed; b: PowerFeed } | undefined;
  for (let i = 0; i < design.racks; i++) {
    const n = first + i;
    // Rows count from rack 1, so racks added by several calls share rows the same way.
    if (i === 0 || (n - 1) % design.racksPerRow === 0) feeds = feedPair(site, `nvl-row-${pad(Math.floor((n - 1) / design.racksPerRow) + 1, 2)}`, design.feed);
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
  const spec = platform('cloudmatrix-384');
  const scaleUp = spec.scaleUp!;
  const first = design.firstRack ?? 1;
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
  const domain = new NvlinkDomain(site, design.id, { platform: spec, switchRacks, superPodId: design.superPodId });
  const servers: Server[] = [];
  for (const rack of computeRacks) {
    for (let s = 0; s < scaleUp.serversPerComputeRack; s++) {
      const u = 1 + s * spec.heightU;
      servers.push(new Server(rack, `u${pad(u, 2)}`, { platform: spec, positionU: u, nvlinkDomain: domain }));
    }
  }
  return servers;
}

function feedPair(site: Site, row: string, feed: FeedDesign): { a: PowerFeed; b: PowerFeed } {
  const make = (side: 'A' | 'B') => new PowerFeed(site, `${row}-${side.toLowerCase()}`, { side, voltageV: feed.voltageV, amperageA: feed.amperageA, phase: feed.phase });
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

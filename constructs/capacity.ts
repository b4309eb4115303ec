/** What a site holds, summed: the figures of the report and of each stack's `capacity` output. */
import { Site } from './site';

export interface FeedCapacity {
  readonly side: 'A' | 'B';
  readonly availableKw: number;
  readonly loadKw: number;
  readonly utilizationPercent: number;
}

export interface SiteCapacity {
  readonly name: string;
  readonly region: string;
  readonly servers: number;
  readonly gpus: number;
  readonly gpusByModel: Record<string, number>;
  readonly racks: number;
  readonly nvlinkDomains: number;
  /** Most power the site's servers draw, in kW. */
  readonly itPowerKw: number;
  /**
   * Usable power under 2N A/B redundancy, in kW: the available kW of the smaller side, since
   * either side alone must carry every rack when the other fails. Not A + B.
   */
  readonly feedCapacityKw: number;
  /** Load on the A side's feeds, in kW (with 2N each side must carry the full draw of its racks). */
  readonly feedLoadAKw: number;
  /** Load on the B side's feeds, in kW. */
  readonly feedLoadBKw: number;
  readonly feeds: Record<string, FeedCapacity>;
}

/** Rounds to 0.1 so that summed floating-point figures print and compare stably. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function siteCapacity(site: Site): SiteCapacity {
  let servers = 0;
  let gpus = 0;
  const gpusByModel: Record<string, number> = {};
  const domains = new Set<unknown>();
  for (const rack of site.racks) {
    for (const s of rack.servers) {
      servers++;
      gpus += s.gpus;
      const model = s.platform.gpuModel.name;
      gpusByModel[model] = (gpusByModel[model] ?? 0) + s.gpus;
      domains.add(s.nvlinkDomain);
    }
  }
  const feeds: Record<string, FeedCapacity> = {};
  const sides = sideTotals(site);
  for (const f of [...site.feeds].sort((a, b) => (a.node.id < b.node.id ? -1 : 1))) {
    feeds[f.node.id] = { side: f.side, availableKw: round1(f.availableKw), loadKw: round1(f.loadKw), utilizationPercent: round1(f.utilizationPercent) };
  }
  return {
    name: site.node.id,
    region: site.region,
    servers,
    gpus,
    gpusByModel: sortKeys(gpusByModel),
    racks: site.racks.length,
    nvlinkDomains: domains.size,
    itPowerKw: round1(site.itLoadKw),
    feedCapacityKw: round1(Math.min(sides.A.availableKw, sides.B.availableKw)),
    feedLoadAKw: round1(sides.A.loadKw),
    feedLoadBKw: round1(sides.B.loadKw),
    feeds,
  };
}

export interface SideTotals {
  readonly feeds: number;
  readonly availableKw: number;
  readonly loadKw: number;
}

/** The feeds of each side of a site, summed (unrounded). */
export function sideTotals(site: Site): Record<'A' | 'B', SideTotals> {
  const out = { A: { feeds: 0, availableKw: 0, loadKw: 0 }, B: { feeds: 0, availableKw: 0, loadKw: 0 } };
  for (const f of site.feeds) {
    const side = out[f.side];
    side.feeds++;
    side.availableKw += f.availableKw;
    side.loadKw += f.loadKw;
  }
  return out;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

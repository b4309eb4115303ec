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
  /** Power all the site's feeds may deliver, in kW (A and B sides together). */
  readonly feedCapacityKw: number;
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
  let feedCapacityKw = 0;
  for (const f of [...site.feeds].sort((a, b) => (a.node.id < b.node.id ? -1 : 1))) {
    feedCapacityKw += f.availableKw;
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
    feedCapacityKw: round1(feedCapacityKw),
    feeds,
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

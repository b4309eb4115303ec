/**
 * The view model of the HTML report: everything the pictures show, as plain data read once from
 * the fleet's constructs. The renderers (`render-*.ts`) are pure functions of it, so they are
 * tested without building a fleet, and the plan's HTML (tools/plan/render-html.ts) can build the
 * same shapes from synth outputs instead of constructs.
 *
 * Figures come from the domain (`Site.itLoadKw`, `PowerFeed.loadKw`, `Rack.drawKw`,
 * `NodePool.advertisedDevices`); this file only copies and rounds them.
 */
import { deviceResourceName } from '../../constructs/catalog/gpu-models';
import { round1 } from '../../constructs/capacity';
import type { Fleet } from '../../constructs/fleet';
import { NvlinkDomain } from '../../constructs/nvlink-domain';
import type { Rack } from '../../constructs/rack';
import { Site } from '../../constructs/site';

export interface ServerView {
  /** Construct id within the rack (`u01`). */
  readonly id: string;
  /** The Kubernetes node name. */
  readonly nodeName: string;
  /** Lowest rack unit, from 1 at the bottom. */
  readonly positionU: number;
  readonly heightU: number;
  readonly platform: string;
  readonly gpuModel: string;
  readonly gpus: number;
  /** The server's pool id; undefined for an unpooled server. */
  readonly pool?: string;
  readonly unpooledReason?: string;
  /** The scale-up domain's name (`gpu-fleet.io/nvlink-domain` value). */
  readonly domain: string;
}

/** Rack units taken by something other than a server: NVLink switch trays, or a switch rack's HCCS switches. */
export interface FabricView {
  readonly fromU: number;
  readonly heightU: number;
  readonly label: string;
}

export interface RackView {
  readonly id: string;
  readonly heightU: number;
  readonly block: string;
  readonly coolingKind: string;
  readonly coolingMaxKw: number;
  readonly drawKw: number;
  readonly feedA: string;
  readonly feedB: string;
  readonly servers: readonly ServerView[];
  readonly fabric: readonly FabricView[];
  /** The rack- or multi-rack-scale domain whose servers or switches fill the rack, if any. */
  readonly domain?: string;
}

export interface FeedView {
  readonly id: string;
  readonly side: 'A' | 'B';
  readonly availableKw: number;
  readonly loadKw: number;
  readonly utilizationPercent: number;
  /** Racks the feed serves. */
  readonly racks: readonly string[];
}

/** A scale-up domain that spans servers (an NVL72 rack, a CloudMatrix 384 supernode). */
export interface DomainView {
  readonly name: string;
  /** `NVLink domain` or `HCCS domain`. */
  readonly kind: string;
  readonly platform: string;
  readonly gpus: number;
  /** Compute racks, then switch racks. */
  readonly racks: readonly string[];
}

export interface PoolView {
  readonly id: string;
  readonly gpuModel?: string;
  readonly servers: number;
  readonly gpus: number;
  /** `exclusive`, `time-slicing x4`, `mig all-1g.10gb`. */
  readonly sharing: string;
  readonly advertisedDevices: number;
  /** The extended resource the devices are advertised as (`nvidia.com/gpu`, `huawei.com/Ascend910`). */
  readonly resourceName?: string;
  /** `key=value:Effect`. */
  readonly taints: readonly string[];
}

/** One guaranteed quota of a tenant: `nominalQuota` of `resource` on the servers of `pool`. */
export interface TenantQuotaView {
  readonly pool: string;
  readonly resource: string;
  readonly nominalQuota: number;
}

export interface TenantView {
  readonly name: string;
  readonly quotas: readonly TenantQuotaView[];
}

export interface SiteView {
  readonly id: string;
  readonly displayName: string;
  readonly region: string;
  readonly zone: string;
  readonly pue: number;
  readonly utilityCapacityKw: number;
  readonly itKw: number;
  /** IT load x PUE: what the site takes from its utility connection. */
  readonly facilityKw: number;
  readonly servers: number;
  readonly gpus: number;
  readonly gpusByModel: Readonly<Record<string, number>>;
  readonly racks: readonly RackView[];
  readonly feeds: readonly FeedView[];
  readonly pools: readonly PoolView[];
  readonly domains: readonly DomainView[];
  readonly tenants: readonly TenantView[];
}

export interface FleetView {
  readonly name: string;
  readonly sites: readonly SiteView[];
}

/**
 * Where the report gets each site's tenants from: `tenantViews` in tools/report-tenants.ts (the
 * fleet's `Tenant` constructs) when `report --html` runs; none by default, so the view model
 * stays free of the tenant model.
 */
export type TenantSource = (site: Site) => readonly TenantView[];

export const NO_TENANTS: TenantSource = () => [];

export interface FleetViewOptions {
  /** @default NO_TENANTS */
  readonly tenantsOf?: TenantSource;
}

/** Reads the fleet's constructs into the view model. */
export function fleetView(fleet: Fleet, options: FleetViewOptions = {}): FleetView {
  const tenantsOf = options.tenantsOf ?? NO_TENANTS;
  const sites = fleet.sites.map((s) => siteView(s, tenantsOf));
  return { name: fleet.node.id, sites };
}

export function siteView(site: Site, tenantsOf: TenantSource = NO_TENANTS): SiteView {
  let servers = 0;
  let gpus = 0;
  const gpusByModel: Record<string, number> = {};
  const domains = new Map<NvlinkDomain, DomainView>();
  const racks = site.racks.map((rack) => {
    for (const s of rack.servers) {
      servers++;
      gpus += s.gpus;
      gpusByModel[s.platform.gpuModel.name] = (gpusByModel[s.platform.gpuModel.name] ?? 0) + s.gpus;
      const d = s.nvlinkDomain;
      if (d instanceof NvlinkDomain && !domains.has(d)) {
        domains.set(d, { name: d.name, kind: d.kind, platform: d.platform.name, gpus: d.gpus, racks: [...d.computeRacks, ...d.switchRacks].map((r) => r.node.id) });
      }
    }
    return rackView(rack);
  });
  const itKw = site.itLoadKw;
  return {
    id: site.node.id,
    displayName: site.displayName,
    region: site.region,
    zone: site.zone,
    pue: site.pue,
    utilityCapacityKw: round1(site.utilityCapacityMw * 1000),
    itKw: round1(itKw),
    facilityKw: round1(itKw * site.pue),
    servers,
    gpus,
    gpusByModel: Object.fromEntries(Object.entries(gpusByModel).sort(([a], [b]) => (a < b ? -1 : 1))),
    racks,
    feeds: site.feeds.map((f) => ({
      id: f.node.id,
      side: f.side,
      availableKw: round1(f.availableKw),
      loadKw: round1(f.loadKw),
      utilizationPercent: round1(f.utilizationPercent),
      racks: f.racks.map((r) => r.node.id),
    })),
    pools: site.pools.map((p) => {
      const model = p.gpuModel;
      return {
        id: p.node.id,
        gpuModel: model?.name,
        servers: p.servers.length,
        gpus: p.gpus,
        sharing: p.sharing.toString(),
        advertisedDevices: p.advertisedDevices,
        // Mixed MIG advertises one resource per profile (nvidia.com/mig-1g.10gb, ...), k8s-device-plugin internal/rm.
        resourceName: !model ? undefined : p.sharing.migStrategy === 'mixed' ? 'nvidia.com/mig-<profile>' : deviceResourceName(model),
        taints: p.taints.map((t) => t.toString()),
      };
    }),
    domains: [...domains.values()],
    tenants: tenantsOf(site),
  };
}

function rackView(rack: Rack): RackView {
  const servers: ServerView[] = rack.servers.map((s) => ({
    id: s.node.id,
    nodeName: s.nodeName,
    positionU: s.positionU,
    heightU: s.platform.heightU,
    platform: s.platform.name,
    gpuModel: s.platform.gpuModel.name,
    gpus: s.gpus,
    pool: s.pool?.node.id,
    unpooledReason: s.unpooledReason,
    domain: s.nvlinkDomain.name,
  }));
  const shared = rack.nvlinkDomains.find((d): d is NvlinkDomain => d instanceof NvlinkDomain) ?? rack.switchesOf[0];
  return {
    id: rack.node.id,
    heightU: rack.heightU,
    block: rack.block,
    coolingKind: rack.cooling.kind,
    coolingMaxKw: rack.cooling.maxKw,
    drawKw: round1(rack.drawKw),
    feedA: rack.feedA.node.id,
    feedB: rack.feedB.node.id,
    servers,
    fabric: fabricOf(rack, servers),
    domain: shared?.name,
  };
}

/**
 * Where the scale-up fabric sits in the rack. The model knows how many U the switch trays take
 * (`Rack.fabricU`), not where: they are drawn in the lowest free units, which is where NVIDIA
 * stacks an NVL72's 9 trays (U9-U17, between compute trays U1-U8 and U18-U27; see
 * fleets/rack-scale.ts). A CloudMatrix 384 network rack is drawn full of HCCS switches.
 */
function fabricOf(rack: Rack, servers: readonly ServerView[]): FabricView[] {
  if (rack.switchesOf.length > 0) {
    return [{ fromU: 1, heightU: rack.heightU, label: `${rack.switchesOf[0].kind} switches of ${rack.switchesOf.map((d) => d.name).join(', ')}` }];
  }
  let left = rack.fabricU;
  if (left === 0) return [];
  const used = new Array<boolean>(rack.heightU + 2).fill(false);
  for (const s of servers) for (let u = s.positionU; u < s.positionU + s.heightU; u++) used[u] = true;
  const out: FabricView[] = [];
  for (let u = 1; u <= rack.heightU && left > 0; u++) {
    if (used[u]) continue;
    const last = out[out.length - 1];
    if (last && last.fromU + last.heightU === u) out[out.length - 1] = { ...last, heightU: last.heightU + 1 };
    else out.push({ fromU: u, heightU: 1, label: 'NVLink switch trays' });
    left--;
  }
  return out;
}

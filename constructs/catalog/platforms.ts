/**
 * Server platforms: how many GPUs a node has, how much rack space and power it takes, and
 * how its GPUs are joined by NVLink. Figures from ../shared/reference/domain.md (section 3)
 * unless a comment names another source.
 */
import { GpuModelSpec, gpuModel } from './gpu-models';
import { unknownNameError } from './lookup';

/**
 * Where a scale-up domain (NVLink, or Huawei's HCCS) ends: inside one server (HGX, Atlas 800T
 * A2), across a whole rack (GB200 NVL72) or across several racks (CloudMatrix 384).
 */
export type NvlinkScope = 'server' | 'rack' | 'multi-rack';

/** The scale-up interconnect: NVIDIA NVLink or Huawei HCCS (Huawei Cache Coherence System). */
export type ScaleUpFabric = 'nvlink' | 'hccs';

/**
 * What a rack- or multi-rack-scale domain needs beside its compute servers: the fabric's
 * switches (NVL72: 9 NVLink switch trays in the rack; CloudMatrix 384: 4 racks of switches),
 * with the rack space and power they take, and how the compute servers spread over racks.
 */
export interface ScaleUpSystemSpec {
  /** Racks the domain's servers fill: 1 for an NVL72, 12 for a CloudMatrix 384. */
  readonly computeRacks: number;
  /** Servers of the domain in each compute rack (and nothing else runs there). */
  readonly serversPerComputeRack: number;
  /** Racks holding only the fabric's switches, beside the compute racks (0 when they share the compute racks). */
  readonly switchRacks: number;
  /** Rack units the fabric takes in each compute rack (9 x 1U NVLink switch trays in an NVL72). */
  readonly fabricUPerComputeRack: number;
  /**
   * Most power the fabric and rack infrastructure draw for one domain, in kW: spread evenly
   * over the switch racks, or over the compute racks when there are none.
   */
  readonly fabricMaxPowerKw: number;
}

export interface PlatformSpec {
  /** Catalog key, e.g. `hgx-h100`. */
  readonly name: string;
  readonly gpuModel: GpuModelSpec;
  /** GPUs in one Kubernetes node of this platform. */
  readonly gpusPerServer: number;
  /** Rack units one node takes. */
  readonly heightU: number;
  /** Most power one node draws, in kW (nameplate maximum, used for power planning). */
  readonly maxPowerKw: number;
  /** GPUs that share one NVLink domain. */
  readonly nvlinkDomainGpus: number;
  readonly nvlinkScope: NvlinkScope;
  /** Cooling the platform needs; `undefined` when air or liquid will do. */
  readonly requiresCooling?: 'liquid';
  /** The scale-up interconnect. @default 'nvlink' for NVIDIA, 'hccs' for Huawei (see `scaleUpFabric`) */
  readonly fabric?: ScaleUpFabric;
  /** Switches, racks and power of a rack- or multi-rack-scale domain; none for server-scoped ones. */
  readonly scaleUp?: ScaleUpSystemSpec;
  /**
   * The `accelerator-type` node label Huawei's MindCluster (device plugin, Volcano) reads, e.g.
   * `module-910b-8`; only for Ascend platforms.
   */
  readonly acceleratorType?: string;
  /** CPU cores of one node (all sockets, physical cores), from the system's datasheet. */
  readonly hostCpuCores: number;
  /** System memory of one node in GiB (the datasheet's TB/GB of DIMMs or LPDDR5X, which are binary sizes). */
  readonly hostMemoryGiB: number;
  /**
   * Set on the stand-in `platform(name)` returns for a name the catalog does not know: the
   * unknown name. The fleet's validation reports it at the site (`unknown platform`).
   */
  readonly unknownName?: string;
}

/** GB200 NVL72 rack power we plan for, in kW (see the catalog entry). */
const NVL72_RACK_KW = 132;
/** CloudMatrix 384 system power in kW (SemiAnalysis: 559 kW) and our per-server share. */
const CM384_SYSTEM_KW = 559;
const CM384_SERVER_KW = 9.5;

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Host CPU cores and memory of a node: what Kueue quotas of cpu and memory are made from. */
interface HostResources {
  readonly hostCpuCores: number;
  readonly hostMemoryGiB: number;
}

/** DGX A100 (NVIDIA DGX A100 datasheet): 2 x AMD EPYC 7742, 128 cores; 1 TB (320 GB system) or 2 TB (640 GB system). */
const DGX_A100_320: HostResources = { hostCpuCores: 128, hostMemoryGiB: 1024 };
const DGX_A100_640: HostResources = { hostCpuCores: 128, hostMemoryGiB: 2048 };
/**
 * DGX H100 / H800 / H200 (NVIDIA DGX H100 and DGX H200 datasheets): 2 x Intel Xeon Platinum 8480C,
 * 112 cores in all; 2 TB system memory.
 */
const DGX_H100: HostResources = { hostCpuCores: 112, hostMemoryGiB: 2048 };
/**
 * HGX H20: NVIDIA publishes no DGX H20; the OEM 8-GPU HGX hosts it ships in use the same
 * dual 4th-generation Xeon host as DGX H100. This model assumes the DGX H100 host (112 cores,
 * 2 TB); set the real figures of your servers before relying on cpu quotas there.
 */
const HGX_H20_ASSUMED: HostResources = DGX_H100;
/** DGX B200 (NVIDIA DGX B200 datasheet): 2 x Intel Xeon Platinum 8570, 112 cores in all; 2 TB, configurable to 4 TB (2 TB here). */
const DGX_B200: HostResources = { hostCpuCores: 112, hostMemoryGiB: 2048 };
/**
 * GB200 NVL72 compute tray (NVIDIA GB200 NVL72 specifications: 2,592 Arm Neoverse V2 cores and up
 * to 17 TB LPDDR5X per rack of 36 Grace CPUs, i.e. 72 cores and 480 GB each): 2 Grace, 144 cores,
 * 960 GB.
 */
const GB200_TRAY: HostResources = { hostCpuCores: 144, hostMemoryGiB: 960 };
/**
 * Atlas 800T A2 (Huawei Atlas 800T A2 training server datasheet: 4 x Kunpeng 920 processors of
 * 48 cores, 32 DDR4 DIMM slots): 192 cores; 1 TB (32 x 32 GB) is this model's configuration.
 */
const ATLAS_800T_A2: HostResources = { hostCpuCores: 192, hostMemoryGiB: 1024 };
/**
 * CloudMatrix 384 server: 4 Kunpeng CPUs beside the 8 x 910C (see the catalog entry); Huawei
 * publishes no per-server figures, so this model assumes the Atlas 800T A2 host (192 cores, 1 TB).
 */
const CM384_SERVER_ASSUMED: HostResources = ATLAS_800T_A2;

function hgx(name: string, model: string, heightU: number, maxPowerKw: number, host: HostResources): PlatformSpec {
  // An HGX/DGX 8-GPU board is one NVLink domain of its 8 GPUs (domain.md s3).
  return { name, gpuModel: gpuModel(model), gpusPerServer: 8, heightU, maxPowerKw, nvlinkDomainGpus: 8, nvlinkScope: 'server', ...host };
}

const PLATFORMS: readonly PlatformSpec[] = [
  // DGX A100: 6U, 6.5 kW maximum (NVIDIA DGX A100 datasheet); A800 boards share the chassis.
  hgx('hgx-a100-40gb', 'A100-40GB', 6, 6.5, DGX_A100_320),
  hgx('hgx-a100-80gb', 'A100-80GB', 6, 6.5, DGX_A100_640),
  hgx('hgx-a800', 'A800-80GB', 6, 6.5, DGX_A100_640),
  // DGX H100: 8U, 6 x 3.3 kW supplies, 10.2 kW maximum (domain.md s3). HGX H200 and H800
  // boards use the same chassis and power envelope (700 W parts, domain.md s2).
  hgx('hgx-h100', 'H100-80GB', 8, 10.2, DGX_H100),
  hgx('hgx-h800', 'H800-80GB', 8, 10.2, DGX_H100),
  hgx('hgx-h200', 'H200-141GB', 8, 10.2, DGX_H100),
  // HGX H20: the H100 chassis with 400 W instead of 700 W parts: 10.2 kW - 8 x 0.3 kW = 7.8 kW
  // (derived from domain.md s2 and s3; no published system maximum).
  hgx('hgx-h20', 'H20-96GB', 8, 7.8, HGX_H20_ASSUMED),
  // DGX B200: 8 x B200, 10U, 14.3 kW maximum (domain.md s3).
  hgx('dgx-b200', 'B200-180GB', 10, 14.3, DGX_B200),
  // GB200 NVL72: 18 x 1U compute trays of 4 B200-class GPUs (2 Grace + 4 GPUs), up to 5.4 kW a
  // tray; the whole rack is one NVLink domain of 72 GPUs; liquid cooled (domain.md s3).
  // The rack: about 120-132 kW (domain.md s3); 132 kW is what its power shelves deliver
  // (introl.com, "Why the NVIDIA GB300 NVL72 matters", citing Supermicro: 8 power shelves,
  // 132 kW DC) and what we plan for. The 18 trays draw 97.2 kW; the remaining 34.8 kW is
  // booked to the rack's fabric and infrastructure: the 9 NVLink switch trays (1U each, two
  // NVLink switch chips a tray: setloop.io, "NVIDIA GB200 NVL72: Blackwell at rack scale"),
  // power-shelf conversion losses and management. No source splits that remainder further.
  {
    name: 'gb200-nvl72',
    gpuModel: gpuModel('GB200-186GB'),
    gpusPerServer: 4,
    heightU: 1,
    maxPowerKw: 5.4,
    nvlinkDomainGpus: 72,
    nvlinkScope: 'rack',
    requiresCooling: 'liquid',
    fabric: 'nvlink',
    scaleUp: { computeRacks: 1, serversPerComputeRack: 18, switchRacks: 0, fabricUPerComputeRack: 9, fabricMaxPowerKw: round1(NVL72_RACK_KW - 18 * 5.4) },
    ...GB200_TRAY,
  },
  // Huawei Atlas 800T A2 training server: 8 Ascend 910B joined by HCCS inside the server, one
  // scale-up domain per server (MindCluster: accelerator-type module-910b-8). Height 4U and
  // 7.8 kW are this model's assumptions, not sourced: the HGX chassis envelope with 400 W parts,
  // as for hgx-h20 (10.2 kW - 8 x 0.3 kW); verify against Huawei's datasheet before building.
  {
    name: 'atlas-800t-a2',
    gpuModel: gpuModel('Ascend-910B-64GB'),
    gpusPerServer: 8,
    heightU: 4,
    maxPowerKw: 7.8,
    nvlinkDomainGpus: 8,
    nvlinkScope: 'server',
    fabric: 'hccs',
    acceleratorType: 'module-910b-8',
    ...ATLAS_800T_A2,
  },
  // Huawei CloudMatrix 384 (Atlas 900 A3 SuperPoD): 384 Ascend 910C in 48 servers of 8 over 16
  // racks, 12 of compute and 4 of network, one HCCS supernode, about 559 kW in all (domain.md
  // s3; SemiAnalysis via Capacity Media, 2025-07-28: 16 racks, 12 compute, four networking,
  // 559 kW; 6,912 optical transceivers). So 4 servers a compute rack. Published figures stop at
  // the system: the split below is this model's assumption. A server: 8 x 910C at 0.8 kW plus
  // 4 Kunpeng CPUs, memory, NICs, fans and its optics, 9.5 kW; 48 of them draw 456 kW, and the 4
  // network racks carry the other 103 kW (25.75 kW each). Server height 8U is assumed too.
  {
    name: 'cloudmatrix-384',
    gpuModel: gpuModel('Ascend-910C-128GB'),
    gpusPerServer: 8,
    heightU: 8,
    maxPowerKw: CM384_SERVER_KW,
    nvlinkDomainGpus: 384,
    nvlinkScope: 'multi-rack',
    fabric: 'hccs',
    scaleUp: { computeRacks: 12, serversPerComputeRack: 4, switchRacks: 4, fabricUPerComputeRack: 0, fabricMaxPowerKw: round1(CM384_SYSTEM_KW - 48 * CM384_SERVER_KW) },
    acceleratorType: 'module-a3-16-super-pod',
    ...CM384_SERVER_ASSUMED,
  },
];

const BY_NAME = new Map(PLATFORMS.map((p) => [p.name, p]));

/** All platforms in the catalog, in catalog order. */
export function platforms(): readonly PlatformSpec[] {
  return PLATFORMS;
}

/** Catalog names of every platform, sorted. */
export function platformNames(): string[] {
  return [...BY_NAME.keys()].sort();
}

/**
 * What a server built with a platform outside the catalog is, so that the fleet can still be
 * built and checked whole: an 8-GPU, 1U, zero-kW, server-scoped platform whose `unknownName`
 * the site reports (see `Site`). Also what a server whose `platform` is not a PlatformSpec at
 * all stands on, with `unknownName` undefined.
 */
export const UNKNOWN_PLATFORM: PlatformSpec = Object.freeze({
  name: 'unknown',
  gpuModel: gpuModel('H100-80GB'),
  gpusPerServer: 8,
  heightU: 1,
  maxPowerKw: 0,
  nvlinkDomainGpus: 8,
  nvlinkScope: 'server' as const,
  hostCpuCores: 0,
  hostMemoryGiB: 0,
});

const UNKNOWN = new Map<string, PlatformSpec>();

/**
 * Looks a platform up by its catalog name. An unknown name does not throw: it returns a
 * stand-in (see `UNKNOWN_PLATFORM`) that the site of every server using it reports, with the
 * servers' paths and the known names, so a hand-built fleet with a typo is still checked whole.
 * Use `findPlatform` to look a name up without a stand-in.
 */
export function platform(name: string): PlatformSpec {
  const found = BY_NAME.get(name);
  if (found) return found;
  let stand = UNKNOWN.get(name);
  if (!stand) UNKNOWN.set(name, (stand = Object.freeze({ ...UNKNOWN_PLATFORM, name: String(name), unknownName: String(name) })));
  return stand;
}

/** The catalog platform called `name`, or undefined. */
export function findPlatform(name: string): PlatformSpec | undefined {
  return BY_NAME.get(name);
}

/**
 * Looks a platform up by its catalog name.
 * @throws when the name is unknown; the message lists the known names.
 */
export function requirePlatform(name: string): PlatformSpec {
  const found = BY_NAME.get(name);
  if (!found) throw unknownNameError('platform', name, [...BY_NAME.keys()]);
  return found;
}

/** Nodes of this platform that make one NVLink domain (1 for HGX, 18 trays for NVL72). */
export function serversPerNvlinkDomain(spec: PlatformSpec): number {
  return spec.nvlinkDomainGpus / spec.gpusPerServer;
}

/** The platform's scale-up interconnect: its own, or NVLink for NVIDIA and HCCS for Huawei parts. */
export function scaleUpFabric(spec: PlatformSpec): ScaleUpFabric {
  return spec.fabric ?? (spec.gpuModel.vendor === 'huawei' ? 'hccs' : 'nvlink');
}

/** Most power one whole scale-up domain draws, in kW: its servers plus its fabric. */
export function scaleUpDomainMaxPowerKw(spec: PlatformSpec): number {
  return serversPerNvlinkDomain(spec) * spec.maxPowerKw + (spec.scaleUp?.fabricMaxPowerKw ?? 0);
}

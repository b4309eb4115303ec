/**
 * Server platforms: how many GPUs a node has, how much rack space and power it takes, and
 * how its GPUs are joined by NVLink. Figures from ../shared/reference/domain.md (section 3)
 * unless a comment names another source.
 */
import { GpuModelSpec, gpuModel } from './gpu-models';
import { unknownNameError } from './lookup';

/** Where an NVLink domain ends: inside one server (HGX) or across a whole rack (NVL72). */
export type NvlinkScope = 'server' | 'rack';

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
}

function hgx(name: string, model: string, heightU: number, maxPowerKw: number): PlatformSpec {
  // An HGX/DGX 8-GPU board is one NVLink domain of its 8 GPUs (domain.md s3).
  return { name, gpuModel: gpuModel(model), gpusPerServer: 8, heightU, maxPowerKw, nvlinkDomainGpus: 8, nvlinkScope: 'server' };
}

const PLATFORMS: readonly PlatformSpec[] = [
  // DGX A100: 6U, 6.5 kW maximum (NVIDIA DGX A100 datasheet); A800 boards share the chassis.
  hgx('hgx-a100-40gb', 'A100-40GB', 6, 6.5),
  hgx('hgx-a100-80gb', 'A100-80GB', 6, 6.5),
  hgx('hgx-a800', 'A800-80GB', 6, 6.5),
  // DGX H100: 8U, 6 x 3.3 kW supplies, 10.2 kW maximum (domain.md s3). HGX H200 and H800
  // boards use the same chassis and power envelope (700 W parts, domain.md s2).
  hgx('hgx-h100', 'H100-80GB', 8, 10.2),
  hgx('hgx-h800', 'H800-80GB', 8, 10.2),
  hgx('hgx-h200', 'H200-141GB', 8, 10.2),
  // HGX H20: the H100 chassis with 400 W instead of 700 W parts: 10.2 kW - 8 x 0.3 kW = 7.8 kW
  // (derived from domain.md s2 and s3; no published system maximum).
  hgx('hgx-h20', 'H20-96GB', 8, 7.8),
  // DGX B200: 8 x B200, 10U, 14.3 kW maximum (domain.md s3).
  hgx('dgx-b200', 'B200-180GB', 10, 14.3),
  // GB200 NVL72: 18 x 1U compute trays of 4 B200-class GPUs (2 Grace + 4 GPUs), up to 5.4 kW a
  // tray; the whole rack is one NVLink domain of 72 GPUs; liquid cooled (domain.md s3).
  {
    name: 'gb200-nvl72',
    gpuModel: gpuModel('GB200-186GB'),
    gpusPerServer: 4,
    heightU: 1,
    maxPowerKw: 5.4,
    nvlinkDomainGpus: 72,
    nvlinkScope: 'rack',
    requiresCooling: 'liquid',
  },
];

const BY_NAME = new Map(PLATFORMS.map((p) => [p.name, p]));

/** All platforms in the catalog, in catalog order. */
export function platforms(): readonly PlatformSpec[] {
  return PLATFORMS;
}

/**
 * Looks a platform up by its catalog name.
 * @throws when the name is unknown; the message lists the known names.
 */
export function platform(name: string): PlatformSpec {
  const found = BY_NAME.get(name);
  if (!found) throw unknownNameError('platform', name, [...BY_NAME.keys()]);
  return found;
}

/** Nodes of this platform that make one NVLink domain (1 for HGX, 18 trays for NVL72). */
export function serversPerNvlinkDomain(spec: PlatformSpec): number {
  return spec.nvlinkDomainGpus / spec.gpusPerServer;
}

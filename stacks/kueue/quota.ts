/**
 * What a node pool offers the scheduler: the extended resources its device plugin advertises
 * and how many of each, summed over the pool's nodes. This is the GPU quota of the pool's Kueue
 * ResourceFlavor. Pure functions: no cdktf types.
 *
 * - NVIDIA, exclusive: `nvidia.com/gpu`, one per GPU.
 * - NVIDIA, time-slicing or MPS: `nvidia.com/gpu` x replicas (`nvidia.com/gpu.shared` when the
 *   config sets `renameByDefault`), as the device plugin replicates each GPU.
 * - NVIDIA, MIG with migStrategy single: every MIG instance as `nvidia.com/gpu`.
 * - NVIDIA, MIG with migStrategy mixed: one resource per profile, `nvidia.com/mig-<profile>`.
 * - Huawei Ascend: `huawei.com/Ascend910`, one per NPU (two per dual-die 910C package).
 *
 * Sources: domain.md s4 (device plugin config: sharing, migStrategy, renameByDefault) and s7
 * (Ascend resource name); NVIDIA/k8s-device-plugin README (resource naming of shared and MIG
 * devices).
 */
import { deviceResourceName, devicesPerPackage, NVIDIA_GPU_RESOURCE } from '../../constructs/catalog/gpu-models';
import type { NodePool } from '../../constructs/node-pool';

/** The resource MIG devices of `profile` are advertised as under migStrategy mixed. */
export function migResourceName(profile: string): string {
  return `nvidia.com/mig-${profile}`;
}

/** Resources the device plugin advertises for the whole pool, resource -> count, keys sorted. */
export function advertisedResources(pool: NodePool): Record<string, number> {
  const model = pool.gpuModel;
  if (!model) return {};
  const packages = pool.gpus;
  const out: Record<string, number> = {};
  const sharing = pool.sharing;
  if (model.vendor !== 'nvidia') {
    out[deviceResourceName(model)] = packages * devicesPerPackage(model);
    return out;
  }
  const layout = sharing.migLayout;
  if (layout && sharing.migStrategy === 'mixed') {
    for (const [profile, count] of Object.entries(layout.devicesFor(model))) out[migResourceName(profile)] = packages * count;
  } else if (layout) {
    out[NVIDIA_GPU_RESOURCE] = packages * layout.instancesPerGpu(model);
  } else {
    const shared = (sharing.mode === 'time-slicing' || sharing.mode === 'mps') && sharing.options.renameByDefault === true;
    out[shared ? `${NVIDIA_GPU_RESOURCE}.shared` : NVIDIA_GPU_RESOURCE] = packages * sharing.replicas;
  }
  return sortKeys(out);
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

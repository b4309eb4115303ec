/**
 * What a node pool offers the scheduler, summed over the pool's nodes: the quota of the pool's
 * Kueue ResourceFlavor. Pure functions: no cdktf types.
 *
 * Devices, the extended resources the device plugin advertises:
 * - NVIDIA, exclusive: `nvidia.com/gpu`, one per GPU.
 * - NVIDIA, time-slicing or MPS: `nvidia.com/gpu.shared` x replicas (the plugin's
 *   `renameByDefault`, on by default here: GpuSharing.renamesShared), `nvidia.com/gpu` only when
 *   a pool turns renaming off, which the site's Kueue rules refuse.
 * - NVIDIA, MIG (migStrategy mixed): one resource per profile, `nvidia.com/mig-<profile>`.
 * - Huawei Ascend: `huawei.com/Ascend910`, one per NPU (two per dual-die 910C package).
 *
 * Host resources, which every real pod requests and Kueue's default quota check
 * (BlockUndeclared: a requested resource the ClusterQueue does not cover makes the workload
 * inadmissible, kueue pkg/scheduler/flavorassigner/flavorassigner.go) needs covered:
 * - `cpu` and `memory`: the platform's cores and memory (constructs/catalog/platforms.ts) less
 *   the system reservation below, per node;
 * - `pods`: the kubelet's default `--max-pods` of 110, less the pods of the node's DaemonSets.
 *
 * DRA: pools whose NVLink spans nodes (GB200 NVL72) run jobs with a ComputeDomain's IMEX channel
 * claim (device class `compute-domain-default-channel.nvidia.com`, NVIDIA/k8s-dra-driver-gpu).
 * Kueue counts DRA devices against quota through its Configuration's
 * `resources.deviceClassMappings` (kueue apis/config/v1beta2/configuration_types.go,
 * DeviceClassMapping) under the `DynamicResourceAllocation` feature gate
 * (kueue pkg/features/kube_features.go); the flavor covers the mapped resource with one channel
 * per GPU, so the channel quota never binds before the GPUs do.
 */
import { deviceResourceName, devicesPerPackage, NVIDIA_GPU_RESOURCE } from '../../constructs/catalog/gpu-models';
import type { PlatformSpec } from '../../constructs/catalog/platforms';
import type { NodePool } from '../../constructs/node-pool';
import type { FlavorSharing } from './objects';

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const PODS = 'pods';
/** The resources every flavor covers beside its devices, in the order queues list them. */
export const HOST_RESOURCES: readonly string[] = [CPU, MEMORY, PODS];

/**
 * Kept back on every node for what Kueue does not admit: the kubelet, container runtime and
 * kernel, and the DaemonSets of a GPU node (device plugin, GPU Feature Discovery, DCGM
 * exporter, MIG manager, IMEX or DRA kubelet plugin, CNI, kube-proxy, monitoring). 8 cores and
 * 10% of memory cover kubelet's kube-reserved/system-reserved plus the eviction threshold with
 * room for those agents; 20 of the kubelet's 110 pod slots go to DaemonSet pods.
 */
export const SYSTEM_RESERVED = { cpuCores: 8, memoryPercent: 10, pods: 20 } as const;
/** The kubelet's default `--max-pods` (KubeletConfiguration maxPods). */
export const KUBELET_MAX_PODS = 110;

/** The DeviceClass of a ComputeDomain's IMEX channel claims (NVIDIA/k8s-dra-driver-gpu deployments/helm, DeviceClass). */
export const COMPUTE_DOMAIN_CHANNEL_DEVICE_CLASS = 'compute-domain-default-channel.nvidia.com';
/** The logical resource Kueue counts those claims as (a deviceClassMappings name, ours to choose). */
export const COMPUTE_DOMAIN_CHANNEL_RESOURCE = 'gpu-fleet.io/compute-domain-channel';

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
    out[sharing.renamesShared ? `${NVIDIA_GPU_RESOURCE}.shared` : NVIDIA_GPU_RESOURCE] = packages * sharing.replicas;
  }
  return sortKeys(out);
}

/** What one node of `platform` gives Kueue's jobs: cores, GiB of memory and pod slots after the system reservation. */
export function nodeAllocatable(platform: PlatformSpec): { cpu: number; memoryGiB: number; pods: number } {
  return {
    cpu: Math.max(0, platform.hostCpuCores - SYSTEM_RESERVED.cpuCores),
    memoryGiB: Math.floor((platform.hostMemoryGiB * (100 - SYSTEM_RESERVED.memoryPercent)) / 100),
    pods: KUBELET_MAX_PODS - SYSTEM_RESERVED.pods,
  };
}

/** True when the pool's NVLink domains span nodes (GB200 NVL72): its jobs use ComputeDomain channel claims. */
export function usesComputeDomainChannels(pool: NodePool): boolean {
  const p = pool.servers[0]?.platform;
  return p !== undefined && p.gpuModel.vendor === 'nvidia' && p.nvlinkScope !== 'server';
}

/**
 * The pool's whole quota, resource -> amount (memory in GiB): host resources first, then
 * devices sorted, then the DRA channel resource where the pool uses ComputeDomains. Host
 * resources are those of the pool's platform times its servers (a valid pool holds one GPU
 * model, and each model has one platform in the catalog): no pass over the servers.
 */
export function poolQuota(pool: NodePool): Record<string, number> {
  const n = pool.servers.length;
  const platform = pool.servers[0]?.platform;
  const a = platform ? nodeAllocatable(platform) : { cpu: 0, memoryGiB: 0, pods: 0 };
  const out: Record<string, number> = { [CPU]: n * a.cpu, [MEMORY]: n * a.memoryGiB, [PODS]: n * a.pods, ...advertisedResources(pool) };
  if (usesComputeDomainChannels(pool)) out[COMPUTE_DOMAIN_CHANNEL_RESOURCE] = pool.gpus;
  return out;
}

/** How the pool's devices relate to whole devices (orders its flavor; see ./objects.ts). */
export function flavorSharing(pool: NodePool): FlavorSharing {
  switch (pool.sharing.mode) {
    case 'exclusive':
      return 'whole';
    case 'mig':
      return 'mig';
    case 'time-slicing':
    case 'mps':
      return 'shared';
  }
}

/** An amount as a Kueue quantity: memory in `Gi`, everything else a plain count. */
export function quantity(resource: string, amount: number): number | string {
  return resource === MEMORY ? `${amount}Gi` : amount;
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The labels every node of a pool carries: who it is (site, pool, rack, NVLink domain, power
 * feeds), what it holds (GPU product and count), Kubernetes topology, and which device-plugin
 * and MIG configs select it. Pure: from the domain model to a sorted label map.
 *
 * GPU product and count go under our own prefix: NVIDIA's GPU Feature Discovery owns the
 * `nvidia.com/gpu.*` keys and would fight a second field manager over them.
 */
import type { NodePool } from '../constructs/node-pool';
import type { Server } from '../constructs/server';

export const LABEL = {
  site: 'gpu-fleet.io/site',
  pool: 'gpu-fleet.io/pool',
  gpuProduct: 'gpu-fleet.io/gpu-product',
  gpuCount: 'gpu-fleet.io/gpu-count',
  rack: 'gpu-fleet.io/rack',
  nvlinkDomain: 'gpu-fleet.io/nvlink-domain',
  powerFeedA: 'gpu-fleet.io/power-feed-a',
  powerFeedB: 'gpu-fleet.io/power-feed-b',
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
  devicePluginConfig: 'nvidia.com/device-plugin.config',
  migConfig: 'nvidia.com/mig.config',
  mpsCapable: 'nvidia.com/mps.capable',
} as const;

/** Labels of one node of `pool`, keys sorted. */
export function nodeLabels(pool: NodePool, server: Server): Record<string, string> {
  const rack = server.rack;
  const site = rack.site;
  const labels: Record<string, string> = {
    ...pool.labels,
    [LABEL.site]: site.node.id,
    [LABEL.pool]: pool.node.id,
    [LABEL.gpuProduct]: server.platform.gpuModel.product,
    [LABEL.gpuCount]: String(server.gpus),
    [LABEL.rack]: rack.node.id,
    [LABEL.nvlinkDomain]: server.nvlinkDomain.name,
    [LABEL.powerFeedA]: rack.feedA.node.id,
    [LABEL.powerFeedB]: rack.feedB.node.id,
    [LABEL.region]: site.region,
    [LABEL.zone]: site.zone,
    [LABEL.devicePluginConfig]: pool.configName,
  };
  const layout = pool.sharing.migLayout;
  if (layout) labels[LABEL.migConfig] = layout.name;
  // The MPS control daemon runs only on nodes labelled MPS-capable. GPU Feature Discovery
  // would set this label from the node's config; we do not deploy GFD, so the fleet does.
  if (pool.sharing.mode === 'mps') labels[LABEL.mpsCapable] = 'true';
  return sortedRecord(labels);
}

/** Label key prefixes the fleet manages itself; pools may not set keys under them. */
export const MANAGED_LABEL_PREFIXES = ['gpu-fleet.io/', 'topology.kubernetes.io/', 'nvidia.com/', 'kubernetes.io/'];

function sortedRecord(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

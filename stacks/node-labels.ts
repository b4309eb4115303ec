/**
 * The labels every node of a pool carries: who it is (site, pool, rack, scale-up domain, power
 * feeds), what it holds (GPU product and count), where it sits in the scheduling topology
 * (block, rack, scale-up domain), Kubernetes topology, and what its vendor's device plugin
 * reads (NVIDIA: device-plugin and MIG configs; Huawei: `accelerator`, `accelerator-type`).
 * Pure: from the domain model to a sorted label map.
 *
 * GPU product and count go under our own prefix: NVIDIA's GPU Feature Discovery owns the
 * `nvidia.com/gpu.*` keys and would fight a second field manager over them. For the same
 * reason the fleet does not set `nvidia.com/gpu.clique`: GFD writes it from the NVLink fabric
 * (`<cluster UUID>.<clique id>`, known only on the running node). The fleet's own label
 * `gpu-fleet.io/nvlink-domain` is the planned clique: every compute tray of an NVL72 rack
 * carries the rack's domain name, and the trays of one domain should report one GFD clique.
 */
import { scaleUpFabric, ScaleUpFabric } from '../constructs/catalog/platforms';
import type { NodePool } from '../constructs/node-pool';
import type { Server } from '../constructs/server';

export const LABEL = {
  site: 'gpu-fleet.io/site',
  pool: 'gpu-fleet.io/pool',
  gpuProduct: 'gpu-fleet.io/gpu-product',
  gpuCount: 'gpu-fleet.io/gpu-count',
  block: 'gpu-fleet.io/block',
  rack: 'gpu-fleet.io/rack',
  nvlinkDomain: 'gpu-fleet.io/nvlink-domain',
  hccsDomain: 'gpu-fleet.io/hccs-domain',
  powerFeedA: 'gpu-fleet.io/power-feed-a',
  powerFeedB: 'gpu-fleet.io/power-feed-b',
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
  /** Set by the kubelet to the node name; the lowest level of every scheduling topology. */
  hostname: 'kubernetes.io/hostname',
  devicePluginConfig: 'nvidia.com/device-plugin.config',
  migConfig: 'nvidia.com/mig.config',
  mpsCapable: 'nvidia.com/mps.capable',
  /** Huawei's device plugin DaemonSet runs on nodes labelled `accelerator=huawei-Ascend910` (domain.md s7). */
  accelerator: 'accelerator',
  /** MindCluster's server type, e.g. `module-910b-8` (Ascend/mind-cluster docs). */
  acceleratorType: 'accelerator-type',
} as const;

/** Node annotations the fleet sets. */
export const ANNOTATION = {
  /**
   * The HCCS supernode id of an Ascend node (domain.md s7). Huawei's device plugin writes the
   * id it reads from the hardware under the same key: the fleet's planned id and the hardware's
   * must agree, or every plan shows the difference.
   */
  superPodId: 'superPodID',
} as const;

/** `accelerator` label value for Ascend 910, 910B and A3 nodes (mind-cluster Accelerator910Label). */
export const ASCEND910_ACCELERATOR = 'huawei-Ascend910';

/** The label that names a node's scale-up domain: `gpu-fleet.io/nvlink-domain` or `gpu-fleet.io/hccs-domain`. */
export function scaleUpDomainLabel(fabric: ScaleUpFabric): string {
  return fabric === 'hccs' ? LABEL.hccsDomain : LABEL.nvlinkDomain;
}

/** Labels of one node of `pool`, keys sorted. */
export function nodeLabels(pool: NodePool, server: Server): Record<string, string> {
  return withScaleUpDomain(labelTemplate(pool, server), server);
}

/**
 * `nodeLabels` of every node of `pool`, by node name. The labels are worked out and sorted once
 * per platform; the nodes of a rack differ in their scale-up domain only.
 */
export function poolNodeLabels(pool: NodePool): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let base: Record<string, string> | undefined;
  let template: Record<string, string> | undefined;
  let rack: Server['rack'] | undefined;
  let platform: Server['platform'] | undefined;
  for (const server of pool.servers) {
    if (server.platform !== platform || !base) {
      base = labelTemplate(pool, server);
      platform = server.platform;
      rack = undefined;
    }
    if (server.rack !== rack || !template) {
      // Same keys as base, so the same (sorted) order.
      template = { ...base };
      setRackLabels(template, server.rack);
      rack = server.rack;
    }
    out[server.nodeName] = withScaleUpDomain(template, server);
  }
  return out;
}

/** The labels of `server` in `pool`, keys sorted, with an empty scale-up domain label. */
function labelTemplate(pool: NodePool, server: Server): Record<string, string> {
  const model = server.platform.gpuModel;
  const labels: Record<string, string> = {
    ...pool.labels,
    [LABEL.pool]: pool.node.id,
    [LABEL.gpuProduct]: model.product,
    [LABEL.gpuCount]: String(server.gpus),
    [scaleUpDomainLabel(scaleUpFabric(server.platform))]: '',
  };
  setRackLabels(labels, server.rack);
  if (model.vendor === 'nvidia') {
    labels[LABEL.devicePluginConfig] = pool.configName;
    const layout = pool.sharing.migLayout;
    if (layout) labels[LABEL.migConfig] = layout.name;
    // The MPS control daemon runs only on nodes labelled MPS-capable. GPU Feature Discovery
    // sets this label from the node's config where it runs (under the GPU Operator), and two
    // managers would fight over it; only a standalone site, without GFD, sets it itself.
    if (pool.sharing.mode === 'mps' && !pool.site.nvidiaSoftware.featureDiscovery) labels[LABEL.mpsCapable] = 'true';
  } else if (model.vendor === 'huawei') {
    labels[LABEL.accelerator] = ASCEND910_ACCELERATOR;
    if (server.platform.acceleratorType) labels[LABEL.acceleratorType] = server.platform.acceleratorType;
  }
  return sortedRecord(labels);
}

/** Sets the labels that come from the rack and its site. */
function setRackLabels(labels: Record<string, string>, rack: Server['rack']): void {
  const site = rack.site;
  labels[LABEL.site] = site.node.id;
  labels[LABEL.block] = rack.block;
  labels[LABEL.rack] = rack.node.id;
  labels[LABEL.powerFeedA] = rack.feedA.node.id;
  labels[LABEL.powerFeedB] = rack.feedB.node.id;
  labels[LABEL.region] = site.region;
  labels[LABEL.zone] = site.zone;
}

/** A copy of `template` (keys in its order) with `server`'s scale-up domain set. */
function withScaleUpDomain(template: Record<string, string>, server: Server): Record<string, string> {
  const labels = { ...template };
  labels[scaleUpDomainLabel(scaleUpFabric(server.platform))] = server.nvlinkDomain.name;
  return labels;
}

/** Annotations of one node of `pool` (the `superPodID` of an Ascend supernode member), keys sorted. */
export function nodeAnnotations(_pool: NodePool, server: Server): Record<string, string> {
  const out: Record<string, string> = {};
  if (server.platform.gpuModel.vendor !== 'huawei') return out;
  const domain = server.nvlinkDomain;
  if (domain.superPodId !== undefined) out[ANNOTATION.superPodId] = String(domain.superPodId);
  return sortedRecord(out);
}

/** Label key prefixes the fleet manages itself; pools may not set keys under them. */
export const MANAGED_LABEL_PREFIXES = ['gpu-fleet.io/', 'topology.kubernetes.io/', 'nvidia.com/', 'kubernetes.io/'];

function sortedRecord(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

/**
 * The scheduling topology of a site's nodes, as Kueue topology-aware scheduling reads it
 * (kubernetes-sigs/kueue, site/content/en/docs/concepts/topology_aware_scheduling.md): ordered
 * levels of node labels, from the widest domain down to the node, where every node's labels
 * place it uniquely in a tree. Pure functions: no cdktf types.
 *
 * Levels, top down:
 *
 * 1. `gpu-fleet.io/block`: a group of racks close on the network and in power (a `Rack`'s
 *    `block`: by default the racks of one power row, i.e. on one A-side feed; explicitly e.g. a
 *    SuperPOD scalable unit of 8 NVL72 racks, or the 16 racks of a CloudMatrix 384).
 * 2. `gpu-fleet.io/rack`.
 * 3. the scale-up domain, `gpu-fleet.io/nvlink-domain` or `gpu-fleet.io/hccs-domain`: one
 *    server of HGX or Atlas 800T A2 (the level then equals the node), the whole rack of an NVL72
 *    (equals the rack).
 * 4. `kubernetes.io/hostname`, always the lowest level: Kueue needs it there to handle taints
 *    and to replace failed nodes (TASFailedNodeReplacement).
 *
 * A domain that spans racks (CloudMatrix 384) sits above the rack instead: block -> domain ->
 * rack -> hostname. Both orders are trees because a multi-rack domain must keep all its racks
 * in one block (an NvlinkDomain rule). A pod set that must share the scale-up fabric asks for
 * the domain level, `kueue.x-k8s.io/podset-required-topology: gpu-fleet.io/nvlink-domain`.
 */
import { PlatformSpec, scaleUpFabric } from '../constructs/catalog/platforms';
import { LABEL, scaleUpDomainLabel } from './node-labels';

/** One Kueue Topology: its object name and its ordered node-label levels, widest first. */
export interface TopologySpec {
  readonly name: string;
  readonly levels: readonly string[];
}

/** The topology the nodes of `platform` are scheduled by. */
export function topologyFor(platform: PlatformSpec): TopologySpec {
  const fabric = scaleUpFabric(platform);
  const domain = scaleUpDomainLabel(fabric);
  if (platform.nvlinkScope === 'multi-rack') {
    return { name: `gpu-fleet-${fabric}-multi-rack`, levels: [LABEL.block, domain, LABEL.rack, LABEL.hostname] };
  }
  return { name: `gpu-fleet-${fabric}`, levels: [LABEL.block, LABEL.rack, domain, LABEL.hostname] };
}

/**
 * The Kubernetes side of one node pool: labels on every node, and the pool's taints.
 * One `for_each` resource of each kind per pool, iterating the pool's inventory variable,
 * instead of one resource per node.
 */
import type { MapTerraformIterator } from 'cdktf';
import { Construct } from 'constructs';
import { Labels } from '@cdktf/provider-kubernetes/lib/labels';
import { NodeTaint } from '@cdktf/provider-kubernetes/lib/node-taint';
import type { NodePool } from '../constructs/node-pool';
import { poolNodeLabels } from './node-labels';
import type { NodeInventory } from './node-inventory';

/**
 * The field managers of our server-side applies, one per kind of field: one table, one edit
 * when a name moves.
 *
 * Why one each (hashicorp/terraform-provider-kubernetes#2247): `kubernetes_labels`,
 * `kubernetes_annotations` and `kubernetes_node_taint` each server-side apply a partial Node
 * (only `metadata.labels`, only `metadata.annotations`, only `spec.taints`;
 * kubernetes/resource_kubernetes_labels.go, resource_kubernetes_annotations.go,
 * resource_kubernetes_node_taint.go). Under one manager, each apply would tell the API server
 * that the manager no longer wants the fields the other resources set, and the server removes
 * them.
 */
export const FIELD_MANAGERS = {
  nodeLabels: 'gpu-fleet-labels',
  nodeAnnotations: 'gpu-fleet-annotations',
  nodeTaints: 'gpu-fleet-taints',
  /** Objects the stack owns whole (kubernetes_manifest: Kueue, ComputeDomains, ClusterPolicy). */
  manifests: 'gpu-fleet',
} as const;

/** Field manager of the objects the stack owns whole. */
export const FIELD_MANAGER = FIELD_MANAGERS.manifests;

/**
 * What every per-node label or annotation resource of a pool shares: one instance per
 * inventory entry, applied server-side to the Node named by the entry's key.
 *
 * `force: true` here takes over only the map keys the fleet sets (labels and annotations are
 * granular under server-side apply): a key someone else set by hand becomes ours, their other
 * keys stay. Taints are different, see PoolNodes.
 */
export function forEachNode(each: MapTerraformIterator, fieldManager: string) {
  return { forEach: each, apiVersion: 'v1', kind: 'Node', metadata: { name: each.key }, fieldManager, force: true };
}

export interface PoolNodesProps {
  readonly pool: NodePool;
  readonly inventory: NodeInventory;
}

export class PoolNodes extends Construct {
  /** Inventory variable name: `nodes_<pool id with '-' as '_'>`. */
  public readonly variableName: string;
  public readonly labels: Labels;
  public readonly taints?: NodeTaint;

  constructor(scope: Construct, id: string, props: PoolNodesProps) {
    super(scope, id);
    const { pool } = props;
    const nodes = poolNodeLabels(pool);
    const { variableName, each } = props.inventory.forEachPoolNode('nodes', pool, `Nodes of pool ${pool.node.id}: node name -> labels`, nodes);
    this.variableName = variableName;
    this.labels = new Labels(this, 'node-labels', { ...forEachNode(each, FIELD_MANAGERS.nodeLabels), labels: each.value });
    if (pool.taints.length > 0) {
      // A Node's spec.taints is an atomic list under server-side apply (k8s.io/api core/v1
      // NodeSpec.Taints, +listType=atomic): whoever applies it owns the whole list. Forcing would
      // replace the list, dropping the maintenance and remediation taints other managers set
      // (kubectl taint, node-problem-detector, the node lifecycle controller). Unforced, an
      // apply over someone else's taints fails with the provider's "Field manager conflict"
      // and changes nothing (README: Taint conflicts).
      this.taints = new NodeTaint(this, 'node-taints', {
        forEach: each,
        metadata: { name: each.key },
        taint: pool.taints.map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })),
        fieldManager: FIELD_MANAGERS.nodeTaints,
        force: false,
      });
    }
  }
}

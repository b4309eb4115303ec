/**
 * Node annotations of one pool (the `superPodID` of Ascend supernode members), the way
 * PoolNodes sets labels: one `kubernetes_annotations` resource with `for_each` over the
 * inventory variable `node_annotations_<pool>` (node name -> annotations).
 */
import { Annotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { Construct } from 'constructs';
import type { NodePool } from '../constructs/node-pool';
import { nodeAnnotations } from './node-labels';
import type { NodeInventory } from './node-inventory';
import { FIELD_MANAGERS, forEachNode } from './pool-nodes';

export interface PoolAnnotationsProps {
  readonly pool: NodePool;
  readonly inventory: NodeInventory;
}

/** True when some node of `pool` carries a fleet annotation. */
export function poolHasAnnotations(pool: NodePool): boolean {
  return pool.servers.some((s) => Object.keys(nodeAnnotations(pool, s)).length > 0);
}

export class PoolAnnotations extends Construct {
  /** Inventory variable name: `node_annotations_<pool id with '-' as '_'>`. */
  public readonly variableName: string;
  public readonly annotations: Annotations;

  constructor(scope: Construct, id: string, props: PoolAnnotationsProps) {
    super(scope, id);
    const { pool } = props;
    const nodes: Record<string, Record<string, string>> = {};
    for (const server of pool.servers) {
      const a = nodeAnnotations(pool, server);
      if (Object.keys(a).length > 0) nodes[server.nodeName] = a;
    }
    const { variableName, each } = props.inventory.forEachPoolNode('node_annotations', pool, `Node annotations of pool ${pool.node.id}: node name -> annotations`, nodes);
    this.variableName = variableName;
    this.annotations = new Annotations(this, 'node-annotations', { ...forEachNode(each, FIELD_MANAGERS.nodeAnnotations), annotations: each.value });
  }
}

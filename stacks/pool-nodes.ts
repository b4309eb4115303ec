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

/** Field manager our server-side applies use, so ownership of labels and taints is visible. */
export const FIELD_MANAGER = 'gpu-fleet';

/**
 * What every per-node resource of a pool shares: one instance per inventory entry, applied
 * server-side to the Node named by the entry's key, owned by our field manager.
 */
export function forEachNode(each: MapTerraformIterator) {
  return { forEach: each, apiVersion: 'v1', kind: 'Node', metadata: { name: each.key }, fieldManager: FIELD_MANAGER, force: true };
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
    this.labels = new Labels(this, 'node-labels', { ...forEachNode(each), labels: each.value });
    if (pool.taints.length > 0) {
      this.taints = new NodeTaint(this, 'node-taints', {
        forEach: each,
        metadata: { name: each.key },
        taint: pool.taints.map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })),
        fieldManager: FIELD_MANAGER,
        force: true,
      });
    }
  }
}

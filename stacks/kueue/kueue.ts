/**
 * A site's Kueue objects as `kubernetes_manifest` resources: Topologies, one ResourceFlavor per
 * node pool and the site's ClusterQueue (see ./objects.ts for what each holds and why).
 *
 * Needs Kueue (serving kueue.x-k8s.io/v1beta2, with TopologyAwareScheduling) installed in the
 * cluster before the stack is planned: `kubernetes_manifest` reads the CRD's schema at plan
 * time. Whether flavors, topologies and nodes fit together (each flavor's Topology exists,
 * ends with `kubernetes.io/hostname`, and every level is a label the flavor's nodes carry) is
 * checked when the stack is synthesized, as a construct validation: `Testing.synth(stack, true)`
 * and the fleet's synth refuse a broken stack with every problem listed.
 */
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { FIELD_MANAGER } from '../pool-nodes';
import type { TopologySpec } from '../topology';
import { CLUSTER_QUEUE_NAME, clusterQueueManifest, FlavorSpec, kueueProblems, resourceFlavorManifest, topologyManifest } from './objects';

export interface KueueQueuesProps {
  readonly topologies: readonly TopologySpec[];
  readonly flavors: readonly FlavorSpec[];
  /** @default 'gpu-fleet' */
  readonly clusterQueueName?: string;
}

export class KueueQueues extends Construct {
  public readonly clusterQueueName: string;
  /** The Topology resources, in the order of `topologySpecs`. */
  public readonly topologyObjects: Manifest[] = [];
  /** The ResourceFlavor resources, in the order of `flavorSpecs`. */
  public readonly flavorObjects: Manifest[] = [];
  public readonly clusterQueue: Manifest;
  public readonly topologySpecs: readonly TopologySpec[];
  /** One flavor per node pool, in the site's pool order. */
  public readonly flavorSpecs: readonly FlavorSpec[];

  constructor(scope: Construct, id: string, props: KueueQueuesProps) {
    super(scope, id);
    this.clusterQueueName = props.clusterQueueName ?? CLUSTER_QUEUE_NAME;
    this.topologySpecs = [...props.topologies];
    this.flavorSpecs = [...props.flavors];
    for (const t of this.topologySpecs) {
      this.topologyObjects.push(new Manifest(this, `topology-${t.name}`, { manifest: topologyManifest(t), fieldManager: { name: FIELD_MANAGER } }));
    }
    for (const f of this.flavorSpecs) {
      this.flavorObjects.push(
        new Manifest(this, `flavor-${f.name}`, { manifest: resourceFlavorManifest(f), fieldManager: { name: FIELD_MANAGER }, dependsOn: this.topologyObjects }),
      );
    }
    this.clusterQueue = new Manifest(this, 'cluster-queue', {
      manifest: clusterQueueManifest(this.clusterQueueName, this.flavorSpecs),
      fieldManager: { name: FIELD_MANAGER },
      dependsOn: this.flavorObjects,
    });
    this.node.addValidation({ validate: () => kueueProblems(this.topologySpecs, this.flavorSpecs) });
  }

  /** The manifests as written: topologies and flavors by name, and the ClusterQueue. */
  public get manifests(): { topologies: Record<string, Record<string, unknown>>; flavors: Record<string, Record<string, unknown>>; clusterQueue: Record<string, unknown> } {
    return {
      topologies: Object.fromEntries(this.topologySpecs.map((t) => [t.name, topologyManifest(t)])),
      flavors: Object.fromEntries(this.flavorSpecs.map((f) => [f.name, resourceFlavorManifest(f)])),
      clusterQueue: clusterQueueManifest(this.clusterQueueName, this.flavorSpecs),
    };
  }
}

/**
 * A site's Kueue objects as `kubernetes_manifest` resources: Topologies, one ResourceFlavor per
 * node pool, one ClusterQueue per tenant (and one for the unassigned rest), the tenants'
 * namespaces and a LocalQueue in each (see ./objects.ts and ./tenants.ts for what each holds
 * and why). Where the site needs Kueue's Configuration to say more than its defaults (DRA
 * accounting for ComputeDomain channels, fair sharing for tenants' weights), the fragment is written beside the stack's
 * cdk.tf.json as `kueue-configuration.yaml`, for whoever installs Kueue on the site's cluster.
 *
 * Needs Kueue (serving kueue.x-k8s.io/v1beta2, with TopologyAwareScheduling) installed in the
 * cluster before the stack is planned: `kubernetes_manifest` reads the CRD's schema at plan
 * time. Whether flavors, topologies and nodes fit together (each flavor's Topology exists,
 * ends with `kubernetes.io/hostname`, and every level is a label the flavor's nodes carry) is
 * checked when the stack is synthesized, as a construct validation: `Testing.synth(stack, true)`
 * and the fleet's synth refuse a broken stack with every problem listed.
 *
 * The config file is written by a custom synthesis step, as stacks/node-inventory.ts writes its
 * tfvars: cdktf has no public way to add a file to a stack's directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { FIELD_MANAGER } from '../pool-nodes';
import type { TopologySpec } from '../topology';
import { clusterQueueManifest, FlavorSpec, KUEUE_CONFIG_FILE, kueueConfiguration, kueueProblems, localQueueManifest, resourceFlavorManifest, topologyManifest } from './objects';
import { DEFAULT_QUEUE, QueueSpec, queueSpecs, TenantSpec } from './tenants';

export interface KueueQueuesProps {
  readonly topologies: readonly TopologySpec[];
  readonly flavors: readonly FlavorSpec[];
  /** The fleet's tenants on this site. @default none: one default ClusterQueue `gpu-fleet` holds everything */
  readonly tenants?: readonly TenantSpec[];
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'gpu-fleet' };

export class KueueQueues extends Construct {
  /** The Topology resources, in the order of `topologySpecs`. */
  public readonly topologyObjects: Manifest[] = [];
  /** The ResourceFlavor resources, in the order of `flavorSpecs`. */
  public readonly flavorObjects: Manifest[] = [];
  /** ClusterQueue resources by name. */
  public readonly clusterQueues: Record<string, Manifest> = {};
  /** LocalQueue resources by namespace. */
  public readonly localQueues: Record<string, Manifest> = {};
  /** Namespace resources by name: the tenants' and the fleet's own. */
  public readonly namespaces: Record<string, NamespaceV1> = {};
  public readonly topologySpecs: readonly TopologySpec[];
  /** One flavor per node pool, in the site's pool order. */
  public readonly flavorSpecs: readonly FlavorSpec[];
  /** The ClusterQueues: tenants first, then the unassigned (or default) one. */
  public readonly queueSpecs: readonly QueueSpec[];

  constructor(scope: Construct, id: string, props: KueueQueuesProps) {
    super(scope, id);
    this.topologySpecs = [...props.topologies];
    this.flavorSpecs = [...props.flavors];
    this.queueSpecs = queueSpecs(this.flavorSpecs, props.tenants ?? []);
    const fieldManager = { name: FIELD_MANAGER };
    for (const t of this.topologySpecs) {
      this.topologyObjects.push(new Manifest(this, `topology-${t.name}`, { manifest: topologyManifest(t), fieldManager }));
    }
    for (const f of this.flavorSpecs) {
      this.flavorObjects.push(new Manifest(this, `flavor-${f.name}`, { manifest: resourceFlavorManifest(f), fieldManager, dependsOn: this.topologyObjects }));
    }
    for (const q of this.queueSpecs) {
      // The default queue keeps the address the site's single ClusterQueue always had.
      const cqId = q.name === DEFAULT_QUEUE ? 'cluster-queue' : `cluster-queue-${q.name}`;
      const cq = new Manifest(this, cqId, { manifest: clusterQueueManifest(q, this.flavorSpecs), fieldManager, dependsOn: this.flavorObjects });
      this.clusterQueues[q.name] = cq;
      for (const ns of q.namespaces) {
        const namespace = (this.namespaces[ns] ??= new NamespaceV1(this, `namespace-${ns}`, { metadata: { name: ns, labels: MANAGED_BY } }));
        this.localQueues[ns] = new Manifest(this, `local-queue-${ns}`, { manifest: localQueueManifest(ns, q.queueName, q.name), fieldManager, dependsOn: [namespace, cq] });
      }
    }
    const config = kueueConfiguration(this.flavorSpecs, this.queueSpecs);
    if (config) {
      addCustomSynthesis(this, {
        onSynthesize: (session) => {
          const stack = session.manifest.forStack(TerraformStack.of(this));
          fs.writeFileSync(path.join(session.outdir, stack.workingDirectory, KUEUE_CONFIG_FILE), kueueConfigurationYaml(config));
        },
      });
    }
    this.node.addValidation({ validate: () => kueueProblems(this.topologySpecs, this.flavorSpecs) });
  }

  /** The manifests as written: topologies, flavors and ClusterQueues by name, LocalQueues by namespace, and the Configuration fragment. */
  public get manifests(): {
    topologies: Record<string, Record<string, unknown>>;
    flavors: Record<string, Record<string, unknown>>;
    clusterQueues: Record<string, Record<string, unknown>>;
    localQueues: Record<string, Record<string, unknown>>;
    configuration?: Record<string, unknown>;
  } {
    return {
      topologies: Object.fromEntries(this.topologySpecs.map((t) => [t.name, topologyManifest(t)])),
      flavors: Object.fromEntries(this.flavorSpecs.map((f) => [f.name, resourceFlavorManifest(f)])),
      clusterQueues: Object.fromEntries(this.queueSpecs.map((q) => [q.name, clusterQueueManifest(q, this.flavorSpecs)])),
      localQueues: Object.fromEntries(this.queueSpecs.flatMap((q) => q.namespaces.map((ns) => [ns, localQueueManifest(ns, q.queueName, q.name)]))),
      configuration: kueueConfiguration(this.flavorSpecs, this.queueSpecs),
    };
  }
}

/** The Configuration fragment as the YAML file written beside the stack, with a header saying what to do with it. */
export function kueueConfigurationYaml(config: Record<string, unknown>): string {
  return [
    '# Kueue Configuration this site relies on (written by gpu-fleet; merge it into the',
    "# Configuration of the site's Kueue manager, e.g. the Helm value managerConfig.controllerManagerConfigYaml).",
    '# featureGates here cannot be combined with a --feature-gates flag on the Kueue Deployment.',
    stringify(config, { lineWidth: 0 }),
  ].join('\n');
}

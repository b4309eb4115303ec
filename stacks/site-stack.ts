/**
 * What a site becomes: one Terraform stack that configures the site's Kubernetes cluster.
 * Node pools as node labels, annotations and taints; the device plugin of each vendor present
 * (NVIDIA's with a config per NVIDIA pool, Huawei's Ascend plugin where Ascend pools are); the
 * MIG layouts its pools use; ComputeDomains for multi-node NVLink pools; the Kueue topologies,
 * flavors and ClusterQueue for topology-aware scheduling; and the site's capacity as an output.
 */
import { dependable, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { siteCapacity } from '../constructs/capacity';
import type { NodePool } from '../constructs/node-pool';
import type { Site } from '../constructs/site';
import { collectViolations, formatViolation } from '../constructs/violations';
import { AscendDevicePlugin } from './ascend/device-plugin';
import { KueueQueues } from './kueue/kueue';
import { FlavorSpec, poolNodeLabels, tolerationsFor } from './kueue/objects';
import { advertisedResources } from './kueue/quota';
import { NodeInventory } from './node-inventory';
import { NvidiaComputeDomains } from './nvidia/compute-domains';
import { NvidiaDevicePlugin } from './nvidia/device-plugin';
import { NvidiaMigConfig } from './nvidia/mig-config';
import { PoolAnnotations, poolHasAnnotations } from './pool-annotations';
import { PoolNodes } from './pool-nodes';
import { addStateBackend } from './state-backend';
import { TopologySpec, topologyFor } from './topology';

export interface SiteStackProps {
  readonly site: Site;
  /**
   * Path of the kubeconfig the provider reads at plan and apply time (only the path is
   * written, never a credential).
   * @default the fleet's kubeconfigPath
   */
  readonly kubeconfigPath?: string;
  /**
   * Run the site's own rules with the stack's validations. synthesizeFleet turns this off: it
   * has validated the whole fleet just before, and a second pass over every server of the site
   * is a tenth of a fleet synth.
   * @default true
   */
  readonly validateSite?: boolean;
}

/** The vendor of a pool's accelerators; an empty pool counts as NVIDIA (it fails validation anyway). */
function vendorOf(pool: NodePool): string {
  return pool.gpuModel?.vendor ?? 'nvidia';
}

/** True when the pool's NVLink domains span nodes (GB200 NVL72): it needs IMEX to use them. */
function multiNodeNvlink(pool: NodePool): boolean {
  const p = pool.servers[0]?.platform;
  return vendorOf(pool) === 'nvidia' && p !== undefined && p.nvlinkScope !== 'server';
}

export class SiteStack extends TerraformStack {
  public readonly site: Site;
  public readonly inventory: NodeInventory;
  public readonly pools: readonly PoolNodes[];
  /** Node annotations of the pools that have any (Ascend supernode members). */
  public readonly poolAnnotations: readonly PoolAnnotations[];
  /** NVIDIA's device plugin; only when the site has NVIDIA pools. */
  public readonly devicePlugin?: NvidiaDevicePlugin;
  /** Huawei's Ascend device plugin; only when the site has Ascend pools. */
  public readonly ascendDevicePlugin?: AscendDevicePlugin;
  public readonly migConfig?: NvidiaMigConfig;
  /** ComputeDomains of the pools with multi-node NVLink; only when there are such pools. */
  public readonly computeDomains?: NvidiaComputeDomains;
  /** Topologies, one ResourceFlavor per pool and the ClusterQueue; only when the site has pools. */
  public readonly kueue?: KueueQueues;

  /** The stack's id is the site's id: renaming a site renames its state. */
  constructor(scope: Construct, props: SiteStackProps) {
    const { site } = props;
    super(scope, site.node.id);
    this.site = site;
    // The site's own rules run with the stack's validations, so `Testing.synth(stack, true)`
    // and `app.synth()` refuse a broken site too, not only `Fleet.validate()`.
    if (props.validateSite ?? true) this.node.addValidation({ validate: () => collectViolations(site).map(formatViolation) });

    // The site's state choice (FleetProps.state / SiteProps.state): by default a local file beside
    // the project, by a relative path so that two checkouts synthesize the same output.
    addStateBackend(this, site);

    new KubernetesProvider(this, 'kubernetes', {
      configPath: props.kubeconfigPath ?? site.fleet.kubeconfigPath,
      configContext: site.kubeContext,
    });

    this.inventory = new NodeInventory(this, 'inventory');
    this.pools = site.pools.map((pool) => new PoolNodes(this, `pool-${pool.node.id}`, { pool, inventory: this.inventory }));
    this.poolAnnotations = site.pools
      .filter(poolHasAnnotations)
      .map((pool) => new PoolAnnotations(this, `pool-annotations-${pool.node.id}`, { pool, inventory: this.inventory }));

    const nvidiaPools = site.pools.filter((p) => vendorOf(p) === 'nvidia');
    if (nvidiaPools.length > 0) {
      this.devicePlugin = new NvidiaDevicePlugin(this, 'nvidia-device-plugin', {
        configs: nvidiaPools.map((pool) => ({ name: pool.configName, sharing: pool.sharing })),
      });
    }
    if (site.pools.some((p) => vendorOf(p) === 'huawei')) {
      this.ascendDevicePlugin = new AscendDevicePlugin(this, 'ascend-device-plugin');
    }

    const migPools = nvidiaPools.filter((p) => p.sharing.migLayout && p.gpuModel);
    if (migPools.length > 0 && this.devicePlugin) {
      this.migConfig = new NvidiaMigConfig(this, 'nvidia-mig-config', {
        layouts: migPools.map((p) => ({ layout: p.sharing.migLayout!, model: p.gpuModel! })),
      });
      // The ConfigMap lives in the plugin's namespace: create that first.
      this.migConfig.configMap.dependsOn = [dependable(this.devicePlugin.namespace)];
    }

    const mnnvlPools = nvidiaPools.filter(multiNodeNvlink);
    if (mnnvlPools.length > 0) {
      this.computeDomains = new NvidiaComputeDomains(this, 'nvidia-compute-domains', { pools: mnnvlPools.map((p) => ({ pool: p.node.id })) });
    }

    const poolsWithNodes = site.pools.filter((p) => p.servers.length > 0);
    if (poolsWithNodes.length > 0) {
      const topologies = new Map<string, TopologySpec>();
      const flavors: FlavorSpec[] = [];
      this.pools.forEach((nodes, i) => {
        const pool = site.pools[i];
        if (pool.servers.length === 0) return;
        const topology = topologyFor(pool.servers[0].platform);
        if (!topologies.has(topology.name)) topologies.set(topology.name, topology);
        flavors.push({
          name: pool.node.id,
          nodeLabels: poolNodeLabels(pool.node.id),
          tolerations: tolerationsFor(pool.taints),
          topologyName: topology.name,
          quota: advertisedResources(pool),
          nodes: this.inventory.variables[nodes.variableName],
        });
      });
      this.kueue = new KueueQueues(this, 'kueue', { topologies: [...topologies.values()], flavors });
    }

    new TerraformOutput(this, 'capacity', {
      description: 'Servers, GPUs, racks, NVLink domains and power of the site, from the fleet definition',
      value: siteCapacity(site),
    });
  }
}

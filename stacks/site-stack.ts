/**
 * What a site becomes: one Terraform stack that configures the site's Kubernetes cluster.
 * Node pools as node labels and taints, the NVIDIA device plugin with a config per pool,
 * the MIG layouts its pools use, and the site's capacity as an output.
 */
import { dependable, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { siteCapacity } from '../constructs/capacity';
import type { Site } from '../constructs/site';
import { collectViolations, formatViolation } from '../constructs/violations';
import { NodeInventory } from './node-inventory';
import { NvidiaDevicePlugin } from './nvidia/device-plugin';
import { NvidiaMigConfig } from './nvidia/mig-config';
import { PoolNodes } from './pool-nodes';

export interface SiteStackProps {
  readonly site: Site;
  /**
   * Path of the kubeconfig the provider reads at plan and apply time (only the path is
   * written, never a credential).
   * @default the fleet's kubeconfigPath
   */
  readonly kubeconfigPath?: string;
}

export class SiteStack extends TerraformStack {
  public readonly site: Site;
  public readonly inventory: NodeInventory;
  public readonly pools: readonly PoolNodes[];
  public readonly devicePlugin: NvidiaDevicePlugin;
  public readonly migConfig?: NvidiaMigConfig;

  /** The stack's id is the site's id: renaming a site renames its state. */
  constructor(scope: Construct, props: SiteStackProps) {
    const { site } = props;
    super(scope, site.node.id);
    this.site = site;
    // The site's own rules run with the stack's validations, so `Testing.synth(stack, true)`
    // and `app.synth()` refuse a broken site too, not only `Fleet.validate()`.
    this.node.addValidation({ validate: () => collectViolations(site).map(formatViolation) });

    new KubernetesProvider(this, 'kubernetes', {
      configPath: props.kubeconfigPath ?? site.fleet.kubeconfigPath,
      configContext: site.kubeContext,
    });

    this.inventory = new NodeInventory(this, 'inventory');
    this.pools = site.pools.map((pool) => new PoolNodes(this, `pool-${pool.node.id}`, { pool, inventory: this.inventory }));

    this.devicePlugin = new NvidiaDevicePlugin(this, 'nvidia-device-plugin', {
      configs: site.pools.map((pool) => ({ name: pool.configName, sharing: pool.sharing })),
    });

    const migPools = site.pools.filter((p) => p.sharing.migLayout && p.gpuModel);
    if (migPools.length > 0) {
      this.migConfig = new NvidiaMigConfig(this, 'nvidia-mig-config', {
        layouts: migPools.map((p) => ({ layout: p.sharing.migLayout!, model: p.gpuModel! })),
      });
      // The ConfigMap lives in the plugin's namespace: create that first.
      this.migConfig.configMap.dependsOn = [dependable(this.devicePlugin.namespace)];
    }

    new TerraformOutput(this, 'capacity', {
      description: 'Servers, GPUs, racks, NVLink domains and power of the site, from the fleet definition',
      value: siteCapacity(site),
    });
  }
}

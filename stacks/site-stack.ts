/**
 * What a site becomes: one Terraform stack that configures the site's Kubernetes cluster.
 * Node pools as node labels, annotations and taints; the NVIDIA software as the site runs it
 * (the GPU Operator's ClusterPolicy and ConfigMaps, or a standalone device plugin with a config
 * per NVIDIA pool); Huawei's Ascend plugin where Ascend pools are; the MIG layouts its pools
 * use; ComputeDomains for multi-node NVLink pools; the Kueue topologies, flavors and
 * ClusterQueue for topology-aware scheduling; the Helm values of the charts the cluster needs;
 * and the site's capacity as an output. Every agent tolerates the taints of the pools it serves.
 */
import { dependable, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { siteCapacity } from '../constructs/capacity';
import type { NodePool } from '../constructs/node-pool';
import type { Site } from '../constructs/site';
import { collectViolations, formatViolation } from '../constructs/violations';
import { agentReachProblems, agentTolerations, PodToleration } from './agent-tolerations';
import { ASCEND_TOLERATION, AscendDevicePlugin } from './ascend/device-plugin';
import { HELM_VALUES_FILES, HelmValues } from './helm-values';
import { KueueQueues } from './kueue/kueue';
import { FlavorSpec, poolNodeLabels, tolerationsFor } from './kueue/objects';
import { flavorSharing, poolQuota } from './kueue/quota';
import { tenantSpecs } from './kueue/tenants';
import { NodeInventory } from './node-inventory';
import { NvidiaComputeDomains } from './nvidia/compute-domains';
import { NVIDIA_GPU_TOLERATION, NvidiaDevicePlugin } from './nvidia/device-plugin';
import { NvidiaGpuOperator } from './nvidia/gpu-operator';
import { draDriverHelmValues, OPERATOR_DRIVER_ROOT } from './nvidia/gpu-operator-objects';
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

/** The taints of `pools`, in pool order. */
function taintsOf(pools: readonly NodePool[]) {
  return pools.flatMap((p) => p.taints);
}

export class SiteStack extends TerraformStack {
  public readonly site: Site;
  public readonly inventory: NodeInventory;
  public readonly pools: readonly PoolNodes[];
  /** Node annotations of the pools that have any (Ascend supernode members). */
  public readonly poolAnnotations: readonly PoolAnnotations[];
  /** NVIDIA's device plugin deployed by the stack; only on standalone sites with NVIDIA pools. */
  public readonly devicePlugin?: NvidiaDevicePlugin;
  /** The GPU Operator's ClusterPolicy and ConfigMaps; only on GPU Operator sites with NVIDIA pools. */
  public readonly gpuOperator?: NvidiaGpuOperator;
  /** Helm values of NVIDIA's DRA driver; only when there are multi-node NVLink pools. */
  public readonly draDriverValues?: HelmValues;
  /** Huawei's Ascend device plugin; only when the site has Ascend pools. */
  public readonly ascendDevicePlugin?: AscendDevicePlugin;
  public readonly migConfig?: NvidiaMigConfig;
  /** ComputeDomains of the pools with multi-node NVLink; only when there are such pools. */
  public readonly computeDomains?: NvidiaComputeDomains;
  /** Topologies, one ResourceFlavor per pool, the tenants' ClusterQueues, namespaces and LocalQueues; only when the site has pools. */
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

    const software = site.nvidiaSoftware;
    const registry = site.imageRegistry;
    const nvidiaPools = site.pools.filter((p) => vendorOf(p) === 'nvidia');
    const ascendPools = site.pools.filter((p) => vendorOf(p) === 'huawei');
    const migPools = nvidiaPools.filter((p) => p.sharing.migLayout && p.gpuModel);
    const mnnvlPools = nvidiaPools.filter(multiNodeNvlink);
    /** Agents the stack deploys or configures, with their tolerations and the pools they serve: checked below. */
    const agents: Array<{ name: string; tolerations: readonly PodToleration[]; pools: readonly NodePool[] }> = [];
    const nvidiaTolerations = agentTolerations(taintsOf(nvidiaPools), [NVIDIA_GPU_TOLERATION]);

    if (migPools.length > 0) {
      this.migConfig = new NvidiaMigConfig(this, 'nvidia-mig-config', {
        layouts: migPools.map((p) => ({ layout: p.sharing.migLayout!, model: p.gpuModel!, pool: p.node.path })),
        namespace: software.namespace,
      });
    }
    if (nvidiaPools.length > 0 && software.mode === 'standalone') {
      this.devicePlugin = new NvidiaDevicePlugin(this, 'nvidia-device-plugin', {
        configs: nvidiaPools.map((pool) => ({ name: pool.configName, sharing: pool.sharing })),
        namespace: software.namespace,
        imageRegistry: registry,
        tolerations: nvidiaTolerations,
        runtimeClassName: software.runtimeClassName,
        deviceListStrategy: software.deviceListStrategy,
      });
      agents.push({ name: 'NVIDIA device plugin', tolerations: this.devicePlugin.tolerations, pools: nvidiaPools });
      // The MIG ConfigMap lives in the plugin's namespace: create that first.
      if (this.migConfig) this.migConfig.configMap.dependsOn = [dependable(this.devicePlugin.namespace)];
    } else if (nvidiaPools.length > 0) {
      this.gpuOperator = new NvidiaGpuOperator(this, 'nvidia-gpu-operator', {
        configs: nvidiaPools.map((pool) => ({ name: pool.configName, sharing: pool.sharing })),
        namespace: software.namespace,
        operatorVersion: software.operatorVersion!,
        installDriver: software.installDriver!,
        tolerations: nvidiaTolerations,
        nfdWorkerTolerations: agentTolerations(taintsOf(site.pools), [NVIDIA_GPU_TOLERATION]),
        migConfigMap: this.migConfig?.name,
        imageRegistry: registry,
      });
      agents.push({ name: 'GPU Operator operands (ClusterPolicy daemonsets.tolerations)', tolerations: this.gpuOperator.tolerations, pools: nvidiaPools });
      if (this.migConfig) this.gpuOperator.clusterPolicy.dependsOn = [dependable(this.gpuOperator.configMap), dependable(this.migConfig.configMap)];
    }
    if (ascendPools.length > 0) {
      this.ascendDevicePlugin = new AscendDevicePlugin(this, 'ascend-device-plugin', {
        imageRegistry: registry,
        tolerations: agentTolerations(taintsOf(ascendPools), [ASCEND_TOLERATION]),
      });
      agents.push({ name: 'Ascend device plugin', tolerations: this.ascendDevicePlugin.tolerations, pools: ascendPools });
    }

    if (mnnvlPools.length > 0) {
      this.computeDomains = new NvidiaComputeDomains(this, 'nvidia-compute-domains', { pools: mnnvlPools.map((p) => ({ pool: p.node.id })) });
      const tolerations = agentTolerations(taintsOf(mnnvlPools), [NVIDIA_GPU_TOLERATION]);
      this.draDriverValues = new HelmValues(this, 'nvidia-dra-driver-values', {
        fileName: HELM_VALUES_FILES.draDriver,
        header: [
          "Values of NVIDIA's DRA driver chart for this site's multi-node NVLink pools, written by gpu-fleet.",
          'helm install nvidia-dra-driver-gpu nvidia/nvidia-dra-driver-gpu --version 25.12.0 \\',
          `  --namespace nvidia-dra-driver-gpu --create-namespace --wait -f ${HELM_VALUES_FILES.draDriver}`,
        ].join('\n'),
        values: draDriverHelmValues({
          pools: mnnvlPools.map((p) => p.node.id),
          tolerations,
          imageRegistry: registry,
          driverRoot: software.mode === 'gpu-operator' && software.installDriver ? OPERATOR_DRIVER_ROOT : '/',
        }),
      });
      agents.push({ name: 'DRA driver kubelet plugin (dra-driver-values.yaml)', tolerations, pools: mnnvlPools });
    }
    // Rule: no agent is locked out of a pool it serves by a taint it does not tolerate.
    this.node.addValidation({ validate: () => agents.flatMap((a) => agentReachProblems(a.name, a.tolerations, a.pools.map((p) => ({ id: p.node.id, taints: p.taints })))).map((m) => `${this.node.path}: ${m}`) });

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
          quota: poolQuota(pool),
          devices: pool.advertisedDevices,
          sharing: flavorSharing(pool),
          nodes: this.inventory.variables[nodes.variableName],
        });
      });
      this.kueue = new KueueQueues(this, 'kueue', { topologies: [...topologies.values()], flavors, tenants: tenantSpecs(site) });
    }

    new TerraformOutput(this, 'capacity', {
      description: 'Servers, GPUs, racks, NVLink domains and power of the site, from the fleet definition',
      value: siteCapacity(site),
    });
  }
}

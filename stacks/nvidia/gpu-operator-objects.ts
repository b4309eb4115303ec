/**
 * The GPU Operator as a site's stack configures it, and the Helm values of what the cluster
 * installs from charts: pure functions from plain inputs to plain manifests and values, no
 * cdktf types.
 *
 * - `clusterPolicyManifest`: the Operator's ClusterPolicy (nvidia.com/v1; fields from
 *   NVIDIA/gpu-operator api/nvidia/v1/clusterpolicy_types.go at v26.7.0, component images and
 *   versions from that release's chart values). It points `devicePlugin.config` at the
 *   site's per-pool ConfigMap and `migManager.config.name` at the site's MIG ConfigMap; the
 *   Operator mounts both from its own namespace (controllers/object_controls.go
 *   handleDevicePluginConfig, TransformMigManager). It leaves `mig.strategy` unset, so the
 *   Operator sets no MIG_STRATEGY on its plugin and GFD (applyMIGConfiguration) and each pool's
 *   config file decides. `daemonsets.tolerations` go on every operand.
 * - `gpuOperatorHelmValues`: the chart's values for a cluster whose ClusterPolicy comes from
 *   the stack (`clusterPolicy.deployCR=false`, deployments/gpu-operator/templates/
 *   clusterpolicy.yaml): the operator image, and the NFD worker (the Operator's subchart) with
 *   the pools' tolerations, for without NFD's PCI labels the Operator labels no GPU node.
 * - `draDriverHelmValues`: NVIDIA's DRA driver (NVIDIA/k8s-dra-driver-gpu
 *   deployments/helm/nvidia-dra-driver-gpu/values.yaml, v25.12.0) for ComputeDomains only, its
 *   kubelet plugin on the multi-node NVLink pools, tolerating their taints.
 */
import type { PodToleration } from '../agent-tolerations';
import { IMAGES, ImageRef, mirroredRef } from '../images';
import { LABEL } from '../node-labels';

export const CLUSTER_POLICY_API_VERSION = 'nvidia.com/v1';
/** The name the chart gives its ClusterPolicy; the Operator reconciles one ClusterPolicy per cluster. */
export const CLUSTER_POLICY_NAME = 'cluster-policy';
/**
 * The MIG ConfigMap's name. Not `default-mig-parted-config`: the Operator creates that name
 * itself and, when `migManager.config.name` names it, treats it as its own default
 * (object_controls.go MigPartedDefaultConfigMapName, GetConfigMapName).
 */
export const MIG_CONFIG_MAP_NAME = 'gpu-fleet-mig-parted-config';
/** mig-manager's config when a node has no `nvidia.com/mig.config` label (the only value the CRD allows besides ""). */
export const MIG_DEFAULT_CONFIG = 'all-disabled';
/** Where the Operator's driver container installs the driver on the host (chart hostPaths.driverInstallDir). */
export const OPERATOR_DRIVER_ROOT = '/run/nvidia/driver';
/** The toolkit's install directory (chart toolkit.installDir). */
const TOOLKIT_INSTALL_DIR = '/usr/local/nvidia';

export interface ClusterPolicyInput {
  /** Tolerations of every operand: the taints of every NVIDIA pool, CriticalAddonsOnly. */
  readonly tolerations: readonly PodToleration[];
  /** The per-pool device-plugin ConfigMap (in the Operator's namespace) and its default config. */
  readonly devicePluginConfigMap: string;
  readonly devicePluginDefaultConfig: string;
  /** The site's MIG ConfigMap in the Operator's namespace; none when no pool uses MIG. */
  readonly migConfigMap?: string;
  /** Registry mirror every image is pulled through. */
  readonly imageRegistry?: string;
  /** The Operator installs the driver. */
  readonly installDriver: boolean;
  /** The Operator release: the validator's image tag. */
  readonly operatorVersion: string;
}

function component(ref: ImageRef, registry: string | undefined): Record<string, unknown> {
  return { ...mirroredRef(ref, registry), imagePullPolicy: 'IfNotPresent' };
}

/** The ClusterPolicy of a site. */
export function clusterPolicyManifest(input: ClusterPolicyInput): Record<string, unknown> {
  const r = input.imageRegistry;
  const operatorImage = { ...IMAGES.gpuOperator, version: input.operatorVersion };
  return {
    apiVersion: CLUSTER_POLICY_API_VERSION,
    kind: 'ClusterPolicy',
    metadata: { name: CLUSTER_POLICY_NAME, labels: { 'app.kubernetes.io/managed-by': 'gpu-fleet' } },
    spec: {
      operator: { runtimeClass: 'nvidia' },
      daemonsets: {
        priorityClassName: 'system-node-critical',
        tolerations: input.tolerations.map((t) => ({ ...t })),
        updateStrategy: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '1' },
      },
      // CDI is the Operator's default since v25.10: its plugin then uses cdi-annotations,cdi-cri.
      cdi: { enabled: true },
      hostPaths: { rootFS: '/', driverInstallDir: OPERATOR_DRIVER_ROOT },
      sandboxWorkloads: { enabled: false },
      driver: {
        enabled: input.installDriver,
        ...component(IMAGES.driver, r),
        kernelModuleType: 'auto',
        manager: component(IMAGES.driverManager, r),
      },
      toolkit: { enabled: true, ...component(IMAGES.toolkit, r), installDir: TOOLKIT_INSTALL_DIR },
      devicePlugin: {
        enabled: true,
        ...component(IMAGES.devicePlugin, r),
        config: { name: input.devicePluginConfigMap, default: input.devicePluginDefaultConfig },
        mps: { root: '/run/nvidia/mps' },
      },
      dcgm: { enabled: false, ...component(IMAGES.dcgm, r) },
      dcgmExporter: { enabled: true, ...component(IMAGES.dcgmExporter, r) },
      gfd: { enabled: true, ...component(IMAGES.devicePlugin, r) },
      migManager: {
        enabled: true,
        ...component(IMAGES.migManager, r),
        ...(input.migConfigMap ? { config: { name: input.migConfigMap, default: MIG_DEFAULT_CONFIG } } : {}),
      },
      nodeStatusExporter: { enabled: false, ...component(operatorImage, r) },
      validator: component(operatorImage, r),
      ccManager: { enabled: false },
    },
  };
}

export interface GpuOperatorHelmInput {
  readonly operatorVersion: string;
  readonly imageRegistry?: string;
  /** Tolerations of NFD's worker, which runs on every node: every pool taint of the site. */
  readonly nfdWorkerTolerations: readonly PodToleration[];
}

/** The GPU Operator chart's values: the stack owns the ClusterPolicy, the chart the rest. */
export function gpuOperatorHelmValues(input: GpuOperatorHelmInput): Record<string, unknown> {
  const r = input.imageRegistry;
  const operator = mirroredRef({ ...IMAGES.gpuOperator, version: input.operatorVersion }, r);
  const nfd = mirroredRef(IMAGES.nodeFeatureDiscovery, r);
  return {
    clusterPolicy: { deployCR: false },
    operator: { repository: operator.repository, image: operator.image, version: operator.version },
    validator: { repository: operator.repository, image: operator.image, version: operator.version },
    'node-feature-discovery': {
      image: { repository: `${nfd.repository}/${nfd.image}`, tag: nfd.version },
      worker: { tolerations: input.nfdWorkerTolerations.map((t) => ({ ...t })) },
    },
  };
}

export interface DraDriverHelmInput {
  /** Ids of the pools whose NVLink spans nodes: the kubelet plugin runs on their nodes only. */
  readonly pools: readonly string[];
  readonly tolerations: readonly PodToleration[];
  readonly imageRegistry?: string;
  /** Host directory of the driver: `/` when on the host, /run/nvidia/driver under the Operator's driver container. */
  readonly driverRoot: string;
}

/**
 * The DRA driver's values for ComputeDomains only: GPUs stay with the device plugin
 * (`resources.gpus.enabled=false`); the kubelet plugin selects the pools by `gpu-fleet.io/pool`
 * (its default affinity asks for NFD or GFD labels a standalone site has not got) and
 * tolerates their taints (its default tolerates none).
 */
export function draDriverHelmValues(input: DraDriverHelmInput): Record<string, unknown> {
  const image = mirroredRef(IMAGES.draDriver, input.imageRegistry);
  return {
    nvidiaDriverRoot: input.driverRoot,
    image: { repository: `${image.repository}/${image.image}`, tag: image.version },
    resources: { gpus: { enabled: false }, computeDomains: { enabled: true } },
    kubeletPlugin: {
      tolerations: input.tolerations.map((t) => ({ ...t })),
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: LABEL.pool, operator: 'In', values: [...input.pools] }] }],
          },
        },
      },
    },
  };
}

/**
 * How a site runs its NVIDIA software: a typed choice, made with the static factories
 * `NvidiaSoftware.gpuOperator()` (the default) and `NvidiaSoftware.standalone({...})`.
 *
 * - GPU Operator (NVIDIA/gpu-operator): the cluster runs the Operator, installed from its Helm
 *   chart with `clusterPolicy.deployCR=false`; the site's stack owns the Operator's
 *   `ClusterPolicy` and the device-plugin and MIG ConfigMaps it names. The Operator runs the
 *   driver, container toolkit, device plugin, GPU Feature Discovery, MIG manager and DCGM.
 * - Standalone: the nodes already have the driver and the NVIDIA container toolkit; the stack
 *   deploys the device plugin (and the MPS control daemon) itself, as the plugin's Helm chart
 *   does, with a RuntimeClass and a device-list strategy.
 *
 * Plain data: no cdktf types.
 */
import { dns1123LabelProblems, dns1123SubdomainProblems } from './kubernetes-names';
import { problem } from './violations';

/**
 * How the device plugin tells the container runtime which GPUs a container gets
 * (NVIDIA/k8s-device-plugin api/config/v1/strategy.go): `envvar` sets NVIDIA_VISIBLE_DEVICES for
 * the nvidia runtime hook; `cdi-annotations` and `cdi-cri` name CDI devices, the plugin writing
 * their specs to /var/run/cdi (the chart mounts it), which containerd >= 1.7 / CRI-O read.
 */
export type DeviceListStrategy = 'envvar' | 'cdi-annotations' | 'cdi-cri';

export const DEVICE_LIST_STRATEGIES: readonly DeviceListStrategy[] = ['envvar', 'cdi-annotations', 'cdi-cri'];

export type NvidiaSoftwareMode = 'gpu-operator' | 'standalone';

export interface GpuOperatorOptions {
  /**
   * Namespace the Operator's chart is installed in; the ClusterPolicy's ConfigMaps go there,
   * because the Operator mounts them from its own namespace.
   * @default 'gpu-operator'
   */
  readonly namespace?: string;
  /**
   * The Operator's release (chart version and the image tag of the operator and validator).
   * The component versions the ClusterPolicy pins are that release's chart defaults.
   * @default 'v26.7.0'
   */
  readonly version?: string;
  /**
   * Let the Operator install the driver (a driver container per node). False when the hosts
   * have the driver already (DGX OS, a baked image).
   * @default true
   */
  readonly installDriver?: boolean;
}

export interface StandaloneOptions {
  /**
   * RuntimeClass of the plugin pods: the one whose handler is the nvidia container runtime.
   * Required wherever `nvidia` is not the runtime's default (the GPU Operator's toolkit since
   * v25.10, CDI-configured containerd).
   * @default 'nvidia'
   */
  readonly runtimeClassName?: string;
  /** @default 'envvar' */
  readonly deviceListStrategy?: DeviceListStrategy;
  /**
   * Namespace of the device plugin (and of the site's MIG ConfigMap, for a MIG manager
   * installed beside it); the stack creates it.
   * @default 'nvidia-device-plugin'
   */
  readonly namespace?: string;
}

export const DEFAULT_GPU_OPERATOR_VERSION = 'v26.7.0';
export const DEFAULT_GPU_OPERATOR_NAMESPACE = 'gpu-operator';
export const DEFAULT_DEVICE_PLUGIN_NAMESPACE = 'nvidia-device-plugin';
export const DEFAULT_RUNTIME_CLASS = 'nvidia';

export class NvidiaSoftware {
  /** The NVIDIA GPU Operator runs the node software; the stack owns its ClusterPolicy. */
  public static gpuOperator(options: GpuOperatorOptions = {}): NvidiaSoftware {
    return new NvidiaSoftware('gpu-operator', options.namespace ?? DEFAULT_GPU_OPERATOR_NAMESPACE, {
      operatorVersion: options.version ?? DEFAULT_GPU_OPERATOR_VERSION,
      installDriver: options.installDriver ?? true,
    });
  }

  /** Driver and container toolkit on the hosts; the stack deploys the device plugin itself. */
  public static standalone(options: StandaloneOptions = {}): NvidiaSoftware {
    return new NvidiaSoftware('standalone', options.namespace ?? DEFAULT_DEVICE_PLUGIN_NAMESPACE, {
      runtimeClassName: options.runtimeClassName ?? DEFAULT_RUNTIME_CLASS,
      deviceListStrategy: options.deviceListStrategy ?? 'envvar',
    });
  }

  /** Only gpu-operator mode: the Operator release. */
  public readonly operatorVersion?: string;
  /** Only gpu-operator mode: whether the Operator installs the driver. */
  public readonly installDriver?: boolean;
  /** Only standalone mode. */
  public readonly runtimeClassName?: string;
  /** Only standalone mode. */
  public readonly deviceListStrategy?: DeviceListStrategy;

  private constructor(
    public readonly mode: NvidiaSoftwareMode,
    /** Where the NVIDIA objects of the site's stack live. */
    public readonly namespace: string,
    rest: { operatorVersion?: string; installDriver?: boolean; runtimeClassName?: string; deviceListStrategy?: DeviceListStrategy },
  ) {
    this.operatorVersion = rest.operatorVersion;
    this.installDriver = rest.installDriver;
    this.runtimeClassName = rest.runtimeClassName;
    this.deviceListStrategy = rest.deviceListStrategy;
  }

  /** True when GPU Feature Discovery runs (it does under the Operator) and owns `nvidia.com/gpu.*` and `nvidia.com/mps.capable`. */
  public get featureDiscovery(): boolean {
    return this.mode === 'gpu-operator';
  }

  public toString(): string {
    return this.mode === 'gpu-operator'
      ? `gpuOperator(${this.operatorVersion}, namespace ${this.namespace})`
      : `standalone(runtimeClassName ${this.runtimeClassName}, ${this.deviceListStrategy}, namespace ${this.namespace})`;
  }
}

/** Every reason the choice cannot work: names Kubernetes would refuse, an unknown strategy, an unpinned version. */
export function nvidiaSoftwareProblems(s: NvidiaSoftware): string[] {
  const out = [...dns1123LabelProblems('NVIDIA software namespace', s.namespace)];
  if (s.mode === 'gpu-operator') {
    const v = s.operatorVersion ?? '';
    if (!/^v\d+\.\d+\.\d+$/.test(v)) out.push(problem('GPU Operator version is not a pinned release', v, 'a release tag such as v26.7.0'));
  } else {
    out.push(...dns1123SubdomainProblems('runtimeClassName', s.runtimeClassName ?? ''));
    const strategy = s.deviceListStrategy as string;
    if (!DEVICE_LIST_STRATEGIES.includes(strategy as DeviceListStrategy)) out.push(problem('deviceListStrategy is unknown', strategy, DEVICE_LIST_STRATEGIES.join(', ')));
  }
  return out;
}

/**
 * Every reason `registry` cannot prefix an image reference: a registry host (with an optional
 * port) and optional path, no scheme, no tag (distribution/reference grammar).
 */
export function imageRegistryProblems(registry: string): string[] {
  const ok = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(registry);
  return ok ? [] : [problem('imageRegistry is not a registry reference', registry, 'a host[:port][/path] such as registry.example.cn/mirror, without scheme or tag')];
}

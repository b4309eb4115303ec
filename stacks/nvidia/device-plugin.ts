/**
 * The NVIDIA device plugin deployed the way its Helm chart does with several named configs
 * (NVIDIA/k8s-device-plugin deployments/helm/nvidia-device-plugin/templates/
 * daemonset-device-plugin.yml, daemonset-mps-control-daemon.yml, role.yml, role-binding.yml,
 * _helpers.tpl, values.yaml): one ConfigMap holding one plugin config per node pool, and a
 * `config-manager` init container and sidecar that link the config named by the node's
 * `nvidia.com/device-plugin.config` label to /config/config.yaml and SIGHUP the plugin when
 * the label changes. When any pool shares GPUs through MPS, the MPS root and the MPS control
 * daemon DaemonSet come too.
 */
import { createHash } from 'crypto';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import {
  DaemonSetV1,
  DaemonSetV1SpecTemplateSpecAffinity,
  DaemonSetV1SpecTemplateSpecContainer,
  DaemonSetV1SpecTemplateSpecContainerEnv,
  DaemonSetV1SpecTemplateSpecContainerSecurityContext,
  DaemonSetV1SpecTemplateSpecToleration,
  DaemonSetV1SpecTemplateSpecVolume,
} from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { dns1123LabelProblems, dns1123SubdomainProblems, labelValueProblems } from '../../constructs/kubernetes-names';
import type { DeviceListStrategy } from '../../constructs/nvidia-software';
import { problem, PropChecker } from '../../constructs/violations';
import { CRITICAL_ADDONS_ONLY, PodToleration } from '../agent-tolerations';
import { IMAGES, imageReference } from '../images';
import { DevicePluginConfig, devicePluginConfig, devicePluginConfigProblems, devicePluginConfigYaml, usesMig, usesMps } from './device-plugin-config';

/** Node label whose value names the config (the ConfigMap key) a node's plugin uses. */
export const DEVICE_PLUGIN_CONFIG_LABEL = 'nvidia.com/device-plugin.config';
/**
 * Node label the MPS control daemon is scheduled by. GPU Feature Discovery sets it on nodes
 * whose config uses MPS; without GFD the fleet must set it on its MPS pools.
 */
export const MPS_CAPABLE_LABEL = 'nvidia.com/mps.capable';
/** Host directory for MPS pipes, logs and the daemon's /dev/shm (chart value mps.root). */
export const MPS_ROOT = '/run/nvidia/mps';
/** Name of the config the construct adds when no default is given. */
export const DEFAULT_CONFIG_NAME = 'default';

const DEFAULT_NAMESPACE = 'nvidia-device-plugin';
const NAME = 'nvidia-device-plugin';
const MPS_DAEMON_NAME = `${NAME}-mps-control-daemon`;
/** Name of the ConfigMap with one plugin config per pool (also what the GPU Operator's devicePlugin.config.name names). */
export const DEVICE_PLUGIN_CONFIG_MAP_NAME = `${NAME}-configs`;
const CONFIG_MAP_NAME = DEVICE_PLUGIN_CONFIG_MAP_NAME;
/** Where CDI specs live on the host; the plugin writes its specs there with a CDI strategy (chart volume cdi-root). */
export const CDI_ROOT = '/var/run/cdi';
/**
 * With a CDI strategy the plugin generates its CDI specs from the driver files it finds under
 * /driver-root in its container (api/config/v1/consts.go DefaultContainerDriverRoot; the
 * `--container-driver-root` flag), and writes host paths under NVIDIA_DRIVER_ROOT into them.
 * The chart mounts the host's driver root there whenever `nvidiaDriverRoot` is set, and its
 * docs/cdi.md asks for it with CDI (NVIDIA/k8s-device-plugin v0.20.0,
 * templates/daemonset-device-plugin.yml volume driver-root); without the mount spec generation
 * finds no driver and the plugin exits. Standalone nodes have the driver on the host: `/`.
 */
export const HOST_DRIVER_ROOT = '/';
const CONTAINER_DRIVER_ROOT = '/driver-root';
/** The upstream static manifest's toleration (deployments/static/nvidia-device-plugin.yml). */
export const NVIDIA_GPU_TOLERATION: PodToleration = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
const NODE_READER_NAME = `${NAME}-node-reader`;
const KUBELET_DEVICE_PLUGINS = '/var/lib/kubelet/device-plugins';
const CONFIG_SRCDIR = '/available-configs';
const CONFIG_DIR = '/config';
const CONFIG_FILE = `${CONFIG_DIR}/config.yaml`;
/** config-manager's fallbacks when a node has no label and DEFAULT_CONFIG names nothing (chart default). */
const FALLBACK_STRATEGIES = 'named,single';
/** The process the plugin pod's sidecar signals; must equal the plugin container's command. */
const PLUGIN_PROCESS = 'nvidia-device-plugin';
/** The process the MPS daemon pod's sidecar signals (daemonset-mps-control-daemon.yml). */
const MPS_DAEMON_PROCESS = '/usr/bin/mps-control-daemon';

/** One named plugin config: one node pool's GPU sharing. */
export interface NamedDevicePluginConfig {
  /** ConfigMap key and value of the node label `nvidia.com/device-plugin.config`. */
  readonly name: string;
  readonly sharing: GpuSharing;
}

export interface NvidiaDevicePluginProps {
  /** One named config per node pool. */
  readonly configs: ReadonlyArray<NamedDevicePluginConfig>;
  /**
   * Namespace the plugin runs in; the construct creates it.
   * @default 'nvidia-device-plugin'
   */
  readonly namespace?: string;
  /**
   * Plugin image, pinned by tag or digest (also runs config-manager and the MPS daemon).
   * @default 'nvcr.io/nvidia/k8s-device-plugin:v0.20.0' (through `imageRegistry` when given)
   */
  readonly image?: string;
  /** Registry mirror the default image is pulled through. @default none */
  readonly imageRegistry?: string;
  /**
   * Tolerations of the plugin and MPS daemon pods: they must cover every taint of every pool
   * the plugin serves, or the plugin never runs there.
   * @default CriticalAddonsOnly and `nvidia.com/gpu` (Exists, NoSchedule)
   */
  readonly tolerations?: readonly PodToleration[];
  /**
   * RuntimeClass of the plugin pods (the one running the nvidia container runtime).
   * @default none: the runtime's default handler
   */
  readonly runtimeClassName?: string;
  /**
   * How the plugin hands devices to the runtime, written into every config. CDI strategies
   * mount /var/run/cdi from the host, where the plugin writes its CDI specs, and the host's
   * driver root at /driver-root, from which it generates them.
   * @default 'envvar'
   */
  readonly deviceListStrategy?: DeviceListStrategy;
  /**
   * Config used by a node whose label is missing; must be one of `configs`.
   * @default 'default': an exclusive config the construct adds (unless `configs` has one named so)
   */
  readonly defaultConfig?: string;
  /**
   * Run the MPS control daemon in the host PID namespace (chart value mps.enableHostPID, true
   * in current charts: the MPS server finds its own PID through /proc when the driver runs on
   * the host). When false the pod shares its process namespace instead, as older charts did.
   * @default true
   */
  readonly mpsHostPid?: boolean;
}

interface PluginConfigEntry {
  readonly name: string;
  readonly config: DevicePluginConfig;
}

/** The chart's pod environment for the plugin and MPS daemon containers (values.yaml). */
const NVIDIA_CONTAINER_ENV: DaemonSetV1SpecTemplateSpecContainerEnv[] = [
  { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
  { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility' },
];

const NODE_NAME_ENV: DaemonSetV1SpecTemplateSpecContainerEnv = {
  name: 'NODE_NAME',
  valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } },
};

/** Least privilege: no escalation, no capabilities. */
const RESTRICTED: DaemonSetV1SpecTemplateSpecContainerSecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

/**
 * The plugin's security context. The chart adds SYS_ADMIN whenever a config may use MIG
 * (_helpers.tpl requiresCapSysAdmin), to monitor MIG devices; Kubernetes refuses
 * allowPrivilegeEscalation false together with SYS_ADMIN, so it is left out then.
 */
function pluginSecurityContext(mig: boolean): DaemonSetV1SpecTemplateSpecContainerSecurityContext {
  return mig ? { capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } : RESTRICTED;
}

const DEFAULT_TOLERATIONS: readonly PodToleration[] = [CRITICAL_ADDONS_ONLY, NVIDIA_GPU_TOLERATION];

/** Only nodes that name a config run the plugin. */
const CONFIG_LABEL_AFFINITY: DaemonSetV1SpecTemplateSpecAffinity = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerm: [{ matchExpressions: [{ key: DEVICE_PLUGIN_CONFIG_LABEL, operator: 'Exists' }] }],
    },
  },
};

/**
 * config-manager's environment (daemonset-device-plugin.yml): `oneshot` in the init
 * container, which links the node's config before the plugin starts; a sidecar that keeps
 * watching the label and signals `processToSignal` with SIGHUP (1) on change.
 */
function configManagerEnv(defaultConfig: string, mode: { oneshot: true } | { oneshot: false; processToSignal: string }): DaemonSetV1SpecTemplateSpecContainerEnv[] {
  return [
    { name: 'ONESHOT', value: String(mode.oneshot) },
    { name: 'KUBECONFIG', value: '' },
    NODE_NAME_ENV,
    { name: 'NODE_LABEL', value: DEVICE_PLUGIN_CONFIG_LABEL },
    { name: 'CONFIG_FILE_SRCDIR', value: CONFIG_SRCDIR },
    { name: 'CONFIG_FILE_DST', value: CONFIG_FILE },
    { name: 'DEFAULT_CONFIG', value: defaultConfig },
    { name: 'FALLBACK_STRATEGIES', value: FALLBACK_STRATEGIES },
    { name: 'SEND_SIGNAL', value: String(!mode.oneshot) },
    { name: 'SIGNAL', value: mode.oneshot ? '' : '1' },
    { name: 'PROCESS_TO_SIGNAL', value: mode.oneshot ? '' : mode.processToSignal },
  ];
}

const CONFIG_MOUNTS = [
  { name: 'available-configs', mountPath: CONFIG_SRCDIR },
  { name: 'config', mountPath: CONFIG_DIR },
];

function configManagerContainer(
  name: string,
  image: string,
  defaultConfig: string,
  mode: { oneshot: true } | { oneshot: false; processToSignal: string },
): DaemonSetV1SpecTemplateSpecContainer {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['config-manager'],
    env: configManagerEnv(defaultConfig, mode),
    volumeMount: CONFIG_MOUNTS,
    securityContext: RESTRICTED,
  };
}

function configVolumes(): DaemonSetV1SpecTemplateSpecVolume[] {
  return [
    { name: 'available-configs', configMap: { name: CONFIG_MAP_NAME } },
    { name: 'config', emptyDir: {} },
  ];
}

function mpsVolumes(): DaemonSetV1SpecTemplateSpecVolume[] {
  return [
    { name: 'mps-root', hostPath: { path: MPS_ROOT, type: 'DirectoryOrCreate' } },
    { name: 'mps-shm', hostPath: { path: `${MPS_ROOT}/shm` } },
  ];
}

/** The MPS daemon's /dev/shm (health checks) and the MPS root, as the plugin mounts them. */
const MPS_MOUNTS = [
  { name: 'mps-shm', mountPath: '/dev/shm' },
  { name: 'mps-root', mountPath: '/mps' },
];

function labels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'gpu-fleet' };
}

function selector(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name };
}

/** SHA-256 of the ConfigMap data: changes roll the pods (the chart's checksum/config). */
function checksum(data: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(data).sort()) hash.update(`${key}\n${data[key]}\n`);
  return hash.digest('hex');
}

/** Problems of the image reference: it must be pinned to a tag other than latest, or a digest. */
export function imageProblems(image: string): string[] {
  const tag = image.includes('@') ? undefined : image.slice(image.lastIndexOf('/') + 1).split(':')[1];
  const pinned = image.includes('@sha256:') || (tag !== undefined && tag !== '' && tag !== 'latest');
  return pinned ? [] : [problem('device plugin image must be pinned', image, '<repository>:<tag other than latest> or <repository>@sha256:<digest>')];
}

/**
 * The NVIDIA device plugin with one named config per node pool.
 *
 * Renders a Namespace, a ServiceAccount with a ClusterRole to read nodes (config-manager
 * watches its node's labels), a ConfigMap with one config file per pool, the plugin
 * DaemonSet, and, when any pool uses MPS, the MPS control daemon DaemonSet. Nodes choose a
 * config with the label `nvidia.com/device-plugin.config=<name>`; the plugin runs only on
 * nodes carrying that label. MPS nodes also need `nvidia.com/mps.capable=true`.
 *
 * @throws FleetValidationError listing every problem of the props
 */
export class NvidiaDevicePlugin extends Construct {
  public readonly namespace: NamespaceV1;
  public readonly serviceAccount: ServiceAccountV1;
  public readonly clusterRole: ClusterRoleV1;
  public readonly clusterRoleBinding: ClusterRoleBindingV1;
  public readonly configMap: ConfigMapV1;
  public readonly daemonSet: DaemonSetV1;
  /** The MPS control daemon; only when a config uses MPS. */
  public readonly mpsControlDaemon?: DaemonSetV1;
  /** ConfigMap keys, i.e. the values the `nvidia.com/device-plugin.config` label may take. */
  public readonly configNames: readonly string[];
  /** The config a node without the label uses. */
  public readonly defaultConfigName: string;
  /** Tolerations of the plugin's pods (and the MPS daemon's). */
  public readonly tolerations: readonly PodToleration[];

  constructor(scope: Construct, id: string, props: NvidiaDevicePluginProps) {
    super(scope, id);
    const namespace = props.namespace ?? DEFAULT_NAMESPACE;
    const image = props.image ?? imageReference(IMAGES.devicePlugin, props.imageRegistry);
    const strategy = props.deviceListStrategy ?? 'envvar';
    const check = new PropChecker(this.node.path);
    dns1123LabelProblems('device plugin namespace', namespace).forEach((m) => check.add(m));
    imageProblems(image).forEach((m) => check.add(m));
    if (props.runtimeClassName !== undefined) dns1123SubdomainProblems('runtimeClassName', props.runtimeClassName).forEach((m) => check.add(m));
    const configs = devicePluginConfigs(check, props.configs, props.defaultConfig, strategy);
    check.throwIfAny();
    this.defaultConfigName = configs.defaultConfigName;
    this.configNames = configs.configNames;
    this.tolerations = props.tolerations ?? DEFAULT_TOLERATIONS;
    const { data, mps, mig } = configs;
    const annotations = { 'checksum/config': checksum(data) };
    const cdi = strategy !== 'envvar';
    const podRuntime = props.runtimeClassName !== undefined ? { runtimeClassName: props.runtimeClassName } : {};
    const toleration = this.tolerations.map((t) => ({ ...t })) as DaemonSetV1SpecTemplateSpecToleration[];

    this.namespace = new NamespaceV1(this, 'namespace', { metadata: { name: namespace, labels: labels(NAME) } });
    const inNamespace = { namespace, labels: labels(NAME) };
    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      metadata: { name: NAME, ...inNamespace },
      dependsOn: [this.namespace],
    });
    this.clusterRole = new ClusterRoleV1(this, 'cluster-role', {
      metadata: { name: NODE_READER_NAME, labels: labels(NAME) },
      rule: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }],
    });
    this.clusterRoleBinding = new ClusterRoleBindingV1(this, 'cluster-role-binding', {
      metadata: { name: NODE_READER_NAME, labels: labels(NAME) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NODE_READER_NAME },
      subject: [{ kind: 'ServiceAccount', name: NAME, namespace }],
      dependsOn: [this.clusterRole, this.serviceAccount],
    });
    this.configMap = new ConfigMapV1(this, 'configs', {
      metadata: { name: CONFIG_MAP_NAME, ...inNamespace },
      data,
      dependsOn: [this.namespace],
    });
    const prerequisites = [this.configMap, this.serviceAccount, this.clusterRoleBinding];

    const pluginEnv: DaemonSetV1SpecTemplateSpecContainerEnv[] = [
      ...(mps ? [{ name: 'MPS_ROOT', value: MPS_ROOT }] : []),
      ...(cdi ? [{ name: 'NVIDIA_DRIVER_ROOT', value: HOST_DRIVER_ROOT }] : []),
      { name: 'CONFIG_FILE', value: CONFIG_FILE },
      ...(mig ? [{ name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }] : []),
      ...NVIDIA_CONTAINER_ENV,
    ];
    this.daemonSet = new DaemonSetV1(this, 'daemon-set', {
      metadata: { name: NAME, ...inNamespace },
      spec: {
        selector: { matchLabels: selector(NAME) },
        strategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: labels(NAME), annotations },
          spec: {
            serviceAccountName: NAME,
            priorityClassName: 'system-node-critical',
            ...podRuntime,
            shareProcessNamespace: true,
            affinity: CONFIG_LABEL_AFFINITY,
            toleration,
            initContainer: [configManagerContainer('config-manager-init', image, this.defaultConfigName, { oneshot: true })],
            container: [
              configManagerContainer('config-manager', image, this.defaultConfigName, { oneshot: false, processToSignal: PLUGIN_PROCESS }),
              {
                name: 'nvidia-device-plugin-ctr',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: [PLUGIN_PROCESS],
                env: pluginEnv,
                securityContext: pluginSecurityContext(mig),
                volumeMount: [
                  { name: 'kubelet-device-plugins-dir', mountPath: KUBELET_DEVICE_PLUGINS },
                  ...(cdi ? [{ name: 'driver-root', mountPath: CONTAINER_DRIVER_ROOT, readOnly: true }] : []),
                  ...(mps ? MPS_MOUNTS : []),
                  ...(cdi ? [{ name: 'cdi-root', mountPath: CDI_ROOT }] : []),
                  ...CONFIG_MOUNTS,
                ],
              },
            ],
            volume: [
              { name: 'kubelet-device-plugins-dir', hostPath: { path: KUBELET_DEVICE_PLUGINS, type: 'Directory' } },
              ...(cdi ? [{ name: 'driver-root', hostPath: { path: HOST_DRIVER_ROOT, type: 'Directory' } }] : []),
              ...(mps ? mpsVolumes() : []),
              ...(cdi ? [{ name: 'cdi-root', hostPath: { path: CDI_ROOT, type: 'DirectoryOrCreate' } }] : []),
              ...configVolumes(),
            ],
          },
        },
      },
      dependsOn: prerequisites,
    });

    if (mps) {
      this.mpsControlDaemon = this.renderMpsControlDaemon(image, inNamespace, annotations, mig, props.mpsHostPid ?? true, prerequisites, { ...podRuntime, toleration });
    }
  }

  /** daemonset-mps-control-daemon.yml, on nodes labelled `nvidia.com/mps.capable=true`. */
  private renderMpsControlDaemon(
    image: string,
    inNamespace: { namespace: string; labels: Record<string, string> },
    annotations: Record<string, string>,
    mig: boolean,
    hostPid: boolean,
    prerequisites: ReadonlyArray<ConfigMapV1 | ServiceAccountV1 | ClusterRoleBindingV1>,
    placement: { runtimeClassName?: string; toleration: DaemonSetV1SpecTemplateSpecToleration[] },
  ): DaemonSetV1 {
    return new DaemonSetV1(this, 'mps-control-daemon', {
      metadata: { name: MPS_DAEMON_NAME, ...inNamespace, labels: labels(MPS_DAEMON_NAME) },
      spec: {
        selector: { matchLabels: selector(MPS_DAEMON_NAME) },
        strategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: labels(MPS_DAEMON_NAME), annotations },
          spec: {
            serviceAccountName: NAME,
            priorityClassName: 'system-node-critical',
            // Kubernetes refuses hostPID together with shareProcessNamespace.
            ...(hostPid ? { hostPid: true } : { shareProcessNamespace: true }),
            ...placement,
            nodeSelector: { [MPS_CAPABLE_LABEL]: 'true' },
            affinity: CONFIG_LABEL_AFFINITY,
            initContainer: [
              {
                // Mounts a tmpfs at <mps root>/shm; Bidirectional so the host and the plugin see it.
                name: 'mps-control-daemon-mounts',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['mps-control-daemon', 'mount-shm'],
                securityContext: { privileged: true },
                volumeMount: [{ name: 'mps-root', mountPath: '/mps', mountPropagation: 'Bidirectional' }],
              },
              configManagerContainer('config-manager-init', image, this.defaultConfigName, { oneshot: true }),
            ],
            container: [
              configManagerContainer('config-manager', image, this.defaultConfigName, { oneshot: false, processToSignal: MPS_DAEMON_PROCESS }),
              {
                name: 'mps-control-daemon-ctr',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['mps-control-daemon'],
                env: [
                  NODE_NAME_ENV,
                  { name: 'CONFIG_FILE', value: CONFIG_FILE },
                  ...(mig ? [{ name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }] : []),
                  ...NVIDIA_CONTAINER_ENV,
                ],
                securityContext: { privileged: true },
                volumeMount: [...MPS_MOUNTS, ...CONFIG_MOUNTS],
              },
            ],
            volume: [...mpsVolumes(), ...configVolumes()],
          },
        },
      },
      dependsOn: [...prerequisites],
    });
  }
}

/** The plugin configs of a site, ready for a ConfigMap: one YAML file per config name. */
export interface DevicePluginConfigs {
  readonly data: Record<string, string>;
  readonly configNames: readonly string[];
  readonly defaultConfigName: string;
  /** Some config shares GPUs through MPS. */
  readonly mps: boolean;
  /** Some config exposes MIG devices. */
  readonly mig: boolean;
}

/**
 * The configs as given, plus an exclusive `default` when no default is named and none is given,
 * rendered with `strategy`; every problem of them goes to `check`. Shared by the standalone
 * plugin and the GPU Operator's ConfigMap.
 */
export function devicePluginConfigs(
  check: PropChecker,
  configs: ReadonlyArray<NamedDevicePluginConfig>,
  defaultConfig: string | undefined,
  strategy: DeviceListStrategy | readonly DeviceListStrategy[],
): DevicePluginConfigs {
  const entries: PluginConfigEntry[] = configs.map((c) => ({ name: c.name, config: devicePluginConfig(c.sharing, strategy) }));
  if (defaultConfig === undefined && !configs.some((c) => c.name === DEFAULT_CONFIG_NAME)) {
    entries.push({ name: DEFAULT_CONFIG_NAME, config: devicePluginConfig(GpuSharing.exclusive(), strategy) });
  }
  const defaultConfigName = defaultConfig ?? DEFAULT_CONFIG_NAME;
  const seen = new Set<string>();
  for (const { name, config } of entries) {
    // A config name is a ConfigMap key and a label value; label values are the narrower rule.
    labelValueProblems(`device plugin config name ${JSON.stringify(name)}`, name).forEach((m) => check.add(m));
    check.check(name !== '', 'device plugin config name is empty', name, 'a non-empty label value');
    check.check(!seen.has(name), `device plugin config name ${JSON.stringify(name)} is used twice`, name, 'unique config names');
    seen.add(name);
    devicePluginConfigProblems(config).forEach((m) => check.add(`device plugin config ${JSON.stringify(name)}: ${m}`));
  }
  check.check(seen.has(defaultConfigName), 'device plugin default config is not one of the configs', defaultConfigName, `one of ${[...seen].join(', ')}`);
  const data: Record<string, string> = {};
  for (const e of entries) data[e.name] = devicePluginConfigYaml(e.config);
  return {
    data,
    configNames: entries.map((e) => e.name),
    defaultConfigName,
    mps: entries.some((e) => usesMps(e.config)),
    mig: entries.some((e) => usesMig(e.config)),
  };
}

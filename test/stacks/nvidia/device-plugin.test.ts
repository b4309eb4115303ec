import { parse } from 'yaml';
import { GpuSharing } from '../../../constructs/gpu-sharing';
import { MigLayout } from '../../../constructs/mig-layout';
import { devicePluginConfig } from '../../../stacks/nvidia/device-plugin-config';
import { NvidiaDevicePlugin, NvidiaDevicePluginProps } from '../../../stacks/nvidia/device-plugin';
import { container, envMap, Json, kubernetesStack, mounts, onlyResource, resourcesOf, synthesize } from './synth';
import { thrownValidationError } from '../../support/tiny-fleet';

const POOLS: NvidiaDevicePluginProps['configs'] = [
  { name: 'train-exclusive', sharing: GpuSharing.exclusive() },
  { name: 'infer-ts4', sharing: GpuSharing.timeSlicing(4) },
];

function synthPlugin(props: NvidiaDevicePluginProps): { out: Json; plugin: NvidiaDevicePlugin } {
  let plugin: NvidiaDevicePlugin | undefined;
  const out = synthesize((scope) => {
    plugin = new NvidiaDevicePlugin(scope, 'nvidia-device-plugin', props);
  });
  if (!plugin) throw new Error('plugin not built');
  return { out, plugin };
}

function daemonSets(out: Json): Record<string, Json> {
  const byName: Record<string, Json> = {};
  for (const ds of resourcesOf(out, 'kubernetes_daemon_set_v1')) byName[ds.metadata.name] = ds;
  return byName;
}

function pluginPod(out: Json): Json {
  return daemonSets(out)['nvidia-device-plugin'].spec.template.spec;
}

function hostPaths(podSpec: Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const v of podSpec.volume as Json[]) if (v.host_path) out[v.name] = v.host_path;
  return out;
}

describe('NvidiaDevicePlugin ConfigMap', () => {
  test('holds one config per pool plus an exclusive default, each parsing back to the pool config', () => {
    const { out, plugin } = synthPlugin({ configs: POOLS });
    const configMap = onlyResource(out, 'kubernetes_config_map_v1');
    expect(configMap.metadata).toMatchObject({ name: 'nvidia-device-plugin-configs', namespace: 'nvidia-device-plugin' });
    expect(Object.keys(configMap.data).sort()).toEqual(['default', 'infer-ts4', 'train-exclusive']);
    expect(parse(configMap.data['infer-ts4'])).toEqual(devicePluginConfig(GpuSharing.timeSlicing(4)));
    expect(parse(configMap.data['train-exclusive'])).toEqual(devicePluginConfig(GpuSharing.exclusive()));
    expect(parse(configMap.data.default)).toEqual(devicePluginConfig(GpuSharing.exclusive()));
    expect(plugin.configNames).toEqual(['train-exclusive', 'infer-ts4', 'default']);
    expect(plugin.defaultConfigName).toBe('default');
  });

  test('uses a named default config without adding one', () => {
    const { out, plugin } = synthPlugin({ configs: POOLS, defaultConfig: 'train-exclusive' });
    const configMap = onlyResource(out, 'kubernetes_config_map_v1');
    expect(Object.keys(configMap.data).sort()).toEqual(['infer-ts4', 'train-exclusive']);
    expect(envMap(container(pluginPod(out), 'config-manager').env).DEFAULT_CONFIG).toBe('train-exclusive');
    expect(plugin.defaultConfigName).toBe('train-exclusive');
  });

  test('keeps a pool config named default instead of adding another', () => {
    const { out } = synthPlugin({ configs: [{ name: 'default', sharing: GpuSharing.timeSlicing(2) }] });
    const data = onlyResource(out, 'kubernetes_config_map_v1').data;
    expect(Object.keys(data)).toEqual(['default']);
    expect(parse(data.default)).toEqual(devicePluginConfig(GpuSharing.timeSlicing(2)));
  });

  test('a MIG pool config carries its MIG strategy', () => {
    const { out } = synthPlugin({ configs: [{ name: 'mig-1g', sharing: GpuSharing.mig(MigLayout.uniform('1g.10gb')) }] });
    const data = onlyResource(out, 'kubernetes_config_map_v1').data;
    expect(parse(data['mig-1g']).flags.migStrategy).toBe('mixed');
  });
});

describe('NvidiaDevicePlugin namespace and RBAC', () => {
  test('creates the namespace and a service account in it', () => {
    const { out } = synthPlugin({ configs: POOLS, namespace: 'gpu-system' });
    expect(onlyResource(out, 'kubernetes_namespace_v1').metadata.name).toBe('gpu-system');
    const sa = onlyResource(out, 'kubernetes_service_account_v1');
    expect(sa.metadata).toMatchObject({ name: 'nvidia-device-plugin', namespace: 'gpu-system' });
    expect(sa.depends_on).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\./)]);
  });

  test('lets config-manager get, list and watch nodes and nothing else', () => {
    const { out } = synthPlugin({ configs: POOLS });
    const role = onlyResource(out, 'kubernetes_cluster_role_v1');
    expect(role.rule).toEqual([{ api_groups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]);
    const binding = onlyResource(out, 'kubernetes_cluster_role_binding_v1');
    expect(binding.role_ref).toEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subject).toEqual([{ kind: 'ServiceAccount', name: 'nvidia-device-plugin', namespace: 'nvidia-device-plugin' }]);
    expect(pluginPod(out).service_account_name).toBe('nvidia-device-plugin');
  });
});

describe('NvidiaDevicePlugin DaemonSet', () => {
  test('runs a config-manager init container once and a config-manager sidecar that signals the plugin', () => {
    const pod = pluginPod(synthPlugin({ configs: POOLS }).out);
    const common = {
      KUBECONFIG: '',
      NODE_NAME: 'fieldRef:spec.nodeName',
      NODE_LABEL: 'nvidia.com/device-plugin.config',
      CONFIG_FILE_SRCDIR: '/available-configs',
      CONFIG_FILE_DST: '/config/config.yaml',
      DEFAULT_CONFIG: 'default',
      FALLBACK_STRATEGIES: 'named,single',
    };
    expect(pod.init_container.map((c: Json) => c.name)).toEqual(['config-manager-init']);
    const init = container(pod, 'config-manager-init');
    expect(init.command).toEqual(['config-manager']);
    expect(envMap(init.env)).toEqual({ ...common, ONESHOT: 'true', SEND_SIGNAL: 'false', SIGNAL: '', PROCESS_TO_SIGNAL: '' });
    const sidecar = container(pod, 'config-manager');
    expect(sidecar.command).toEqual(['config-manager']);
    expect(envMap(sidecar.env)).toEqual({ ...common, ONESHOT: 'false', SEND_SIGNAL: 'true', SIGNAL: '1', PROCESS_TO_SIGNAL: 'nvidia-device-plugin' });
    for (const c of [init, sidecar]) expect(mounts(c)).toEqual({ 'available-configs': '/available-configs', config: '/config' });
    expect(pod.share_process_namespace).toBe(true);
  });

  test('runs the pinned plugin image reading the config file config-manager links', () => {
    const pod = pluginPod(synthPlugin({ configs: POOLS }).out);
    const plugin = container(pod, 'nvidia-device-plugin-ctr');
    expect(plugin.image).toBe('nvcr.io/nvidia/k8s-device-plugin:v0.20.0');
    expect(plugin.command).toEqual(['nvidia-device-plugin']);
    expect(envMap(plugin.env)).toEqual({ CONFIG_FILE: '/config/config.yaml', NVIDIA_VISIBLE_DEVICES: 'all', NVIDIA_DRIVER_CAPABILITIES: 'compute,utility' });
    expect(mounts(plugin)).toEqual({
      'kubelet-device-plugins-dir': '/var/lib/kubelet/device-plugins',
      'available-configs': '/available-configs',
      config: '/config',
    });
    for (const c of [...pod.init_container, ...pod.container]) expect(c.image).toBe('nvcr.io/nvidia/k8s-device-plugin:v0.20.0');
  });

  test('mounts the kubelet device-plugin directory from the host and the configs from the ConfigMap', () => {
    const pod = pluginPod(synthPlugin({ configs: POOLS }).out);
    expect(pod.volume).toEqual([
      { name: 'kubelet-device-plugins-dir', host_path: { path: '/var/lib/kubelet/device-plugins', type: 'Directory' } },
      { name: 'available-configs', config_map: { name: 'nvidia-device-plugin-configs' } },
      { name: 'config', empty_dir: {} },
    ]);
  });

  test('tolerates the GPU taint, runs as system-node-critical and rolls updates', () => {
    const ds = daemonSets(synthPlugin({ configs: POOLS }).out)['nvidia-device-plugin'];
    const pod = ds.spec.template.spec;
    expect(pod.toleration).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.priority_class_name).toBe('system-node-critical');
    expect(ds.spec.strategy).toEqual({ type: 'RollingUpdate' });
    expect(ds.spec.selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'nvidia-device-plugin' });
    expect(ds.spec.template.metadata.labels).toMatchObject(ds.spec.selector.match_labels);
  });

  test('runs only on nodes that carry the device-plugin config label', () => {
    const pod = pluginPod(synthPlugin({ configs: POOLS }).out);
    expect(pod.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term).toEqual([
      { match_expressions: [{ key: 'nvidia.com/device-plugin.config', operator: 'Exists' }] },
    ]);
  });

  test('gives every container of a pool without MIG no privilege escalation and no capabilities', () => {
    const pod = pluginPod(synthPlugin({ configs: POOLS }).out);
    for (const c of [...pod.init_container, ...pod.container]) {
      expect(c.security_context).toEqual({ allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
    }
  });

  test('is created after its ConfigMap, service account and role binding', () => {
    const ds = daemonSets(synthPlugin({ configs: POOLS }).out)['nvidia-device-plugin'];
    expect(ds.depends_on).toEqual([
      expect.stringMatching(/^kubernetes_config_map_v1\./),
      expect.stringMatching(/^kubernetes_service_account_v1\./),
      expect.stringMatching(/^kubernetes_cluster_role_binding_v1\./),
    ]);
  });

  test('annotates the pods with a checksum of the configs so that config changes roll them', () => {
    const annotation = (configs: NvidiaDevicePluginProps['configs']): string =>
      daemonSets(synthPlugin({ configs }).out)['nvidia-device-plugin'].spec.template.metadata.annotations['checksum/config'];
    const before = annotation(POOLS);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(annotation(POOLS)).toBe(before);
    expect(annotation([{ name: 'infer-ts4', sharing: GpuSharing.timeSlicing(8) }])).not.toBe(before);
  });

  test('a MIG pool adds MIG device monitoring and SYS_ADMIN to the plugin, as the chart does', () => {
    const pod = pluginPod(synthPlugin({ configs: [...POOLS, { name: 'mig-mixed', sharing: GpuSharing.mig(MigLayout.of('mixed', { '3g.40gb': 1, '4g.40gb': 1 })) }] }).out);
    const plugin = container(pod, 'nvidia-device-plugin-ctr');
    expect(envMap(plugin.env).NVIDIA_MIG_MONITOR_DEVICES).toBe('all');
    expect(plugin.security_context).toEqual({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } });
    expect(container(pod, 'config-manager').security_context).toEqual({ allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
  });
});

describe('NvidiaDevicePlugin MPS', () => {
  const MPS_POOLS: NvidiaDevicePluginProps['configs'] = [...POOLS, { name: 'infer-mps2', sharing: GpuSharing.mps(2) }];

  test('renders no MPS daemon, MPS root or MPS mounts when no pool uses MPS', () => {
    const { out, plugin } = synthPlugin({ configs: POOLS });
    expect(Object.keys(daemonSets(out))).toEqual(['nvidia-device-plugin']);
    expect(plugin.mpsControlDaemon).toBeUndefined();
    const pod = pluginPod(out);
    expect(envMap(container(pod, 'nvidia-device-plugin-ctr').env).MPS_ROOT).toBeUndefined();
    expect(Object.keys(hostPaths(pod))).toEqual(['kubelet-device-plugins-dir']);
  });

  test('gives the plugin the MPS root and the MPS shared memory when a pool uses MPS', () => {
    const pod = pluginPod(synthPlugin({ configs: MPS_POOLS }).out);
    const plugin = container(pod, 'nvidia-device-plugin-ctr');
    expect(envMap(plugin.env).MPS_ROOT).toBe('/run/nvidia/mps');
    expect(mounts(plugin)).toMatchObject({ 'mps-root': '/mps', 'mps-shm': '/dev/shm' });
    expect(hostPaths(pod)).toEqual({
      'kubelet-device-plugins-dir': { path: '/var/lib/kubelet/device-plugins', type: 'Directory' },
      'mps-root': { path: '/run/nvidia/mps', type: 'DirectoryOrCreate' },
      'mps-shm': { path: '/run/nvidia/mps/shm' },
    });
  });

  test('runs the MPS control daemon on MPS-capable nodes with the chart containers', () => {
    const { out, plugin } = synthPlugin({ configs: MPS_POOLS });
    expect(plugin.mpsControlDaemon).toBeDefined();
    const ds = daemonSets(out)['nvidia-device-plugin-mps-control-daemon'];
    expect(ds.metadata.namespace).toBe('nvidia-device-plugin');
    expect(ds.spec.selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'nvidia-device-plugin-mps-control-daemon' });
    const pod = ds.spec.template.spec;
    expect(pod.node_selector).toEqual({ 'nvidia.com/mps.capable': 'true' });
    expect(pod.toleration).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.priority_class_name).toBe('system-node-critical');
    expect(pod.init_container.map((c: Json) => c.name)).toEqual(['mps-control-daemon-mounts', 'config-manager-init']);
    expect(pod.container.map((c: Json) => c.name)).toEqual(['config-manager', 'mps-control-daemon-ctr']);

    const mountShm = container(pod, 'mps-control-daemon-mounts');
    expect(mountShm.command).toEqual(['mps-control-daemon', 'mount-shm']);
    expect(mountShm.security_context).toEqual({ privileged: true });
    expect(mountShm.volume_mount).toEqual([{ name: 'mps-root', mount_path: '/mps', mount_propagation: 'Bidirectional' }]);

    const daemon = container(pod, 'mps-control-daemon-ctr');
    expect(daemon.command).toEqual(['mps-control-daemon']);
    expect(daemon.security_context).toEqual({ privileged: true });
    expect(envMap(daemon.env)).toEqual({
      NODE_NAME: 'fieldRef:spec.nodeName',
      CONFIG_FILE: '/config/config.yaml',
      NVIDIA_VISIBLE_DEVICES: 'all',
      NVIDIA_DRIVER_CAPABILITIES: 'compute,utility',
    });
    expect(mounts(daemon)).toEqual({ 'mps-shm': '/dev/shm', 'mps-root': '/mps', 'available-configs': '/available-configs', config: '/config' });

    expect(envMap(container(pod, 'config-manager').env)).toMatchObject({ ONESHOT: 'false', SEND_SIGNAL: 'true', SIGNAL: '1', PROCESS_TO_SIGNAL: '/usr/bin/mps-control-daemon' });
    expect(envMap(container(pod, 'config-manager-init').env)).toMatchObject({ ONESHOT: 'true', SEND_SIGNAL: 'false' });
    expect(hostPaths(pod)).toEqual({
      'mps-root': { path: '/run/nvidia/mps', type: 'DirectoryOrCreate' },
      'mps-shm': { path: '/run/nvidia/mps/shm' },
    });
  });

  test('runs the MPS control daemon in the host PID namespace by default and in a shared one when asked', () => {
    const hostPid = daemonSets(synthPlugin({ configs: MPS_POOLS }).out)['nvidia-device-plugin-mps-control-daemon'].spec.template.spec;
    expect(hostPid.host_pid).toBe(true);
    expect(hostPid.share_process_namespace).toBeUndefined();
    const shared = daemonSets(synthPlugin({ configs: MPS_POOLS, mpsHostPid: false }).out)['nvidia-device-plugin-mps-control-daemon'].spec.template.spec;
    expect(shared.share_process_namespace).toBe(true);
    expect(shared.host_pid).toBeUndefined();
  });
});

describe('NvidiaDevicePlugin validation', () => {
  test('fails when two pools use the same config name', () => {
    const error = thrownValidationError(() => new NvidiaDevicePlugin(kubernetesStack(), 'plugin', { configs: [...POOLS, { name: 'infer-ts4', sharing: GpuSharing.mps(2) }] }));
    expect(error.violations.map((v) => v.message)).toEqual(['device plugin config name "infer-ts4" is used twice, got "infer-ts4", expected unique config names']);
    expect(error.violations[0].path).toBe('site/plugin');
  });

  test.each([['Pool A'], ['-leading-dash'], ['x'.repeat(64)]])('fails when a config name is %j, not a label value', (name) => {
    const error = thrownValidationError(() => new NvidiaDevicePlugin(kubernetesStack(), 'plugin', { configs: [{ name, sharing: GpuSharing.exclusive() }] }));
    expect(error.violations.map((v) => v.message)).toEqual([expect.stringContaining('is not a valid label value')]);
  });

  test('fails when a pool config would be refused by the plugin', () => {
    const error = thrownValidationError(() => new NvidiaDevicePlugin(kubernetesStack(), 'plugin', { configs: [{ name: 'bad', sharing: GpuSharing.timeSlicing(1) }] }));
    expect(error.violations.map((v) => v.message)).toEqual([
      'device plugin config "bad": sharing.timeSlicing.resources[0].replicas must be a whole number >= 2, got 1, expected an integer >= 2',
    ]);
  });

  test('fails when the default config is not one of the configs', () => {
    const error = thrownValidationError(() => new NvidiaDevicePlugin(kubernetesStack(), 'plugin', { configs: POOLS, defaultConfig: 'missing' }));
    expect(error.violations.map((v) => v.message)).toEqual([
      'device plugin default config is not one of the configs, got "missing", expected one of train-exclusive, infer-ts4',
    ]);
  });

  test('fails when the image is not pinned or the namespace is not a DNS label', () => {
    const error = thrownValidationError(() => new NvidiaDevicePlugin(kubernetesStack(), 'plugin', { configs: POOLS, image: 'nvcr.io/nvidia/k8s-device-plugin:latest', namespace: 'GPU' }));
    expect(error.violations.map((v) => v.message)).toEqual([
      expect.stringContaining('device plugin namespace is not a valid DNS-1123 label, got "GPU"'),
      expect.stringContaining('device plugin image must be pinned, got "nvcr.io/nvidia/k8s-device-plugin:latest"'),
    ]);
  });

  test('accepts an image pinned by digest', () => {
    const image = `nvcr.io/nvidia/k8s-device-plugin@sha256:${'a'.repeat(64)}`;
    const { out } = synthPlugin({ configs: POOLS, image });
    expect(container(pluginPod(out), 'nvidia-device-plugin-ctr').image).toBe(image);
  });

  test('fails listing every problem at once', () => {
    const error = thrownValidationError(
      () =>
        new NvidiaDevicePlugin(kubernetesStack(), 'plugin', {
          configs: [
            { name: 'Bad Name', sharing: GpuSharing.mps(1.5) },
            { name: 'ok', sharing: GpuSharing.exclusive() },
            { name: 'ok', sharing: GpuSharing.exclusive() },
          ],
          defaultConfig: 'nope',
        }),
    );
    expect(error.violations).toHaveLength(4);
    expect(error.message).toMatch(/^4 violations in 1 site:/);
  });
});

describe('NvidiaDevicePlugin beside a CDI runtime', () => {
  it('runs under the given RuntimeClass and, with a CDI strategy, mounts /var/run/cdi and writes the strategy into every config', () => {
    const { out } = synthPlugin({ configs: POOLS, runtimeClassName: 'nvidia', deviceListStrategy: 'cdi-cri' });
    const pod = pluginPod(out);
    expect(pod.runtime_class_name).toBe('nvidia');
    expect(mounts(container(pod, 'nvidia-device-plugin-ctr'))).toMatchObject({ 'cdi-root': '/var/run/cdi' });
    expect(hostPaths(pod)['cdi-root']).toEqual({ path: '/var/run/cdi', type: 'DirectoryOrCreate' });
    const data = onlyResource(out, 'kubernetes_config_map_v1').data as Record<string, string>;
    for (const text of Object.values(data)) expect(parse(text).flags.plugin.deviceListStrategy).toBe('cdi-cri');
  });

  it('with a CDI strategy mounts the host driver root read-only at /driver-root and names it in NVIDIA_DRIVER_ROOT, where the plugin generates its CDI specs from', () => {
    const pod = pluginPod(synthPlugin({ configs: POOLS, runtimeClassName: 'nvidia', deviceListStrategy: 'cdi-annotations' }).out);
    const plugin = container(pod, 'nvidia-device-plugin-ctr');
    expect((plugin.volume_mount as Json[]).find((m) => m.name === 'driver-root')).toEqual({ name: 'driver-root', mount_path: '/driver-root', read_only: true });
    expect(hostPaths(pod)['driver-root']).toEqual({ path: '/', type: 'Directory' });
    expect(envMap(plugin.env).NVIDIA_DRIVER_ROOT).toBe('/');
  });

  it('mounts no CDI directory and sets no RuntimeClass with envvar and no RuntimeClass given', () => {
    const pod = pluginPod(synthPlugin({ configs: POOLS }).out);
    expect(pod.runtime_class_name).toBeUndefined();
    expect(hostPaths(pod)).not.toHaveProperty('cdi-root');
    expect(hostPaths(pod)).not.toHaveProperty('driver-root');
    expect(envMap(container(pod, 'nvidia-device-plugin-ctr').env)).not.toHaveProperty('NVIDIA_DRIVER_ROOT');
  });

  it('pulls its image through a registry mirror and takes the tolerations it is given', () => {
    const tolerations = [{ key: 'gpu-fleet.io/workload', operator: 'Equal', value: 'inference', effect: 'NoSchedule' }];
    const pod = pluginPod(synthPlugin({ configs: POOLS, imageRegistry: 'mirror.example.cn/nv', tolerations }).out);
    expect(container(pod, 'nvidia-device-plugin-ctr').image).toBe('mirror.example.cn/nv/nvcr.io/nvidia/k8s-device-plugin:v0.20.0');
    expect(pod.toleration).toEqual(tolerations);
  });
});

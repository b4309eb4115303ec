import { AscendDevicePlugin } from '../../../stacks/ascend/device-plugin';
import { container, mounts, onlyResource, synthesize } from '../nvidia/synth';
import { thrownLines } from '../../support/tiny-fleet';
import { kubernetesStack } from '../nvidia/synth';

describe('AscendDevicePlugin', () => {
  const out = synthesize((scope) => new AscendDevicePlugin(scope, 'ascend-device-plugin'));
  const ds = onlyResource(out, 'kubernetes_daemon_set_v1');
  const pod = ds.spec.template.spec;

  it('runs privileged, system-node-critical, on nodes labelled accelerator=huawei-Ascend910, tolerating huawei.com/Ascend910', () => {
    expect(ds.metadata).toMatchObject({ name: 'ascend-device-plugin', namespace: 'kube-system' });
    expect(pod.priority_class_name).toBe('system-node-critical');
    expect(pod.node_selector).toEqual({ accelerator: 'huawei-Ascend910' });
    expect(pod.toleration).toContainEqual({ key: 'huawei.com/Ascend910', operator: 'Exists', effect: 'NoSchedule' });
    const c = container(pod, 'device-plugin');
    expect(c.security_context).toEqual({ privileged: true, read_only_root_filesystem: true });
    expect(c.image).toBe('swr.cn-south-1.myhuaweicloud.com/ascendhub/ascend-k8sdeviceplugin:v6.0.0');
    expect(c.args).toEqual(['device-plugin -volcanoType=false -logFile=/var/log/mindx-dl/devicePlugin/devicePlugin.log -logLevel=0']);
  });

  it('mounts the kubelet device-plugin and pod-resources directories and the Ascend driver from the host', () => {
    const c = container(pod, 'device-plugin');
    expect(mounts(c)).toMatchObject({
      'device-plugin': '/var/lib/kubelet/device-plugins',
      'pod-resource': '/var/lib/kubelet/pod-resources',
      'hiai-driver': '/usr/local/Ascend/driver',
    });
    const hostPaths = Object.fromEntries(pod.volume.map((v: { name: string; host_path: { path: string } }) => [v.name, v.host_path.path]));
    expect(hostPaths).toMatchObject({
      'device-plugin': '/var/lib/kubelet/device-plugins',
      'pod-resource': '/var/lib/kubelet/pod-resources',
      'hiai-driver': '/usr/local/Ascend/driver',
    });
  });

  it('binds a ClusterRole that lets the plugin patch its node and record allocations on pods', () => {
    const role = onlyResource(out, 'kubernetes_cluster_role_v1');
    expect(role.rule).toContainEqual({ api_groups: [''], resources: ['nodes'], verbs: ['get', 'patch'] });
    expect(role.rule).toContainEqual({ api_groups: [''], resources: ['pods'], verbs: ['get', 'list', 'update', 'watch', 'patch'] });
    const binding = onlyResource(out, 'kubernetes_cluster_role_binding_v1');
    expect(binding.subject).toEqual([{ kind: 'ServiceAccount', name: 'ascend-device-plugin', namespace: 'kube-system' }]);
  });

  it('fails when the image is not pinned', () => {
    expect(thrownLines(() => new AscendDevicePlugin(kubernetesStack(), 'ascend-device-plugin', { image: 'ascend-k8sdeviceplugin:latest' }))).toEqual([
      'site/ascend-device-plugin: device plugin image must be pinned, got "ascend-k8sdeviceplugin:latest", expected <repository>:<tag other than latest> or <repository>@sha256:<digest>',
    ]);
  });
});

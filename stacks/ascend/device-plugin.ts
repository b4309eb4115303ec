/**
 * Huawei's Ascend device plugin, for sites (and nodes) with Ascend pools, deployed the way
 * Ascend/mind-cluster ships it (component/ascend-device-plugin/build/ascendplugin-910.yaml):
 * a ServiceAccount, a ClusterRole and binding, and a privileged DaemonSet in kube-system on
 * nodes labelled `accelerator=huawei-Ascend910`. It advertises `huawei.com/Ascend910` (910,
 * 910B and A3 NPUs alike) and annotates nodes with what it reads from the hardware (among them
 * `superPodID`); see domain.md s7.
 *
 * Differences from the upstream manifest, on purpose:
 * - the image is fully qualified (Huawei's AscendHub registry, see ../images.ts), pinned to
 *   the release tag the plugin's build script defaults to (v6.0.0) and pulled IfNotPresent,
 *   not `Never`, so a registry mirror can serve it;
 * - it tolerates every taint of the Ascend pools it serves, plus CriticalAddonsOnly (upstream
 *   tolerates `huawei.com/Ascend910` only);
 * - no `-useAscendDocker` flag (recent plugins read the Ascend Docker runtime from the
 *   environment and no longer define it; an unknown flag stops the plugin), and
 *   `-volcanoType=false`: the fleet schedules with Kueue, not Volcano;
 * - no `device-plugin=v2` toleration, and none of the optional log, trace or container-runtime
 *   socket mounts.
 */
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';
import { ASCEND910_RESOURCE } from '../../constructs/catalog/gpu-models';
import { dns1123LabelProblems } from '../../constructs/kubernetes-names';
import { PropChecker } from '../../constructs/violations';
import { CRITICAL_ADDONS_ONLY, PodToleration } from '../agent-tolerations';
import { IMAGES, imageReference } from '../images';
import { ASCEND910_ACCELERATOR, LABEL } from '../node-labels';

const NAME = 'ascend-device-plugin';
const DEFAULT_NAMESPACE = 'kube-system';
/** Upstream's one toleration (ascendplugin-910.yaml). */
export const ASCEND_TOLERATION: PodToleration = { key: ASCEND910_RESOURCE, operator: 'Exists', effect: 'NoSchedule' };
const LOG_DIR = '/var/log/mindx-dl/devicePlugin';
/** The plugin's flags (main.go): the log file, info level, Kueue rather than Volcano. */
const PLUGIN_ARGS = `device-plugin -volcanoType=false -logFile=${LOG_DIR}/devicePlugin.log -logLevel=0`;

export interface AscendDevicePluginProps {
  /** @default 'kube-system', as upstream */
  readonly namespace?: string;
  /**
   * Plugin image pinned by tag or digest.
   * @default 'swr.cn-south-1.myhuaweicloud.com/ascendhub/ascend-k8sdeviceplugin:v6.0.0' (through `imageRegistry` when given)
   */
  readonly image?: string;
  /** Registry mirror the default image is pulled through. @default none */
  readonly imageRegistry?: string;
  /**
   * Tolerations of the plugin's pods: every taint of every Ascend pool it serves.
   * @default CriticalAddonsOnly and `huawei.com/Ascend910` (Exists, NoSchedule)
   */
  readonly tolerations?: readonly PodToleration[];
}

function labels(): Record<string, string> {
  return { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/managed-by': 'gpu-fleet' };
}

/**
 * The Ascend device plugin DaemonSet and its RBAC. The pod runs privileged (it manages NPUs
 * and resets them), as system-node-critical, tolerating the `huawei.com/Ascend910` taint, with
 * the kubelet's device-plugin and pod-resources directories and the Ascend driver mounted.
 */
export class AscendDevicePlugin extends Construct {
  public readonly namespace: string;
  public readonly serviceAccount: ServiceAccountV1;
  public readonly clusterRole: ClusterRoleV1;
  public readonly clusterRoleBinding: ClusterRoleBindingV1;
  public readonly daemonSet: DaemonSetV1;
  public readonly tolerations: readonly PodToleration[];

  constructor(scope: Construct, id: string, props: AscendDevicePluginProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? DEFAULT_NAMESPACE;
    const image = props.image ?? imageReference(IMAGES.ascendDevicePlugin, props.imageRegistry);
    const check = new PropChecker(this.node.path);
    dns1123LabelProblems('Ascend device plugin namespace', namespace).forEach((m) => check.add(m));
    const tag = image.includes('@') ? undefined : image.slice(image.lastIndexOf('/') + 1).split(':')[1];
    check.check(image.includes('@sha256:') || (tag !== undefined && tag !== '' && tag !== 'latest'), 'device plugin image must be pinned', image, '<repository>:<tag other than latest> or <repository>@sha256:<digest>');
    check.throwIfAny();
    this.namespace = namespace;
    this.tolerations = props.tolerations ?? [CRITICAL_ADDONS_ONLY, ASCEND_TOLERATION];

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', { metadata: { name: NAME, namespace, labels: labels() } });
    // The rules of the upstream ClusterRole: the plugin records allocations on pods, patches
    // its node's labels, annotations and status, and keeps device info in ConfigMaps.
    this.clusterRole = new ClusterRoleV1(this, 'cluster-role', {
      metadata: { name: NAME, labels: labels() },
      rule: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'update', 'watch', 'patch'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] },
        { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] },
        { apiGroups: [''], resources: ['nodes/status'], verbs: ['get', 'patch', 'update'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'update', 'list', 'watch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create'] },
      ],
    });
    this.clusterRoleBinding = new ClusterRoleBindingV1(this, 'cluster-role-binding', {
      metadata: { name: NAME, labels: labels() },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME },
      subject: [{ kind: 'ServiceAccount', name: NAME, namespace }],
      dependsOn: [this.clusterRole, this.serviceAccount],
    });

    const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: { path, ...(type ? { type } : {}) } });
    this.daemonSet = new DaemonSetV1(this, 'daemon-set', {
      metadata: { name: NAME, namespace, labels: labels() },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
        strategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: labels() },
          spec: {
            serviceAccountName: NAME,
            priorityClassName: 'system-node-critical',
            nodeSelector: { [LABEL.accelerator]: ASCEND910_ACCELERATOR },
            toleration: this.tolerations.map((t) => ({ ...t })),
            container: [
              {
                name: 'device-plugin',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/bash', '-c', '--'],
                args: [PLUGIN_ARGS],
                resources: { requests: { cpu: '500m', memory: '500Mi' }, limits: { cpu: '500m', memory: '500Mi' } },
                securityContext: { privileged: true, readOnlyRootFilesystem: true },
                env: [
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                  { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
                ],
                volumeMount: [
                  { name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' },
                  { name: 'pod-resource', mountPath: '/var/lib/kubelet/pod-resources' },
                  { name: 'hiai-driver', mountPath: '/usr/local/Ascend/driver', readOnly: true },
                  { name: 'log-path', mountPath: LOG_DIR },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'localtime', mountPath: '/etc/localtime', readOnly: true },
                ],
              },
            ],
            volume: [
              hostPath('device-plugin', '/var/lib/kubelet/device-plugins'),
              hostPath('pod-resource', '/var/lib/kubelet/pod-resources'),
              hostPath('hiai-driver', '/usr/local/Ascend/driver'),
              hostPath('log-path', LOG_DIR, 'DirectoryOrCreate'),
              hostPath('tmp', '/tmp'),
              hostPath('localtime', '/etc/localtime'),
            ],
          },
        },
      },
      dependsOn: [this.serviceAccount, this.clusterRoleBinding],
    });
  }
}

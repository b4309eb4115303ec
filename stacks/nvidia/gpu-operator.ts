/**
 * A site whose NVIDIA software is the GPU Operator: the stack owns the Operator's ClusterPolicy
 * (`kubernetes_manifest`) and the two ConfigMaps it names, both in the Operator's namespace:
 * the device plugin's per-pool configs (devicePlugin.config) and, when pools use MIG, the
 * site's MIG layouts (migManager.config, see ./mig-config.ts). The Operator's own device plugin
 * is the only one; the stack deploys none. The chart's values (`clusterPolicy.deployCR=false`)
 * go to the stack's output folder. See ./gpu-operator-objects.ts for the objects themselves.
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { dns1123LabelProblems } from '../../constructs/kubernetes-names';
import { PropChecker } from '../../constructs/violations';
import type { PodToleration } from '../agent-tolerations';
import { HELM_VALUES_FILES, HelmValues } from '../helm-values';
import { FIELD_MANAGER } from '../pool-nodes';
import { DEVICE_PLUGIN_CONFIG_MAP_NAME, devicePluginConfigs, NamedDevicePluginConfig } from './device-plugin';
import { clusterPolicyManifest, gpuOperatorHelmValues } from './gpu-operator-objects';

/** The device-list strategy of the Operator's plugin with CDI on (object_controls.go transformDevicePluginCtrForCDI). */
const OPERATOR_DEVICE_LIST_STRATEGY = ['cdi-annotations', 'cdi-cri'] as const;

export interface NvidiaGpuOperatorProps {
  /** One named device-plugin config per NVIDIA pool. */
  readonly configs: ReadonlyArray<NamedDevicePluginConfig>;
  /** The Operator's namespace (the chart's release namespace). */
  readonly namespace: string;
  readonly operatorVersion: string;
  readonly installDriver: boolean;
  /** Tolerations of every operand (ClusterPolicy daemonsets.tolerations). */
  readonly tolerations: readonly PodToleration[];
  /** Tolerations of NFD's worker, which runs on every node. */
  readonly nfdWorkerTolerations: readonly PodToleration[];
  /** Name of the site's MIG ConfigMap in `namespace`; none when no pool uses MIG. */
  readonly migConfigMap?: string;
  /** @default none */
  readonly imageRegistry?: string;
}

export class NvidiaGpuOperator extends Construct {
  public readonly configMap: ConfigMapV1;
  public readonly clusterPolicy: Manifest;
  public readonly helmValues: HelmValues;
  public readonly configNames: readonly string[];
  public readonly defaultConfigName: string;
  public readonly tolerations: readonly PodToleration[];

  constructor(scope: Construct, id: string, props: NvidiaGpuOperatorProps) {
    super(scope, id);
    const check = new PropChecker(this.node.path);
    dns1123LabelProblems('GPU Operator namespace', props.namespace).forEach((m) => check.add(m));
    const configs = devicePluginConfigs(check, props.configs, undefined, OPERATOR_DEVICE_LIST_STRATEGY);
    check.throwIfAny();
    this.configNames = configs.configNames;
    this.defaultConfigName = configs.defaultConfigName;
    this.tolerations = props.tolerations;

    // The namespace is the chart's: helm install --create-namespace makes it before this applies.
    this.configMap = new ConfigMapV1(this, 'device-plugin-configs', {
      metadata: { name: DEVICE_PLUGIN_CONFIG_MAP_NAME, namespace: props.namespace, labels: { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'app.kubernetes.io/managed-by': 'gpu-fleet' } },
      data: configs.data,
    });
    this.clusterPolicy = new Manifest(this, 'cluster-policy', {
      manifest: clusterPolicyManifest({
        tolerations: props.tolerations,
        devicePluginConfigMap: DEVICE_PLUGIN_CONFIG_MAP_NAME,
        devicePluginDefaultConfig: configs.defaultConfigName,
        migConfigMap: props.migConfigMap,
        imageRegistry: props.imageRegistry,
        installDriver: props.installDriver,
        operatorVersion: props.operatorVersion,
      }),
      fieldManager: { name: FIELD_MANAGER },
      dependsOn: [this.configMap],
    });
    this.helmValues = new HelmValues(this, 'helm-values', {
      fileName: HELM_VALUES_FILES.gpuOperator,
      header: [
        `Values of the NVIDIA GPU Operator chart ${props.operatorVersion} for this site, written by gpu-fleet.`,
        `helm install gpu-operator nvidia/gpu-operator --version ${props.operatorVersion} \\`,
        `  --namespace ${props.namespace} --create-namespace --wait -f ${HELM_VALUES_FILES.gpuOperator}`,
        'The ClusterPolicy is the stack\'s (clusterPolicy.deployCR=false).',
      ].join('\n'),
      values: gpuOperatorHelmValues({ operatorVersion: props.operatorVersion, imageRegistry: props.imageRegistry, nfdWorkerTolerations: props.nfdWorkerTolerations }),
    });
  }
}

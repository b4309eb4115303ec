import { parse } from 'yaml';
import { GpuSharing } from '../../../constructs/gpu-sharing';
import { CRITICAL_ADDONS_ONLY } from '../../../stacks/agent-tolerations';
import { NvidiaGpuOperator, NvidiaGpuOperatorProps } from '../../../stacks/nvidia/gpu-operator';
import { clusterPolicyManifest, draDriverHelmValues, gpuOperatorHelmValues, MIG_CONFIG_MAP_NAME } from '../../../stacks/nvidia/gpu-operator-objects';
import { gpuOperatorCrds } from '../../support/openapi-schema';
import { kubernetesStack, resourcesOf, synthesize } from './synth';
import { thrownValidationError } from '../../support/tiny-fleet';

const crds = gpuOperatorCrds();
const TOLERATIONS = [CRITICAL_ADDONS_ONLY, { key: 'gpu-fleet.io/workload', operator: 'Equal', value: 'inference', effect: 'NoSchedule' }];
const PROPS: NvidiaGpuOperatorProps = {
  configs: [
    { name: 'training', sharing: GpuSharing.exclusive() },
    { name: 'inference', sharing: GpuSharing.timeSlicing(4) },
  ],
  namespace: 'gpu-operator',
  operatorVersion: 'v26.7.0',
  installDriver: true,
  tolerations: TOLERATIONS,
  nfdWorkerTolerations: TOLERATIONS,
  migConfigMap: MIG_CONFIG_MAP_NAME,
};

/** Every image reference in a ClusterPolicy spec: `<repository>/<image>:<version>` per component. */
function images(spec: Record<string, any>): string[] {
  const out: string[] = [];
  const walk = (o: Record<string, any>) => {
    if (typeof o.repository === 'string') out.push(`${o.repository}/${o.image}:${o.version}`);
    for (const v of Object.values(o)) if (v && typeof v === 'object' && !Array.isArray(v)) walk(v);
  };
  walk(spec);
  return out;
}

describe('the ClusterPolicy', () => {
  it('validates against the GPU Operator CRD with no unknown fields, with and without MIG, mirror and driver', () => {
    for (const input of [
      { ...PROPS, devicePluginConfigMap: 'nvidia-device-plugin-configs', devicePluginDefaultConfig: 'default' },
      { ...PROPS, devicePluginConfigMap: 'c', devicePluginDefaultConfig: 'd', migConfigMap: undefined, installDriver: false, imageRegistry: 'registry.example.cn/mirror' },
    ]) {
      expect(crds.problems(clusterPolicyManifest(input))).toEqual([]);
    }
  });

  it('is refused by the CRD check when it carries a field the Operator does not know', () => {
    const policy = clusterPolicyManifest({ ...PROPS, devicePluginConfigMap: 'c', devicePluginDefaultConfig: 'd' }) as Record<string, any>;
    policy.spec.devicePlugin.deviceListStrategy = 'envvar';
    expect(crds.problems(policy).join('\n')).toMatch(/deviceListStrategy/);
  });

  it('pins every component, leaves MIG strategy to the pools, and tolerates what it is given', () => {
    const spec = (clusterPolicyManifest({ ...PROPS, devicePluginConfigMap: 'c', devicePluginDefaultConfig: 'd' }) as Record<string, any>).spec;
    for (const image of images(spec)) expect(image).toMatch(/^nvcr\.io\/nvidia(\/[a-z0-9-]+)?\/[a-z0-9-]+:[0-9v][\w.-]*$/);
    expect(images(spec)).toContain('nvcr.io/nvidia/k8s-device-plugin:v0.20.0');
    expect(images(spec)).toContain('nvcr.io/nvidia/gpu-operator:v26.7.0');
    expect(spec.mig).toBeUndefined();
    expect(spec.daemonsets.tolerations).toEqual(TOLERATIONS);
    expect(spec.migManager.config).toEqual({ name: 'gpu-fleet-mig-parted-config', default: 'all-disabled' });
  });

  it('pulls every image through the mirror when a registry is given', () => {
    const spec = (clusterPolicyManifest({ ...PROPS, devicePluginConfigMap: 'c', devicePluginDefaultConfig: 'd', imageRegistry: 'harbor.hami.local/proxy' }) as Record<string, any>).spec;
    expect(images(spec).length).toBeGreaterThanOrEqual(9);
    for (const image of images(spec)) expect(image.startsWith('harbor.hami.local/proxy/nvcr.io/')).toBe(true);
  });
});

describe('NvidiaGpuOperator', () => {
  it('writes the device-plugin ConfigMap in the Operator namespace and points the ClusterPolicy at it', () => {
    const out = synthesize((scope) => new NvidiaGpuOperator(scope, 'op', PROPS));
    const [cm] = resourcesOf(out, 'kubernetes_config_map_v1');
    const [policy] = resourcesOf(out, 'kubernetes_manifest');
    expect(cm.metadata).toMatchObject({ name: 'nvidia-device-plugin-configs', namespace: 'gpu-operator' });
    expect(Object.keys(cm.data).sort()).toEqual(['default', 'inference', 'training']);
    expect(policy.manifest.spec.devicePlugin.config).toEqual({ name: cm.metadata.name, default: 'default' });
    // The Operator's plugin runs with CDI: the configs say so rather than a strategy the Operator overrides.
    expect(parse(cm.data.inference).flags.plugin.deviceListStrategy).toEqual(['cdi-annotations', 'cdi-cri']);
    expect(policy.field_manager).toEqual({ name: 'gpu-fleet' });
    expect(resourcesOf(out, 'kubernetes_daemon_set_v1')).toEqual([]);
  });

  it('fails when the namespace is not a DNS-1123 label', () => {
    const error = thrownValidationError(() => new NvidiaGpuOperator(kubernetesStack(), 'op', { ...PROPS, namespace: 'GPU_Operator' }));
    expect(error.violations.map((v) => v.message)).toEqual([
      'GPU Operator namespace is not a valid DNS-1123 label, got "GPU_Operator", expected at most 63 characters of a-z, 0-9 and \'-\', starting and ending with a letter or digit',
    ]);
  });
});

describe('Helm values', () => {
  it('install the Operator chart without its ClusterPolicy, NFD tolerating the pools, images through the mirror', () => {
    const values = gpuOperatorHelmValues({ operatorVersion: 'v26.7.0', imageRegistry: 'm.example/x', nfdWorkerTolerations: TOLERATIONS }) as Record<string, any>;
    expect(values.clusterPolicy).toEqual({ deployCR: false });
    expect(values.operator).toEqual({ repository: 'm.example/x/nvcr.io/nvidia', image: 'gpu-operator', version: 'v26.7.0' });
    expect(values['node-feature-discovery']).toEqual({
      image: { repository: 'm.example/x/registry.k8s.io/nfd/node-feature-discovery', tag: 'v0.19.0' },
      worker: { tolerations: TOLERATIONS },
    });
  });

  it('run the DRA kubelet plugin on the NVL72 pools only, for ComputeDomains only', () => {
    const values = draDriverHelmValues({ pools: ['training', 'serving'], tolerations: TOLERATIONS, driverRoot: '/' }) as Record<string, any>;
    expect(values.resources).toEqual({ gpus: { enabled: false }, computeDomains: { enabled: true } });
    expect(values.image).toEqual({ repository: 'nvcr.io/nvidia/k8s-dra-driver-gpu', tag: 'v25.12.0' });
    expect(values.kubeletPlugin.tolerations).toEqual(TOLERATIONS);
    expect(values.kubeletPlugin.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'gpu-fleet.io/pool', operator: 'In', values: ['training', 'serving'] }] },
    ]);
  });
});

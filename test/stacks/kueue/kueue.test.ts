import { Testing } from 'cdktf';
import { Taint } from '../../../constructs/taint';
import { KueueQueues } from '../../../stacks/kueue/kueue';
import { FlavorSpec, tolerationsFor } from '../../../stacks/kueue/objects';
import { kubernetesStack, resourcesOf, synthesize } from '../nvidia/synth';

const NVLINK = { name: 'gpu-fleet-nvlink', levels: ['gpu-fleet.io/block', 'gpu-fleet.io/rack', 'gpu-fleet.io/nvlink-domain', 'kubernetes.io/hostname'] };
const NODE = { 'gpu-fleet.io/block': 'row-01-a', 'gpu-fleet.io/rack': 'rack-001', 'gpu-fleet.io/nvlink-domain': 'rack-001-u01-nvlink', 'gpu-fleet.io/pool': 'training' };
const FLAVOR: FlavorSpec = {
  name: 'training',
  nodeLabels: { 'gpu-fleet.io/pool': 'training' },
  tolerations: tolerationsFor([Taint.noSchedule('gpu-fleet.io/workload', 'training')]),
  topologyName: 'gpu-fleet-nvlink',
  quota: { cpu: 104, memory: 1843, pods: 90, 'nvidia.com/gpu': 8 },
  devices: 8,
  sharing: 'whole',
  nodes: { 'lab-01-rack-001-u01': NODE },
};

describe('KueueQueues', () => {
  it('renders the Topology, ResourceFlavor, ClusterQueue and LocalQueue as kubernetes_manifest, keys as Kubernetes spells them', () => {
    const out = synthesize((scope) => new KueueQueues(scope, 'kueue', { topologies: [NVLINK], flavors: [FLAVOR] }));
    const manifests = resourcesOf(out, 'kubernetes_manifest');
    expect(manifests.map((m) => m.manifest.kind).sort()).toEqual(['ClusterQueue', 'LocalQueue', 'ResourceFlavor', 'Topology']);
    const flavor = manifests.find((m) => m.manifest.kind === 'ResourceFlavor')!;
    expect(flavor.manifest.spec).toEqual({
      nodeLabels: { 'gpu-fleet.io/pool': 'training' },
      tolerations: [{ key: 'gpu-fleet.io/workload', operator: 'Equal', value: 'training', effect: 'NoSchedule' }],
      topologyName: 'gpu-fleet-nvlink',
    });
    expect(flavor.field_manager).toEqual({ name: 'gpu-fleet' });
    expect(flavor.depends_on).toEqual([expect.stringMatching(/^kubernetes_manifest\.kueue_topology-gpu-fleet-nvlink_/)]);
    const queue = manifests.find((m) => m.manifest.kind === 'ClusterQueue')!;
    expect(queue.manifest.metadata.name).toBe('gpu-fleet');
    expect(queue.manifest.spec.resourceGroups).toEqual([
      {
        coveredResources: ['cpu', 'memory', 'pods', 'nvidia.com/gpu'],
        flavors: [
          {
            name: 'training',
            resources: [
              { name: 'cpu', nominalQuota: 104 },
              { name: 'memory', nominalQuota: '1843Gi' },
              { name: 'pods', nominalQuota: 90 },
              { name: 'nvidia.com/gpu', nominalQuota: 8 },
            ],
          },
        ],
      },
    ]);
    expect(queue.depends_on).toEqual([expect.stringMatching(/^kubernetes_manifest\.kueue_flavor-training_/)]);
    const local = manifests.find((m) => m.manifest.kind === 'LocalQueue')!;
    expect(local.manifest).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'LocalQueue',
      metadata: { name: 'default', namespace: 'gpu-fleet', labels: { 'app.kubernetes.io/managed-by': 'gpu-fleet' } },
      spec: { clusterQueue: 'gpu-fleet' },
    });
    expect(resourcesOf(out, 'kubernetes_namespace_v1').map((n) => n.metadata.name)).toEqual(['gpu-fleet']);
  });

  it('gives each tenant a ClusterQueue, its namespaces and a LocalQueue in each, and the rest to unassigned', () => {
    const tenants = [{ name: 'acme', namespaces: ['acme-a', 'acme-b'], queueName: 'default', guarantees: { training: 6 } }];
    const out = synthesize((scope) => new KueueQueues(scope, 'kueue', { topologies: [NVLINK], flavors: [FLAVOR], tenants }));
    const manifests = resourcesOf(out, 'kubernetes_manifest');
    const queues = manifests.filter((m) => m.manifest.kind === 'ClusterQueue').map((m) => [m.manifest.metadata.name, m.manifest.spec.resourceGroups[0].flavors[0].resources[3].nominalQuota]);
    expect(queues).toEqual([['acme', 6], ['unassigned', 2]]);
    const locals = manifests.filter((m) => m.manifest.kind === 'LocalQueue').map((m) => `${m.manifest.metadata.namespace}/${m.manifest.metadata.name} -> ${m.manifest.spec.clusterQueue}`);
    expect(locals).toEqual(['acme-a/default -> acme', 'acme-b/default -> acme', 'gpu-fleet/default -> unassigned']);
    expect(resourcesOf(out, 'kubernetes_namespace_v1').map((n) => n.metadata.name)).toEqual(['acme-a', 'acme-b', 'gpu-fleet']);
  });

  it('fails synth when a flavor names a topology the stack does not define', () => {
    const stack = kubernetesStack();
    new KueueQueues(stack, 'kueue', { topologies: [], flavors: [FLAVOR] });
    expect(() => Testing.synth(stack, true)).toThrow(/ResourceFlavor training names a Topology the stack does not define, got "gpu-fleet-nvlink", expected one of no topology/);
  });

  it('fails synth when the nodes of a flavor lack a level of its topology', () => {
    const stack = kubernetesStack();
    new KueueQueues(stack, 'kueue', { topologies: [NVLINK], flavors: [{ ...FLAVOR, nodes: { 'lab-01-rack-001-u01': { 'gpu-fleet.io/pool': 'training' } } }] });
    expect(() => Testing.synth(stack, true)).toThrow(/nodes of ResourceFlavor training lack the label of topology level gpu-fleet.io\/block/);
  });
});

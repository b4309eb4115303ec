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
  quota: { 'nvidia.com/gpu': 8 },
  nodes: { 'lab-01-rack-001-u01': NODE },
};

describe('KueueQueues', () => {
  it('renders the Topology, ResourceFlavor and ClusterQueue as kubernetes_manifest, keys as Kubernetes spells them', () => {
    const out = synthesize((scope) => new KueueQueues(scope, 'kueue', { topologies: [NVLINK], flavors: [FLAVOR] }));
    const manifests = resourcesOf(out, 'kubernetes_manifest');
    expect(manifests.map((m) => m.manifest.kind).sort()).toEqual(['ClusterQueue', 'ResourceFlavor', 'Topology']);
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
    expect(queue.manifest.spec.resourceGroups).toEqual([{ coveredResources: ['nvidia.com/gpu'], flavors: [{ name: 'training', resources: [{ name: 'nvidia.com/gpu', nominalQuota: 8 }] }] }]);
    expect(queue.depends_on).toEqual([expect.stringMatching(/^kubernetes_manifest\.kueue_flavor-training_/)]);
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

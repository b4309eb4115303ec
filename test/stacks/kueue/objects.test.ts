import { Taint } from '../../../constructs/taint';
import { clusterQueueManifest, FlavorSpec, flavorOrder, kueueConfiguration, kueueProblems, localQueueManifest, resourceFlavorManifest, resourceGroup, tolerationsFor, topologyManifest } from '../../../stacks/kueue/objects';
import { queueSpecs } from '../../../stacks/kueue/tenants';
import { TopologySpec } from '../../../stacks/topology';
import { kueueCrds } from '../../support/openapi-schema';

const crds = kueueCrds();
const LEVELS = ['gpu-fleet.io/block', 'gpu-fleet.io/rack', 'gpu-fleet.io/nvlink-domain', 'kubernetes.io/hostname'];
const NVLINK: TopologySpec = { name: 'gpu-fleet-nvlink', levels: LEVELS };
const NODE = { 'gpu-fleet.io/block': 'row-01-a', 'gpu-fleet.io/rack': 'rack-001', 'gpu-fleet.io/nvlink-domain': 'rack-001-u01-nvlink', 'gpu-fleet.io/pool': 'training' };

function flavor(change: Partial<FlavorSpec> = {}): FlavorSpec {
  return {
    name: 'training',
    nodeLabels: { 'gpu-fleet.io/pool': 'training' },
    tolerations: tolerationsFor([Taint.noSchedule('gpu-fleet.io/workload', 'training')]),
    topologyName: NVLINK.name,
    quota: { cpu: 208, memory: 3686, pods: 180, 'nvidia.com/gpu': 16 },
    devices: 16,
    sharing: 'whole',
    nodes: { 'lab-01-rack-001-u01': NODE, 'lab-01-rack-001-u09': { ...NODE, 'gpu-fleet.io/nvlink-domain': 'rack-001-u09-nvlink' } },
    ...change,
  };
}

describe('tolerationsFor', () => {
  it('tolerates each taint exactly: Equal with a value, Exists without one', () => {
    expect(tolerationsFor([Taint.noSchedule('gpu-fleet.io/workload', 'training'), Taint.noExecute('gpu-fleet.io/maintenance'), Taint.noSchedule('huawei.com/Ascend910')])).toEqual([
      { key: 'gpu-fleet.io/workload', operator: 'Equal', value: 'training', effect: 'NoSchedule' },
      { key: 'gpu-fleet.io/maintenance', operator: 'Exists', effect: 'NoExecute' },
      { key: 'huawei.com/Ascend910', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });
});

describe('resourceGroup', () => {
  const flavors = [
    flavor({ name: 'inference', sharing: 'shared', quota: { cpu: 10, memory: 100, pods: 9, 'nvidia.com/gpu.shared': 64 } }),
    flavor({ name: 'mig-small', sharing: 'mig', quota: { cpu: 10, memory: 100, pods: 9, 'nvidia.com/mig-1g.10gb': 112 } }),
    flavor({ name: 'training', quota: { cpu: 20, memory: 200, pods: 18, 'nvidia.com/gpu': 16 } }),
    flavor({ name: 'npu', quota: { cpu: 30, memory: 300, pods: 27, 'huawei.com/Ascend910': 8 } }),
  ];

  it('covers cpu, memory and pods then every device resource, in one group', () => {
    expect(resourceGroup(flavors).coveredResources).toEqual(['cpu', 'memory', 'pods', 'huawei.com/Ascend910', 'nvidia.com/gpu', 'nvidia.com/gpu.shared', 'nvidia.com/mig-1g.10gb']);
  });

  it('puts whole-device flavors first, then MIG, then shared, each in pool order', () => {
    expect(flavorOrder(flavors).map((f) => f.name)).toEqual(['training', 'npu', 'mig-small', 'inference']);
    expect(resourceGroup(flavors).flavors.map((f) => f.name)).toEqual(['training', 'npu', 'mig-small', 'inference']);
  });

  it('lists every covered resource for every flavor, 0 where the pool lacks it', () => {
    const inference = resourceGroup(flavors).flavors.find((f) => f.name === 'inference')!;
    expect(inference.resources.map((r) => `${r.name}=${r.nominalQuota}`)).toEqual([
      'cpu=10', 'memory=100', 'pods=9', 'huawei.com/Ascend910=0', 'nvidia.com/gpu=0', 'nvidia.com/gpu.shared=64', 'nvidia.com/mig-1g.10gb=0',
    ]);
  });
});

describe('the Kueue manifests', () => {
  it('validate against the Kueue CRDs with no unknown fields', () => {
    const flavors = [flavor(), flavor({ name: 'npu', tolerations: [], quota: { cpu: 10, memory: 20, pods: 30, 'huawei.com/Ascend910': 768 }, devices: 768 })];
    const tenants = [{ name: 'acme', namespaces: ['acme-train'], queueName: 'default', guarantees: { training: 8 }, borrowingLimitPercent: 10, lendingLimitPercent: 50, fairSharingWeight: 2 }];
    const queues = queueSpecs(flavors, tenants).map((q) => clusterQueueManifest(q, flavors));
    for (const obj of [topologyManifest(NVLINK), ...flavors.map(resourceFlavorManifest), ...queues, localQueueManifest('acme-train', 'default', 'acme')]) {
      expect({ kind: obj.kind, problems: crds.problems(obj) }).toEqual({ kind: obj.kind, problems: [] });
    }
  });

  it('leave tolerations out of a flavor whose pool has no taints', () => {
    expect(resourceFlavorManifest(flavor({ tolerations: [] })).spec).toEqual({ nodeLabels: { 'gpu-fleet.io/pool': 'training' }, topologyName: 'gpu-fleet-nvlink' });
  });
});

describe('kueueProblems', () => {
  it('finds nothing in a flavor whose nodes carry every level of its topology', () => {
    expect(kueueProblems([NVLINK], [flavor()])).toEqual([]);
  });

  it('fails when a flavor names a topology the stack does not define', () => {
    expect(kueueProblems([NVLINK], [flavor({ topologyName: 'gpu-fleet-hccs' })])).toEqual([
      'ResourceFlavor training names a Topology the stack does not define, got "gpu-fleet-hccs", expected one of gpu-fleet-nvlink',
    ]);
  });

  it('fails when kubernetes.io/hostname is not the lowest level', () => {
    const t = { name: 'bad', levels: ['kubernetes.io/hostname', 'gpu-fleet.io/rack'] };
    expect(kueueProblems([t], [flavor({ topologyName: 'bad' })])).toEqual(['Topology bad must end with the node level, got "gpu-fleet.io/rack", expected kubernetes.io/hostname as the lowest level']);
  });

  it('fails when a topology repeats a level', () => {
    const t = { name: 'bad', levels: ['gpu-fleet.io/rack', 'gpu-fleet.io/rack', 'kubernetes.io/hostname'] };
    expect(kueueProblems([t], [flavor({ topologyName: 'bad' })])).toEqual(['Topology bad repeats levels, got ["gpu-fleet.io/rack"], expected each node label once']);
  });

  it('fails when the flavor nodes lack a level label', () => {
    const nodes = { 'lab-01-rack-001-u01': NODE, 'lab-01-rack-001-u09': { 'gpu-fleet.io/pool': 'training', 'gpu-fleet.io/rack': 'rack-001', 'gpu-fleet.io/nvlink-domain': 'd' } };
    expect(kueueProblems([NVLINK], [flavor({ nodes })])).toEqual([
      'nodes of ResourceFlavor training lack the label of topology level gpu-fleet.io/block, got ["lab-01-rack-001-u09"], expected every node labelled gpu-fleet.io/block',
    ]);
  });

  it('fails when the flavor nodes do not carry its node labels', () => {
    expect(kueueProblems([NVLINK], [flavor({ nodeLabels: { 'gpu-fleet.io/pool': 'inference' } })])).toEqual([
      'nodes of ResourceFlavor training lack its node label gpu-fleet.io/pool=inference, got ["lab-01-rack-001-u01", "lab-01-rack-001-u09"], expected every node labelled gpu-fleet.io/pool=inference',
    ]);
  });

  it('fails when a pool has more taints than a flavor takes tolerations', () => {
    const taints = Array.from({ length: 9 }, (_, i) => Taint.noSchedule(`example.com/t${i}`));
    expect(kueueProblems([NVLINK], [flavor({ tolerations: tolerationsFor(taints) })])).toEqual([
      'ResourceFlavor training has too many tolerations (one per pool taint), got 9, expected at most 8',
    ]);
  });

  it('fails when a quota is not a whole number', () => {
    expect(kueueProblems([NVLINK], [flavor({ quota: { cpu: 1, memory: 1, pods: 1, 'nvidia.com/gpu': 1.5 } })])).toEqual([
      'ResourceFlavor training quota of nvidia.com/gpu is not a whole number, got 1.5, expected an integer >= 0',
    ]);
  });

  it('fails when a shared-GPU flavor offers nvidia.com/gpu (renameByDefault turned off)', () => {
    expect(kueueProblems([NVLINK], [flavor({ sharing: 'shared', quota: { cpu: 1, memory: 1, pods: 1, 'nvidia.com/gpu': 64 } })])).toEqual([
      'ResourceFlavor training of a shared-GPU pool offers nvidia.com/gpu, got 64, expected no nvidia.com/gpu (shared GPUs as nvidia.com/gpu.shared: renameByDefault true; MIG with migStrategy mixed)',
    ]);
  });

  it('fails when a flavor offers no cpu or memory', () => {
    expect(kueueProblems([NVLINK], [flavor({ quota: { pods: 1, 'nvidia.com/gpu': 8 } })])).toEqual([
      'ResourceFlavor training offers no cpu, got 0, expected the cpu of its nodes (every pod requests it)',
      'ResourceFlavor training offers no memory, got 0, expected the memory of its nodes (every pod requests it)',
    ]);
  });
});

describe('kueueConfiguration', () => {
  it('maps the ComputeDomain channel device class to the quota resource and turns DRA accounting on', () => {
    const nvl = flavor({ quota: { cpu: 1, memory: 1, pods: 1, 'nvidia.com/gpu': 4, 'gpu-fleet.io/compute-domain-channel': 4 } });
    expect(kueueConfiguration([nvl])).toEqual({
      apiVersion: 'config.kueue.x-k8s.io/v1beta2',
      kind: 'Configuration',
      featureGates: { DynamicResourceAllocation: true },
      resources: { deviceClassMappings: [{ name: 'gpu-fleet.io/compute-domain-channel', deviceClassNames: ['compute-domain-default-channel.nvidia.com'] }] },
    });
  });

  it('is not needed on a site without ComputeDomain pools or fair-sharing weights', () => {
    expect(kueueConfiguration([flavor()], queueSpecs([flavor()], [{ name: 'acme', namespaces: ['acme'], queueName: 'default', guarantees: {} }]))).toBeUndefined();
  });

  it('turns fair sharing on (v1beta2: the block is the switch) when a tenant has a weight', () => {
    const queues = queueSpecs([flavor()], [{ name: 'acme', namespaces: ['acme'], queueName: 'default', guarantees: {}, fairSharingWeight: 2 }]);
    expect(kueueConfiguration([flavor()], queues)).toEqual({
      apiVersion: 'config.kueue.x-k8s.io/v1beta2',
      kind: 'Configuration',
      fairSharing: { preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] },
    });
  });
});

import { Taint } from '../../../constructs/taint';
import { clusterQueueManifest, FlavorSpec, kueueProblems, resourceFlavorManifest, resourceGroups, tolerationsFor, topologyManifest } from '../../../stacks/kueue/objects';
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
    quota: { 'nvidia.com/gpu': 16 },
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

describe('resourceGroups', () => {
  it('puts flavors that share a resource in one group, listing every resource of the group, 0 where a flavor lacks it', () => {
    const groups = resourceGroups([
      flavor({ name: 'training', quota: { 'nvidia.com/gpu': 16 } }),
      flavor({ name: 'mig-mixed', quota: { 'nvidia.com/mig-1g.10gb': 32, 'nvidia.com/mig-3g.40gb': 16 } }),
      flavor({ name: 'inference', quota: { 'nvidia.com/gpu': 64 } }),
      flavor({ name: 'mig-small', quota: { 'nvidia.com/mig-1g.10gb': 112 } }),
      flavor({ name: 'npu', quota: { 'huawei.com/Ascend910': 8 } }),
    ]);
    expect(groups).toEqual([
      {
        coveredResources: ['nvidia.com/gpu'],
        flavors: [
          { name: 'training', resources: [{ name: 'nvidia.com/gpu', nominalQuota: 16 }] },
          { name: 'inference', resources: [{ name: 'nvidia.com/gpu', nominalQuota: 64 }] },
        ],
      },
      {
        coveredResources: ['nvidia.com/mig-1g.10gb', 'nvidia.com/mig-3g.40gb'],
        flavors: [
          { name: 'mig-mixed', resources: [{ name: 'nvidia.com/mig-1g.10gb', nominalQuota: 32 }, { name: 'nvidia.com/mig-3g.40gb', nominalQuota: 16 }] },
          { name: 'mig-small', resources: [{ name: 'nvidia.com/mig-1g.10gb', nominalQuota: 112 }, { name: 'nvidia.com/mig-3g.40gb', nominalQuota: 0 }] },
        ],
      },
      { coveredResources: ['huawei.com/Ascend910'], flavors: [{ name: 'npu', resources: [{ name: 'huawei.com/Ascend910', nominalQuota: 8 }] }] },
    ]);
  });
});

describe('the Kueue manifests', () => {
  it('validate against the Kueue CRDs with no unknown fields', () => {
    const flavors = [flavor(), flavor({ name: 'npu', tolerations: [], quota: { 'huawei.com/Ascend910': 768 } })];
    for (const obj of [topologyManifest(NVLINK), ...flavors.map(resourceFlavorManifest), clusterQueueManifest('gpu-fleet', flavors)]) {
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
    expect(kueueProblems([NVLINK], [flavor({ quota: { 'nvidia.com/gpu': 1.5 } })])).toEqual(['ResourceFlavor training quota of nvidia.com/gpu is not a whole number, got 1.5, expected an integer >= 0']);
  });
});

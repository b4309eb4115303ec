import { kueueCrds, validateSchema } from './openapi-schema';

const crds = kueueCrds();

const topology = (levels: unknown[], apiVersion = 'kueue.x-k8s.io/v1beta2') => ({
  apiVersion,
  kind: 'Topology',
  metadata: { name: 'gpu-fleet-nvlink' },
  spec: { levels },
});

const flavor = (spec: Record<string, unknown>) => ({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'training' }, spec });

const queue = (spec: Record<string, unknown>) => ({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'gpu-fleet' }, spec });

const group = (quota: unknown) => ({
  coveredResources: ['nvidia.com/gpu'],
  flavors: [{ name: 'training', resources: [{ name: 'nvidia.com/gpu', nominalQuota: quota }] }],
});

describe('the openAPIV3Schema validator on the Kueue CRDs', () => {
  it('accepts valid objects in both served versions', () => {
    for (const v of ['kueue.x-k8s.io/v1beta1', 'kueue.x-k8s.io/v1beta2']) {
      expect(crds.problems(topology([{ nodeLabel: 'gpu-fleet.io/rack' }, { nodeLabel: 'kubernetes.io/hostname' }], v))).toEqual([]);
    }
    expect(crds.problems(flavor({ nodeLabels: { 'gpu-fleet.io/pool': 'training' }, tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }], topologyName: 'gpu-fleet-nvlink' }))).toEqual([]);
    expect(crds.problems(queue({ namespaceSelector: {}, resourceGroups: [group(64)] }))).toEqual([]);
  });

  it('accepts quantities as integers or quantity strings', () => {
    expect(crds.problems(queue({ resourceGroups: [group('64')] }))).toEqual([]);
    expect(crds.problems(queue({ resourceGroups: [group('1.5k')] }))).toEqual([]);
  });

  it('fails when a field is unknown', () => {
    expect(crds.problems(flavor({ nodeLabels: { a: 'b' }, topology: 'x' }))).toEqual(['$.spec.topology: is an unknown field']);
    expect(crds.problems({ ...topology([{ nodeLabel: 'kubernetes.io/hostname', weight: 1 }]) })).toEqual(['$.spec.levels[0].weight: is an unknown field']);
  });

  it('fails when a required field is missing', () => {
    expect(crds.problems({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'Topology', metadata: { name: 't' }, spec: {} })).toEqual(['$.spec: misses required field levels']);
  });

  it('fails when a string does not match its pattern or length', () => {
    expect(crds.problems(topology([{ nodeLabel: 'not a label' }]))[0]).toMatch(/^\$\.spec\.levels\[0\]\.nodeLabel: does not match/);
    expect(crds.problems(topology([{ nodeLabel: '' }]))).toContain('$.spec.levels[0].nodeLabel: is shorter than 1 characters');
  });

  it('fails when a list is longer than allowed', () => {
    const levels = Array.from({ length: 17 }, (_, i) => ({ nodeLabel: `l${i}` }));
    expect(crds.problems(topology(levels))).toEqual(['$.spec.levels: has more than 16 items']);
  });

  it('fails when a map has more entries than allowed', () => {
    const nodeLabels = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v']));
    expect(crds.problems(flavor({ nodeLabels }))).toEqual(['$.spec.nodeLabels: has more than 8 properties']);
  });

  it('fails when a value is not in its enum', () => {
    expect(crds.problems(queue({ queueingStrategy: 'Random' }))).toEqual(['$.spec.queueingStrategy: must be one of ["StrictFIFO","BestEffortFIFO"], got "Random"']);
  });

  it('fails when a value has the wrong type', () => {
    expect(crds.problems(queue({ resourceGroups: [group(true)] }))).toEqual(['$.spec.resourceGroups[0].flavors[0].resources[0].nominalQuota: must be an integer or a string, got boolean']);
    expect(crds.problems(queue({ resourceGroups: [group('64 GPUs')] }))[0]).toMatch(/nominalQuota: does not match/);
  });

  it('fails when list-map keys repeat', () => {
    const g = { coveredResources: ['nvidia.com/gpu'], flavors: [group(1).flavors[0], group(2).flavors[0]] };
    expect(crds.problems(queue({ resourceGroups: [g] }))).toEqual(['$.spec.resourceGroups[0].flavors: has two items with the same name: ["training"]']);
  });

  it('fails when the version is not served or the kind has no CRD', () => {
    expect(crds.problems(topology([{ nodeLabel: 'kubernetes.io/hostname' }], 'kueue.x-k8s.io/v1alpha1'))).toEqual(['$.apiVersion: version v1alpha1 is not served, served: v1beta1, v1beta2']);
    expect(crds.problems({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'Cohort', metadata: { name: 'x' } })).toEqual(['no CRD for kueue.x-k8s.io/v1beta2 Cohort']);
  });

  it('checks metadata as ObjectMeta: a cluster-scoped kind has no namespace', () => {
    expect(crds.problems({ ...queue({}), metadata: { name: 'gpu-fleet', namespace: 'default' } })).toEqual(['$.metadata.namespace: must be absent for a cluster-scoped kind']);
    expect(crds.problems({ ...queue({}), metadata: { name: 'Gpu_Fleet' } })).toEqual(['$.metadata.name: must be a DNS subdomain, got "Gpu_Fleet"']);
  });

  it('allows unknown fields where the schema preserves them', () => {
    expect(validateSchema({ a: { b: 1 } }, { type: 'object', properties: { a: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })).toEqual([]);
    expect(validateSchema({ a: { b: 1 } }, { type: 'object', properties: { a: { type: 'object' } } })).toEqual([{ path: '$.a.b', message: 'is an unknown field' }]);
  });
});

import { computeDomainManifest, NvidiaComputeDomains } from '../../../stacks/nvidia/compute-domains';
import { resourcesOf, synthesize } from './synth';

describe('NvidiaComputeDomains', () => {
  it('gives each multi-node NVLink pool a namespace and a ComputeDomain whose channel claim template pods reference', () => {
    const out = synthesize((scope) => new NvidiaComputeDomains(scope, 'cds', { pools: [{ pool: 'training' }, { pool: 'serving' }] }));
    expect(resourcesOf(out, 'kubernetes_namespace_v1').map((n) => n.metadata.name).sort()).toEqual(['serving', 'training']);
    const cds = resourcesOf(out, 'kubernetes_manifest').map((m) => m.manifest);
    expect(cds).toContainEqual({
      apiVersion: 'resource.nvidia.com/v1beta1',
      kind: 'ComputeDomain',
      metadata: { name: 'training-mnnvl', namespace: 'training', labels: { 'app.kubernetes.io/managed-by': 'gpu-fleet', 'gpu-fleet.io/pool': 'training' } },
      spec: { numNodes: 0, channel: { resourceClaimTemplate: { name: 'training-imex-channel' }, allocationMode: 'Single' } },
    });
    for (const m of resourcesOf(out, 'kubernetes_manifest')) expect(m.depends_on).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\.cds_namespace-/)]);
  });

  it('writes only fields of the ComputeDomain API (spec.numNodes and spec.channel)', () => {
    const spec = computeDomainManifest('training').spec as Record<string, unknown>;
    expect(Object.keys(spec).sort()).toEqual(['channel', 'numNodes']);
    expect(Object.keys(spec.channel as object).sort()).toEqual(['allocationMode', 'resourceClaimTemplate']);
  });
});

/**
 * The Kueue objects of every site of both defined fleets validate against Kueue's CRDs (kept in
 * test/fixtures/kueue-crds) and meet the stack's own rules: every flavor's topology exists,
 * ends with kubernetes.io/hostname, and names labels every node of the flavor carries; every
 * ClusterQueue has a LocalQueue, covers cpu and memory; no shared or MIG flavor offers
 * nvidia.com/gpu; tenants' quotas add up to the pools.
 */
import { Testing } from 'cdktf';
import { exampleFleet } from '../../fleets/example';
import { referenceFleet } from '../../fleets/reference';
import { addSiteStacks } from '../../stacks/fleet-app';
import { poolQuota } from '../../stacks/kueue/quota';
import { kueueCrds } from '../support/openapi-schema';

const crds = kueueCrds();

// Manifests are data of arbitrary shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

describe.each([
  ['reference', referenceFleet],
  ['example', exampleFleet],
])('the Kueue objects of the %s fleet', (_name, build) => {
  const fleet = build();
  const stacks = addSiteStacks(Testing.app(), fleet);
  const all = stacks.map((stack) => ({ site: stack.node.id, stack, m: stack.kueue!.manifests }));

  it('validate against the Kueue CRD schemas with no unknown fields', () => {
    for (const { site, m } of all) {
      for (const obj of [...Object.values(m.topologies), ...Object.values(m.flavors), ...Object.values(m.clusterQueues), ...Object.values(m.localQueues)]) {
        expect({ site, kind: obj.kind, problems: crds.problems(obj) }).toEqual({ site, kind: obj.kind, problems: [] });
      }
    }
  });

  it('meet the stack rules: topologies exist, end with the hostname and are labels of the flavor nodes', () => {
    for (const stack of stacks) expect({ site: stack.node.id, problems: stack.kueue!.node.validate() }).toEqual({ site: stack.node.id, problems: [] });
  });

  it('give each pool a flavor with the quota of its nodes and devices', () => {
    for (const stack of stacks) {
      expect(stack.kueue!.flavorSpecs.map((f) => f.name)).toEqual(stack.site.pools.map((p) => p.node.id));
      for (const pool of stack.site.pools) expect(stack.kueue!.flavorSpecs.find((f) => f.name === pool.node.id)!.quota).toEqual(poolQuota(pool));
    }
  });

  it('give every ClusterQueue a LocalQueue pointing at it, in a namespace it admits', () => {
    for (const { site, m } of all) {
      for (const [name, cq] of Object.entries(m.clusterQueues) as Array<[string, Obj]>) {
        const locals = Object.values(m.localQueues).filter((lq: Obj) => lq.spec.clusterQueue === name) as Obj[];
        const selected = cq.spec.namespaceSelector.matchExpressions?.[0]?.values;
        expect({ site, name, locals: locals.length > 0, admitted: locals.every((lq) => !selected || selected.includes(lq.metadata.namespace)) }).toEqual({ site, name, locals: true, admitted: true });
      }
    }
  });

  it('cover cpu, memory and pods in every ClusterQueue, in the cohort of the site', () => {
    for (const { site, m } of all) {
      for (const cq of Object.values(m.clusterQueues) as Obj[]) {
        const covered = cq.spec.resourceGroups.flatMap((g: Obj) => g.coveredResources);
        expect({ site, name: cq.metadata.name, cohort: cq.spec.cohortName, host: ['cpu', 'memory', 'pods'].filter((r) => covered.includes(r)) }).toEqual({ site, name: cq.metadata.name, cohort: 'gpu-fleet', host: ['cpu', 'memory', 'pods'] });
      }
    }
  });

  it('offer nvidia.com/gpu on no shared or MIG flavor, in any ClusterQueue', () => {
    for (const { site, stack, m } of all) {
      const sliced = new Set(stack.kueue!.flavorSpecs.filter((f) => f.sharing !== 'whole').map((f) => f.name));
      for (const cq of Object.values(m.clusterQueues) as Obj[]) {
        for (const f of cq.spec.resourceGroups[0].flavors as Obj[]) {
          if (!sliced.has(f.name)) continue;
          const gpu = (f.resources as Obj[]).find((r) => r.name === 'nvidia.com/gpu')?.nominalQuota ?? 0;
          expect({ site, queue: cq.metadata.name, flavor: f.name, gpu }).toEqual({ site, queue: cq.metadata.name, flavor: f.name, gpu: 0 });
        }
      }
    }
  });

  it('split each pool exactly: the ClusterQueues quotas of a flavor add up to the pool', () => {
    for (const { site, stack } of all) {
      for (const f of stack.kueue!.flavorSpecs) {
        for (const [resource, total] of Object.entries(f.quota)) {
          const sum = stack.kueue!.queueSpecs.reduce((a, q) => a + q.nominal[f.name][resource], 0);
          expect({ site, flavor: f.name, resource, sum }).toEqual({ site, flavor: f.name, resource, sum: total });
        }
      }
    }
  });
});

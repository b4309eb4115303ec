/**
 * The Kueue objects of every site of both defined fleets validate against Kueue's CRDs (kept in
 * test/fixtures/kueue-crds) and meet the stack's own rules: every flavor's topology exists,
 * ends with kubernetes.io/hostname, and names labels every node of the flavor carries.
 */
import { Testing } from 'cdktf';
import { exampleFleet } from '../../fleets/example';
import { referenceFleet } from '../../fleets/reference';
import { addSiteStacks } from '../../stacks/fleet-app';
import { advertisedResources } from '../../stacks/kueue/quota';
import { kueueCrds } from '../support/openapi-schema';

const crds = kueueCrds();

describe.each([
  ['reference', referenceFleet],
  ['example', exampleFleet],
])('the Kueue objects of the %s fleet', (_name, build) => {
  const fleet = build();
  const stacks = addSiteStacks(Testing.app(), fleet);

  it('validate against the Kueue CRD schemas with no unknown fields', () => {
    for (const stack of stacks) {
      const { topologies, flavors, clusterQueue } = stack.kueue!.manifests;
      for (const obj of [...Object.values(topologies), ...Object.values(flavors), clusterQueue]) {
        expect({ site: stack.node.id, kind: obj.kind, problems: crds.problems(obj) }).toEqual({ site: stack.node.id, kind: obj.kind, problems: [] });
      }
    }
  });

  it('meet the stack rules: topologies exist, end with the hostname and are labels of the flavor nodes', () => {
    for (const stack of stacks) expect({ site: stack.node.id, problems: stack.kueue!.node.validate() }).toEqual({ site: stack.node.id, problems: [] });
  });

  it('give each pool a flavor with the quota its device plugin advertises', () => {
    for (const stack of stacks) {
      expect(stack.kueue!.flavorSpecs.map((f) => f.name)).toEqual(stack.site.pools.map((p) => p.node.id));
      for (const pool of stack.site.pools) expect(stack.kueue!.flavorSpecs.find((f) => f.name === pool.node.id)!.quota).toEqual(advertisedResources(pool));
    }
  });
});

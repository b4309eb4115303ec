/**
 * Every fleet registered in fleets/index.ts, tested with no test of its own to write: it builds
 * without violations, synthesizes one stack per site the way `cdktf synth` does (backend, provider,
 * inventory), and each stack is recorded as a snapshot. Registering a fleet, or adding a site to
 * one, needs only `npx jest -u test/fleets/registered-fleets.test.ts` and a review of the diff.
 *
 * Fleets with a test file of their own keep their snapshots there, with assertions on their own
 * facts (reference.test.ts, example.test.ts, inventory.test.ts); they get the general checks here too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { Site } from '../../constructs/site';
import { stateAddress, stateLocation } from '../../constructs/state-backend';
import { fleetNames, loadFleet } from '../../fleets';
import { addSiteStacks } from '../../stacks/fleet-app';
import { fleetReport } from '../../tools/report';
import { inventorySummary, removeDir, synthFleetToTemp, synthStack, tempDir } from '../support/synth';

/** Fleets whose stacks are snapshotted by their own test file, beside their facts. */
const OWN_SNAPSHOT_TESTS = new Set(['reference', 'example', 'inventory']);

const names = fleetNames();

describe.each(names)('the registered fleet %s', (name) => {
  const fleet = loadFleet(name);
  const sites = fleet.node.children.filter((c): c is Site => c instanceof Site);

  it('has at least one site and no rule violations', () => {
    expect(sites.length).toBeGreaterThan(0);
    expect(fleet.validate()).toEqual([]);
  });

  it('keeps every site state in a location of its own', () => {
    const addresses = sites.map((s) => stateAddress(stateLocation(s)));
    expect(new Set(addresses).size).toBe(sites.length);
  });
});

describe.each(names.filter((n) => !OWN_SNAPSHOT_TESTS.has(n)))('the registered fleet %s synthesized', (name) => {
  const fleet = loadFleet(name);
  const sites = fleet.node.children.filter((c): c is Site => c instanceof Site);
  const report = fleetReport(fleet);
  const out = synthFleetToTemp(fleet);
  afterAll(() => removeDir(path.dirname(out.outdir)));

  it('writes one stack per site, each with its backend and its cluster', () => {
    expect([...out.stacks].sort()).toEqual(sites.map((s) => s.node.id).sort());
    for (const site of sites) {
      const tf = out.readStack(site.node.id);
      expect(Object.keys(tf.terraform.backend)).toEqual([stateLocation(site).kind]);
      expect(tf.provider.kubernetes).toEqual([{ config_path: fleet.kubeconfigPath, config_context: site.kubeContext }]);
    }
    expect(fs.existsSync(path.join(out.outdir, 'manifest.json'))).toBe(true);
  });

  it('writes every pooled server, and only those, into the node inventories', () => {
    // A node may be in more than one inventory variable (labels, and annotations on Ascend supernodes).
    const inInventory = new Set<string>();
    for (const s of out.stacks) for (const nodes of Object.values(out.readInventory(s))) for (const host of Object.keys(nodes)) inInventory.add(host);
    const pooled = sites.flatMap((site) => site.pools.flatMap((p) => p.servers.map((server) => server.nodeName)));
    expect([...inInventory].sort()).toEqual([...pooled].sort());
    expect(inInventory.size).toBeLessThanOrEqual(report.totals.servers);
  });

  describe('site stacks', () => {
    const snapDir = tempDir();
    const stacks = addSiteStacks(new App({ outdir: snapDir }), fleet);
    afterAll(() => removeDir(snapDir));

    it.each(stacks.map((s) => [s.node.id, s] as const))('synthesizes %s as recorded', (_id, stack) => {
      const tf = synthStack(stack);
      const inventory = inventorySummary(stack);
      expect(Object.keys(tf.variable ?? {}).sort()).toEqual(Object.keys(stack.inventory.variables).sort());
      expect({ stack: tf, inventory }).toMatchSnapshot();
    });
  });
});

/**
 * The benchmark's measuring function, once, on a small fleet: the shape and sanity of what it
 * reports (counts consistent with the fleet, times present). No timing assertion: times depend
 * on the machine; BENCHMARKS.md holds the figures.
 */
import * as fs from 'fs';
import * as os from 'os';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { Site } from '../../constructs/site';
import { Taint } from '../../constructs/taint';
import { AIR_HGX_RACKS, buildFleet, LIQUID_HGX_RACKS, TRAINING_POOL } from '../../fleets/site-design';
import { referenceFleet } from '../../fleets/reference';
import { countResources, measureBareTree, measureSynth, minimalReferenceFleet, SynthMeasurement, treeShape } from '../../tools/bench';

/** Two sites, 34 servers: 30 in tainted pools, 4 in an untainted MPS pool. */
function smallFleet() {
  return buildFleet('bench-test', [
    {
      id: 'lab-01',
      region: 'xinjiang',
      zone: 'hami-yiwu',
      platform: 'hgx-h100',
      servers: 24,
      racks: LIQUID_HGX_RACKS,
      utilityCapacityMw: 1,
      pue: 1.2,
      pools: [TRAINING_POOL, { name: 'serving', servers: 4, sharing: GpuSharing.mps(2) }],
    },
    {
      id: 'lab-02',
      region: 'qinghai',
      zone: 'xining-nanchuan',
      platform: 'hgx-h200',
      servers: 10,
      racks: AIR_HGX_RACKS,
      utilityCapacityMw: 1,
      pue: 1.3,
      pools: [{ name: 'batch', taints: [Taint.noSchedule('gpu-fleet.io/workload', 'batch')] }],
    },
  ]);
}

describe('measureSynth', () => {
  const benchDirs = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('gpu-fleet-bench-'));
  let before: string[];
  let m: SynthMeasurement;
  beforeAll(() => {
    before = benchDirs();
    m = measureSynth(smallFleet);
  });

  it('counts the servers and stacks of the fleet', () => {
    const fleet = smallFleet();
    const sites = fleet.node.children.filter((c): c is Site => c instanceof Site);
    expect(m.servers).toBe(sites.reduce((n, s) => n + s.racks.reduce((k, r) => k + r.servers.length, 0), 0));
    expect(m.servers).toBe(34);
    expect(m.stacks).toBe(sites.length);
    // manifest.json, and per stack at least cdk.tf.json and the node inventory
    expect(m.files).toBeGreaterThanOrEqual(1 + 2 * m.stacks);
  });

  it('counts every for_each key as a resource instance: one labels instance per server, one taint instance per tainted server', () => {
    expect(m.resourcesByType.kubernetes_labels).toBe(34);
    expect(m.resourcesByType.kubernetes_node_taint).toBe(30);
    expect(m.resources).toBe(Object.values(m.resourcesByType).reduce((a, b) => a + b, 0));
    // the rest are per-site objects (namespaces, device plugins, config maps, ...)
    expect(m.resources - 64).toBeGreaterThanOrEqual(2 * m.stacks);
  });

  it('reports output size, times and the ratio to the floor', () => {
    expect(m.outputBytes).toBeGreaterThan(10_000);
    // The floor writes the same objects with JSON.stringify: within a few percent of the bytes.
    expect(Math.abs(m.floorBytes - m.outputBytes) / m.outputBytes).toBeLessThan(0.05);
    for (const ms of [m.constructMs, m.synthMs, m.floorMs]) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThan(0);
    }
    expect(m.ratio).toBeCloseTo((m.constructMs + m.synthMs) / m.floorMs, 6);
  });

  it("reports the node inventories' share of the floor", () => {
    expect(m.floorInventoryMs).toBeGreaterThan(0);
    expect(m.floorInventoryMs).toBeLessThan(m.floorMs);
  });

  it('times every step of synth, in order, within the synth time', () => {
    expect(Object.keys(m.phasesMs)).toEqual(['validate fleet', 'build stacks', 'validate stacks', 'cdktf synth', 'swap']);
    const steps = Object.values(m.phasesMs);
    for (const ms of steps) expect(ms).toBeGreaterThanOrEqual(0);
    const sum = steps.reduce((a, b) => a + b, 0);
    expect(sum).toBeLessThanOrEqual(m.synthMs + 1e-6);
    expect(sum).toBeGreaterThan(m.synthMs * 0.5);
  });

  it('leaves no temporary directory behind', () => {
    expect(benchDirs()).toEqual(before);
  });
});

describe('countResources', () => {
  const config = (resource: object, variable: object = {}) => ({ rel: 'stacks/s/cdk.tf.json', value: { resource, variable } });

  it('counts a block without for_each once and one with for_each once per key of its variable', () => {
    const files = [
      config({ a_thing: { one: {}, two: {} }, b_each: { x: { for_each: '${var.nodes}' } } }),
      { rel: 'stacks/s/nodes.auto.tfvars.json', value: { nodes: { h1: {}, h2: {}, h3: {} } } },
      { rel: 'manifest.json', value: { stacks: {} } },
    ];
    expect(countResources(files)).toEqual({ a_thing: 2, b_each: 3 });
  });

  it('falls back to the variable default and refuses a for_each it cannot count', () => {
    expect(countResources([config({ t: { x: { for_each: '${var.v}' } } }, { v: { default: { a: 1, b: 2 } } })])).toEqual({ t: 2 });
    expect(() => countResources([config({ t: { x: { for_each: '${toset(local.x)}' } } })])).toThrow(/cannot count the instances of t.x/);
  });
});

describe('minimalReferenceFleet', () => {
  it('keeps every site and pool of the reference fleet with as few servers as the pools allow', () => {
    const sitesOf = (fleet: ReturnType<typeof referenceFleet>) => fleet.node.children.filter((c): c is Site => c instanceof Site);
    const minimal = sitesOf(minimalReferenceFleet());
    const full = sitesOf(referenceFleet());
    expect(minimal.map((s) => [s.node.id, s.pools.map((p) => p.node.id)])).toEqual(full.map((s) => [s.node.id, s.pools.map((p) => p.node.id)]));
    const servers = minimal.reduce((n, s) => n + s.servers.length, 0);
    expect(servers).toBeLessThan(full.reduce((n, s) => n + s.servers.length, 0) / 50);
    // The pool without a server count gets one rack, so no pool is empty.
    for (const site of minimal) for (const pool of site.pools) expect(pool.servers.length).toBeGreaterThan(0);
  });
});

describe('treeShape and measureBareTree', () => {
  it('rebuild the construct tree of a fleet, id for id, out of bare constructs', () => {
    const fleet = smallFleet();
    const shape = treeShape(fleet);
    expect(shape[0]).toBe(fleet.node.id);
    expect(shape[1].map(([id]) => id)).toEqual(fleet.node.children.map((c) => c.node.id));
    const rack = fleet.node.findAll().find((c) => c.node.path.endsWith('/rack-001'))!;
    const site = shape[1].find(([id]) => id === 'lab-01')!;
    expect(site[1].find(([id]) => id === 'rack-001')![1].map(([id]) => id)).toEqual(rack.node.children.map((c) => c.node.id));

    const bare = measureBareTree(shape);
    expect(bare.constructs).toBe(fleet.node.findAll().length);
    for (const ms of [bare.buildMs, bare.validateMs]) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
  });
});

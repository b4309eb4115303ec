import { Testing } from 'cdktf';
import { Cooling } from '../../constructs/cooling';
import { Fleet } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { NodePool } from '../../constructs/node-pool';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { Site } from '../../constructs/site';
import { Taint } from '../../constructs/taint';
import { addCloudMatrix384, CLOUDMATRIX_RACKS, addNvl72Racks } from '../../fleets/rack-scale';
import { tolerationsFor } from '../../stacks/kueue/objects';
import { advertisedResources, poolQuota } from '../../stacks/kueue/quota';
import { SiteStack } from '../../stacks/site-stack';
import { resourcesOf, synthStack } from '../support/synth';
import { hgx, SITE_PROPS } from '../support/tiny-fleet';

/** One site with an NVL72 pool, an HGX H100 pool, an Atlas 800T A2 pool and, optionally, a CloudMatrix 384. */
function mixedSite(withSupernode = false) {
  const fleet = new Fleet('test');
  const site = new Site(fleet, 'mixed-01', { ...SITE_PROPS, utilityCapacityMw: 2 });
  const trays = addNvl72Racks(site, { racks: 2, racksPerRow: 2, feed: { voltageV: 415, amperageA: 630 }, coolingKw: 140 });
  const a = new PowerFeed(site, 'row-01-a', { side: 'A', voltageV: 415, amperageA: 250 });
  const b = new PowerFeed(site, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 250 });
  const rack = new Rack(site, 'rack-101', { cooling: Cooling.liquid(50), feedA: a, feedB: b });
  const h100 = [hgx(rack, 1), hgx(rack, 9)];
  const rack2 = new Rack(site, 'rack-102', { cooling: Cooling.liquid(50), feedA: a, feedB: b });
  const npus = [hgx(rack2, 1, {}, 'atlas-800t-a2'), hgx(rack2, 5, {}, 'atlas-800t-a2')];
  const pools = {
    nvl72: new NodePool(site, 'nvl72', { servers: trays, taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')] }),
    h100: new NodePool(site, 'h100', { servers: h100, sharing: GpuSharing.timeSlicing(4) }),
    npu: new NodePool(site, 'npu', { servers: npus, taints: [Taint.noSchedule('huawei.com/Ascend910')] }),
  } as Record<string, NodePool>;
  if (withSupernode) {
    const sn = addCloudMatrix384(site, {
      id: 'supernode-01',
      superPodId: 2,
      firstRack: 201,
      ...CLOUDMATRIX_RACKS,
    });
    pools.supernode = new NodePool(site, 'supernode', { servers: sn });
  }
  expect(fleet.validate()).toEqual([]);
  const stack = new SiteStack(Testing.app(), { site });
  return { site, pools, stack, tf: synthStack(stack) };
}

describe('SiteStack with NVL72, HGX and Ascend pools', () => {
  const { site, pools, stack, tf } = mixedSite(true);

  it("gives the GPU Operator device plugin configs for the NVIDIA pools only, and runs the Ascend plugin beside it", () => {
    const cm = Object.values(resourcesOf(tf, 'kubernetes_config_map_v1')).find((r) => r.metadata.name === 'nvidia-device-plugin-configs')!;
    expect(cm.metadata.namespace).toBe('gpu-operator');
    expect(Object.keys(cm.data).sort()).toEqual(['default', 'h100', 'nvl72']);
    const daemonSets = Object.values(resourcesOf(tf, 'kubernetes_daemon_set_v1')).map((d) => d.metadata.name);
    expect(daemonSets.sort()).toEqual(['ascend-device-plugin']);
    const policy = Object.values(resourcesOf(tf, 'kubernetes_manifest')).find((m) => m.manifest.kind === 'ClusterPolicy')!;
    expect(policy.manifest.spec.devicePlugin.config).toEqual({ name: 'nvidia-device-plugin-configs', default: 'default' });
    // NVIDIA's DaemonSet needs the config label, which Ascend nodes do not carry.
    for (const host of Object.keys(stack.inventory.variables.nodes_npu)) {
      expect(stack.inventory.variables.nodes_npu[host]).not.toHaveProperty('nvidia.com/device-plugin.config');
      expect(stack.inventory.variables.nodes_npu[host]).toHaveProperty('accelerator', 'huawei-Ascend910');
    }
  });

  it('makes a ComputeDomain for the NVL72 pool only', () => {
    const cds = Object.values(resourcesOf(tf, 'kubernetes_manifest')).filter((m) => m.manifest.kind === 'ComputeDomain');
    expect(cds.map((m) => m.manifest.metadata.namespace)).toEqual(['nvl72']);
  });

  it('defines one topology per kind of scale-up domain and one flavor per pool, on the topology of its platform', () => {
    const kueue = stack.kueue!;
    expect(kueue.topologySpecs.map((t) => t.name)).toEqual(['gpu-fleet-nvlink', 'gpu-fleet-hccs', 'gpu-fleet-hccs-multi-rack']);
    expect(Object.fromEntries(kueue.flavorSpecs.map((f) => [f.name, f.topologyName]))).toEqual({
      nvl72: 'gpu-fleet-nvlink',
      h100: 'gpu-fleet-nvlink',
      npu: 'gpu-fleet-hccs',
      supernode: 'gpu-fleet-hccs-multi-rack',
    });
  });

  it('sets each flavor quota to what the pool device plugin advertises, and its tolerations to the pool taints', () => {
    for (const f of stack.kueue!.flavorSpecs) {
      const pool = site.pools.find((p) => p.node.id === f.name)!;
      expect(f.quota).toEqual(poolQuota(pool));
      expect(f.quota).toMatchObject(advertisedResources(pool));
      expect(f.tolerations).toEqual(tolerationsFor(pool.taints));
    }
    const devices = (q: Record<string, number>) => Object.fromEntries(Object.entries(q).filter(([r]) => !['cpu', 'memory', 'pods'].includes(r)));
    expect(stack.kueue!.flavorSpecs.map((f) => [f.name, devices(f.quota)])).toEqual([
      ['nvl72', { 'gpu-fleet.io/compute-domain-channel': 144, 'nvidia.com/gpu': 144 }],
      ['h100', { 'nvidia.com/gpu.shared': 64 }],
      ['npu', { 'huawei.com/Ascend910': 16 }],
      ['supernode', { 'huawei.com/Ascend910': 768 }],
    ]);
    expect(pools.supernode.advertisedDevices).toBe(768);
  });

  it('annotates supernode members with their superPodID through a for_each resource', () => {
    const annotations = Object.values(resourcesOf(tf, 'kubernetes_annotations'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatchObject({ for_each: '${var.node_annotations_supernode}', kind: 'Node', annotations: '${each.value}', field_manager: 'gpu-fleet-annotations' });
    const values = Object.values(stack.inventory.variables.node_annotations_supernode);
    expect(values).toHaveLength(48);
    expect(new Set(values.map((v) => v.superPodID))).toEqual(new Set(['2']));
  });
});

describe('SiteStack device plugins per vendor', () => {
  function singleVendorSite(platformName: string) {
    const fleet = new Fleet('test');
    const site = new Site(fleet, 'lab-01', SITE_PROPS);
    const a = new PowerFeed(site, 'row-01-a', { side: 'A', voltageV: 415, amperageA: 125 });
    const b = new PowerFeed(site, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 125 });
    const rack = new Rack(site, 'rack-001', { cooling: Cooling.liquid(50), feedA: a, feedB: b });
    new NodePool(site, 'pool', { servers: [hgx(rack, 1, {}, platformName)] });
    return new SiteStack(Testing.app(), { site });
  }

  it('deploys no Ascend plugin on an NVIDIA-only site', () => {
    const stack = singleVendorSite('hgx-h100');
    expect(stack.gpuOperator).toBeDefined();
    expect(stack.devicePlugin).toBeUndefined();
    expect(stack.ascendDevicePlugin).toBeUndefined();
    expect(stack.computeDomains).toBeUndefined();
  });

  it('deploys no NVIDIA plugin on an Ascend-only site', () => {
    const stack = singleVendorSite('atlas-800t-a2');
    expect(stack.devicePlugin).toBeUndefined();
    expect(stack.gpuOperator).toBeUndefined();
    expect(stack.ascendDevicePlugin).toBeDefined();
    const tf = synthStack(stack);
    // Only the fleet's own namespace, for the default ClusterQueue's LocalQueue: no NVIDIA plugin namespace.
    expect(Object.values(resourcesOf(tf, 'kubernetes_namespace_v1')).map((n) => n.metadata.name)).toEqual(['gpu-fleet']);
    expect(Object.values(resourcesOf(tf, 'kubernetes_daemon_set_v1')).map((d) => d.metadata.name)).toEqual(['ascend-device-plugin']);
  });
});

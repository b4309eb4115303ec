import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { Site } from '../../constructs/site';
import { loadFleet } from '../../fleets';
import { exampleFleet } from '../../fleets/example';
import { addSiteStacks } from '../../stacks/fleet-app';
import { tolerationsFor } from '../../stacks/kueue/objects';
import { advertisedResources } from '../../stacks/kueue/quota';
import { LABEL } from '../../stacks/node-labels';
import { SiteStack } from '../../stacks/site-stack';
import { topologyFor } from '../../stacks/topology';
import { fleetReport } from '../../tools/report';
import { kueueCrds } from '../support/openapi-schema';
import { inventorySummary, resourcesOf, TfJson } from '../support/synth';

const fleet = exampleFleet();
const sites = fleet.node.children.filter((c): c is Site => c instanceof Site);
const report = fleetReport(fleet);
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-snap-'));
const app = new App({ outdir });
const stacks = addSiteStacks(app, fleet);
const byName = new Map(stacks.map((s) => [s.node.id, s]));
const synthesized = new Map<string, TfJson>(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s, true))]));
const crds = kueueCrds();

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function manifests(name: string, kind: string): TfJson[] {
  return Object.values(resourcesOf(synthesized.get(name)!, 'kubernetes_manifest'))
    .map((m) => m.manifest)
    .filter((m) => m.kind === kind);
}

describe('the example fleet', () => {
  it('is registered as `example` and has no rule violations', () => {
    expect(fleet.validate()).toEqual([]);
    expect(loadFleet('example').name).toBe('example');
  });

  it('holds an NVL72 site, an Ascend site with a CloudMatrix 384 and 910B servers, and an HGX H20 site', () => {
    expect(report.sites.map((s) => [s.name, s.gpusByModel, s.nvlinkDomains])).toEqual([
      ['hami-nvl01', { 'GB200-186GB': 1152 }, 16],
      ['wuhu-cm01', { 'Ascend-910B-64GB': 256, 'Ascend-910C-128GB': 384 }, 33],
      ['qingyang-h20-01', { 'H20-96GB': 320 }, 40],
    ]);
    // 16 racks of 132 kW; 559 kW of CloudMatrix 384 and 32 x 7.8 kW; 40 x 7.8 kW.
    expect(report.sites.map((s) => s.itPowerKw)).toEqual([2112, 808.6, 312]);
  });
});

describe('the example fleet site stacks', () => {
  it.each(stacks.map((s) => [s.node.id, s] as const))('synthesizes %s as recorded', (name, stack: SiteStack) => {
    const tf = synthesized.get(name)!;
    const inventory = inventorySummary(stack);
    expect({ stack: tf, inventory }).toMatchSnapshot();
  });

  it('labels every node with every level of its flavor topology, hostname last', () => {
    for (const stack of stacks) {
      for (const f of stack.kueue!.flavorSpecs) {
        const topology = stack.kueue!.topologySpecs.find((t) => t.name === f.topologyName)!;
        expect(topology.levels[topology.levels.length - 1]).toBe('kubernetes.io/hostname');
        for (const labels of Object.values(f.nodes)) {
          for (const level of topology.levels.slice(0, -1)) expect(labels[level]).toBeTruthy();
        }
      }
    }
  });

  it('writes Kueue objects that validate against the Kueue CRDs', () => {
    for (const name of byName.keys()) {
      const objects = [...manifests(name, 'Topology'), ...manifests(name, 'ResourceFlavor'), ...manifests(name, 'ClusterQueue')];
      expect(objects.length).toBeGreaterThanOrEqual(3);
      for (const obj of objects) expect({ name, kind: obj.kind, problems: crds.problems(obj) }).toEqual({ name, kind: obj.kind, problems: [] });
    }
  });

  it('gives every pool a flavor whose quota is what its device plugin advertises and whose tolerations are its taints', () => {
    for (const site of sites) {
      const flavors = manifests(site.node.id, 'ResourceFlavor');
      // Device quotas summed over the site's ClusterQueues (the tenant's and the unassigned rest).
      const quotas: Record<string, Record<string, number>> = {};
      for (const queue of manifests(site.node.id, 'ClusterQueue')) {
        for (const g of queue.spec.resourceGroups) {
          for (const f of g.flavors) {
            for (const r of f.resources) if (typeof r.nominalQuota === 'number' && r.nominalQuota > 0 && /\.com\//.test(r.name)) (quotas[f.name] ??= {})[r.name] = ((quotas[f.name] ?? {})[r.name] ?? 0) + r.nominalQuota;
          }
        }
      }
      for (const pool of site.pools) {
        const flavor = flavors.find((f) => f.metadata.name === pool.node.id)!;
        expect(flavor.spec.nodeLabels).toEqual({ [LABEL.pool]: pool.node.id });
        expect(flavor.spec.tolerations ?? []).toEqual(tolerationsFor(pool.taints));
        expect(flavor.spec.topologyName).toBe(topologyFor(pool.servers[0].platform).name);
        expect(quotas[pool.node.id]).toEqual(advertisedResources(pool));
        expect(Object.values(quotas[pool.node.id]).reduce((a, b) => a + b, 0)).toBe(pool.advertisedDevices);
      }
    }
  });

  it('gives the NVL72 site one NVLink domain per rack and a ComputeDomain per pool, and no Ascend plugin', () => {
    const stack = byName.get('hami-nvl01')!;
    const training = stack.inventory.variables.nodes_training;
    const domains = new Map<string, number>();
    for (const labels of Object.values(training)) domains.set(labels[LABEL.nvlinkDomain], (domains.get(labels[LABEL.nvlinkDomain]) ?? 0) + 1);
    expect(domains.size).toBe(12);
    expect([...domains.values()].every((n) => n === 18)).toBe(true);
    expect(manifests('hami-nvl01', 'ComputeDomain').map((m) => m.metadata.name).sort()).toEqual(['serving-mnnvl', 'training-mnnvl']);
    expect(stack.ascendDevicePlugin).toBeUndefined();
    // aurora-robotics is guaranteed 576 of the 864 training GPUs; the rest stays unassigned.
    const queues = manifests('hami-nvl01', 'ClusterQueue');
    expect(queues.map((q) => q.metadata.name)).toEqual(['aurora-robotics', 'unassigned']);
    for (const q of queues) expect(q.spec.resourceGroups[0].coveredResources).toEqual(['cpu', 'memory', 'pods', 'gpu-fleet.io/compute-domain-channel', 'nvidia.com/gpu']);
    const gpus = (q: TfJson) => q.spec.resourceGroups[0].flavors.map((f: TfJson) => [f.name, f.resources.find((r: TfJson) => r.name === 'nvidia.com/gpu').nominalQuota]);
    expect(queues.map(gpus)).toEqual([
      [['training', 576], ['serving', 0]],
      [['training', 288], ['serving', 288]],
    ]);
  });

  it('runs only the Ascend plugin on the Ascend site, with the supernode above the rack in its topology', () => {
    const stack = byName.get('wuhu-cm01')!;
    expect(stack.devicePlugin).toBeUndefined();
    expect(Object.values(resourcesOf(synthesized.get('wuhu-cm01')!, 'kubernetes_daemon_set_v1')).map((d) => d.metadata.name)).toEqual(['ascend-device-plugin']);
    expect(manifests('wuhu-cm01', 'Topology').map((t) => [t.metadata.name, t.spec.levels.map((l: { nodeLabel: string }) => l.nodeLabel)])).toEqual([
      ['gpu-fleet-hccs-multi-rack', ['gpu-fleet.io/block', 'gpu-fleet.io/hccs-domain', 'gpu-fleet.io/rack', 'kubernetes.io/hostname']],
      ['gpu-fleet-hccs', ['gpu-fleet.io/block', 'gpu-fleet.io/rack', 'gpu-fleet.io/hccs-domain', 'kubernetes.io/hostname']],
    ]);
    const supernode = stack.inventory.variables.nodes_supernode;
    expect(Object.keys(supernode)).toHaveLength(48);
    expect(new Set(Object.values(supernode).map((l) => l['accelerator-type']))).toEqual(new Set(['module-a3-16-super-pod']));
    expect(new Set(Object.values(stack.inventory.variables.node_annotations_supernode).map((a) => a.superPodID))).toEqual(new Set(['1']));
    const npus = (q: TfJson) => q.spec.resourceGroups[0].flavors.map((f: TfJson) => [f.name, f.resources.find((r: TfJson) => r.name === 'huawei.com/Ascend910').nominalQuota]);
    expect(manifests('wuhu-cm01', 'ClusterQueue').map(npus)).toEqual([
      [['supernode', 384], ['npu-910b', 0]],
      [['supernode', 384], ['npu-910b', 256]],
    ]);
  });

  it('runs the NVL72 site standalone: the stack deploys the plugin with RuntimeClass nvidia and CDI through the CRI, no ClusterPolicy', () => {
    const tf = synthesized.get('hami-nvl01')!;
    expect(byName.get('hami-nvl01')!.site.nvidiaSoftware.mode).toBe('standalone');
    expect(manifests('hami-nvl01', 'ClusterPolicy')).toEqual([]);
    const [ds] = Object.values(resourcesOf(tf, 'kubernetes_daemon_set_v1'));
    const pod = ds.spec.template.spec;
    expect(pod.runtime_class_name).toBe('nvidia');
    const plugin = pod.container.find((c: TfJson) => c.name === 'nvidia-device-plugin-ctr');
    expect(plugin.volume_mount).toContainEqual({ name: 'cdi-root', mount_path: '/var/run/cdi' });
    expect(pod.volume).toContainEqual({ name: 'cdi-root', host_path: { path: '/var/run/cdi', type: 'DirectoryOrCreate' } });
    const cm = Object.values(resourcesOf(tf, 'kubernetes_config_map_v1')).find((r) => r.metadata.name === 'nvidia-device-plugin-configs')!;
    expect(cm.metadata.namespace).toBe('nvidia-device-plugin');
    for (const text of Object.values(cm.data) as string[]) expect(text).toContain('deviceListStrategy: cdi-cri');
  });

  it('runs the other NVIDIA site under the GPU Operator, and pulls the Ascend plugin from a registry, not Docker Hub', () => {
    expect(manifests('qingyang-h20-01', 'ClusterPolicy')).toHaveLength(1);
    expect(Object.values(resourcesOf(synthesized.get('qingyang-h20-01')!, 'kubernetes_daemon_set_v1'))).toEqual([]);
    const [ascend] = Object.values(resourcesOf(synthesized.get('wuhu-cm01')!, 'kubernetes_daemon_set_v1'));
    expect(ascend.spec.template.spec.container[0].image).toBe('swr.cn-south-1.myhuaweicloud.com/ascendhub/ascend-k8sdeviceplugin:v6.0.0');
  });
});

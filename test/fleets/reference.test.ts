import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { App } from 'cdktf';
import { Site } from '../../constructs/site';
import { referenceFleet } from '../../fleets/reference';
import { addSiteStacks } from '../../stacks/fleet-app';
import { LABEL } from '../../stacks/node-labels';
import { devicePluginConfigProblems } from '../../stacks/nvidia/device-plugin-config';
import { migPartedConfigProblems } from '../../stacks/nvidia/mig-parted-config';
import { fleetReport } from '../../tools/report';
import { inventorySummary, removeDir, resourcesOf, synthFleetToTemp, SynthOutput, synthStack, tempDir, TfJson } from '../support/synth';

const fleet = referenceFleet();
const sites = fleet.node.children.filter((c): c is Site => c instanceof Site);
const report = fleetReport(fleet);
let out: SynthOutput;

beforeAll(() => {
  out = synthFleetToTemp(fleet);
});

afterAll(() => removeDir(path.dirname(out.outdir)));

function configMapData(tf: TfJson, name: string): Record<string, string> {
  const cm = Object.values(resourcesOf(tf, 'kubernetes_config_map_v1')).find((r) => r.metadata.name === name);
  if (!cm) throw new Error(`no ConfigMap ${name}`);
  return cm.data;
}

describe('the reference fleet', () => {
  it('has no rule violations', () => {
    expect(fleet.validate()).toEqual([]);
  });

  it('holds at least 115,000 GPUs in at least the 36 reported sites, about 70% of them at Yiwu', () => {
    expect(report.sites.length).toBeGreaterThanOrEqual(36);
    expect(report.totals.gpus).toBeGreaterThanOrEqual(115_000);
    expect(report.totals.servers).toBeGreaterThanOrEqual(14_400);
    const yiwu = report.sites.filter((s) => s.name.includes('yiwu')).reduce((a, s) => a + s.gpus, 0);
    expect(yiwu / report.totals.gpus).toBeGreaterThan(0.68);
    expect(yiwu / report.totals.gpus).toBeLessThan(0.72);
    expect(Object.keys(report.totals.gpusByModel).sort()).toEqual(['H100-80GB', 'H200-141GB']);
  });

  it('has one project of 625 H100 servers', () => {
    const nyocor = report.sites.find((s) => s.name === 'nyocor-01')!;
    expect(nyocor.servers).toBe(625);
    expect(nyocor.gpusByModel).toEqual({ 'H100-80GB': 5000 });
  });

  it('keeps every site within its utility capacity and every feed within its rating', () => {
    for (const site of sites) {
      expect((site.itLoadKw * site.pue) / 1000).toBeLessThanOrEqual(site.utilityCapacityMw);
      for (const feed of site.feeds) expect(feed.loadKw).toBeLessThanOrEqual(feed.availableKw);
    }
  });

  it('exercises every GPU sharing mode', () => {
    const modes = new Set(sites.flatMap((s) => s.pools.map((p) => `${p.sharing.mode}/${p.sharing.migLayout?.isUniform ? 'uniform' : p.sharing.migStrategy}`)));
    expect([...modes].sort()).toEqual(['exclusive/none', 'mig/mixed', 'mig/uniform', 'mps/none', 'time-slicing/none']);
  });
});

describe('the reference fleet synthesized', () => {
  it('writes one stack per site', () => {
    expect(fs.readdirSync(path.join(out.outdir, 'stacks')).sort()).toEqual(sites.map((s) => s.node.id).sort());
    const manifest = JSON.parse(fs.readFileSync(path.join(out.outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(sites.map((s) => s.node.id).sort());
  });

  it('labels exactly the servers the report counts, each once', () => {
    const hosts = new Set<string>();
    let labelled = 0;
    for (const name of out.stacks) {
      for (const nodes of Object.values(out.readInventory(name))) {
        for (const host of Object.keys(nodes)) {
          hosts.add(host);
          labelled++;
        }
      }
    }
    expect(labelled).toBe(report.totals.servers);
    expect(hosts.size).toBe(report.totals.servers);
  });

  it('gives every node its pool, site, topology, rack, NVLink domain, feeds and device-plugin config', () => {
    for (const site of sites) {
      const inventory = out.readInventory(site.node.id);
      for (const pool of site.pools) {
        const nodes = inventory[`nodes_${pool.node.id.replace(/-/g, '_')}`];
        expect(Object.keys(nodes)).toHaveLength(pool.servers.length);
        for (const server of pool.servers) {
          const labels = nodes[server.nodeName];
          expect(labels).toMatchObject({
            [LABEL.site]: site.node.id,
            [LABEL.pool]: pool.node.id,
            [LABEL.region]: site.region,
            [LABEL.zone]: site.zone,
            [LABEL.rack]: server.rack.node.id,
            [LABEL.nvlinkDomain]: server.nvlinkDomain.name,
            [LABEL.powerFeedA]: server.rack.feedA.node.id,
            [LABEL.powerFeedB]: server.rack.feedB.node.id,
            [LABEL.gpuProduct]: server.platform.gpuModel.product,
            [LABEL.gpuCount]: '8',
            [LABEL.devicePluginConfig]: pool.configName,
          });
          expect(labels[LABEL.migConfig]).toBe(pool.sharing.migLayout?.name);
          // GPU Feature Discovery (run by the GPU Operator) owns nvidia.com/mps.capable.
          expect(labels[LABEL.mpsCapable]).toBeUndefined();
        }
      }
    }
  });

  it('writes device-plugin configs that follow NVIDIA rules, one per pool plus the default', () => {
    for (const site of sites) {
      const data = configMapData(out.readStack(site.node.id), 'nvidia-device-plugin-configs');
      expect(Object.keys(data).sort()).toEqual(['default', ...site.pools.map((p) => p.configName)].sort());
      for (const [key, text] of Object.entries(data)) {
        const config = YAML.parse(text);
        expect({ key, problems: devicePluginConfigProblems(config) }).toEqual({ key, problems: [] });
        const pool = site.pools.find((p) => p.configName === key);
        if (!pool) continue;
        expect(config.flags.migStrategy).toBe(pool.sharing.migStrategy);
        if (pool.sharing.mode === 'time-slicing') expect(config.sharing.timeSlicing.resources[0].replicas).toBe(pool.sharing.replicas);
        if (pool.sharing.mode === 'mps') expect(config.sharing.mps.resources[0].replicas).toBe(pool.sharing.replicas);
        if (pool.sharing.mode === 'exclusive' || pool.sharing.mode === 'mig') expect(config.sharing).toBeUndefined();
      }
    }
  });

  it('writes a valid mig-parted config with every layout a MIG pool selects, and only where MIG is used', () => {
    for (const site of sites) {
      const tf = out.readStack(site.node.id);
      const migPools = site.pools.filter((p) => p.sharing.migLayout);
      const maps = Object.values(resourcesOf(tf, 'kubernetes_config_map_v1')).filter((r) => r.data['config.yaml']);
      if (migPools.length === 0) {
        expect(maps).toHaveLength(0);
        continue;
      }
      expect(maps).toHaveLength(1);
      // Where the GPU Operator's mig-manager mounts it from, under a name the Operator does not own.
      expect(maps[0].metadata).toMatchObject({ name: 'gpu-fleet-mig-parted-config', namespace: 'gpu-operator' });
      const config = YAML.parse(maps[0].data['config.yaml']);
      expect(migPartedConfigProblems(config)).toEqual([]);
      for (const pool of migPools) {
        const layout = pool.sharing.migLayout!;
        expect(config['mig-configs'][layout.name]).toEqual([{ devices: 'all', 'mig-enabled': true, 'mig-devices': layout.devicesFor(pool.gpuModel!) }]);
      }
    }
  });

  it('runs the GPU Operator everywhere: one ClusterPolicy naming the ConfigMaps the stack writes, no DaemonSet of its own', () => {
    for (const site of sites) {
      const tf = out.readStack(site.node.id);
      expect(Object.values(resourcesOf(tf, 'kubernetes_daemon_set_v1'))).toHaveLength(0);
      const policies = Object.values(resourcesOf(tf, 'kubernetes_manifest')).filter((m) => m.manifest.kind === 'ClusterPolicy');
      expect(policies).toHaveLength(1);
      const spec = policies[0].manifest.spec;
      const maps = Object.values(resourcesOf(tf, 'kubernetes_config_map_v1'));
      const pluginMap = maps.find((m) => m.metadata.name === spec.devicePlugin.config.name)!;
      expect(pluginMap.metadata.namespace).toBe('gpu-operator');
      expect(Object.keys(pluginMap.data)).toContain(spec.devicePlugin.config.default);
      const hasMig = site.pools.some((p) => p.sharing.migLayout);
      if (hasMig) {
        const migMap = maps.find((m) => m.metadata.name === spec.migManager.config.name)!;
        expect(migMap.metadata.namespace).toBe('gpu-operator');
        expect(Object.keys(migMap.data)).toEqual(['config.yaml']);
        expect(spec.migManager.config.name).not.toBe('default-mig-parted-config');
      } else {
        expect(spec.migManager.config).toBeUndefined();
      }
      expect(fs.existsSync(path.join(out.outdir, 'stacks', site.node.id, 'gpu-operator-values.yaml'))).toBe(true);
    }
  });

  it('points the provider at a kubeconfig path and context, with no credential', () => {
    for (const name of out.stacks) {
      const provider = out.readStack(name).provider.kubernetes;
      expect(provider).toEqual([{ config_path: '~/.kube/config', config_context: name }]);
      expect(out.readStack(name).terraform.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
    }
    const all = fs.readFileSync(path.join(out.outdir, 'stacks', 'yiwu-dc01', 'cdk.tf.json'), 'utf8');
    expect(all).not.toMatch(/token|client_key|password|client_certificate/);
    expect(all).not.toContain(process.cwd());
  });

  it("gives yiwu-dc01 a ClusterQueue per tenant and unassigned, each tenant's namespaces a LocalQueue, and the guarantees as quotas", () => {
    const tf = out.readStack('yiwu-dc01');
    const manifests = Object.values(resourcesOf(tf, 'kubernetes_manifest')).map((r) => r.manifest);
    const queues = manifests.filter((m) => m.kind === 'ClusterQueue');
    expect(queues.map((q) => q.metadata.name).sort()).toEqual(['gobi-research', 'kunlun-ai', 'tarim-cloud', 'unassigned']);
    const gpu = (queue: string, flavor: string, resource: string) =>
      queues.find((q) => q.metadata.name === queue).spec.resourceGroups[0].flavors.find((f: TfJson) => f.name === flavor).resources.find((r: TfJson) => r.name === resource).nominalQuota;
    expect([gpu('kunlun-ai', 'training', 'nvidia.com/gpu'), gpu('tarim-cloud', 'inference-shared', 'nvidia.com/gpu.shared'), gpu('unassigned', 'training', 'nvidia.com/gpu')]).toEqual([4096, 512, 6560 - 4096]);
    // 820 training servers of 104 allocatable cores; kunlun-ai holds 4096 of their 6560 GPUs.
    expect(gpu('kunlun-ai', 'training', 'cpu')).toBe(Math.floor((820 * 104 * 4096) / 6560));
    expect(manifests.filter((m) => m.kind === 'LocalQueue').map((m) => `${m.metadata.namespace}/${m.metadata.name}->${m.spec.clusterQueue}`).sort()).toEqual([
      'gobi-ci/default->gobi-research',
      'gobi-notebooks/default->gobi-research',
      'gpu-fleet/default->unassigned',
      'kunlun-eval/default->kunlun-ai',
      'kunlun-train/default->kunlun-ai',
      'tarim-serving/default->tarim-cloud',
    ]);
    const ts = YAML.parse(configMapData(tf, 'nvidia-device-plugin-configs')['inference-shared']);
    expect(ts.sharing.timeSlicing.renameByDefault).toBe(true);
  });

  it('reports the site capacity as a stack output equal to the report', () => {
    for (const row of report.sites) {
      const capacity = out.readStack(row.name).output.capacity.value;
      expect(capacity).toMatchObject(row);
    }
  });
});

describe('the reference fleet site stacks', () => {
  const snapDir = tempDir();
  const stacks = addSiteStacks(new App({ outdir: snapDir }), fleet);
  afterAll(() => removeDir(snapDir));

  it.each(stacks.map((s) => [s.node.id, s] as const))('synthesizes %s as recorded, with for_each over its pools', (_name, stack) => {
    const tf = synthStack(stack);
    const labels = Object.values(resourcesOf(tf, 'kubernetes_labels'));
    expect(labels).toHaveLength(stack.site.pools.length);
    for (const l of labels) expect(l.for_each).toMatch(/^\$\{var\.nodes_[a-z0-9_]+\}$/);
    expect(Object.keys(tf.variable).sort()).toEqual(Object.keys(stack.inventory.variables).sort());
    const inventory = inventorySummary(stack);
    expect({ stack: tf, inventory }).toMatchSnapshot();
  });
});

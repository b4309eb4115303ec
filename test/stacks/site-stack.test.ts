import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { SiteStack } from '../../stacks/site-stack';
import { INVENTORY_FILE } from '../../stacks/node-inventory';
import { removeDir, resourcesOf, synthStack, tempDir } from '../support/synth';
import { smallFleet } from '../support/small-fleet';

function build() {
  const small = smallFleet();
  const stack = new SiteStack(Testing.app(), { site: small.site });
  return { ...small, stack, tf: synthStack(stack) };
}

describe('SiteStack', () => {
  it('configures the Kubernetes provider with the kubeconfig path and the site context only', () => {
    const { tf } = build();
    expect(tf.provider.kubernetes).toEqual([{ config_path: '/etc/gpu-fleet/kubeconfig', config_context: 'lab-admin' }]);
  });

  it('labels each pool with one for_each resource over its inventory variable', () => {
    const { tf, stack } = build();
    const labels = Object.values(resourcesOf(tf, 'kubernetes_labels'));
    expect(labels.map((l) => l.for_each).sort()).toEqual(['${var.nodes_inference}', '${var.nodes_notebooks}', '${var.nodes_training}']);
    for (const l of labels) {
      expect(l).toMatchObject({ api_version: 'v1', kind: 'Node', metadata: { name: '${each.key}' }, labels: '${each.value}', field_manager: 'gpu-fleet-labels', force: true });
    }
    expect(Object.keys(tf.variable).sort()).toEqual(['nodes_inference', 'nodes_notebooks', 'nodes_training']);
    expect(tf.variable.nodes_training.type).toBe('map(map(string))');
    expect(Object.keys(stack.inventory.variables.nodes_training)).toEqual(['lab-01-rack-001-u01', 'lab-01-rack-001-u09']);
  });

  it('taints only pools that have taints, with every taint of the pool', () => {
    const { tf } = build();
    const taints = Object.values(resourcesOf(tf, 'kubernetes_node_taint'));
    expect(taints).toHaveLength(1);
    expect(taints[0].for_each).toBe('${var.nodes_training}');
    // Own field manager, never forced: a Node's taints are one atomic list under server-side apply.
    expect(taints[0]).toMatchObject({ field_manager: 'gpu-fleet-taints', force: false });
    expect(taints[0].taint).toEqual([
      { key: 'gpu-fleet.io/workload', value: 'training', effect: 'NoSchedule' },
      { key: 'gpu-fleet.io/maintenance', value: '', effect: 'NoExecute' },
    ]);
  });

  it('puts the pool labels, sharing config and MIG layout on the nodes', () => {
    const { stack } = build();
    const training = stack.inventory.variables.nodes_training['lab-01-rack-001-u01'];
    expect(training).toEqual({
      'gpu-fleet.io/block': 'row-01-a',
      'gpu-fleet.io/gpu-count': '8',
      'gpu-fleet.io/gpu-product': 'NVIDIA-H100-80GB-HBM3',
      'gpu-fleet.io/nvlink-domain': 'rack-001-u01-nvlink',
      'gpu-fleet.io/pool': 'training',
      'gpu-fleet.io/power-feed-a': 'row-01-a',
      'gpu-fleet.io/power-feed-b': 'row-01-b',
      'gpu-fleet.io/rack': 'rack-001',
      'gpu-fleet.io/site': 'lab-01',
      'nvidia.com/device-plugin.config': 'training',
      'team.example.com/owner': 'research',
      'topology.kubernetes.io/region': 'xinjiang',
      'topology.kubernetes.io/zone': 'hami-yiwu',
    });
    const notebook = stack.inventory.variables.nodes_notebooks['lab-01-rack-002-u09'];
    expect(notebook['nvidia.com/mig.config']).toBe('all-1g.10gb');
    expect(notebook['nvidia.com/device-plugin.config']).toBe('notebooks');
    expect(stack.inventory.variables.nodes_inference['lab-01-rack-002-u01']['nvidia.com/mig.config']).toBeUndefined();
  });

  it('writes the node inventory beside cdk.tf.json, where Terraform loads it', () => {
    const small = smallFleet();
    const app = new App({ outdir: tempDir() });
    const stack = new SiteStack(app, { site: small.site });
    app.synth();
    const dir = path.join(app.outdir, 'stacks', 'lab-01');
    const written = fs.readFileSync(path.join(dir, INVENTORY_FILE), 'utf8');
    expect(written).toBe(stack.inventory.toJson());
    expect(Object.keys(JSON.parse(written))).toEqual(['nodes_inference', 'nodes_notebooks', 'nodes_training']);
    removeDir(app.outdir);
  });

  it('outputs the site capacity', () => {
    const { tf } = build();
    expect(tf.output.capacity.value).toMatchObject({
      name: 'lab-01',
      servers: 4,
      gpus: 32,
      gpusByModel: { 'H100-80GB': 32 },
      racks: 2,
      nvlinkDomains: 4,
      itPowerKw: 40.8,
    });
    expect(tf.output.capacity.value.feeds['row-01-a']).toEqual({ side: 'A', availableKw: 71.9, loadKw: 40.8, utilizationPercent: 56.8 });
  });

  it('fails synth with validations on when the site breaks a rule', () => {
    const small = smallFleet();
    small.pools.inference.addServers(small.servers[0]);
    const stack = new SiteStack(Testing.app(), { site: small.site });
    expect(() => Testing.synth(stack, true)).toThrow('lab-01/rack-001/u01: server is in more than one node pool, got ["training", "inference"], expected exactly one pool');
    expect(() => Testing.synth(stack)).not.toThrow();
  });
});

/**
 * Builders for synth outputs shaped like `cdktf synth` writes them (manifest.json, per-stack
 * cdk.tf.json and nodes.auto.tfvars.json), written to temporary directories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Json, JsonObject, RawStack, SynthOutput } from '../../tools/plan/model';

export type Labels = Record<string, string>;

export interface SiteOptions {
  readonly site?: string;
  /** Hostname -> labels, the value of var.nodes_h100_train. */
  readonly nodes?: Record<string, Labels>;
  readonly taintEffect?: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
  readonly devicePluginConfig?: string;
  readonly migConfig?: string;
  readonly configMapName?: string;
  readonly image?: string;
  readonly context?: string;
  readonly servers?: number;
  readonly feedLoadKw?: number;
}

export const DEVICE_PLUGIN_CONFIG = 'version: v1\nflags:\n  migStrategy: none\nsharing:\n  timeSlicing:\n    resources:\n    - name: nvidia.com/gpu\n      replicas: 4\n';
export const MIG_CONFIG = 'version: v1\nmig-configs:\n  all-disabled:\n    - devices: all\n      mig-enabled: false\n  all-1g.10gb:\n    - devices: all\n      mig-enabled: true\n      mig-devices:\n        "1g.10gb": 7\n';

export function labelsFor(host: string, extra: Labels = {}): Labels {
  return {
    'gpu-fleet.io/pool': 'h100-train',
    'gpu-fleet.io/rack': `rack-${host.slice(-2)}`,
    'nvidia.com/device-plugin.config': 'h100-train',
    'nvidia.com/mig.config': 'all-disabled',
    ...extra,
  };
}

export function defaultNodes(n = 3): Record<string, Labels> {
  const nodes: Record<string, Labels> = {};
  for (let i = 1; i <= n; i++) {
    const host = `gpu-${String(i).padStart(3, '0')}`;
    nodes[host] = labelsFor(host);
  }
  return nodes;
}

export interface StackFiles {
  readonly doc: Record<string, unknown>;
  /** File name in the stack directory -> JSON content. */
  readonly files?: Record<string, unknown>;
}

/** A site stack like the fleet's: node labels and taints per node (for_each over tfvars), GPU config maps, a daemon set, capacity. */
export function siteStack(o: SiteOptions = {}): StackFiles {
  const site = o.site ?? 'yiwu-dc01';
  const nodes = o.nodes ?? defaultNodes();
  const servers = o.servers ?? Object.keys(nodes).length;
  const load = o.feedLoadKw ?? 204;
  return {
    doc: {
      '//': { metadata: { backend: 'local', stackName: site, version: '0.21.0' } },
      terraform: {
        required_providers: { kubernetes: { source: 'hashicorp/kubernetes', version: '2.38.0' } },
        backend: { local: { path: `terraform.${site}.tfstate` } },
      },
      provider: { kubernetes: [{ config_path: '~/.kube/config', config_context: o.context ?? site }] },
      variable: { nodes_h100_train: { type: 'map(map(string))', description: 'h100-train nodes: hostname -> labels' } },
      resource: {
        kubernetes_labels: {
          'pool-h100-train_node-labels_A1B2C3D4': {
            '//': { metadata: { path: `${site}/pool-h100-train/node-labels`, uniqueId: 'pool-h100-train_node-labels_A1B2C3D4' } },
            for_each: '${var.nodes_h100_train}',
            api_version: 'v1',
            kind: 'Node',
            metadata: { name: '${each.key}' },
            labels: '${each.value}',
            field_manager: 'gpu-fleet',
            force: true,
          },
        },
        kubernetes_node_taint: {
          'pool-h100-train_node-taints_9F8E7D6C': {
            for_each: '${toset(keys(var.nodes_h100_train))}',
            metadata: { name: '${each.key}' },
            taint: [{ key: 'gpu-fleet.io/pool', value: 'h100-train', effect: o.taintEffect ?? 'NoSchedule' }],
            field_manager: 'gpu-fleet',
          },
        },
        kubernetes_config_map_v1: {
          'device-plugin_configs_5E6F7A8B': {
            metadata: [{ name: o.configMapName ?? 'nvidia-device-plugin-configs', namespace: 'nvidia-device-plugin' }],
            data: { 'h100-train': o.devicePluginConfig ?? DEVICE_PLUGIN_CONFIG },
          },
          'mig_parted-config_1A2B3C4D': {
            metadata: [{ name: 'default-mig-parted-config', namespace: 'gpu-operator' }],
            data: { 'config.yaml': o.migConfig ?? MIG_CONFIG },
          },
        },
        kubernetes_daemon_set_v1: {
          'device-plugin_daemonset_0F1E2D3C': {
            metadata: [{ name: 'nvidia-device-plugin', namespace: 'nvidia-device-plugin' }],
            spec: [
              {
                selector: [{ match_labels: { app: 'nvidia-device-plugin' } }],
                template: [
                  {
                    metadata: [{ labels: { app: 'nvidia-device-plugin' } }],
                    spec: [{ container: [{ name: 'plugin', image: o.image ?? 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0' }] }],
                  },
                ],
              },
            ],
          },
        },
      },
      output: {
        capacity: {
          value: {
            name: site,
            region: 'cn-east',
            servers,
            gpus: servers * 8,
            gpusByModel: { 'H100-80GB': servers * 8 },
            racks: Math.ceil(servers / 4),
            nvlinkDomains: servers,
            itPowerKw: servers * 10.2,
            feedCapacityKw: 460,
            feeds: {
              'row-01-a': { side: 'A', availableKw: 230, loadKw: load, utilizationPercent: Math.round((load / 230) * 1000) / 10 },
              'row-01-b': { side: 'B', availableKw: 230, loadKw: 204, utilizationPercent: 88.7 },
            },
          },
        },
      },
    },
    files: { 'nodes.auto.tfvars.json': { nodes_h100_train: nodes } },
  };
}

const made: string[] = [];

export function tempDir(prefix = 'plan-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory tempDir made (call from afterAll). */
export function cleanTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Writes a synth output directory (`dir` or a new temporary one) and returns its path. */
export function writeSynth(stacks: Record<string, StackFiles>, dir: string = tempDir()): string {
  fs.mkdirSync(path.join(dir, 'stacks'), { recursive: true });
  const manifest: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(stacks)) {
    const wd = path.join('stacks', name);
    fs.mkdirSync(path.join(dir, wd), { recursive: true });
    fs.writeFileSync(path.join(dir, wd, 'cdk.tf.json'), JSON.stringify(s.doc, null, 2));
    for (const [file, content] of Object.entries(s.files ?? {})) fs.writeFileSync(path.join(dir, wd, file), JSON.stringify(content, null, 2));
    manifest[name] = {
      name,
      constructPath: name,
      workingDirectory: wd,
      synthesizedStackPath: path.join(wd, 'cdk.tf.json'),
      stackMetadataPath: path.join(wd, 'metadata.json'),
      annotations: [],
      dependencies: [],
    };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: manifest }, null, 2));
  return dir;
}

/** A deep copy of a JSON-like value, to mutate for a head fixture. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The same stacks as an in-memory SynthOutput (tfvars from the *.auto.tfvars.json files, in name order). */
export function synthOf(stacks: Record<string, StackFiles>): SynthOutput {
  const map = new Map<string, RawStack>();
  for (const [name, s] of Object.entries(stacks)) {
    const tfvars: Record<string, Json> = {};
    for (const file of Object.keys(s.files ?? {}).sort()) {
      if (file.endsWith('.auto.tfvars.json') || file === 'terraform.tfvars.json') Object.assign(tfvars, s.files![file]);
    }
    map.set(name, { name, workingDirectory: `/synth/stacks/${name}`, doc: clone(s.doc) as JsonObject, tfvars, warnings: [] });
  }
  return { dir: '/synth', stacks: map };
}

/**
 * The acceptance test of "every GPU and NPU agent reaches its pools": for the reference and
 * example fleets, every DaemonSet the stacks deploy, the GPU Operator's operands (ClusterPolicy
 * daemonsets.tolerations), NFD's worker and the DRA kubelet plugin (the Helm values the stacks
 * write) tolerate every taint on every node they select. Read from the synthesized output only:
 * cdk.tf.json, nodes.auto.tfvars.json and the values files, not the construct props.
 */
import * as path from 'path';
import { exampleFleet } from '../../fleets/example';
import { referenceFleet } from '../../fleets/reference';
import { blockingTaints, daemonSetPods, Placement, placementOf, readValues, selects, siteNodes, SiteNodes, Toleration } from '../support/scheduling';
import { removeDir, resourcesOf, synthFleetToTemp, SynthOutput, TfJson } from '../support/synth';

interface Agent {
  readonly name: string;
  readonly placement: Placement;
  readonly tolerations: Toleration[];
}

/** Nodes the GPU Operator's operands run on: its NFD-derived `nvidia.com/gpu.present`, i.e. every NVIDIA pool node (they carry the device-plugin config label). */
const NVIDIA_NODES: Placement = { nodeSelector: {}, terms: [[{ key: 'nvidia.com/device-plugin.config', operator: 'Exists' }]] };
const EVERY_NODE: Placement = { nodeSelector: {}, terms: [] };

function agentsOf(out: SynthOutput, stack: string): Agent[] {
  const tf = out.readStack(stack);
  const agents: Agent[] = Object.values(resourcesOf(tf, 'kubernetes_daemon_set_v1')).map((ds) => ({ name: `DaemonSet ${ds.metadata.name}`, ...daemonSetPods(ds) }));
  for (const m of Object.values(resourcesOf(tf, 'kubernetes_manifest'))) {
    if (m.manifest.kind === 'ClusterPolicy') agents.push({ name: 'ClusterPolicy operands', placement: NVIDIA_NODES, tolerations: m.manifest.spec.daemonsets.tolerations });
  }
  const operator = readValues(out.outdir, stack, 'gpu-operator-values.yaml');
  if (operator) agents.push({ name: 'NFD worker', placement: EVERY_NODE, tolerations: operator['node-feature-discovery'].worker.tolerations });
  const dra = readValues(out.outdir, stack, 'dra-driver-values.yaml');
  if (dra) agents.push({ name: 'DRA kubelet plugin', placement: placementOf(dra.kubeletPlugin.affinity), tolerations: dra.kubeletPlugin.tolerations });
  return agents;
}

/** `node: agent blocked by taint` lines, and how many nodes each agent selects. */
function reach(nodes: SiteNodes, agents: readonly Agent[]): { blocked: string[]; selected: Record<string, number> } {
  const blocked: string[] = [];
  const selected: Record<string, number> = {};
  for (const a of agents) {
    selected[a.name] = 0;
    for (const [node, labels] of nodes.labels) {
      if (!selects(a.placement, labels)) continue;
      selected[a.name]++;
      for (const t of blockingTaints(a.tolerations, nodes.taints.get(node) ?? [])) blocked.push(`${node}: ${a.name} blocked by ${t.key}=${t.value ?? ''}:${t.effect}`);
    }
  }
  return { blocked, selected };
}

describe.each([
  ['reference', referenceFleet],
  ['example', exampleFleet],
])('the %s fleet on a cluster', (_name, build) => {
  let out: SynthOutput;
  beforeAll(() => {
    out = synthFleetToTemp(build());
  });
  afterAll(() => removeDir(path.dirname(out.outdir)));

  it('has agents that tolerate every taint on every node they select, and select at least one node each', () => {
    let tainted = 0;
    for (const stack of out.stacks) {
      const nodes = siteNodes(out.readStack(stack), out.readInventory(stack));
      tainted += [...nodes.taints.values()].filter((t) => t.length > 0).length;
      const { blocked, selected } = reach(nodes, agentsOf(out, stack));
      expect({ stack, blocked }).toEqual({ stack, blocked: [] });
      for (const [agent, n] of Object.entries(selected)) expect({ stack, agent, selects: n > 0 }).toEqual({ stack, agent, selects: true });
    }
    // Not vacuous: the fleets' pools are tainted.
    expect(tainted).toBeGreaterThan(100);
  });

  it('runs a device plugin on every accelerator node: the Operator or our DaemonSet on NVIDIA nodes, the Ascend plugin on Ascend nodes', () => {
    for (const stack of out.stacks) {
      const nodes = siteNodes(out.readStack(stack), out.readInventory(stack));
      const plugins = agentsOf(out, stack).filter((a) => /ClusterPolicy|DaemonSet (nvidia-device-plugin|ascend-device-plugin)$/.test(a.name));
      const without = [...nodes.labels.entries()].filter(([node, labels]) => !plugins.some((p) => selects(p.placement, labels) && blockingTaints(p.tolerations, nodes.taints.get(node) ?? []).length === 0));
      expect({ stack, without: without.map(([n]) => n) }).toEqual({ stack, without: [] });
    }
  });

  it("fails when an agent tolerates only nvidia.com/gpu, as upstream's manifests do", () => {
    const stack = out.stacks.find((s) => out.readStack(s).resource?.kubernetes_node_taint)!;
    const nodes = siteNodes(out.readStack(stack), out.readInventory(stack));
    const upstream: Agent = { name: 'upstream plugin', placement: EVERY_NODE, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] };
    expect(reach(nodes, [upstream]).blocked.length).toBeGreaterThan(0);
  });
});

describe('the GPU Operator sites of the reference fleet', () => {
  it('deploy no device-plugin DaemonSet of their own', () => {
    const out = synthFleetToTempOnce();
    for (const stack of out.stacks) {
      const tf: TfJson = out.readStack(stack);
      expect({ stack, daemonSets: Object.keys(resourcesOf(tf, 'kubernetes_daemon_set_v1')) }).toEqual({ stack, daemonSets: [] });
      expect(Object.values(resourcesOf(tf, 'kubernetes_manifest')).filter((m) => m.manifest.kind === 'ClusterPolicy')).toHaveLength(1);
    }
  });
});

let cached: SynthOutput | undefined;
function synthFleetToTempOnce(): SynthOutput {
  cached ??= synthFleetToTemp(referenceFleet());
  return cached;
}
afterAll(() => cached && removeDir(path.dirname(cached.outdir)));

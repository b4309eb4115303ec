/**
 * The plan on real fleet changes: the reference and example fleets synthesized as `cdktf synth`
 * writes them, each head the base with one change applied to its synth output (what the change
 * to the fleet's code writes). Counts are terraform's, by the provider's ForceNew and
 * RequiresReplace rules; each scenario asserts the risk it must raise.
 */
import * as path from 'path';
import { exampleFleet } from '../../fleets/example';
import { referenceFleet } from '../../fleets/reference';
import { buildPlan, buildPlanWithDetail } from '../../tools/plan/build';
import { loadSynthOutput } from '../../tools/plan/load';
import { JsonObject, Plan, RawStack, Risk, SynthOutput } from '../../tools/plan/model';
import { renderJson } from '../../tools/plan/render-json';
import { renderMarkdown } from '../../tools/plan/render-markdown';
import { renderText } from '../../tools/plan/render-text';
import { removeDir, synthFleetToTemp } from '../support/synth';

let reference: SynthOutput;
let example: SynthOutput;
const dirs: string[] = [];

beforeAll(() => {
  for (const [fleet, set] of [
    [referenceFleet(), (o: SynthOutput) => (reference = o)],
    [exampleFleet(), (o: SynthOutput) => (example = o)],
  ] as const) {
    const out = synthFleetToTemp(fleet);
    dirs.push(path.dirname(out.outdir));
    set(loadSynthOutput(out.outdir, '--base'));
  }
});

afterAll(() => dirs.forEach(removeDir));

type Doc = JsonObject & { resource: Record<string, Record<string, JsonObject>> };

/** A copy of `base` with `change` applied to each stack (doc and tfvars as JSON text or objects). */
function changed(base: SynthOutput, change: (stack: { name: string; doc: Doc; tfvars: Record<string, Record<string, Record<string, string>>> }) => void | 'remove'): SynthOutput {
  const stacks = new Map<string, RawStack>();
  for (const [name, s] of base.stacks) {
    const copy = { name, doc: JSON.parse(JSON.stringify(s.doc)) as Doc, tfvars: JSON.parse(JSON.stringify(s.tfvars)) };
    if (change(copy) === 'remove') continue;
    stacks.set(copy.name, { ...s, name: copy.name, doc: copy.doc, tfvars: copy.tfvars });
  }
  return { dir: base.dir, stacks };
}

/** The stack with every occurrence of `from` in its configuration and inventory replaced by `to`. */
function replaced(s: { doc: Doc; tfvars: object }, from: RegExp, to: string): void {
  const doc = JSON.parse(JSON.stringify(s.doc).replace(from, to));
  const tfvars = JSON.parse(JSON.stringify(s.tfvars).replace(from, to));
  for (const k of Object.keys(s.doc)) delete s.doc[k];
  Object.assign(s.doc, doc);
  for (const k of Object.keys(s.tfvars)) delete (s.tfvars as Record<string, unknown>)[k];
  Object.assign(s.tfvars, tfvars);
}

function plan(base: SynthOutput, head: SynthOutput, stackFilter: string[] = []): Plan {
  return buildPlan(base, head, { base: { kind: 'git', ref: 'main', commit: '0123456789abcdef' }, head: { kind: 'working-tree' }, stackFilter });
}

function blockers(p: Plan, kind?: Risk['kind']): Risk[] {
  return p.risks.filter((r) => r.severity === 'blocker' && (kind === undefined || r.kind === kind));
}

function manifests(doc: Doc): JsonObject[] {
  return Object.values(doc.resource.kubernetes_manifest ?? {}).map((r) => r.manifest as JsonObject);
}

describe('plan scenarios on the reference and example fleets', () => {
  it('replaces every Kueue object when its apiVersion changes: as many to add as to destroy, none in place', () => {
    // 115 Topologies, ResourceFlavors and ClusterQueues before tenants came; every LocalQueue and
    // per-tenant ClusterQueue is replaced the same way.
    const kueue = [...reference.stacks.values()].reduce((n, s) => n + manifests(s.doc as Doc).filter((m) => String(m.apiVersion).startsWith('kueue.x-k8s.io/')).length, 0);
    expect(kueue).toBeGreaterThanOrEqual(115);
    const head = changed(reference, ({ doc }) => {
      for (const m of manifests(doc)) m.apiVersion = String(m.apiVersion).replace('kueue.x-k8s.io/v1beta2', 'kueue.x-k8s.io/v1beta1');
    });
    const p = plan(reference, head);
    expect(p.summary).toEqual({ add: kueue, change: 0, destroy: kueue, move: 0 });
    const replaces = blockers(p, 'replace');
    expect(replaces).toHaveLength(kueue);
    for (const r of replaces) expect(r.message).toMatch(/^(ClusterQueue|LocalQueue|ResourceFlavor|Topology) \S+ is replaced: deleted, then created anew \(manifest\.apiVersion forces replacement\)$/);
    expect(renderText(p)).toContain('~ manifest.apiVersion = "kueue.x-k8s.io/v1beta2" -> "kueue.x-k8s.io/v1beta1" # forces replacement');
  });

  it('replaces both ComputeDomains when they are renamed: 2 to add, 0 to change, 2 to destroy', () => {
    const head = changed(example, ({ doc }) => {
      for (const m of manifests(doc)) if (m.kind === 'ComputeDomain') (m.metadata as JsonObject).name = String((m.metadata as JsonObject).name).replace('-mnnvl', '-imex');
    });
    const p = plan(example, head);
    expect(p.summary).toEqual({ add: 2, change: 0, destroy: 2, move: 0 });
    expect(blockers(p, 'replace').map((r) => r.message)).toEqual([
      'ComputeDomain serving/serving-mnnvl is replaced: deleted, then created anew (manifest.metadata.name forces replacement)',
      'ComputeDomain training/training-mnnvl is replaced: deleted, then created anew (manifest.metadata.name forces replacement)',
    ]);
  });

  it('raises a rollout blocker when the device plugin image is downgraded on a standalone site', () => {
    const head = changed(example, ({ name, doc }) => {
      if (name !== 'hami-nvl01') return;
      const ds = Object.values(doc.resource.kubernetes_daemon_set_v1).find((d) => JSON.stringify(d).includes('k8s-device-plugin:v'))!;
      const text = JSON.stringify(ds);
      const image = /"image":"([^"]+:v)(\d+)\.(\d+)\.(\d+)"/.exec(text)!;
      Object.assign(ds, JSON.parse(text.split(image[0]).join(`"image":"${image[1]}${image[2]}.${Number(image[3]) - 1}.0"`)));
    });
    const p = plan(example, head);
    expect(p.summary).toEqual({ add: 0, change: 1, destroy: 0, move: 0 });
    const rollouts = blockers(p, 'rollout');
    expect(rollouts).toHaveLength(1);
    expect(rollouts[0].message).toMatch(/^DaemonSet nvidia-device-plugin\/nvidia-device-plugin: image \S+ -> \S+ \(downgrade\): its pod restarts on every node it runs on \(rolling update\); terraform waits for the rollout to finish$/);
  });

  it('raises a rollout blocker when the GPU Operator device plugin version changes on an Operator site', () => {
    const head = changed(reference, ({ name, doc }) => {
      if (name !== 'yiwu-dc01') return;
      const policy = manifests(doc).find((m) => m.kind === 'ClusterPolicy')!;
      const plugin = (policy.spec as JsonObject).devicePlugin as JsonObject;
      plugin.version = String(plugin.version).replace(/^v(\d+)\.(\d+)\./, (_, a, b) => `v${a}.${Number(b) - 1}.`);
    });
    const p = plan(reference, head);
    expect(p.summary).toEqual({ add: 0, change: 1, destroy: 0, move: 0 });
    expect(blockers(p, 'rollout').map((r) => r.message)).toEqual([expect.stringMatching(/: devicePlugin changes: the GPU Operator rolls the DaemonSet of each on every GPU node$/)]);
  });

  it('shows the namespace a pool rename deletes among the blockers of the markdown, whatever else changes', () => {
    const head = changed(example, (s) => {
      if (s.name === 'hami-nvl01') replaced(s, /serving/g, 'inference');
    });
    const p = plan(example, head);
    const ns = blockers(p, 'destroy').find((r) => r.message.startsWith('namespace serving is deleted'));
    expect(ns).toBeDefined();
    const md = renderMarkdown(p);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain('#### Blockers');
    expect(md).toContain('namespace serving is deleted, and with it every object in it');
    const group = p.stacks.find((s) => s.name === 'hami-nvl01')!.nodeGroups;
    expect(group).toEqual([expect.objectContaining({ kind: 'move', fromPool: 'serving', toPool: 'inference', poolRenamed: true, race: true })]);
    expect(group[0].nodes).toHaveLength(72);
  });

  it('tells 20 servers moved between pools as one grouped line and warns of the unordered destroy + create', () => {
    const moved: string[] = [];
    const head = changed(reference, ({ name, tfvars }) => {
      if (name !== 'yiwu-dc01') return;
      for (const node of Object.keys(tfvars.nodes_training).slice(0, 20)) {
        const labels = tfvars.nodes_training[node];
        delete tfvars.nodes_training[node];
        tfvars.nodes_inference_shared[node] = { ...labels, 'gpu-fleet.io/pool': 'inference-shared', 'nvidia.com/device-plugin.config': 'inference-shared', 'workload.gpu-fleet.io/class': 'inference' };
        moved.push(node);
      }
    });
    const p = plan(reference, head);
    expect(p.summary).toEqual({ add: 40, change: 0, destroy: 40, move: 0 });
    const stack = p.stacks.find((s) => s.name === 'yiwu-dc01')!;
    expect(stack.nodeGroups).toHaveLength(1);
    expect(renderText(p)).toContain(
      '    20 nodes yiwu-dc01-rack-001-u01..rack-005-u25: training -> inference-shared (taint gpu-fleet.io/workload=training -> inference (NoSchedule), device-plugin config training -> inference-shared, label workload.gpu-fleet.io/class (unset) -> inference)',
    );
    expect(moved[0]).toBe('yiwu-dc01-rack-001-u01');
    const race = blockers(p, 'node-race');
    expect(race).toHaveLength(1);
    expect(race[0].message).toContain('no order between the two');
    expect(race[0].message).toContain('Fix: add `moved` blocks');
    // No per-node risk lines: the 80 instance changes are told as one group.
    expect(p.risks.filter((r) => r.stack === 'yiwu-dc01').length).toBeLessThanOrEqual(4);
  });

  it('leaves a removed site unmanaged, destroying nothing, and names the cdktf destroy to run from the base', () => {
    const head = changed(reference, ({ name }) => (name === 'karamay-02' ? 'remove' : undefined));
    const p = plan(reference, head);
    expect(p.summary).toEqual({ add: 0, change: 0, destroy: 0, move: 0 });
    const stack = p.stacks.find((s) => s.name === 'karamay-02')!;
    expect(stack.status).toBe('removed');
    expect(stack.unmanaged).toBeGreaterThan(0);
    expect(renderText(p)).toContain('Stack karamay-02: removed: left unmanaged, 0 destroyed');
    expect(blockers(p, 'stack')[0].message).toContain('run `cdktf destroy karamay-02` from the base (main (0123456789ab))');
    expect(p.changed).toBe(true);
  });

  it('detects a renamed site and explains what terraform does with it', () => {
    const head = changed(reference, (s) => {
      if (s.name === 'karamay-02') s.name = 'karamay-03';
    });
    const p = plan(reference, head);
    const added = p.stacks.find((s) => s.name === 'karamay-03')!;
    expect(added.renamedFrom).toBe('karamay-02');
    expect(p.stacks.find((s) => s.name === 'karamay-02')!.renamedTo).toBe('karamay-03');
    expect(p.summary.destroy).toBe(0);
    expect(p.summary.add).toBe(added.resources.length);
    const msgs = blockers(p, 'stack').map((r) => r.message);
    expect(msgs).toEqual([expect.stringMatching(/^stack karamay-02 is renamed to karamay-03: left unmanaged, 0 destroyed/), expect.stringMatching(/^stack karamay-03 looks like karamay-02 renamed/)]);
    expect(msgs[1]).toContain('kube context karamay-02');
  });

  it('shows a new stack with its kube context, kubeconfig path and backend', () => {
    const base = changed(reference, ({ name }) => (name === 'karamay-02' ? 'remove' : undefined));
    const base2 = changed(base, (s) => {
      if (s.name === 'karamay-01') s.doc.resource = { kubernetes_namespace_v1: s.doc.resource.kubernetes_namespace_v1 };
    });
    const p = plan(base2, reference, ['karamay-*']);
    const stack = p.stacks.find((s) => s.name === 'karamay-02')!;
    expect(stack.renamedFrom).toBeUndefined();
    expect(renderText(p)).toContain('  Applies to: kube context karamay-02, kubeconfig ~/.kube/config, backend local: ../../../terraform.karamay-02.tfstate');
    expect(p.risks.find((r) => r.kind === 'stack')).toEqual(expect.objectContaining({ severity: 'info', message: expect.stringContaining('new stack karamay-02') }));
    // Its nodes are told per pool, not as one risk per node.
    expect(p.risks.filter((r) => r.stack === 'karamay-02').map((r) => `${r.severity} ${r.kind}`)).toEqual(expect.arrayContaining(['info nodes']));
    expect(p.risks.filter((r) => r.stack === 'karamay-02').length).toBeLessThanOrEqual(4);
  });

  it('tells a Kueue quota cut by ClusterQueue, flavor and resource, as a blocker', () => {
    const head = changed(reference, ({ name, doc }) => {
      if (name !== 'yiwu-dc01') return;
      const cq = manifests(doc).find((m) => m.kind === 'ClusterQueue' && /"nominalQuota":([2-9]|\d\d)/.test(JSON.stringify(m)))!;
      const text = JSON.stringify(cq).replace(/"nominalQuota":([2-9]|\d\d+)\b/, (_, n) => `"nominalQuota":${Math.floor(Number(n) / 2)}`);
      Object.assign(cq, JSON.parse(text));
    });
    const p = plan(reference, head);
    expect(p.summary).toEqual({ add: 0, change: 1, destroy: 0, move: 0 });
    expect(blockers(p, 'quota').map((r) => r.message)).toEqual([expect.stringMatching(/^ClusterQueue \S+: \S+\/\S+ nominalQuota \d+ -> \d+ \(a quota cut: workloads above it may be preempted\)$/)]);
  });

  it('tells all the quota cuts of one ClusterQueue as one blocker, naming two and counting the rest', () => {
    let queue = '';
    const head = changed(reference, ({ name, doc }) => {
      if (name !== 'yiwu-dc01') return;
      const cq = manifests(doc).find((m) => m.kind === 'ClusterQueue' && (JSON.stringify(m).match(/"nominalQuota":([2-9]|\d\d+)\b/g) ?? []).length >= 3)!;
      queue = String((cq.metadata as JsonObject).name);
      Object.assign(cq, JSON.parse(JSON.stringify(cq).replace(/"nominalQuota":(\d+)\b/g, (_, n) => `"nominalQuota":${Math.floor(Number(n) / 2)}`)));
    });
    const p = plan(reference, head);
    expect(p.summary).toEqual({ add: 0, change: 1, destroy: 0, move: 0 });
    const cuts = blockers(p, 'quota');
    expect(cuts).toHaveLength(1);
    expect(cuts[0].message).toMatch(new RegExp(`^ClusterQueue ${queue}: \\S+ nominalQuota \\d+ -> \\d+; \\S+ nominalQuota \\d+ -> \\d+; and \\d+ more \\(a quota cut: workloads above it may be preempted\\)$`));
  });

  it('keeps the fleet capacity of every stack with --stack, and says so', () => {
    const head = changed(reference, ({ name }) => (name === 'karamay-02' ? 'remove' : undefined));
    const all = plan(reference, head);
    const some = plan(reference, head, ['yiwu-*']);
    expect(some.capacity).toEqual(all.capacity);
    expect(some.capacity.find((m) => m.metric === 'servers')!.delta).toBeLessThan(0);
    expect(renderText(some)).toContain('Fleet capacity, all stacks (before -> after), not only those --stack selects:');
  });

  it('renders a fleet-wide change of every pool in markdown under 65,536 characters with every blocker listed', () => {
    const head = changed(reference, ({ doc }) => {
      for (const t of Object.values(doc.resource.kubernetes_node_taint ?? {})) for (const taint of t.taint as JsonObject[]) taint.effect = 'NoExecute';
      for (const ds of Object.values(doc.resource.kubernetes_daemon_set_v1 ?? {})) Object.assign(ds, JSON.parse(JSON.stringify(ds).replace(/"image":"([^"]+):([^"]+)"/g, '"image":"$1:$2-1"')));
      for (const m of manifests(doc)) if (m.kind === 'ClusterPolicy') ((m.spec as JsonObject).devicePlugin as JsonObject).version = 'v0.99.0';
      for (const m of manifests(doc)) if (m.kind === 'ClusterQueue') Object.assign(m, JSON.parse(JSON.stringify(m).replace(/"nominalQuota":(\d+)/g, (_, n) => `"nominalQuota":${Number(n) - 8}`)));
    });
    const p = plan(reference, head);
    const all = blockers(p);
    expect(all.length).toBeGreaterThan(43 + 36);
    expect(blockers(p, 'taint').length).toBe(43);
    // One per changed DaemonSet of the stacks (standalone sites) and one per ClusterPolicy (Operator sites).
    const agents = [...reference.stacks.values()].reduce((n, st) => n + Object.keys((st.doc as Doc).resource.kubernetes_daemon_set_v1 ?? {}).length + manifests(st.doc as Doc).filter((m) => m.kind === 'ClusterPolicy').length, 0);
    expect(agents).toBeGreaterThanOrEqual(36);
    expect(blockers(p, 'rollout').length).toBe(agents);
    const md = renderMarkdown(p);
    expect(md.length).toBeLessThan(65_536);
    for (const r of all) expect(md).toContain(r.message.replace(/[\\`*_[\]<|~]/g, (c) => `\\${c}`));
  });

  it('keeps the JSON of a no-op plan small', () => {
    const { plan: p } = buildPlanWithDetail(reference, reference, { base: { kind: 'git', ref: 'main', commit: 'abc' }, head: { kind: 'working-tree' } });
    expect(p.changed).toBe(false);
    const json = renderJson(p);
    expect(json.length).toBeLessThan(4_000);
    expect(JSON.parse(json).unchangedStacks).toHaveLength(36);
  });
});

import { buildPlan } from '../../tools/plan/build';
import { PlanError } from '../../tools/plan/errors';
import { Plan, ResourceChange, SourceInfo } from '../../tools/plan/model';
import { StackFiles, clone, defaultNodes, labelsFor, siteStack, synthOf } from './plan-fixtures';

const BASE: SourceInfo = { kind: 'dir', path: 'base' };
const HEAD: SourceInfo = { kind: 'dir', path: 'head' };

function plan(base: Record<string, StackFiles>, head: Record<string, StackFiles>, stackFilter: string[] = []): Plan {
  return buildPlan(synthOf(base), synthOf(head), { base: BASE, head: HEAD, stackFilter });
}

function resources(p: Plan, stack = 'yiwu-dc01'): ResourceChange[] {
  return p.stacks.find((s) => s.name === stack)!.resources;
}

const LABELS = 'kubernetes_labels.pool-h100-train_node-labels_A1B2C3D4';
const TAINTS = 'kubernetes_node_taint.pool-h100-train_node-taints_9F8E7D6C';
const DAEMONSET = 'kubernetes_daemon_set_v1.device-plugin_daemonset_0F1E2D3C';
const DP_CONFIG = 'kubernetes_config_map_v1.device-plugin_configs_5E6F7A8B';

type Doc = { resource: Record<string, Record<string, Record<string, unknown>>> };

describe('plan diff', () => {
  it('reports no changes for identical synth outputs', () => {
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': siteStack() });
    expect(p.changed).toBe(false);
    expect(p.summary).toEqual({ add: 0, change: 0, destroy: 0, move: 0 });
    expect(p.stacks.map((s) => s.status)).toEqual(['unchanged']);
  });

  it('expands for_each over tfvars into one instance per key', () => {
    const p = plan({}, { 'yiwu-dc01': siteStack() });
    const addresses = resources(p).map((r) => r.address);
    expect(addresses).toEqual(
      expect.arrayContaining([`${LABELS}["gpu-001"]`, `${LABELS}["gpu-002"]`, `${LABELS}["gpu-003"]`, `${TAINTS}["gpu-001"]`, `${TAINTS}["gpu-003"]`]),
    );
    expect(p.stacks[0].status).toBe('added');
  });

  it('reports a new resource as create with every attribute it sets', () => {
    const head = siteStack();
    (head.doc as Doc).resource.kubernetes_namespace_v1 = { monitoring_ns_11223344: { metadata: [{ name: 'monitoring', labels: { team: 'fleet' } }] } };
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head });
    expect(resources(p)).toEqual([
      {
        address: 'kubernetes_namespace_v1.monitoring_ns_11223344',
        type: 'kubernetes_namespace_v1',
        name: 'monitoring_ns_11223344',
        action: 'create',
        changes: [
          { path: 'metadata[0].labels.team', segments: ['metadata', 0, 'labels', 'team'], kind: 'add', after: 'fleet', forcesReplacement: false },
          { path: 'metadata[0].name', segments: ['metadata', 0, 'name'], kind: 'add', after: 'monitoring', forcesReplacement: false },
        ],
      },
    ]);
    expect(p.summary).toEqual({ add: 1, change: 0, destroy: 0, move: 0 });
  });

  it('reports a nested attribute change as an update in-place with its full path', () => {
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': siteStack({ image: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1' }) });
    expect(resources(p)).toEqual([
      expect.objectContaining({
        address: DAEMONSET,
        action: 'update',
        changes: [
          {
            path: 'spec[0].template[0].spec[0].container[0].image',
            segments: ['spec', 0, 'template', 0, 'spec', 0, 'container', 0, 'image'],
            kind: 'change',
            before: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0',
            after: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1',
            forcesReplacement: false,
          },
        ],
      }),
    ]);
    expect(p.summary).toEqual({ add: 0, change: 1, destroy: 0, move: 0 });
  });

  it('reports a removed resource as destroy listing what it had set', () => {
    const head = siteStack();
    delete (head.doc as Doc).resource.kubernetes_daemon_set_v1;
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head });
    const [r] = resources(p);
    expect(r.address).toBe(DAEMONSET);
    expect(r.action).toBe('destroy');
    expect(r.changes.map((c) => c.kind)).toEqual(r.changes.map(() => 'remove'));
    expect(p.summary).toEqual({ add: 0, change: 0, destroy: 1, move: 0 });
  });

  it('reports a changed metadata.name as replace, counted as one add and one destroy', () => {
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': siteStack({ configMapName: 'nvidia-device-plugin-config' }) });
    const [r] = resources(p);
    expect(r).toMatchObject({ address: DP_CONFIG, action: 'replace', createBeforeDestroy: false });
    expect(r.changes).toEqual([expect.objectContaining({ path: 'metadata[0].name', forcesReplacement: true })]);
    expect(p.summary).toEqual({ add: 1, change: 0, destroy: 1, move: 0 });
  });

  it('reports a changed metadata.namespace as replace, with only the namespace forcing it', () => {
    const head = siteStack();
    const cm = (head.doc as Doc).resource.kubernetes_config_map_v1['device-plugin_configs_5E6F7A8B'];
    cm.metadata = [{ name: 'nvidia-device-plugin-configs', namespace: 'gpu-operator' }];
    cm.data = { 'h100-train': 'version: v1\n' };
    const [r] = resources(plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head }));
    expect(r.action).toBe('replace');
    expect(r.changes.map((c) => [c.path, c.forcesReplacement])).toEqual([
      ['data["h100-train"]', false],
      ['metadata[0].namespace', true],
    ]);
  });

  it('marks replace as create-before-destroy when the lifecycle asks for it', () => {
    const head = siteStack({ configMapName: 'renamed' });
    (head.doc as Doc).resource.kubernetes_config_map_v1['device-plugin_configs_5E6F7A8B'].lifecycle = { create_before_destroy: true };
    expect(resources(plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head }))[0]).toMatchObject({ action: 'replace', createBeforeDestroy: true });
  });

  it('reports relabelling three nodes in tfvars as three per-key updates', () => {
    const nodes = defaultNodes(5);
    const relabelled = clone(nodes);
    for (const host of ['gpu-001', 'gpu-003', 'gpu-005']) relabelled[host]['nvidia.com/mig.config'] = 'all-1g.10gb';
    const p = plan({ 'yiwu-dc01': siteStack({ nodes }) }, { 'yiwu-dc01': siteStack({ nodes: relabelled }) });
    expect(resources(p).map((r) => [r.address, r.action, r.changes.map((c) => `${c.path}: ${c.before} -> ${c.after}`)])).toEqual([
      [`${LABELS}["gpu-001"]`, 'update', ['labels["nvidia.com/mig.config"]: all-disabled -> all-1g.10gb']],
      [`${LABELS}["gpu-003"]`, 'update', ['labels["nvidia.com/mig.config"]: all-disabled -> all-1g.10gb']],
      [`${LABELS}["gpu-005"]`, 'update', ['labels["nvidia.com/mig.config"]: all-disabled -> all-1g.10gb']],
    ]);
    expect(p.summary).toEqual({ add: 0, change: 3, destroy: 0, move: 0 });
  });

  it('reports for_each keys that appear and disappear as create and destroy, never replace', () => {
    const nodes = defaultNodes(3);
    const changed = clone(nodes);
    delete changed['gpu-002'];
    changed['gpu-004'] = labelsFor('gpu-004');
    const p = plan({ 'yiwu-dc01': siteStack({ nodes }) }, { 'yiwu-dc01': siteStack({ nodes: changed }) });
    expect(resources(p).map((r) => `${r.action} ${r.address}`)).toEqual([
      `destroy ${LABELS}["gpu-002"]`,
      `create ${LABELS}["gpu-004"]`,
      `destroy ${TAINTS}["gpu-002"]`,
      `create ${TAINTS}["gpu-004"]`,
    ]);
    expect(p.summary).toEqual({ add: 2, change: 0, destroy: 2, move: 0 });
  });

  it('expands for_each over literal maps and lists and count into keyed and indexed instances', () => {
    const doc = {
      resource: {
        kubernetes_namespace_v1: {
          byMap: { for_each: { a: { team: 'x' }, b: { team: 'y' } }, metadata: [{ name: '${each.key}', labels: { team: '${each.value.team}' } }] },
          bySet: { for_each: ['z', 'y', 'z'], metadata: [{ name: 'ns-${each.value}' }] },
          byCount: { count: 2, metadata: [{ name: 'c-${count.index}' }] },
        },
      },
    };
    const p = plan({}, { s: { doc } });
    expect(resources(p, 's').map((r) => `${r.address} ${r.changes.map((c) => `${c.path}=${c.after}`).join(' ')}`)).toEqual([
      'kubernetes_namespace_v1.byCount[0] metadata[0].name=c-0',
      'kubernetes_namespace_v1.byCount[1] metadata[0].name=c-1',
      'kubernetes_namespace_v1.byMap["a"] metadata[0].labels.team=x metadata[0].name=a',
      'kubernetes_namespace_v1.byMap["b"] metadata[0].labels.team=y metadata[0].name=b',
      'kubernetes_namespace_v1.bySet["y"] metadata[0].name=ns-y',
      'kubernetes_namespace_v1.bySet["z"] metadata[0].name=ns-z',
    ]);
  });

  it('uses a variable default when no tfvars file sets the variable', () => {
    const doc = {
      variable: { hosts: { type: 'set(string)', default: ['n2', 'n1'] } },
      resource: { kubernetes_labels: { l: { for_each: '${var.hosts}', api_version: 'v1', kind: 'Node', metadata: { name: '${each.key}' }, labels: { a: 'b' } } } },
    };
    expect(resources(plan({}, { s: { doc } }), 's').map((r) => r.address)).toEqual(['kubernetes_labels.l["n1"]', 'kubernetes_labels.l["n2"]']);
  });

  it('compares a resource whose for_each cannot be evaluated as one resource, with a warning', () => {
    const doc = (fe: string) => ({ resource: { kubernetes_labels: { l: { for_each: fe, metadata: { name: '${each.key}' } } } } });
    const p = plan({ s: { doc: doc('${data.x.nodes}') } }, { s: { doc: doc('${data.y.nodes}') } });
    expect(resources(p, 's')).toEqual([]);
    expect(p.warnings).toEqual(['s: kubernetes_labels.l: for_each "${data.x.nodes}" cannot be evaluated without terraform; compared as one resource', 's: head: kubernetes_labels.l: for_each "${data.y.nodes}" cannot be evaluated without terraform; compared as one resource'].map((w, i) => (i === 0 ? w.replace('s: ', 's: base: ') : w)));
  });

  it('compares opaque expressions as text', () => {
    const doc = (ref: string) => ({ resource: { kubernetes_secret_v1: { s: { metadata: [{ name: 'x', namespace: ref }] } } } });
    const same = plan({ s: { doc: doc('${kubernetes_namespace_v1.a.metadata[0].name}') } }, { s: { doc: doc('${kubernetes_namespace_v1.a.metadata[0].name}') } });
    expect(same.changed).toBe(false);
    const changed = plan({ s: { doc: doc('${kubernetes_namespace_v1.a.metadata[0].name}') } }, { s: { doc: doc('${kubernetes_namespace_v1.b.metadata[0].name}') } });
    expect(resources(changed, 's')[0].action).toBe('replace');
  });

  it('compares nested blocks as written, object or one-element list', () => {
    const doc = (metadata: unknown) => ({ resource: { kubernetes_config_map_v1: { c: { metadata, data: { a: '1' } } } } });
    const p = plan({ s: { doc: doc({ name: 'x' }) } }, { s: { doc: doc([{ name: 'x' }]) } });
    expect(resources(p, 's')).toEqual([expect.objectContaining({ action: 'update', changes: [expect.objectContaining({ path: 'metadata', kind: 'change' })] })]);
  });

  it('ignores cdktf metadata comments, depends_on and null attributes', () => {
    const base = { resource: { kubernetes_config_map_v1: { c: { '//': { metadata: { path: 'a' } }, metadata: [{ name: 'x' }], data: { a: '1' } } } } };
    const head = { resource: { kubernetes_config_map_v1: { c: { '//': { metadata: { path: 'b' } }, depends_on: ['x.y'], metadata: [{ name: 'x', annotations: null }], data: { a: '1' } } } } };
    expect(plan({ s: { doc: base } }, { s: { doc: head } }).changed).toBe(false);
  });

  it('ignores attributes listed in lifecycle.ignore_changes', () => {
    const doc = (value: string, owner: string) => ({
      resource: { kubernetes_config_map_v1: { c: { lifecycle: { ignore_changes: ['metadata[0].annotations'] }, metadata: [{ name: 'x', annotations: { owner } }], data: { a: value } } } },
    });
    const p = plan({ s: { doc: doc('1', 'a') } }, { s: { doc: doc('2', 'b') } });
    expect(resources(p, 's')[0].changes.map((c) => c.path)).toEqual(['data.a']);
  });

  it('reports a resource moved by a moved block as a move, not a destroy and a create', () => {
    const base = { resource: { kubernetes_config_map_v1: { old_1: { metadata: [{ name: 'x' }], data: { a: '1' } } } } };
    const head = { resource: { kubernetes_config_map_v1: { new_2: { metadata: [{ name: 'x' }], data: { a: '1' } } } }, moved: [{ from: 'kubernetes_config_map_v1.old_1', to: 'kubernetes_config_map_v1.new_2' }] };
    const p = plan({ s: { doc: base } }, { s: { doc: head } });
    expect(resources(p, 's')).toEqual([expect.objectContaining({ address: 'kubernetes_config_map_v1.new_2', action: 'move', movedFrom: 'kubernetes_config_map_v1.old_1' })]);
    expect(p.summary).toEqual({ add: 0, change: 0, destroy: 0, move: 1 });
    expect(p.changed).toBe(true);
  });

  it('reports a new stack as creates and leaves a removed stack unmanaged, destroying nothing', () => {
    const p = plan({ 'yiwu-dc01': siteStack(), 'old-site': siteStack({ site: 'old-site', nodes: defaultNodes(1) }) }, { 'yiwu-dc01': siteStack(), 'new-site': siteStack({ site: 'new-site' }) });
    expect(p.stacks.map((s) => [s.name, s.status])).toEqual([
      ['new-site', 'added'],
      ['old-site', 'removed'],
      ['yiwu-dc01', 'unchanged'],
    ]);
    expect(p.stacks[1].resources).toEqual([]);
    expect(p.stacks[1].unmanaged).toBe(5);
    expect(p.stacks[1].summary).toEqual({ add: 0, change: 0, destroy: 0, move: 0 });
    expect(p.stacks[0].resources.every((r) => r.action === 'create')).toBe(true);
    expect(p.summary.destroy).toBe(0);
  });

  it('sorts stacks and resource addresses in a stable order', () => {
    const nodes = defaultNodes(12);
    const p = plan({}, { 'site-b': siteStack({ site: 'site-b', nodes }), 'site-a': siteStack({ site: 'site-a', nodes }) });
    expect(p.stacks.map((s) => s.name)).toEqual(['site-a', 'site-b']);
    const addresses = resources(p, 'site-a').map((r) => r.address);
    expect(addresses).toEqual([...addresses].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(JSON.stringify(plan({}, { 'site-b': siteStack({ site: 'site-b', nodes }), 'site-a': siteStack({ site: 'site-a', nodes }) }))).toBe(JSON.stringify(p));
  });

  it('only compares stacks matching the --stack globs', () => {
    const stacks = { 'yiwu-dc01': siteStack(), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02' }), 'hefei-dc01': siteStack({ site: 'hefei-dc01' }) };
    expect(plan(stacks, stacks, ['yiwu-*']).stacks.map((s) => s.name)).toEqual(['yiwu-dc01', 'yiwu-dc02']);
    expect(plan(stacks, stacks, ['*-dc01']).stacks.map((s) => s.name)).toEqual(['hefei-dc01', 'yiwu-dc01']);
  });

  it('fails when --stack matches no stack', () => {
    const stacks = { 'yiwu-dc01': siteStack() };
    expect(() => plan(stacks, stacks, ['nowhere-*'])).toThrow(new PlanError('--stack nowhere-* matches no stack (stacks: yiwu-dc01)'));
  });

  it('reports output changes other than capacity', () => {
    const doc = (v: string) => ({ output: { endpoint: { value: v } } });
    const p = plan({ s: { doc: doc('a') } }, { s: { doc: doc('b') } });
    expect(p.stacks[0].outputs).toEqual([{ name: 'endpoint', action: 'update', changes: [expect.objectContaining({ path: 'endpoint', before: 'a', after: 'b' })] }]);
    expect(p.changed).toBe(true);
  });
});

describe('plan capacity', () => {
  it('reports capacity deltas per site and for the fleet', () => {
    const p = plan(
      { 'yiwu-dc01': siteStack({ servers: 840 }), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02', servers: 100 }) },
      { 'yiwu-dc01': siteStack({ servers: 844, feedLoadKw: 212.3 }), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02', servers: 100 }) },
    );
    const site = p.stacks.find((s) => s.name === 'yiwu-dc01')!.capacity!;
    expect(site.changes.map((m) => [m.metric, m.before, m.after, m.delta])).toEqual([
      ['servers', 840, 844, 4],
      ['gpus', 6720, 6752, 32],
      ['gpusByModel.H100-80GB', 6720, 6752, 32],
      ['racks', 210, 211, 1],
      ['nvlinkDomains', 840, 844, 4],
      ['itPowerKw', 8568, 8608.8, 40.8],
      ['feeds.row-01-a.utilizationPercent', 88.7, 92.3, 3.6],
    ]);
    expect(p.stacks.find((s) => s.name === 'yiwu-dc02')!.capacity!.changes).toEqual([]);
    expect(p.capacity.map((m) => [m.metric, m.before, m.after])).toEqual([
      ['servers', 940, 944],
      ['gpus', 7520, 7552],
      ['gpusByModel.H100-80GB', 7520, 7552],
      ['racks', 235, 236],
      ['nvlinkDomains', 940, 944],
      ['itPowerKw', 9588, 9628.8],
    ]);
    expect(p.changed).toBe(true);
  });

  it('reports a GPU model that appears with no before value', () => {
    const head = siteStack();
    const cap = (head.doc as { output: { capacity: { value: { gpusByModel: Record<string, number> } } } }).output.capacity.value;
    cap.gpusByModel['B200-180GB'] = 8;
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head });
    expect(p.stacks[0].capacity!.changes).toEqual([{ metric: 'gpusByModel.B200-180GB', label: 'GPUs B200-180GB', unit: '', before: null, after: 8, delta: null }]);
    expect(p.capacity).toEqual([{ metric: 'gpusByModel.B200-180GB', label: 'GPUs B200-180GB', unit: '', before: 0, after: 8, delta: 8 }]);
  });
});

describe('plan replace rules', () => {
  it('replaces a DaemonSet whose spec.selector changes (ForceNew in the provider) and marks the attribute', () => {
    const head = siteStack();
    const ds = (head.doc as Doc).resource.kubernetes_daemon_set_v1['device-plugin_daemonset_0F1E2D3C'] as { spec: { selector: { match_labels: Record<string, string> }[] }[] };
    ds.spec[0].selector[0].match_labels = { app: 'device-plugin' };
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head });
    expect(resources(p)).toEqual([expect.objectContaining({ address: DAEMONSET, action: 'replace' })]);
    expect(resources(p)[0].changes).toEqual([expect.objectContaining({ path: 'spec[0].selector[0].match_labels.app', forcesReplacement: true })]);
    expect(p.summary).toEqual({ add: 1, change: 0, destroy: 1, move: 0 });
    expect(p.risks.map((r) => `${r.severity} ${r.kind}`)).toEqual(['blocker replace']);
  });

  it('replaces a cluster role binding whose role_ref changes, and updates one whose subjects change', () => {
    const doc = (role: string, sa: string) => ({
      resource: { kubernetes_cluster_role_binding_v1: { b: { metadata: [{ name: 'x' }], role_ref: [{ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }], subject: [{ kind: 'ServiceAccount', name: sa, namespace: 'n' }] } } },
    });
    expect(resources(plan({ s: { doc: doc('a', 'x') } }, { s: { doc: doc('b', 'x') } }), 's')[0]).toEqual(
      expect.objectContaining({ action: 'replace', changes: [expect.objectContaining({ path: 'role_ref[0].name', forcesReplacement: true })] }),
    );
    expect(resources(plan({ s: { doc: doc('a', 'x') } }, { s: { doc: doc('a', 'y') } }), 's')[0].action).toBe('update');
  });

  it('replaces a kubernetes_manifest on apiVersion, kind, name and namespace, and updates it on spec', () => {
    const doc = (m: Record<string, unknown>) => ({
      resource: { kubernetes_manifest: { q: { manifest: { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'q', namespace: 'team-a' }, spec: { clusterQueue: 'cq' }, ...m } } } },
    });
    const action = (m: Record<string, unknown>) => resources(plan({ s: { doc: doc({}) } }, { s: { doc: doc(m) } }), 's')[0].action;
    expect(action({ apiVersion: 'kueue.x-k8s.io/v1beta1' })).toBe('replace');
    expect(action({ kind: 'ClusterQueue' })).toBe('replace');
    expect(action({ metadata: { name: 'r', namespace: 'team-a' } })).toBe('replace');
    expect(action({ metadata: { name: 'q', namespace: 'team-b' } })).toBe('replace');
    expect(action({ spec: { clusterQueue: 'other' } })).toBe('update');
  });

  it('replaces node labels when their kind changes, and a node taint when its node changes, never when only the taint changes', () => {
    const head = siteStack();
    (head.doc as Doc).resource.kubernetes_labels['pool-h100-train_node-labels_A1B2C3D4'].kind = 'Namespace';
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head });
    expect(resources(p).map((r) => r.action)).toEqual(['replace', 'replace', 'replace']);
    const taint = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': siteStack({ taintEffect: 'NoExecute' }) });
    expect(resources(taint).map((r) => r.action)).toEqual(['update', 'update', 'update']);
  });
});

describe('plan risks', () => {
  function lines(p: Plan): string[] {
    return p.risks.map((r) => `${r.severity} ${r.kind}: ${r.message}`);
  }

  it('ranks blockers first: a namespace delete before per-node destroys', () => {
    const base = siteStack();
    (base.doc as Doc).resource.kubernetes_namespace_v1 = { serving: { metadata: [{ name: 'serving' }] } };
    const nodes = defaultNodes(1);
    const p = plan({ 'yiwu-dc01': base }, { 'yiwu-dc01': siteStack({ nodes, configMapName: 'renamed' }) });
    expect(lines(p)).toEqual([
      'blocker destroy: namespace serving is deleted, and with it every object in it (running jobs and their pods included)',
      'warning replace: nvidia-device-plugin/nvidia-device-plugin-configs is replaced: deleted, then created anew (metadata[0].name forces replacement)',
      'warning gpu-config: device-plugin config map nvidia-device-plugin/nvidia-device-plugin-configs: replaced; the device plugin reloads it and re-advertises GPUs on the nodes using it',
      'warning nodes: 2 nodes gpu-002, gpu-003: leave pool h100-train (their labels and taints are removed; the Nodes stay in the cluster)',
    ]);
  });

  it('says NoSchedule -> NoExecute evicts running pods that do not tolerate it, once for the nodes of the pool', () => {
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': siteStack({ taintEffect: 'NoExecute' }) });
    expect(lines(p)).toEqual([
      'blocker taint: 3 nodes gpu-001, gpu-002, gpu-003: taint gpu-fleet.io/pool=h100-train:NoSchedule effect NoSchedule -> NoExecute: running pods that do not tolerate it are evicted, and new ones are not scheduled; a toleration of the same key for NoSchedule only does not cover NoExecute',
    ]);
    expect(p.risks[0].message).not.toContain('can be scheduled there again');
  });

  it('flags a MIG config map change as a repartition blocker and a device-plugin config map change as a warning', () => {
    const p = plan(
      { 'yiwu-dc01': siteStack() },
      { 'yiwu-dc01': siteStack({ devicePluginConfig: 'version: v1\nsharing:\n  timeSlicing: {}\n', migConfig: 'version: v1\nmig-configs: {}\n' }) },
    );
    expect(lines(p)).toEqual([
      'blocker mig: MIG config map gpu-operator/default-mig-parted-config: data["config.yaml"] changes; mig-manager repartitions the GPUs of the nodes using it, evicting their GPU pods',
      'warning gpu-config: device-plugin config map nvidia-device-plugin/nvidia-device-plugin-configs: data["h100-train"] changes; the device plugin reloads it and re-advertises GPUs on the nodes using it',
    ]);
  });

  it('groups the nodes whose device-plugin and MIG config labels change the same way', () => {
    const nodes = defaultNodes(3);
    const relabelled = clone(nodes);
    for (const n of ['gpu-002', 'gpu-003']) {
      relabelled[n]['nvidia.com/mig.config'] = 'all-1g.10gb';
      relabelled[n]['nvidia.com/device-plugin.config'] = 'h100-shared';
    }
    relabelled['gpu-001']['gpu-fleet.io/rack'] = 'rack-99';
    const p = plan({ 'yiwu-dc01': siteStack({ nodes }) }, { 'yiwu-dc01': siteStack({ nodes: relabelled }) });
    expect(lines(p)).toEqual([
      'blocker mig: 2 nodes gpu-002, gpu-003: MIG config all-disabled -> all-1g.10gb: mig-manager repartitions their GPUs, evicting GPU pods there',
      'warning gpu-config: 2 nodes gpu-002, gpu-003: device-plugin config h100-train -> h100-shared: the device plugin switches their sharing config and re-advertises their GPUs',
    ]);
    expect(p.stacks[0].nodeGroups.map((g) => `${g.range}: ${g.details.join('; ')}`)).toEqual([
      'gpu-001: label gpu-fleet.io/rack rack-01 -> rack-99',
      'gpu-002, gpu-003: device-plugin config h100-train -> h100-shared; MIG config all-disabled -> all-1g.10gb',
    ]);
  });

  it('flags provider, kube context and backend changes as blockers, and exits as no change', () => {
    const head = siteStack({ context: 'yiwu-dc01-new' });
    const tf = (head.doc as { terraform: { required_providers: { kubernetes: { version: string } }; backend: unknown } }).terraform;
    tf.required_providers.kubernetes.version = '2.39.0';
    tf.backend = { local: { path: 'elsewhere.tfstate' } };
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head });
    expect(p.risks.map((r) => `${r.severity} ${r.kind}: ${r.message}`)).toEqual([
      'blocker provider: provider.kubernetes[0].config_context: "yiwu-dc01" -> "yiwu-dc01-new" (kube context / cluster connection: the stack would be applied to the cluster this now selects)',
      'blocker provider: terraform.required_providers.kubernetes.version: "2.38.0" -> "2.39.0" (provider source or version)',
      'blocker backend: terraform.backend.local.path: "terraform.yiwu-dc01.tfstate" -> "elsewhere.tfstate" (state location changes: terraform init -migrate-state is needed)',
    ]);
    expect(p.changed).toBe(false);
    expect(p.summary).toEqual({ add: 0, change: 0, destroy: 0, move: 0 });
  });

  it('flags a device plugin image bump as a DaemonSet rollout', () => {
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': siteStack({ image: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1' }) });
    expect(lines(p)).toEqual([
      'blocker rollout: DaemonSet nvidia-device-plugin/nvidia-device-plugin: image nvcr.io/nvidia/k8s-device-plugin:v0.17.0 -> nvcr.io/nvidia/k8s-device-plugin:v0.17.1 (upgrade): its pod restarts on every node it runs on (rolling update); terraform waits for the rollout to finish',
    ]);
  });

  it('flags a config checksum annotation and an added capability as one rollout', () => {
    const head = siteStack();
    const ds = (head.doc as Doc).resource.kubernetes_daemon_set_v1['device-plugin_daemonset_0F1E2D3C'] as { spec: { template: { metadata: Record<string, unknown>[]; spec: { container: Record<string, unknown>[] }[] }[] }[] };
    ds.spec[0].template[0].metadata[0].annotations = { 'checksum/config': 'abc' };
    ds.spec[0].template[0].spec[0].container[0].security_context = [{ capabilities: [{ add: ['SYS_ADMIN'] }] }];
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head });
    expect(lines(p)).toEqual([
      'blocker rollout: DaemonSet nvidia-device-plugin/nvidia-device-plugin: annotation checksum/config added, capabilities +SYS_ADMIN: its pod restarts on every node it runs on (rolling update); terraform waits for the rollout to finish',
    ]);
  });

  it('flags a GPU Operator ClusterPolicy component change as a rollout, and a per-tenant LocalQueue delete as a custom object delete', () => {
    const doc = (version: string, withQueue: boolean) => ({
      resource: {
        kubernetes_manifest: {
          policy: { manifest: { apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' }, spec: { devicePlugin: { version }, driver: { enabled: false } } } },
          ...(withQueue ? { queue: { manifest: { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'team-a', namespace: 'team-a' }, spec: { clusterQueue: 'team-a' } } } } : {}),
        },
      },
    });
    const p = plan({ s: { doc: doc('v0.17.0', true) } }, { s: { doc: doc('v0.17.1', false) } });
    expect(lines(p)).toEqual([
      'blocker destroy: custom object LocalQueue team-a/team-a is deleted',
      'blocker rollout: ClusterPolicy cluster-policy: devicePlugin changes: the GPU Operator rolls the DaemonSet of each on every GPU node',
    ]);
  });

  it('says terraform waits for a rollout only when it does', () => {
    const manifestDs = (image: string, wait: boolean) => ({
      resource: {
        kubernetes_manifest: {
          ds: {
            manifest: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'ops' }, spec: { template: { spec: { containers: [{ name: 'a', image }] } } } },
            ...(wait ? { wait: { rollout: true } } : {}),
          },
        },
      },
    });
    expect(lines(plan({ s: { doc: manifestDs('a:v1', false) } }, { s: { doc: manifestDs('a:v2', false) } }))).toEqual([
      'blocker rollout: DaemonSet ops/agent: image a:v1 -> a:v2 (upgrade): its pod restarts on every node it runs on (rolling update)',
    ]);
    expect(lines(plan({ s: { doc: manifestDs('a:v1', true) } }, { s: { doc: manifestDs('a:v2', true) } }))[0]).toMatch(/; terraform waits for the rollout to finish$/);
    const head = siteStack({ image: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1' });
    (head.doc as Doc).resource.kubernetes_daemon_set_v1['device-plugin_daemonset_0F1E2D3C'].wait_for_rollout = false;
    expect(lines(plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': head }))[0]).toMatch(/\(rolling update\)$/);
  });

  it('warns of the unordered destroy + create when a node moves between pools, and not once moved blocks move it', () => {
    const pools = (a: string[], b: string[], moved: { from: string; to: string }[] = []) => ({
      doc: {
        variable: { nodes_a: { type: 'map(map(string))' }, nodes_b: { type: 'map(map(string))' } },
        resource: {
          kubernetes_labels: {
            'pool-a_node-labels_1': { for_each: '${var.nodes_a}', api_version: 'v1', kind: 'Node', metadata: { name: '${each.key}' }, labels: '${each.value}', field_manager: 'gpu-fleet' },
            'pool-b_node-labels_2': { for_each: '${var.nodes_b}', api_version: 'v1', kind: 'Node', metadata: { name: '${each.key}' }, labels: '${each.value}', field_manager: 'gpu-fleet' },
          },
        },
        ...(moved.length ? { moved } : {}),
      },
      files: {
        'nodes.auto.tfvars.json': {
          nodes_a: Object.fromEntries(a.map((n) => [n, { 'gpu-fleet.io/pool': 'a' }])),
          nodes_b: Object.fromEntries(b.map((n) => [n, { 'gpu-fleet.io/pool': 'b' }])),
        },
      },
    });
    const raced = plan({ s: pools(['n1', 'n2'], ['n3']) }, { s: pools(['n1'], ['n2', 'n3']) });
    expect(raced.summary).toEqual({ add: 1, change: 0, destroy: 1, move: 0 });
    expect(lines(raced).filter((l) => l.startsWith('blocker'))).toEqual([expect.stringMatching(/^blocker node-race: 1 node n2: a -> b: each Node's labels and taints are destroyed/)]);
    const fixed = plan(
      { s: pools(['n1', 'n2'], ['n3']) },
      { s: pools(['n1'], ['n2', 'n3'], [{ from: 'kubernetes_labels.pool-a_node-labels_1["n2"]', to: 'kubernetes_labels.pool-b_node-labels_2["n2"]' }]) },
    );
    expect(fixed.summary).toEqual({ add: 0, change: 1, destroy: 0, move: 1 });
    expect(fixed.stacks[0].nodeGroups).toEqual([expect.objectContaining({ kind: 'move', fromPool: 'a', toPool: 'b', race: false })]);
    expect(lines(fixed).filter((l) => l.startsWith('blocker'))).toEqual([]);
  });

  it('tells nodes joining a pool as one informational line', () => {
    const nodes = defaultNodes(12);
    const p = plan({ 'yiwu-dc01': siteStack({ nodes: defaultNodes(2) }) }, { 'yiwu-dc01': siteStack({ nodes }) });
    expect(lines(p)).toEqual(['info nodes: 10 nodes gpu-003..gpu-012: join pool h100-train (taint gpu-fleet.io/pool=h100-train:NoSchedule, device-plugin config h100-train, MIG config all-disabled)']);
  });

  it('raises no risk for a change of an ordinary object', () => {
    const doc = (v: string) => ({ resource: { kubernetes_config_map_v1: { c: { metadata: [{ name: 'notes', namespace: 'ops' }], data: { a: v } } } } });
    expect(plan({ s: { doc: doc('1') } }, { s: { doc: doc('2') } }).risks).toEqual([]);
  });
});

describe('plan performance', () => {
  it('plans 36 stacks of 400 for_each keys each in a few seconds', () => {
    const stacks = (mig: string): Record<string, StackFiles> => {
      const out: Record<string, StackFiles> = {};
      for (let s = 0; s < 36; s++) {
        const nodes: Record<string, Record<string, string>> = {};
        for (let n = 0; n < 400; n++) {
          const host = `s${s}-gpu-${String(n).padStart(4, '0')}`;
          nodes[host] = labelsFor(host, n % 10 === 0 ? { 'nvidia.com/mig.config': mig } : {});
        }
        out[`site-${String(s).padStart(2, '0')}`] = siteStack({ site: `site-${s}`, nodes });
      }
      return out;
    };
    const base = synthOf(stacks('all-disabled'));
    const head = synthOf(stacks('all-1g.10gb'));
    const started = Date.now();
    const p = buildPlan(base, head, { base: BASE, head: HEAD });
    const elapsed = Date.now() - started;
    expect(p.summary.change).toBe(36 * 40);
    expect(elapsed).toBeLessThan(15_000);
  });
});

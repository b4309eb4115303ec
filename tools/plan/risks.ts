/**
 * The changes a reviewer must not miss, ranked by severity. Each rule is a small pure function
 * from a resource change (or node group, or stack) to risks; RISK_KINDS is the order they are
 * listed in, blockers first.
 *
 * Blockers: deletes of namespaces and custom objects, replacements of manifests and node agents,
 * removed or renamed stacks, provider / context / backend changes, NoExecute taints, MIG
 * repartitions, DaemonSet rollouts of node agents, Kueue quota cuts, per-node objects destroyed and
 * created with no order. Warnings: other destroys and replacements, other taint and
 * device-plugin changes, nodes leaving pools. Informational: nodes joining pools, new stacks,
 * quota increases.
 */
import { ResourceEntry, replaceRule } from './diff';
import { compareStrings, deepEqual, formatPath, getPath, isObject } from './json';
import { AttributeChange, Instance, Json, NodeGroup, Risk, RiskKind, Severity, StackTarget } from './model';
import { EFFECT_CONSEQUENCE, describeNodeGroup, nodeNameOf } from './nodes';

export const SEVERITIES: readonly Severity[] = ['blocker', 'warning', 'info'];

export const SEVERITY_TITLES: Record<Severity, string> = {
  blocker: 'Blockers',
  warning: 'Warnings',
  info: 'For information',
};

export const RISK_KINDS: readonly RiskKind[] = ['stack', 'provider', 'backend', 'destroy', 'replace', 'rollout', 'taint', 'mig', 'quota', 'node-race', 'gpu-config', 'nodes'];

export const RISK_TITLES: Record<RiskKind, string> = {
  stack: 'Stacks added, removed or renamed',
  provider: 'Provider / kube context changes',
  backend: 'Backend changes',
  destroy: 'Destroys',
  replace: 'Replacements',
  rollout: 'DaemonSet rollouts',
  taint: 'Node taint changes',
  mig: 'MIG repartitions',
  quota: 'Kueue quota changes',
  'node-race': 'Unordered destroy + create on one Node',
  'gpu-config': 'Device-plugin configuration changes',
  nodes: 'Nodes joining, leaving or moving',
};

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** `Kind namespace/name` of a manifest, `namespace/name` of other objects. */
export function objectName(i: Instance | undefined): string | undefined {
  if (!i) return undefined;
  const meta = i.type === 'kubernetes_manifest' ? ['manifest', 'metadata'] : ['metadata'];
  const name = str(getPath(i.body, [...meta, 'name']));
  const ns = str(getPath(i.body, [...meta, 'namespace']));
  const kind = i.type === 'kubernetes_manifest' ? `${str(getPath(i.body, ['manifest', 'kind'])) ?? 'object'} ` : '';
  return name === undefined ? undefined : `${kind}${ns ? `${ns}/${name}` : name}`;
}

function kindOf(i: Instance | undefined): string | undefined {
  if (!i) return undefined;
  if (i.type === 'kubernetes_manifest') return str(getPath(i.body, ['manifest', 'kind']));
  if (/^kubernetes_daemon_?set(_v1)?$/.test(i.type)) return 'DaemonSet';
  if (/^kubernetes_namespace(_v1)?$/.test(i.type)) return 'Namespace';
  return undefined;
}

const CONFIG_MAP_TYPES = /^kubernetes_config_map(_v1)?(_data)?$/;

/** 'mig', 'device-plugin' or undefined: what a config map configures, from its name, namespace and data. */
export function gpuConfigMapKind(i: Instance | undefined): 'mig' | 'device-plugin' | undefined {
  if (!i || !CONFIG_MAP_TYPES.test(i.type)) return undefined;
  const name = str(getPath(i.body, ['metadata', 'name'])) ?? '';
  const ns = str(getPath(i.body, ['metadata', 'namespace'])) ?? '';
  const data = getPath(i.body, ['data']);
  const values = isObject(data) ? Object.values(data).filter((v): v is string => typeof v === 'string') : [];
  if (/mig/i.test(name) || values.some((v) => /^\s*mig-configs\s*:/m.test(v))) return 'mig';
  if (/device-plugin|time-slicing|gpu-operator/i.test(`${name} ${ns}`)) return 'device-plugin';
  if (values.some((v) => /^\s*version\s*:\s*v1\b/m.test(v) && /^\s*(sharing|flags)\s*:/m.test(v))) return 'device-plugin';
  return undefined;
}

function risk(severity: Severity, kind: RiskKind, stack: string, message: string, address?: string): Risk {
  return { severity, kind, stack, ...(address ? { address } : {}), message };
}

function forcedBy(changes: readonly AttributeChange[]): string {
  return [...new Set(changes.filter((c) => c.forcesReplacement).map((c) => c.path))].join(', ');
}

/** Destroys and replacements: namespaces and custom objects (and node agents) are blockers. */
function destroyRisks(stack: string, e: ResourceEntry): Risk[] {
  const { change } = e;
  const inst = e.before ?? e.after;
  if (!inst || nodeNameOf(inst) !== undefined) return [];
  const kind = kindOf(inst);
  const what = objectName(inst) ?? change.address;
  if (change.action === 'destroy') {
    if (kind === 'Namespace') return [risk('blocker', 'destroy', stack, `namespace ${what} is deleted, and with it every object in it (running jobs and their pods included)`, change.address)];
    if (inst.type === 'kubernetes_manifest') return [risk('blocker', 'destroy', stack, `custom object ${what} is deleted`, change.address)];
    return [risk('warning', 'destroy', stack, `${what} will be destroyed`, change.address)];
  }
  if (change.action === 'replace') {
    const order = change.createBeforeDestroy ? 'created anew, then the old one deleted' : 'deleted, then created anew';
    const msg = `${what} is replaced: ${order} (${forcedBy(change.changes)} forces replacement)`;
    if (kind === 'Namespace') return [risk('blocker', 'replace', stack, `namespace ${msg}; deleting it deletes every object in it`, change.address)];
    if (inst.type === 'kubernetes_manifest') return [risk('blocker', 'replace', stack, msg, change.address)];
    if (replaceRule(inst.type)?.waitsForRollout || kind === 'DaemonSet') return [risk('blocker', 'replace', stack, `${msg}; its pods stop on every node before new ones start`, change.address)];
    return [risk('warning', 'replace', stack, msg, change.address)];
  }
  return [];
}

function isUnder(c: AttributeChange, prefix: readonly string[]): boolean {
  const segs = c.segments.filter((s) => typeof s !== 'number');
  return prefix.every((p, i) => segs[i] === p);
}

function describe(v: Json | undefined): string {
  return v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v);
}

/** `v0.17.0` < `v0.16.2`: a downgrade, by the dotted numbers of the image tags. */
function imageDirection(before: string, after: string): string {
  const tag = (s: string): number[] | undefined => {
    const m = /:v?(\d+(?:\.\d+)*)[^:/]*$/.exec(s);
    return m ? m[1].split('.').map(Number) : undefined;
  };
  const b = tag(before);
  const a = tag(after);
  if (!a || !b) return '';
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d < 0 ? ' (downgrade)' : ' (upgrade)';
  }
  return '';
}

/**
 * A DaemonSet's pod template changes: the controller replaces its pod on every node it runs on
 * (rolling update), and terraform waits for the rollout (`wait_for_rollout`, default true in
 * kubernetes/resource_kubernetes_daemon_set_v1.go). For node agents (the device plugin, the MPS
 * control daemon) that restarts GPU advertisement on every GPU node of the site.
 */
function rolloutRisks(stack: string, e: ResourceEntry): Risk[] {
  const { change } = e;
  if (change.action !== 'update') return [];
  if (kindOf(e.after) === 'ClusterPolicy') return clusterPolicyRisks(stack, e);
  if (kindOf(e.after) !== 'DaemonSet') return [];
  const manifest = e.after!.type === 'kubernetes_manifest';
  const prefix = manifest ? ['manifest', 'spec', 'template'] : ['spec', 'template'];
  const template = change.changes.filter((c) => isUnder(c, prefix));
  if (!template.length) return [];
  const parts: string[] = [];
  let other = 0;
  for (const c of template) {
    const last = c.segments[c.segments.length - 1];
    const names = c.segments.filter((s): s is string => typeof s === 'string');
    if (last === 'image') parts.push(`image ${describe(c.before)} -> ${describe(c.after)}${typeof c.before === 'string' && typeof c.after === 'string' ? imageDirection(c.before, c.after) : ''}`);
    else if (names.includes('annotations')) parts.push(`annotation ${names[names.length - 1]} ${c.kind === 'add' ? 'added' : c.kind === 'remove' ? 'removed' : 'changes'}`);
    else if (names.includes('capabilities')) parts.push(`capabilities ${c.kind === 'add' ? `+${describe(c.after)}` : c.kind === 'remove' ? `-${describe(c.before)}` : `${describe(c.before)} -> ${describe(c.after)}`}`);
    else other++;
  }
  if (other) parts.push(`${other} other pod template field${other === 1 ? '' : 's'}`);
  // The same image in the init container, the plugin and its sidecar is one change to tell.
  parts.splice(0, parts.length, ...new Set(parts));
  // SDK resources wait unless wait_for_rollout = false; kubernetes_manifest only with wait { rollout = true } (manifest/provider/waiter.go).
  const body = e.after!.body;
  const waits = manifest ? getPath(body, ['wait', 'rollout']) === true : replaceRule(e.after!.type)?.waitsForRollout === true && body.wait_for_rollout !== false;
  return [
    risk(
      'blocker',
      'rollout',
      stack,
      `${manifest ? '' : 'DaemonSet '}${objectName(e.after)}: ${parts.join(', ')}: its pod restarts on every node it runs on (rolling update)${waits ? '; terraform waits for the rollout to finish' : ''}`,
      change.address,
    ),
  ];
}

/**
 * The GPU Operator's ClusterPolicy (nvidia.com/v1): a change of a component's spec makes the
 * operator update that component's DaemonSet, which rolls on every GPU node (NVIDIA/gpu-operator
 * controllers/object_controls.go). Told per component (`devicePlugin`, `driver`, `migManager`, ...).
 */
function clusterPolicyRisks(stack: string, e: ResourceEntry): Risk[] {
  const components = [...new Set(e.change.changes.filter((c) => isUnder(c, ['manifest', 'spec'])).map((c) => String(c.segments[2])))].sort(compareStrings);
  if (!components.length) return [];
  return [
    risk(
      'blocker',
      'rollout',
      stack,
      `${objectName(e.after)}: ${components.join(', ')} change${components.length === 1 ? 's' : ''}: the GPU Operator rolls the DaemonSet of each on every GPU node`,
      e.change.address,
    ),
  ];
}

/** Parses a Kubernetes quantity (`800`, `1.5k`, `64Gi`, `500m`) to a number; undefined when it is none. */
export function parseQuantity(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([+-]?\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(v.trim());
  if (!m) return undefined;
  const factor: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  return Number(m[1]) * (m[2] ? factor[m[2]] : 1);
}

const QUOTA_FIELDS = ['nominalQuota', 'borrowingLimit', 'lendingLimit'] as const;

/** A ClusterQueue's quotas by `flavor / resource / field` (kueue apis/kueue/v1beta1 clusterqueue_types.go: resourceGroups[].flavors[].resources[]). */
function quotasOf(i: Instance | undefined): Map<string, Json> {
  const out = new Map<string, Json>();
  const groups = getPath(i?.body, ['manifest', 'spec', 'resourceGroups']);
  if (!Array.isArray(groups)) return out;
  for (const g of groups) {
    const flavors = isObject(g) ? g.flavors : undefined;
    if (!Array.isArray(flavors)) continue;
    for (const f of flavors) {
      if (!isObject(f) || !Array.isArray(f.resources)) continue;
      for (const r of f.resources) {
        if (!isObject(r)) continue;
        for (const field of QUOTA_FIELDS) if (r[field] !== undefined && r[field] !== null) out.set(JSON.stringify([str(f.name) ?? '?', str(r.name) ?? '?', field]), r[field]);
      }
    }
  }
  return out;
}

/** How many quota changes of one ClusterQueue a risk names; the rest are counted (every one is in the resource's diff). */
const QUOTA_CHANGES_NAMED = 2;

/**
 * Kueue quota changes told as ClusterQueue, flavor and resource: one risk per ClusterQueue for
 * its cuts (a blocker: admitted workloads over the new quota are preempted, or new ones wait) and
 * one for its other changes, so that a fleet-wide change stays one line per queue.
 */
function quotaRisks(stack: string, e: ResourceEntry): Risk[] {
  if (e.change.action !== 'update' || kindOf(e.after) !== 'ClusterQueue' || kindOf(e.before) !== 'ClusterQueue') return [];
  const before = quotasOf(e.before);
  const after = quotasOf(e.after);
  const queue = str(getPath(e.after!.body, ['manifest', 'metadata', 'name'])) ?? e.change.address;
  const cuts: string[] = [];
  const others: string[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(compareStrings)) {
    const b = before.get(key);
    const a = after.get(key);
    if (deepEqual(b, a)) continue;
    const [flavor, resource, field] = JSON.parse(key) as [string, string, string];
    const nb = parseQuantity(b);
    const na = parseQuantity(a);
    const cut = field === 'nominalQuota' ? a === undefined || (nb !== undefined && na !== undefined && na < nb) : false;
    (cut ? cuts : others).push(`${flavor}/${resource} ${field} ${describe(b)} -> ${describe(a)}`);
  }
  const told = (list: string[]) =>
    `ClusterQueue ${queue}: ${list.slice(0, QUOTA_CHANGES_NAMED).join('; ')}${list.length > QUOTA_CHANGES_NAMED ? `; and ${list.length - QUOTA_CHANGES_NAMED} more` : ''}`;
  const risks: Risk[] = [];
  if (cuts.length) risks.push(risk('blocker', 'quota', stack, `${told(cuts)} (a quota cut: workloads above it may be preempted)`, e.change.address));
  if (others.length) risks.push(risk('info', 'quota', stack, told(others), e.change.address));
  return risks;
}

/** ConfigMaps of the device plugin and mig-manager whose data changes. */
function configMapRisks(stack: string, e: ResourceEntry): Risk[] {
  const { change } = e;
  const kind = gpuConfigMapKind(e.after) ?? gpuConfigMapKind(e.before);
  if (!kind || change.action === 'move') return [];
  const dataChanges = change.changes.filter((c) => c.segments[0] === 'data' || c.segments[0] === 'binary_data');
  if (change.action === 'update' && !dataChanges.length) return [];
  const cm = (change.action === 'update' || change.action === 'create' ? objectName(e.after) : objectName(e.before)) ?? change.address;
  const keys = [...new Set(dataChanges.map((c) => formatPath(c.segments.slice(0, 2))))];
  const what =
    change.action === 'update' ? `${keys.join(', ')} ${keys.length === 1 ? 'changes' : 'change'}` : change.action === 'create' ? 'created' : change.action === 'destroy' ? 'destroyed' : 'replaced';
  if (kind === 'mig') {
    return [risk('blocker', 'mig', stack, `MIG config map ${cm}: ${what}; mig-manager repartitions the GPUs of the nodes using it, evicting their GPU pods`, change.address)];
  }
  return [risk('warning', 'gpu-config', stack, `device-plugin config map ${cm}: ${what}; the device plugin reloads it and re-advertises GPUs on the nodes using it`, change.address)];
}

/** The risks of one resource change (per-node objects are told by nodeGroupRisks instead). */
export function resourceRisks(stack: string, e: ResourceEntry): Risk[] {
  return [...destroyRisks(stack, e), ...rolloutRisks(stack, e), ...quotaRisks(stack, e), ...configMapRisks(stack, e)];
}

function group(g: NodeGroup): string {
  return `${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'} ${g.range}`;
}

/** One set of risks per node group: taints, MIG and device-plugin labels, joins, leaves, moves and the destroy + create race. */
export function nodeGroupRisks(stack: string, groups: readonly NodeGroup[]): Risk[] {
  const risks: Risk[] = [];
  for (const g of groups) {
    const line = describeNodeGroup(g);
    if (g.kind === 'join') {
      risks.push(risk('info', 'nodes', stack, line));
      continue;
    }
    if (g.kind === 'leave') {
      risks.push(risk('warning', 'nodes', stack, line));
      continue;
    }
    if (g.kind === 'move') risks.push(risk('warning', 'nodes', stack, line));
    for (const d of g.details) {
      if (d.includes('taint ')) {
        const noExecute = /:NoExecute\b|-> NoExecute\b|\(NoExecute\)/.test(d) && !d.startsWith('-taint');
        const consequence = d.startsWith('-taint')
          ? 'pods that did not tolerate it can be scheduled there again'
          : noExecute
            ? `${EFFECT_CONSEQUENCE.NoExecute}; a toleration of the same key for NoSchedule only does not cover NoExecute`
            : EFFECT_CONSEQUENCE.NoSchedule;
        risks.push(risk(noExecute ? 'blocker' : 'warning', 'taint', stack, `${group(g)}: ${d}: ${consequence}`));
      } else if (d.startsWith('MIG config')) {
        risks.push(risk('blocker', 'mig', stack, `${group(g)}: ${d}: mig-manager repartitions their GPUs, evicting GPU pods there`));
      } else if (d.startsWith('device-plugin config')) {
        risks.push(risk('warning', 'gpu-config', stack, `${group(g)}: ${d}: the device plugin switches their sharing config and re-advertises their GPUs`));
      }
    }
    if (g.race) {
      risks.push(
        risk(
          'blocker',
          'node-race',
          stack,
          `${group(g)}: ${g.fromPool} -> ${g.toPool}: each Node's labels and taints are destroyed under the old pool's resources and created under the new pool's, ` +
            'with no order between the two; both apply as the same field manager, so a destroy that runs last removes what the create just set. ' +
            'Fix: add `moved` blocks from the old to the new instance addresses (an in-place update instead), or move the nodes in two applies (out of the old pool, then into the new one).',
        ),
      );
    }
  }
  return risks;
}

const KUBECONFIG_ATTRS = new Set(['config_path', 'config_paths', 'config_context', 'config_context_cluster', 'config_context_auth_info', 'host', 'cluster_ca_certificate', 'token', 'client_certificate', 'client_key', 'exec', 'insecure', 'proxy_url', 'tls_server_name']);

/** Provider, context and backend changes: the stack would go to another cluster, provider or state. */
export function blockRisks(stack: string, providerChanges: readonly AttributeChange[], terraformChanges: readonly AttributeChange[]): Risk[] {
  const risks: Risk[] = [];
  for (const c of providerChanges) {
    const kubeconfig = c.segments.some((s) => typeof s === 'string' && KUBECONFIG_ATTRS.has(s));
    const consequence = kubeconfig ? 'kube context / cluster connection: the stack would be applied to the cluster this now selects' : 'provider configuration';
    risks.push(risk('blocker', 'provider', stack, `${c.path}: ${describeValue(c.before)} -> ${describeValue(c.after)} (${consequence})`));
  }
  for (const c of terraformChanges) {
    if (c.segments[1] === 'required_providers') {
      risks.push(risk('blocker', 'provider', stack, `${c.path}: ${describeValue(c.before)} -> ${describeValue(c.after)} (provider source or version)`));
    } else if (c.segments[1] === 'backend' || c.segments[1] === 'cloud') {
      risks.push(risk('blocker', 'backend', stack, `${c.path}: ${describeValue(c.before)} -> ${describeValue(c.after)} (state location changes: terraform init -migrate-state is needed)`));
    }
  }
  return risks;
}

function describeValue(v: Json | undefined): string {
  return v === undefined ? '(unset)' : JSON.stringify(v);
}

export function describeTarget(t: StackTarget | null): string {
  if (!t) return 'no kubernetes provider';
  return `kube context ${t.context ?? '(kubeconfig default)'}, kubeconfig ${t.configPath ?? '(provider default)'}, backend ${t.backend ?? '(none: local terraform.tfstate)'}`;
}

/** A stack that is no longer synthesized: `cdktf deploy` leaves its objects as they are. */
export function removedStackRisk(stack: string, unmanaged: number, target: StackTarget | null, base: string, renamedTo?: string): Risk {
  const why = renamedTo ? `renamed to ${renamedTo}` : 'removed from the fleet';
  return risk(
    'blocker',
    'stack',
    stack,
    `stack ${stack} is ${why}: left unmanaged, 0 destroyed. cdktf deploy no longer plans it, so its ${unmanaged} resource instance${unmanaged === 1 ? '' : 's'} stay in the cluster (${describeTarget(target)}) with nothing managing them. ` +
      `To delete them, run \`cdktf destroy ${stack}\` from the base (${base}) before this change lands.`,
  );
}

/** A stack that is new, or that looks like a removed one renamed. */
export function addedStackRisk(stack: string, target: StackTarget | null, renamedFrom?: string): Risk {
  if (renamedFrom) {
    return risk(
      'blocker',
      'stack',
      stack,
      `stack ${stack} looks like ${renamedFrom} renamed (the same resources): terraform sees two unrelated stacks. ${stack} starts with empty state and creates every object again ` +
        `(${describeTarget(target)}); objects that still exist make the create fail with "already exists", and ${renamedFrom}'s state is orphaned. ` +
        `Keep the stack's name, or move ${renamedFrom}'s state to ${stack}'s backend (terraform state pull / push) before deploying.`,
    );
  }
  return risk('info', 'stack', stack, `new stack ${stack}: ${describeTarget(target)}`);
}

export function compareRisks(a: Risk, b: Risk): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    RISK_KINDS.indexOf(a.kind) - RISK_KINDS.indexOf(b.kind) ||
    compareStrings(a.stack, b.stack) ||
    compareStrings(a.address ?? '', b.address ?? '') ||
    compareStrings(a.message, b.message)
  );
}

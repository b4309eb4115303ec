/**
 * Per-node changes told per node group rather than per resource instance: the fleet writes each
 * pool's node labels, annotations and taints as `for_each` resources keyed by node name, so one
 * server moving between pools is four or five instance changes. Here they fold into one line per
 * pool and way of changing ("20 nodes a..b: training -> inference-shared (taint ..., device-plugin
 * config ...)"), with moves, pool renames and the unordered destroy + create on one Node found.
 */
import { LABEL } from '../../stacks/node-labels';
import { ResourceEntry } from './diff';
import { compareStrings, getPath, isObject } from './json';
import { EvaluatedStack, Instance, Json, NodeGroup } from './model';

/** Resource types that patch an existing Node (server-side apply), one instance per node. */
const NODE_TYPES = new Set(['kubernetes_labels', 'kubernetes_annotations', 'kubernetes_node_taint']);

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** The Node an instance patches, or undefined when it patches something else. */
export function nodeNameOf(i: Instance): string | undefined {
  if (!NODE_TYPES.has(i.type)) return undefined;
  if (i.type !== 'kubernetes_node_taint' && str(i.body.kind) !== 'Node') return undefined;
  return str(getPath(i.body, ['metadata', 'name']));
}

/**
 * The pool of a per-node instance: the node's `gpu-fleet.io/pool` label where the instance sets
 * it, otherwise the construct id the fleet gives the pool's resources (`pool-<id>_node-taints_<hash>`).
 */
function poolOf(i: Instance): string {
  const labels = i.body.labels;
  const label = isObject(labels) ? str(labels[LABEL.pool]) : undefined;
  if (label) return label;
  return i.name.split('_')[0].replace(/^pool-/, '');
}

/** Taints of a kubernetes_node_taint body as `{ key, value, effect }`. */
export function taintList(i: Instance | undefined): { key: string; value: string; effect: string }[] {
  if (!i) return [];
  const raw = i.body.taint;
  const list = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : [];
  return list.filter(isObject).map((t) => ({ key: str(t.key) ?? '?', value: str(t.value) ?? '', effect: str(t.effect) ?? '?' }));
}

export function formatTaint(t: { key: string; value: string; effect: string }): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** What happens to pods when a taint with this effect appears on a node. */
export const EFFECT_CONSEQUENCE: Readonly<Record<string, string>> = {
  NoExecute: 'running pods that do not tolerate it are evicted, and new ones are not scheduled',
  NoSchedule: 'new pods that do not tolerate it are not scheduled; running pods stay',
  PreferNoSchedule: 'the scheduler avoids the node for pods that do not tolerate it',
};

export interface TaintChange {
  readonly key: string;
  readonly before?: { value: string; effect: string };
  readonly after?: { value: string; effect: string };
}

/** Taint changes by key between two sets of taints. */
export function taintChanges(before: ReturnType<typeof taintList>, after: ReturnType<typeof taintList>): TaintChange[] {
  const keys = [...new Set([...before.map((t) => t.key), ...after.map((t) => t.key)])].sort(compareStrings);
  const out: TaintChange[] = [];
  for (const key of keys) {
    const b = before.find((t) => t.key === key);
    const a = after.find((t) => t.key === key);
    if (b && a && b.value === a.value && b.effect === a.effect) continue;
    out.push({ key, ...(b ? { before: { value: b.value, effect: b.effect } } : {}), ...(a ? { after: { value: a.value, effect: a.effect } } : {}) });
  }
  return out;
}

export function describeTaintChange(c: TaintChange): string {
  const { before: b, after: a } = c;
  if (b && a) {
    if (b.effect === a.effect) return `taint ${c.key}=${b.value || '""'} -> ${a.value || '""'} (${a.effect})`;
    if (b.value === a.value) return `taint ${formatTaint({ key: c.key, ...b })} effect ${b.effect} -> ${a.effect}`;
    return `taint ${formatTaint({ key: c.key, ...b })} -> ${formatTaint({ key: c.key, ...a })}`;
  }
  if (a) return `+taint ${formatTaint({ key: c.key, ...a })}`;
  return `-taint ${formatTaint({ key: c.key, ...b! })}`;
}

/**
 * Node names as a range: the first name, `..`, and the last from the first dash-separated part
 * where they differ, backed up over a word part before it (`yiwu-dc01-rack-001-u01..rack-005-u25`);
 * at most three names are listed as they are.
 */
export function nodeRange(sorted: readonly string[]): string {
  if (sorted.length <= 3) return sorted.join(', ');
  const first = sorted[0].split('-');
  const last = sorted[sorted.length - 1].split('-');
  let i = 0;
  while (i < first.length - 1 && i < last.length - 1 && first[i] === last[i]) i++;
  while (i > 0 && /^[a-z]+$/i.test(last[i - 1])) i--;
  return `${sorted[0]}..${last.slice(i).join('-')}`;
}

interface NodeSide {
  pool?: string;
  labels?: Record<string, string>;
  taints?: ReturnType<typeof taintList>;
  /** type -> address */
  addresses: Map<string, string>;
}

function stringMap(v: Json | undefined): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) {
    const s = str(v[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function addInstance(side: NodeSide, i: Instance): void {
  side.addresses.set(i.type, i.address);
  if (i.type === 'kubernetes_node_taint') side.taints = taintList(i);
  else if (i.type === 'kubernetes_labels') side.labels = stringMap(i.body.labels);
  if (i.type === 'kubernetes_labels' || side.pool === undefined) side.pool = poolOf(i);
}

const CONFIG_LABELS: ReadonlyArray<readonly [string, string]> = [
  [LABEL.devicePluginConfig, 'device-plugin config'],
  [LABEL.migConfig, 'MIG config'],
];

/** Label changes other than the pool's and the GPU config labels, in short. */
function labelDetails(b: Record<string, string> | undefined, a: Record<string, string> | undefined, whole: boolean): string[] {
  const out: string[] = [];
  const before = b ?? {};
  const after = a ?? {};
  for (const [key, title] of CONFIG_LABELS) {
    const x = before[key];
    const y = after[key];
    if (x !== y && (b || !whole) && (a || !whole)) out.push(`${title} ${x ?? '(unset)'} -> ${y ?? '(unset)'}`);
    else if (x !== y && a && !b && y !== undefined) out.push(`${title} ${y}`);
  }
  if (a && b) {
    const skip = new Set<string>([LABEL.pool, ...CONFIG_LABELS.map(([k]) => k)]);
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !skip.has(k) && before[k] !== after[k]).sort(compareStrings);
    if (changed.length) out.push(`label${changed.length === 1 ? '' : 's'} ${changed.map((k) => `${k} ${before[k] ?? '(unset)'} -> ${after[k] ?? '(unset)'}`).join(', ')}`);
  }
  return out;
}

/** Pools that have at least one node in a stack. */
function poolsOf(stack: EvaluatedStack | undefined): Set<string> {
  const pools = new Set<string>();
  for (const i of stack?.instances.values() ?? []) if (nodeNameOf(i) !== undefined) pools.add(poolOf(i));
  return pools;
}

/** Groups of nodes that change the same way, in a stable order (pool before, pool after, first node). */
export function nodeGroups(entries: readonly ResourceEntry[], base: EvaluatedStack | undefined, head: EvaluatedStack | undefined): NodeGroup[] {
  const nodes = new Map<string, { before?: NodeSide; after?: NodeSide; race: boolean }>();
  const sideOf = (name: string, which: 'before' | 'after'): NodeSide => {
    let n = nodes.get(name);
    if (!n) nodes.set(name, (n = { race: false }));
    return (n[which] ??= { addresses: new Map() });
  };
  for (const e of entries) {
    if (e.change.action === 'move' && !e.change.changes.length) continue;
    if (e.before) {
      const name = nodeNameOf(e.before);
      if (name !== undefined) addInstance(sideOf(name, 'before'), e.before);
    }
    if (e.after) {
      const name = nodeNameOf(e.after);
      if (name !== undefined) addInstance(sideOf(name, 'after'), e.after);
    }
  }
  if (!nodes.size) return [];
  const poolsBefore = poolsOf(base);
  const poolsAfter = poolsOf(head);
  const groups = new Map<string, { kind: NodeGroup['kind']; fromPool: string | null; toPool: string | null; details: string[]; race: boolean; nodes: string[] }>();
  for (const [name, n] of nodes) {
    const { before: b, after: a } = n;
    const fromPool = b?.pool ?? null;
    const toPool = a?.pool ?? null;
    const kind: NodeGroup['kind'] = !b ? 'join' : !a ? 'leave' : fromPool !== toPool ? 'move' : 'change';
    let race = false;
    if (b && a) for (const [type, addr] of b.addresses) if (a.addresses.has(type) && a.addresses.get(type) !== addr) race = true;
    const details: string[] = [];
    if (kind === 'join') {
      for (const t of a!.taints ?? []) details.push(`taint ${formatTaint(t)}`);
      details.push(...labelDetails(undefined, a!.labels, true));
    } else if (kind !== 'leave') {
      if (b!.taints || a!.taints) details.push(...taintChanges(b!.taints ?? [], a!.taints ?? []).map(describeTaintChange));
      details.push(...labelDetails(b!.labels, a!.labels, false));
    }
    if (kind === 'change' && !details.length) continue;
    const key = JSON.stringify([kind, fromPool, toPool, details, race]);
    const g = groups.get(key);
    if (g) g.nodes.push(name);
    else groups.set(key, { kind, fromPool, toPool, details, race, nodes: [name] });
  }
  const out: NodeGroup[] = [...groups.values()].map((g) => {
    const sorted = g.nodes.sort(compareStrings);
    const poolRenamed = g.kind === 'move' && g.fromPool !== null && g.toPool !== null && !poolsAfter.has(g.fromPool) && !poolsBefore.has(g.toPool);
    return { kind: g.kind, fromPool: g.fromPool, toPool: g.toPool, nodes: sorted, range: nodeRange(sorted), details: g.details, race: g.race, poolRenamed };
  });
  return out.sort(
    (x, y) => compareStrings(x.fromPool ?? '', y.fromPool ?? '') || compareStrings(x.toPool ?? '', y.toPool ?? '') || compareStrings(x.nodes[0], y.nodes[0]),
  );
}

/** `20 nodes a..b: training -> inference-shared (taint ..., device-plugin config ...)`. */
export function describeNodeGroup(g: NodeGroup): string {
  const count = `${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'} ${g.range}`;
  const details = g.details.length ? ` (${g.details.join(', ')})` : '';
  switch (g.kind) {
    case 'join':
      return `${count}: join pool ${g.toPool}${details}`;
    case 'leave':
      return `${count}: leave pool ${g.fromPool} (their labels and taints are removed; the Nodes stay in the cluster)`;
    case 'move':
      return `${count}: ${g.fromPool} -> ${g.toPool}${g.poolRenamed ? ' (pool renamed)' : ''}${details}`;
    case 'change':
      return `${count} of pool ${g.toPool}:${details.replace(/^ \((.*)\)$/, ' $1')}`;
  }
}

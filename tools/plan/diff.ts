/**
 * Attribute-level and resource-level diffs, terraform-style: create, update in-place, destroy,
 * replace (when an attribute that forces replacement changes) and move (`moved` blocks).
 * Linear in the number of instances: everything is keyed by address in Maps.
 */
import { compareStrings, deepEqual, formatPath, getPath, isObject, parseAddress } from './json';
import { AttributeChange, EvaluatedStack, Instance, Json, MovedBlock, PathSegment, ResourceChange } from './model';

function isEmptyContainer(v: Json): boolean {
  return Array.isArray(v) ? v.length === 0 : isObject(v) ? Object.keys(v).length === 0 : false;
}

/**
 * Every leaf that differs between two values, with its path. `null` counts as unset (as in
 * terraform configuration). When one side is absent, every leaf of the other is listed, so a
 * create shows what it sets and a destroy what was set.
 */
export function diffValues(before: Json | undefined, after: Json | undefined, prefix: PathSegment[] = []): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (a: Json | undefined, b: Json | undefined, segs: PathSegment[]): void => {
    if (a === null) a = undefined;
    if (b === null) b = undefined;
    if (a === b) return;
    if (isObject(a) && isObject(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of [...keys].sort(compareStrings)) {
        walk(Object.prototype.hasOwnProperty.call(a, k) ? a[k] : undefined, Object.prototype.hasOwnProperty.call(b, k) ? b[k] : undefined, [...segs, k]);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) walk(a[i], b[i], [...segs, i]);
      return;
    }
    if (a === undefined && b !== undefined && !isEmptyContainer(b) && (isObject(b) || Array.isArray(b))) {
      if (Array.isArray(b)) b.forEach((v, i) => walk(undefined, v, [...segs, i]));
      else for (const k of Object.keys(b).sort(compareStrings)) walk(undefined, b[k], [...segs, k]);
      return;
    }
    if (b === undefined && a !== undefined && !isEmptyContainer(a) && (isObject(a) || Array.isArray(a))) {
      if (Array.isArray(a)) a.forEach((v, i) => walk(v, undefined, [...segs, i]));
      else for (const k of Object.keys(a).sort(compareStrings)) walk(a[k], undefined, [...segs, k]);
      return;
    }
    if (deepEqual(a, b)) return;
    const path = formatPath(segs);
    if (a === undefined) out.push({ path, segments: segs, kind: 'add', after: b, forcesReplacement: false });
    else if (b === undefined) out.push({ path, segments: segs, kind: 'remove', before: a, forcesReplacement: false });
    else out.push({ path, segments: segs, kind: 'change', before: a, after: b, forcesReplacement: false });
  };
  walk(before, after, prefix);
  return out;
}

/** What terraform-provider-kubernetes v2.38.0 does when an attribute of one resource type changes. */
export interface ReplaceRule {
  /** Attribute paths (list indexes left out) whose change destroys the object and creates a new one. */
  readonly forceNew: readonly PathSegment[][];
  /** The provider waits for the object's pods to roll out on create and update (`wait_for_rollout`, default true). */
  readonly waitsForRollout?: boolean;
  /** Where the rule is read from, in hashicorp/terraform-provider-kubernetes at v2.38.0. */
  readonly source: string;
}

const METADATA_NAME: PathSegment[][] = [['metadata', 'name'], ['metadata', 'namespace'], ['metadata', 'generate_name']];

/**
 * One rule per resource type, from the provider's schema (`ForceNew: true`) and, for
 * kubernetes_manifest, from `manifest/provider/plan.go` (RequiresReplace on apiVersion, kind,
 * metadata.name and, for namespaced kinds, metadata.namespace; a cluster-scoped kind has no
 * namespace to change). plan.go also replaces on a changed field whose CRD schema says
 * `x-kubernetes-preserve-unknown-fields`, and on any change of a kind without an OpenAPI schema;
 * both need the cluster's OpenAPI document, which a plan from configuration alone cannot see, so
 * such changes show as updates here. Types not listed use DEFAULT_RULE: every SDK resource's metadata block
 * (`kubernetes/schema_metadata.go`: name, namespace and generate_name are ForceNew).
 */
export const REPLACE_RULES: Readonly<Record<string, ReplaceRule>> = {
  kubernetes_manifest: {
    forceNew: [['manifest', 'apiVersion'], ['manifest', 'kind'], ['manifest', 'metadata', 'name'], ['manifest', 'metadata', 'namespace']],
    source: 'manifest/provider/plan.go',
  },
  kubernetes_labels: { forceNew: [['api_version'], ['kind'], ...METADATA_NAME], source: 'kubernetes/resource_kubernetes_labels.go' },
  kubernetes_annotations: { forceNew: [['api_version'], ['kind'], ...METADATA_NAME], source: 'kubernetes/resource_kubernetes_annotations.go' },
  kubernetes_node_taint: { forceNew: [['metadata', 'name']], source: 'kubernetes/resource_kubernetes_node_taint.go' },
  kubernetes_cluster_role_binding: { forceNew: [...METADATA_NAME, ['role_ref']], source: 'kubernetes/resource_kubernetes_cluster_role_binding.go' },
  kubernetes_cluster_role_binding_v1: { forceNew: [...METADATA_NAME, ['role_ref']], source: 'kubernetes/resource_kubernetes_cluster_role_binding_v1.go' },
  kubernetes_role_binding: { forceNew: [...METADATA_NAME, ['role_ref']], source: 'kubernetes/resource_kubernetes_role_binding.go' },
  kubernetes_role_binding_v1: { forceNew: [...METADATA_NAME, ['role_ref']], source: 'kubernetes/resource_kubernetes_role_binding_v1.go' },
  kubernetes_daemonset: { forceNew: [...METADATA_NAME, ['spec', 'selector']], waitsForRollout: true, source: 'kubernetes/resource_kubernetes_daemonset.go' },
  kubernetes_daemon_set_v1: { forceNew: [...METADATA_NAME, ['spec', 'selector']], waitsForRollout: true, source: 'kubernetes/resource_kubernetes_daemon_set_v1.go' },
  kubernetes_deployment: { forceNew: [...METADATA_NAME], waitsForRollout: true, source: 'kubernetes/resource_kubernetes_deployment.go' },
  kubernetes_deployment_v1: { forceNew: [...METADATA_NAME], waitsForRollout: true, source: 'kubernetes/resource_kubernetes_deployment_v1.go' },
  kubernetes_stateful_set: { forceNew: [...METADATA_NAME, ['spec', 'selector'], ['spec', 'service_name'], ['spec', 'pod_management_policy'], ['spec', 'volume_claim_template']], waitsForRollout: true, source: 'kubernetes/resource_kubernetes_stateful_set.go' },
  kubernetes_stateful_set_v1: { forceNew: [...METADATA_NAME, ['spec', 'selector'], ['spec', 'service_name'], ['spec', 'pod_management_policy'], ['spec', 'volume_claim_template']], waitsForRollout: true, source: 'kubernetes/resource_kubernetes_stateful_set_v1.go' },
};

export const DEFAULT_RULE: ReplaceRule = { forceNew: METADATA_NAME, source: 'kubernetes/schema_metadata.go' };

/** The rule for a resource type; undefined for types of other providers. */
export function replaceRule(type: string): ReplaceRule | undefined {
  return REPLACE_RULES[type] ?? (type.startsWith('kubernetes_') ? DEFAULT_RULE : undefined);
}

export function forceNewPaths(type: string): PathSegment[][] {
  return (replaceRule(type)?.forceNew ?? []).map((p) => [...p]);
}

function withoutIndexes(segs: readonly PathSegment[]): PathSegment[] {
  return segs.filter((s) => typeof s !== 'number');
}

function isPrefix(prefix: readonly PathSegment[], of: readonly PathSegment[]): boolean {
  if (prefix.length > of.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== of[i]) return false;
  return true;
}

/** Compares two instances at one address: no-op (undefined), update or replace. */
function compareInstances(before: Instance, after: Instance): { action: 'update' | 'replace'; changes: AttributeChange[] } | undefined {
  if (after.ignoreChanges === 'all') return undefined;
  const ignored = after.ignoreChanges;
  let changes = diffValues(before.body, after.body);
  if (ignored.length) {
    changes = changes.filter((c) => {
      const segs = withoutIndexes(c.segments);
      return !ignored.some((p) => isPrefix(p, segs));
    });
  }
  if (!changes.length) return undefined;
  const forcing = forceNewPaths(after.type).filter(
    (p) => !ignored.some((ig) => isPrefix(ig, p)) && !deepEqual(getPath(before.body, p), getPath(after.body, p)),
  );
  if (forcing.length) {
    changes = changes.map((c) => {
      const segs = withoutIndexes(c.segments);
      return forcing.some((p) => isPrefix(p, segs) || isPrefix(segs, p)) ? { ...c, forcesReplacement: true } : c;
    });
  }
  return { action: forcing.length ? 'replace' : 'update', changes };
}

function resourceAddressOf(i: Instance): string {
  return `${i.type}.${i.name}`;
}

function keySuffix(key: string | number | undefined): string {
  return key === undefined ? '' : typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/**
 * Applies `moved` blocks of the new configuration to the old instances, as terraform does with
 * state: an object at `from` (or every instance of the resource `from`) moves to `to` unless an
 * object already exists there. Returns the old instances by their new address, and where each came from.
 */
export function applyMoves(base: Map<string, Instance>, moved: readonly MovedBlock[]): { instances: Map<string, Instance>; movedFrom: Map<string, string> } {
  if (!moved.length) return { instances: base, movedFrom: new Map() };
  const instances = new Map(base);
  const movedFrom = new Map<string, string>();
  const byResource = new Map<string, Instance[]>();
  for (const inst of base.values()) {
    const r = resourceAddressOf(inst);
    const list = byResource.get(r);
    if (list) list.push(inst);
    else byResource.set(r, [inst]);
  }
  const move = (inst: Instance, to: string): void => {
    const parsed = parseAddress(to);
    if (!parsed || base.has(to) || instances.has(to)) return;
    instances.delete(inst.address);
    instances.set(to, { ...inst, address: to, type: parsed.type, name: parsed.name, key: parsed.key });
    movedFrom.set(to, movedFrom.get(inst.address) ?? inst.address);
    movedFrom.delete(inst.address);
  };
  for (const m of moved) {
    const from = parseAddress(m.from);
    const to = parseAddress(m.to);
    if (!from || !to) continue;
    if (from.key === undefined && to.key === undefined) {
      for (const inst of byResource.get(m.from) ?? []) {
        if (instances.get(inst.address) === inst) move(inst, m.to + keySuffix(inst.key));
      }
    } else {
      const inst = instances.get(m.from);
      if (inst) move(inst, m.to);
    }
  }
  return { instances, movedFrom };
}

export interface ResourceEntry {
  readonly change: ResourceChange;
  readonly before?: Instance;
  readonly after?: Instance;
}

/** The resource changes between two evaluated stacks (either may be absent), sorted by address. */
export function diffResources(base: EvaluatedStack | undefined, head: EvaluatedStack | undefined): ResourceEntry[] {
  const headInstances = head?.instances ?? new Map<string, Instance>();
  const { instances: baseInstances, movedFrom } = applyMoves(base?.instances ?? new Map<string, Instance>(), head?.moved ?? []);
  const addresses = new Set<string>([...baseInstances.keys(), ...headInstances.keys()]);
  const entries: ResourceEntry[] = [];
  for (const address of [...addresses].sort(compareStrings)) {
    const before = baseInstances.get(address);
    const after = headInstances.get(address);
    const from = movedFrom.get(address);
    const ident = (i: Instance) => ({ address, type: i.type, name: i.name, ...(i.key === undefined ? {} : { key: i.key }), ...(from ? { movedFrom: from } : {}) });
    if (before && after) {
      const cmp = compareInstances(before, after);
      if (cmp) {
        entries.push({
          change: { ...ident(after), action: cmp.action, ...(cmp.action === 'replace' ? { createBeforeDestroy: after.createBeforeDestroy } : {}), changes: cmp.changes },
          before,
          after,
        });
      } else if (from) {
        entries.push({ change: { ...ident(after), action: 'move', changes: [] }, before, after });
      }
    } else if (after) {
      entries.push({ change: { ...ident(after), action: 'create', changes: diffValues(undefined, after.body) }, after });
    } else if (before) {
      entries.push({ change: { ...ident(before), action: 'destroy', changes: diffValues(before.body, undefined) }, before });
    }
  }
  return entries;
}

/**
 * `--format terraform-json`: per stack, one document in terraform's machine-readable plan
 * representation (`terraform show -json <planfile>`), so that conftest/OPA policies, Atlantis
 * and infracost-style tools read our plan as they read terraform's. Field names and values follow
 * hashicorp/terraform internal/command/jsonplan/plan.go (`plan`, `ResourceChange`, `Change`,
 * `actionString`): format_version, resource_changes[] (every instance, no-ops included) with
 * address, mode, type, name, index, provider_name and change { actions, before, after,
 * after_unknown, before_sensitive, after_sensitive, replace_paths }, and output_changes.
 * terraform_version is left out: no terraform ran.
 *
 * before/after are shaped as the provider's schema has them: SDK nested blocks (metadata, spec,
 * role_ref, ... all TypeList MaxItems 1 in hashicorp/terraform-provider-kubernetes) are lists of
 * one object; map attributes (labels, annotations, data, ...) stay objects; kubernetes_manifest's
 * `manifest` and `object` are dynamic values, kept as written.
 *
 * Our risks and capacity go to a separate document beside them (render-json.ts).
 */
import { PlanDetail } from './build';
import { ResourceEntry, diffResources, forceNewPaths } from './diff';
import { compareStrings, deepEqual, getPath, isObject, setOwn } from './json';
import { EvaluatedStack, Instance, Json, JsonObject, PathSegment, Plan } from './model';
import { reviewDocument } from './render-json';

/** jsonplan.FormatVersion of the terraform releases this mirrors. */
export const TERRAFORM_PLAN_FORMAT_VERSION = '1.2';
export const KUBERNETES_PROVIDER = 'registry.terraform.io/hashicorp/kubernetes';
export const REVIEW_FILE = 'gpu-fleet-review.json';

export function planFileName(stack: string): string {
  return `${stack}.tfplan.json`;
}

/** Attributes of the SDK resources that are maps (TypeMap), not nested blocks, whatever the resource. */
const MAP_ATTRIBUTES = new Set(['labels', 'annotations', 'data', 'binary_data', 'string_data', 'match_labels', 'node_selector', 'limits', 'requests', 'selector_map']);
/** Attributes of kubernetes_manifest holding an arbitrary object (DynamicPseudoType). */
const DYNAMIC_ATTRIBUTES = new Set(['manifest', 'object']);

/** A value with its nested blocks as lists, as the provider's schema has them. */
export function shapeBody(type: string, body: JsonObject): JsonObject {
  const shape = (v: Json, key: string | undefined, inList: boolean): Json => {
    if (Array.isArray(v)) return v.map((x) => shape(x, key, true));
    if (!isObject(v)) return v;
    if (key !== undefined && MAP_ATTRIBUTES.has(key)) return v;
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort(compareStrings)) {
      setOwn(out, k, type === 'kubernetes_manifest' && key === undefined && DYNAMIC_ATTRIBUTES.has(k) ? v[k] : shape(v[k], k, false));
    }
    return key === undefined || inList ? out : [out];
  };
  return shape(body, undefined, false) as JsonObject;
}

/** A value with every string that still holds a terraform expression replaced by null, and where they were. */
function splitUnknown(v: Json): { known: Json; unknown: Json | undefined } {
  if (typeof v === 'string' && v.includes('${')) return { known: null, unknown: true };
  if (Array.isArray(v)) {
    const parts = v.map(splitUnknown);
    return { known: parts.map((p) => p.known), unknown: parts.some((p) => p.unknown !== undefined) ? parts.map((p) => p.unknown ?? false) : undefined };
  }
  if (isObject(v)) {
    const known: JsonObject = {};
    const unknown: JsonObject = {};
    let any = false;
    for (const k of Object.keys(v)) {
      const p = splitUnknown(v[k]);
      setOwn(known, k, p.known);
      if (p.unknown !== undefined) {
        setOwn(unknown, k, p.unknown);
        any = true;
      }
    }
    return { known, unknown: any ? unknown : undefined };
  }
  return { known: v, unknown: undefined };
}

/** A rule path (no list indexes) as a path into the shaped value: `["metadata", 0, "name"]`. */
export function shapedPath(shaped: Json, path: readonly PathSegment[]): PathSegment[] {
  const out: PathSegment[] = [];
  let cur: Json | undefined = shaped;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'string') {
      out.push(0);
      cur = cur[0];
    }
    out.push(seg);
    cur = isObject(cur) && typeof seg === 'string' ? cur[seg] : Array.isArray(cur) && typeof seg === 'number' ? cur[seg] : undefined;
  }
  return out;
}

type Actions = ['no-op'] | ['create'] | ['update'] | ['delete'] | ['delete', 'create'] | ['create', 'delete'];

interface TerraformResourceChange {
  address: string;
  previous_address?: string;
  mode: 'managed';
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  change: {
    actions: Actions;
    before: Json;
    after: Json;
    after_unknown: Json;
    before_sensitive: false;
    after_sensitive: false;
    replace_paths?: PathSegment[][];
  };
  action_reason?: string;
}

function providerName(type: string): string {
  return type.startsWith('kubernetes_') ? KUBERNETES_PROVIDER : `registry.terraform.io/hashicorp/${type.split('_')[0]}`;
}

function resourceChange(address: string, before: Instance | undefined, after: Instance | undefined, entry: ResourceEntry | undefined): TerraformResourceChange {
  const inst = (after ?? before)!;
  const shapedBefore = before ? shapeBody(before.type, before.body) : null;
  const shapedAfterRaw = after ? shapeBody(after.type, after.body) : null;
  const split = shapedAfterRaw ? splitUnknown(shapedAfterRaw) : { known: null, unknown: undefined };
  const action = entry?.change.action;
  let actions: Actions;
  if (!entry || action === 'move') actions = ['no-op'];
  else if (action === 'create') actions = ['create'];
  else if (action === 'destroy') actions = ['delete'];
  else if (action === 'update') actions = ['update'];
  else actions = entry.change.createBeforeDestroy ? ['create', 'delete'] : ['delete', 'create'];
  let afterUnknown: Json = isObject(split.unknown) ? split.unknown : {};
  if ((actions[0] === 'create' || actions.length === 2) && isObject(afterUnknown)) afterUnknown = { ...afterUnknown, id: true };
  const change: TerraformResourceChange['change'] = {
    actions,
    before: actions[0] === 'create' && actions.length === 1 ? null : shapedBefore,
    after: actions[0] === 'delete' && actions.length === 1 ? null : split.known,
    after_unknown: actions[0] === 'delete' && actions.length === 1 ? {} : afterUnknown,
    before_sensitive: false,
    after_sensitive: false,
  };
  if (actions.length === 2 && before && after) {
    change.replace_paths = forceNewPaths(inst.type)
      .filter((p) => !deepEqual(getPath(before.body, p), getPath(after.body, p)))
      .map((p) => shapedPath(shapedBefore, p));
  }
  const out: TerraformResourceChange = {
    address,
    ...(entry?.change.movedFrom ? { previous_address: entry.change.movedFrom } : {}),
    mode: 'managed',
    type: inst.type,
    name: inst.name,
    ...(inst.key === undefined ? {} : { index: inst.key }),
    provider_name: providerName(inst.type),
    change,
  };
  if (actions.length === 2) out.action_reason = 'replace_because_cannot_update';
  return out;
}

function outputActions(before: Json | undefined, after: Json | undefined): Actions {
  if (before === undefined) return ['create'];
  if (after === undefined) return ['delete'];
  return deepEqual(before, after) ? ['no-op'] : ['update'];
}

/** terraform's plan JSON for one stack; undefined for a removed stack, which terraform does not plan. */
export function terraformPlanDocument(base: EvaluatedStack | undefined, head: EvaluatedStack | undefined): Record<string, unknown> | undefined {
  if (!head) return undefined;
  const entries = diffResources(base, head);
  const byAddress = new Map(entries.map((e) => [e.change.address, e]));
  const addresses = [...new Set([...head.instances.keys(), ...entries.map((e) => e.change.address)])].sort(compareStrings);
  const resourceChanges = addresses.map((address) => {
    const entry = byAddress.get(address);
    const after = head.instances.get(address);
    const before = entry ? entry.before : after;
    return resourceChange(address, before, after, entry);
  });
  const outputChanges: Record<string, unknown> = {};
  const names = [...new Set([...Object.keys(base?.outputs ?? {}), ...Object.keys(head.outputs)])].sort(compareStrings);
  for (const name of names) {
    const b = base && Object.prototype.hasOwnProperty.call(base.outputs, name) ? base.outputs[name] : undefined;
    const a = Object.prototype.hasOwnProperty.call(head.outputs, name) ? head.outputs[name] : undefined;
    const split = a === undefined ? { known: null, unknown: undefined } : splitUnknown(a);
    outputChanges[name] = {
      actions: outputActions(b, a),
      before: b ?? null,
      after: split.known,
      after_unknown: split.unknown ?? false,
      before_sensitive: false,
      after_sensitive: false,
    };
  }
  const applyable = resourceChanges.some((r) => r.change.actions[0] !== 'no-op') || Object.values(outputChanges).some((o) => (o as { actions: Actions }).actions[0] !== 'no-op');
  return {
    format_version: TERRAFORM_PLAN_FORMAT_VERSION,
    applyable,
    complete: true,
    errored: false,
    resource_changes: resourceChanges,
    output_changes: outputChanges,
  };
}

/** One file per planned stack, and our review document beside them. */
export function renderTerraformJson(plan: Plan, detail: PlanDetail): { stdout: string; files: Record<string, string> } {
  const files: Record<string, string> = {};
  for (const s of plan.stacks) {
    const d = detail.stacks.get(s.name);
    const doc = terraformPlanDocument(d?.base, d?.head);
    if (doc) files[planFileName(s.name)] = JSON.stringify(doc) + '\n';
  }
  files[REVIEW_FILE] = JSON.stringify(reviewDocument(plan), null, 2) + '\n';
  const names = Object.keys(files).sort(compareStrings);
  return { stdout: names.map((n) => `${n}\n`).join(''), files };
}

/**
 * Test helper: which nodes of a synthesized site a DaemonSet's pods go to and whether they get
 * past the nodes' taints, worked out from the stack's output alone (cdk.tf.json, the node
 * inventory, the Helm values files), the way Kubernetes does it:
 *
 * - node selection: `nodeSelector` (every pair) and required node affinity (any term; within
 *   a term every expression; In, NotIn, Exists, DoesNotExist), as the DaemonSet controller
 *   asks the scheduler's NodeAffinity filter (component-helpers scheduling/corev1/nodeaffinity);
 * - taints: a pod runs on a node only when every NoSchedule and NoExecute taint is matched by
 *   one of its tolerations (core/v1 Toleration.ToleratesTaint: effect empty or equal, key empty
 *   or equal, operator Exists, or Equal/empty with equal values).
 *
 * Written apart from stacks/agent-tolerations.ts on purpose: a test that shares the code it
 * checks shares its bugs.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import type { TfJson } from './synth';

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

/** Where a pod may go: nodeSelector pairs and required node-affinity terms (ORed). */
export interface Placement {
  nodeSelector: Record<string, string>;
  terms: Requirement[][];
}

export interface SiteNodes {
  /** Node name -> labels, from every `nodes_*` inventory variable. */
  labels: Map<string, Record<string, string>>;
  /** Node name -> taints, from the kubernetes_node_taint resources over those variables. */
  taints: Map<string, Taint[]>;
}

function matchesRequirement(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(labels[r.key]);
    case 'NotIn':
      return !has || !(r.values ?? []).includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      throw new Error(`unsupported node selector operator ${r.operator}`);
  }
}

export function selects(p: Placement, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(p.nodeSelector)) if (labels[k] !== v) return false;
  if (p.terms.length === 0) return true;
  return p.terms.some((term) => term.every((r) => matchesRequirement(labels, r)));
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  const effectOk = !t.effect || t.effect === taint.effect;
  const keyOk = !t.key || t.key === taint.key;
  if (!effectOk || !keyOk) return false;
  if (t.operator === 'Exists') return true;
  if (t.operator === undefined || t.operator === '' || t.operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/** Taints on a node that keep a pod with `tolerations` off it. */
export function blockingTaints(tolerations: readonly Toleration[], taints: readonly Taint[]): Taint[] {
  return taints.filter((taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint)));
}

/** Nodes, labels and taints of a stack from its output. */
export function siteNodes(tf: TfJson, inventory: Record<string, Record<string, Record<string, string>>>): SiteNodes {
  const labels = new Map<string, Record<string, string>>();
  for (const [variable, nodes] of Object.entries(inventory)) {
    if (!variable.startsWith('nodes_')) continue;
    for (const [node, l] of Object.entries(nodes)) labels.set(node, l);
  }
  const taints = new Map<string, Taint[]>();
  for (const r of Object.values((tf.resource?.kubernetes_node_taint ?? {}) as Record<string, TfJson>)) {
    const variable = /^\$\{var\.([a-z0-9_]+)\}$/.exec(String(r.for_each))?.[1];
    if (!variable || !inventory[variable]) throw new Error(`taint resource iterates ${r.for_each}, not an inventory variable`);
    for (const node of Object.keys(inventory[variable])) {
      taints.set(node, [...(taints.get(node) ?? []), ...(r.taint as Taint[]).map((t) => ({ key: t.key, value: t.value || undefined, effect: t.effect }))]);
    }
  }
  return { labels, taints };
}

/** The placement and tolerations of a DaemonSet's pods in a synthesized stack (provider's snake_case). */
export function daemonSetPods(ds: TfJson): { placement: Placement; tolerations: Toleration[] } {
  const spec = ds.spec.template.spec;
  const required = spec.affinity?.node_affinity?.required_during_scheduling_ignored_during_execution;
  const terms: Requirement[][] = (required?.node_selector_term ?? []).map((t: TfJson) => (t.match_expressions ?? []) as Requirement[]);
  return { placement: { nodeSelector: spec.node_selector ?? {}, terms }, tolerations: (spec.toleration ?? []) as Toleration[] };
}

/** The placement of a pod from Kubernetes' camelCase affinity (Helm values). */
export function placementOf(affinity: TfJson | undefined, nodeSelector: Record<string, string> = {}): Placement {
  const terms = (affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []).map((t: TfJson) => (t.matchExpressions ?? []) as Requirement[]);
  return { nodeSelector, terms };
}

/** A Helm values file the stack wrote, or undefined when it wrote none. */
export function readValues(outdir: string, stack: string, file: string): TfJson | undefined {
  const p = path.join(outdir, 'stacks', stack, file);
  return fs.existsSync(p) ? (YAML.parse(fs.readFileSync(p, 'utf8')) as TfJson) : undefined;
}

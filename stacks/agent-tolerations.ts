/**
 * What lets a node agent (device plugin, MPS daemon, Ascend plugin, the GPU Operator's operands,
 * NFD's worker, the DRA kubelet plugin) run on the pools it serves: tolerations of every taint
 * of those pools, plus `CriticalAddonsOnly`. DaemonSet pods get only the node-condition
 * tolerations by themselves (kubernetes pkg/controller/daemon/util/daemonset_util.go
 * AddOrUpdateDaemonPodTolerations), so a pool taint that an agent does not tolerate keeps the
 * agent, and with it the pool's devices, off every node of the pool.
 *
 * Toleration matching as Kubernetes does it (k8s.io/api core/v1 toleration.go ToleratesTaint;
 * the scheduler's TaintToleration filter and the DaemonSet controller only weigh NoSchedule and
 * NoExecute taints, component-helpers scheduling/corev1 FindMatchingUntoleratedTaint).
 * Pure functions: no cdktf types.
 */
import type { Taint } from '../constructs/taint';
import { problem } from '../constructs/violations';
import { tolerationsFor } from './kueue/objects';

/** A pod toleration as the Kubernetes API spells it (every field optional). */
export interface PodToleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}

/** A node taint as the Kubernetes API spells it. */
export interface NodeTaintSpec {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** Cluster add-ons tolerate it so they run on nodes reserved for add-ons (kube-system convention). */
export const CRITICAL_ADDONS_ONLY: PodToleration = { key: 'CriticalAddonsOnly', operator: 'Exists' };

/** True when `toleration` tolerates `taint` (core/v1 Toleration.ToleratesTaint). */
export function toleratesTaint(toleration: PodToleration, taint: NodeTaintSpec): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** The taints of `taints` that keep a pod with `tolerations` off the node: NoSchedule and NoExecute ones none tolerates. */
export function untoleratedTaints(tolerations: readonly PodToleration[], taints: readonly NodeTaintSpec[]): NodeTaintSpec[] {
  return taints.filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerations.some((tol) => toleratesTaint(tol, t)));
}

/**
 * Tolerations of an agent serving pools with `taints`: CriticalAddonsOnly, then one exact
 * toleration per distinct taint (Equal on key and value, Exists for value-less taints), in the
 * order first met, plus `extra` (e.g. the upstream `nvidia.com/gpu` toleration) where not covered.
 */
export function agentTolerations(taints: Iterable<Taint>, extra: readonly PodToleration[] = []): PodToleration[] {
  const out: PodToleration[] = [CRITICAL_ADDONS_ONLY];
  const seen = new Set<string>();
  const add = (t: PodToleration) => {
    const k = JSON.stringify([t.key, t.operator, t.value, t.effect]);
    if (!seen.has(k)) out.push(t);
    seen.add(k);
  };
  for (const t of extra) add(t);
  for (const t of tolerationsFor([...taints])) add(t);
  return out;
}

/** One pool an agent serves, by id, with its taints. */
export interface ServedPool {
  readonly id: string;
  readonly taints: readonly Taint[];
}

/**
 * Rule: every agent tolerates every NoSchedule/NoExecute taint of every pool it serves.
 * One line per agent, pool and taint it would not get past.
 */
export function agentReachProblems(agent: string, tolerations: readonly PodToleration[], pools: readonly ServedPool[]): string[] {
  const out: string[] = [];
  for (const pool of pools) {
    for (const t of untoleratedTaints(tolerations, pool.taints)) {
      out.push(problem(`${agent} does not tolerate taint ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect} of pool ${pool.id}, so it never runs there`, tolerations.map(formatToleration), `a toleration of every taint of the pools it serves`));
    }
  }
  return out;
}

function formatToleration(t: PodToleration): string {
  return `${t.key ?? '*'}${t.operator === 'Exists' ? ' Exists' : `=${t.value ?? ''}`}${t.effect ? `:${t.effect}` : ''}`;
}

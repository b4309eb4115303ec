/**
 * Kueue objects of a site as plain Kubernetes manifests (kueue.x-k8s.io/v1beta2, the storage
 * version of Kueue's CRDs; v1beta1 is deprecated there), and the rules they must meet beyond
 * the CRD schema. Pure functions: no cdktf types.
 *
 * - one `Topology` per scheduling topology the site's pools use (see ../topology.ts);
 * - one `ResourceFlavor` per node pool: its nodes by `gpu-fleet.io/pool`, its topology, and
 *   tolerations equal to the pool's taints, which Kueue adds to the pods it admits to the
 *   flavor ("ResourceFlavor tolerations for automatic scheduling", Kueue docs
 *   concepts/resource_flavor.md): queued pods reach tainted pools, other pods stay off them;
 * - one `ClusterQueue` whose quota per flavor is what the pool's device plugin advertises
 *   (./quota.ts). Flavors that share a resource share a resource group (Kueue allows a resource
 *   in one group only); a flavor lists every resource of its group, 0 for those it lacks.
 *   Within a group Kueue tries flavors in order (the site's pool order): a job that must run
 *   in one pool names it with the node selector `gpu-fleet.io/pool: <pool>`.
 *
 * CPU and memory are not covered: the fleet does not model them. Kueue must be configured to
 * leave them out of quota (`resources.excludeResourcePrefixes` in its Configuration), or a
 * ClusterQueue covering them must come from elsewhere.
 */
import type { Taint } from '../../constructs/taint';
import { problem } from '../../constructs/violations';
import { LABEL } from '../node-labels';
import type { TopologySpec } from '../topology';

export const KUEUE_API_VERSION = 'kueue.x-k8s.io/v1beta2';
/** The one ClusterQueue of a site's cluster. */
export const CLUSTER_QUEUE_NAME = 'gpu-fleet';

/** Schema limits of the Kueue CRDs (config/components/crd/bases). */
export const KUEUE_LIMITS = {
  topologyLevels: 16,
  flavorNodeLabels: 8,
  flavorTolerations: 8,
  resourceGroups: 16,
  flavorsPerGroup: 64,
  flavorsPerQueue: 256,
  resourcesPerGroup: 64,
} as const;

/** A Kubernetes toleration as the ResourceFlavor CRD spells it. */
export interface Toleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: string;
}

/** Everything the stack knows about one pool's flavor. */
export interface FlavorSpec {
  /** ResourceFlavor name: the pool's id. */
  readonly name: string;
  /** Labels that select the flavor's nodes (and that Kueue adds to admitted pods' node selectors). */
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly topologyName: string;
  /** Resource -> what the pool's device plugin advertises. */
  readonly quota: Readonly<Record<string, number>>;
  /** The flavor's nodes, hostname -> labels: what the topology levels and node labels are checked against. */
  readonly nodes: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Tolerations matching `taints` exactly: Equal on key and value, Exists for value-less taints. */
export function tolerationsFor(taints: readonly Taint[]): Toleration[] {
  return taints.map((t) => (t.value === undefined || t.value === '' ? { key: t.key, operator: 'Exists', effect: t.effect } : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect }));
}

/** A flavor for a pool: selected by `gpu-fleet.io/pool`. */
export function poolNodeLabels(pool: string): Record<string, string> {
  return { [LABEL.pool]: pool };
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'gpu-fleet' };

export function topologyManifest(t: TopologySpec): Record<string, unknown> {
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'Topology',
    metadata: { name: t.name, labels: MANAGED_BY },
    spec: { levels: t.levels.map((nodeLabel) => ({ nodeLabel })) },
  };
}

export function resourceFlavorManifest(f: FlavorSpec): Record<string, unknown> {
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'ResourceFlavor',
    metadata: { name: f.name, labels: MANAGED_BY },
    spec: {
      nodeLabels: { ...f.nodeLabels },
      ...(f.tolerations.length > 0 ? { tolerations: f.tolerations.map((t) => ({ ...t })) } : {}),
      topologyName: f.topologyName,
    },
  };
}

/** One resource group: the resources it covers and, per flavor, a quota for each of them. */
export interface ResourceGroup {
  readonly coveredResources: readonly string[];
  readonly flavors: ReadonlyArray<{ readonly name: string; readonly resources: ReadonlyArray<{ readonly name: string; readonly nominalQuota: number }> }>;
}

/**
 * Groups flavors that share a resource (transitively) into one resource group each; groups in
 * the order of their first flavor, resources sorted, every flavor listing all of its group's
 * resources (0 for those its pool does not advertise).
 */
export function resourceGroups(flavors: readonly FlavorSpec[]): ResourceGroup[] {
  // Union-find over flavors: two flavors join when they advertise a common resource.
  const parent = flavors.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const owner = new Map<string, number>();
  flavors.forEach((f, i) => {
    for (const r of Object.keys(f.quota)) {
      const o = owner.get(r);
      if (o === undefined) owner.set(r, i);
      else parent[find(i)] = find(o);
    }
  });
  // Map insertion order: each group first appears at its lowest flavor index.
  const members = new Map<number, FlavorSpec[]>();
  flavors.forEach((f, i) => {
    const root = find(i);
    if (!members.has(root)) members.set(root, []);
    members.get(root)!.push(f);
  });
  const out: ResourceGroup[] = [];
  for (const group of members.values()) {
    const covered = [...new Set(group.flatMap((f) => Object.keys(f.quota)))].sort();
    if (covered.length === 0) continue;
    out.push({
      coveredResources: covered,
      flavors: group.map((f) => ({ name: f.name, resources: covered.map((r) => ({ name: r, nominalQuota: f.quota[r] ?? 0 })) })),
    });
  }
  return out;
}

export function clusterQueueManifest(name: string, flavors: readonly FlavorSpec[]): Record<string, unknown> {
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'ClusterQueue',
    metadata: { name, labels: MANAGED_BY },
    spec: {
      // An empty selector admits workloads from every namespace (null would admit none).
      namespaceSelector: {},
      resourceGroups: resourceGroups(flavors).map((g) => ({
        coveredResources: [...g.coveredResources],
        flavors: g.flavors.map((f) => ({ name: f.name, resources: f.resources.map((r) => ({ ...r })) })),
      })),
    },
  };
}

/**
 * Every reason the site's Kueue objects would not schedule as intended: a flavor whose
 * topology is missing, a topology without `kubernetes.io/hostname` as its lowest level or
 * with repeated levels, a level label or flavor node label the flavor's nodes do not carry,
 * quotas that are not whole numbers >= 0, and the CRDs' size limits.
 */
export function kueueProblems(topologies: readonly TopologySpec[], flavors: readonly FlavorSpec[]): string[] {
  const out: string[] = [];
  const byName = new Map(topologies.map((t) => [t.name, t]));
  const seenTopologies = new Set<string>();
  for (const t of topologies) {
    if (seenTopologies.has(t.name)) out.push(problem('Topology name is used twice', t.name, 'one Topology per name'));
    seenTopologies.add(t.name);
    if (t.levels.length === 0 || t.levels.length > KUEUE_LIMITS.topologyLevels) {
      out.push(problem(`Topology ${t.name} has a bad number of levels`, t.levels.length, `1 to ${KUEUE_LIMITS.topologyLevels} levels`));
    }
    if (t.levels[t.levels.length - 1] !== LABEL.hostname) {
      out.push(problem(`Topology ${t.name} must end with the node level`, t.levels[t.levels.length - 1], `${LABEL.hostname} as the lowest level`));
    }
    const repeated = t.levels.filter((l, i) => t.levels.indexOf(l) !== i);
    if (repeated.length > 0) out.push(problem(`Topology ${t.name} repeats levels`, repeated, 'each node label once'));
  }
  const seenFlavors = new Set<string>();
  for (const f of flavors) {
    if (seenFlavors.has(f.name)) out.push(problem('ResourceFlavor name is used twice', f.name, 'one flavor per pool'));
    seenFlavors.add(f.name);
    const topology = byName.get(f.topologyName);
    if (!topology) {
      out.push(problem(`ResourceFlavor ${f.name} names a Topology the stack does not define`, f.topologyName, `one of ${[...byName.keys()].join(', ') || 'no topology'}`));
    }
    if (Object.keys(f.nodeLabels).length === 0) out.push(problem(`ResourceFlavor ${f.name} selects no nodes`, f.nodeLabels, 'at least one node label (Kueue requires one with a topology)'));
    if (Object.keys(f.nodeLabels).length > KUEUE_LIMITS.flavorNodeLabels) {
      out.push(problem(`ResourceFlavor ${f.name} has too many node labels`, Object.keys(f.nodeLabels).length, `at most ${KUEUE_LIMITS.flavorNodeLabels}`));
    }
    if (f.tolerations.length > KUEUE_LIMITS.flavorTolerations) {
      out.push(problem(`ResourceFlavor ${f.name} has too many tolerations (one per pool taint)`, f.tolerations.length, `at most ${KUEUE_LIMITS.flavorTolerations}`));
    }
    for (const [resource, quota] of Object.entries(f.quota)) {
      if (!Number.isInteger(quota) || quota < 0) out.push(problem(`ResourceFlavor ${f.name} quota of ${resource} is not a whole number`, quota, 'an integer >= 0'));
    }
    const hosts = Object.keys(f.nodes);
    if (hosts.length === 0) out.push(problem(`ResourceFlavor ${f.name} has no nodes`, 0, 'the nodes of its pool'));
    const levels = (topology?.levels ?? []).filter((l) => l !== LABEL.hostname);
    for (const level of levels) {
      const without = hosts.filter((h) => !f.nodes[h][level]);
      if (without.length > 0) {
        out.push(problem(`nodes of ResourceFlavor ${f.name} lack the label of topology level ${level}`, without.slice(0, 3), `every node labelled ${level}`));
      }
    }
    for (const [key, value] of Object.entries(f.nodeLabels)) {
      const other = hosts.filter((h) => f.nodes[h][key] !== value);
      if (other.length > 0) out.push(problem(`nodes of ResourceFlavor ${f.name} lack its node label ${key}=${value}`, other.slice(0, 3), `every node labelled ${key}=${value}`));
    }
  }
  if (flavors.length > KUEUE_LIMITS.flavorsPerQueue) out.push(problem('ClusterQueue has too many flavors', flavors.length, `at most ${KUEUE_LIMITS.flavorsPerQueue}`));
  const groups = resourceGroups(flavors);
  if (groups.length > KUEUE_LIMITS.resourceGroups) out.push(problem('ClusterQueue has too many resource groups', groups.length, `at most ${KUEUE_LIMITS.resourceGroups}`));
  for (const g of groups) {
    if (g.flavors.length > KUEUE_LIMITS.flavorsPerGroup) out.push(problem(`resource group of ${g.coveredResources.join(', ')} has too many flavors`, g.flavors.length, `at most ${KUEUE_LIMITS.flavorsPerGroup}`));
    if (g.coveredResources.length > KUEUE_LIMITS.resourcesPerGroup) out.push(problem('resource group covers too many resources', g.coveredResources.length, `at most ${KUEUE_LIMITS.resourcesPerGroup}`));
  }
  return out;
}

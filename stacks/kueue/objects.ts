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
 * - one `ClusterQueue` per tenant, all in the site's cohort (./tenants.ts says who gets what),
 *   and one `LocalQueue` per tenant namespace pointing at it.
 *
 * Every ClusterQueue has one resource group covering cpu, memory, pods, every device resource of
 * the site and the DRA channel resource (./quota.ts): cpu, memory and pods are requested by
 * every pod, and Kueue allows a resource in one group only, so all flavors share that group.
 * Each flavor lists every covered resource, 0 for those its pool lacks: a flavor's 0 quota of
 * `nvidia.com/gpu` (shared, MIG and Ascend pools, whose devices have other names) is what
 * keeps whole-GPU jobs off it, since the cohort holds no such quota to borrow either. Kueue
 * tries flavors in order and takes the first that fits (flavorassigner.go): whole-device pools
 * first, then MIG, then shared ones, each in the site's pool order. A job that must run in one
 * pool names it with the node selector `gpu-fleet.io/pool: <pool>`.
 */
import type { Taint } from '../../constructs/taint';
import { problem } from '../../constructs/violations';
import { LABEL } from '../node-labels';
import type { TopologySpec } from '../topology';
import { COMPUTE_DOMAIN_CHANNEL_DEVICE_CLASS, COMPUTE_DOMAIN_CHANNEL_RESOURCE, HOST_RESOURCES, quantity } from './quota';
import type { QueueSpec } from './tenants';

export const KUEUE_API_VERSION = 'kueue.x-k8s.io/v1beta2';
/** Kueue's Configuration API (the file the Kueue manager reads), for the fragment a site needs. */
export const KUEUE_CONFIG_API_VERSION = 'config.kueue.x-k8s.io/v1beta2';
/** The file beside cdk.tf.json that holds that fragment. */
export const KUEUE_CONFIG_FILE = 'kueue-configuration.yaml';
/** What `nvidia.com/gpu` names: a whole GPU (or, under migStrategy single, a MIG instance). */
const WHOLE_GPU = 'nvidia.com/gpu';

/** Schema limits of the Kueue CRDs (config/components/crd/bases). */
export const KUEUE_LIMITS = {
  topologyLevels: 16,
  flavorNodeLabels: 8,
  flavorTolerations: 8,
  flavorsPerGroup: 64,
  flavorsPerQueue: 256,
  resourcesPerGroup: 64,
} as const;

/**
 * How a flavor's devices relate to whole devices: `whole` (exclusive GPUs, NPUs), `mig` (MIG
 * instances) or `shared` (time-slices, MPS clients). Orders flavors and names what a flavor
 * may offer.
 */
export type FlavorSharing = 'whole' | 'mig' | 'shared';
const SHARING_ORDER: Readonly<Record<FlavorSharing, number>> = { whole: 0, mig: 1, shared: 2 };

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
  /** Resource -> what the pool offers (./quota.ts poolQuota; memory in GiB). */
  readonly quota: Readonly<Record<string, number>>;
  /** Devices the pool advertises (`NodePool.advertisedDevices`): what tenants' guarantees are counted in. */
  readonly devices: number;
  readonly sharing: FlavorSharing;
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

/** Flavors in the order Kueue should try them: whole devices, then MIG, then shared; pool order within each. */
export function flavorOrder(flavors: readonly FlavorSpec[]): FlavorSpec[] {
  return flavors.map((f, i) => ({ f, i })).sort((a, b) => SHARING_ORDER[a.f.sharing] - SHARING_ORDER[b.f.sharing] || a.i - b.i).map(({ f }) => f);
}

/** Every resource the site's flavors offer: cpu, memory, pods, then the rest sorted. */
export function coveredResources(flavors: readonly FlavorSpec[]): string[] {
  const rest = new Set<string>();
  for (const f of flavors) for (const r of Object.keys(f.quota)) if (!HOST_RESOURCES.includes(r)) rest.add(r);
  return [...HOST_RESOURCES, ...[...rest].sort()];
}

/**
 * The one resource group of a ClusterQueue: every resource of the site, every flavor in
 * `flavorOrder`, each listing every resource, with `quota(flavor, resource)` (0 for those its
 * pool lacks).
 */
export function resourceGroup(flavors: readonly FlavorSpec[], quota: (flavor: string, resource: string) => number = (f, r) => flavors.find((x) => x.name === f)?.quota[r] ?? 0): ResourceGroup {
  const covered = coveredResources(flavors);
  return {
    coveredResources: covered,
    flavors: flavorOrder(flavors).map((f) => ({ name: f.name, resources: covered.map((r) => ({ name: r, nominalQuota: quota(f.name, r) })) })),
  };
}

/** A tenant's ClusterQueue: its quotas per flavor, in the site's cohort, open to its namespaces only. */
export function clusterQueueManifest(queue: QueueSpec, flavors: readonly FlavorSpec[]): Record<string, unknown> {
  const group = resourceGroup(flavors, (f, r) => queue.nominal[f]?.[r] ?? 0);
  const limit = (table: QueueSpec['borrowingLimit'], f: string, r: string) => table?.[f]?.[r];
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'ClusterQueue',
    metadata: { name: queue.name, labels: MANAGED_BY },
    spec: {
      cohortName: queue.cohort,
      // An empty selector admits workloads from every namespace (null would admit none).
      namespaceSelector:
        queue.namespaceSelector === 'all' ? {} : { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...queue.namespaces] }] },
      resourceGroups: [
        {
          coveredResources: [...group.coveredResources],
          flavors: group.flavors.map((f) => ({
            name: f.name,
            resources: f.resources.map((r) => {
              const borrowing = limit(queue.borrowingLimit, f.name, r.name);
              const lending = limit(queue.lendingLimit, f.name, r.name);
              return {
                name: r.name,
                nominalQuota: quantity(r.name, r.nominalQuota),
                ...(borrowing !== undefined ? { borrowingLimit: quantity(r.name, borrowing) } : {}),
                ...(lending !== undefined ? { lendingLimit: quantity(r.name, lending) } : {}),
              };
            }),
          })),
        },
      ],
      preemption: { reclaimWithinCohort: queue.reclaimWithinCohort, withinClusterQueue: 'LowerPriority' },
      ...(queue.fairSharingWeight !== undefined ? { fairSharing: { weight: queue.fairSharingWeight } } : {}),
    },
  };
}

/** The LocalQueue of one tenant namespace. */
export function localQueueManifest(namespace: string, name: string, clusterQueue: string): Record<string, unknown> {
  return {
    apiVersion: KUEUE_API_VERSION,
    kind: 'LocalQueue',
    metadata: { name, namespace, labels: MANAGED_BY },
    spec: { clusterQueue },
  };
}

/**
 * The part of Kueue's Configuration the site relies on, or undefined when it needs nothing
 * beyond the defaults (kueue apis/config/v1beta2/configuration_types.go):
 * - for pools using ComputeDomain channel claims, the `DynamicResourceAllocation` feature gate
 *   (pkg/features/kube_features.go) and the `resources.deviceClassMappings` entry that makes
 *   those claims count as COMPUTE_DOMAIN_CHANNEL_RESOURCE;
 * - when a ClusterQueue has a fair-sharing weight, `fairSharing` with Kueue's default
 *   preemption strategies: in v1beta2 the block's presence is what turns fair sharing on
 *   (pkg/scheduler/preemption/fairsharing/strategy.go, Enabled), and without it weights do nothing.
 * Quotas cover every resource jobs request, so the default quota check (BlockUndeclared) is
 * what the site relies on, and the fragment does not set it.
 */
export function kueueConfiguration(flavors: readonly FlavorSpec[], queues: readonly QueueSpec[] = []): Record<string, unknown> | undefined {
  const dra = flavors.some((f) => (f.quota[COMPUTE_DOMAIN_CHANNEL_RESOURCE] ?? 0) > 0);
  const fair = queues.some((q) => q.fairSharingWeight !== undefined);
  if (!dra && !fair) return undefined;
  return {
    apiVersion: KUEUE_CONFIG_API_VERSION,
    kind: 'Configuration',
    ...(dra ? { featureGates: { DynamicResourceAllocation: true } } : {}),
    ...(dra ? { resources: { deviceClassMappings: [{ name: COMPUTE_DOMAIN_CHANNEL_RESOURCE, deviceClassNames: [COMPUTE_DOMAIN_CHANNEL_DEVICE_CLASS] }] } } : {}),
    ...(fair ? { fairSharing: { preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] } } : {}),
  };
}

/**
 * Every reason the site's Kueue objects would not schedule as intended: a flavor whose
 * topology is missing, a topology without `kubernetes.io/hostname` as its lowest level or
 * with repeated levels, a level label or flavor node label the flavor's nodes do not carry,
 * quotas that are not whole numbers >= 0, a shared or MIG flavor offering `nvidia.com/gpu`
 * (a pool that turned `renameByDefault` off), a flavor without cpu, memory or pods, and the
 * CRDs' size limits (one resource group holds every flavor and resource of the site).
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
    if (f.sharing !== 'whole' && (f.quota[WHOLE_GPU] ?? 0) > 0) {
      // A job asking for whole GPUs would be admitted to slices (and, on MPS, refused by the plugin).
      out.push(problem(`ResourceFlavor ${f.name} of a ${f.sharing === 'mig' ? 'MIG' : 'shared-GPU'} pool offers ${WHOLE_GPU}`, f.quota[WHOLE_GPU], `no ${WHOLE_GPU} (shared GPUs as ${WHOLE_GPU}.shared: renameByDefault true; MIG with migStrategy mixed)`));
    }
    for (const r of HOST_RESOURCES) {
      if (!((f.quota[r] ?? 0) > 0)) out.push(problem(`ResourceFlavor ${f.name} offers no ${r}`, f.quota[r] ?? 0, `the ${r} of its nodes (every pod requests it)`));
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
  if (flavors.length > KUEUE_LIMITS.flavorsPerGroup) out.push(problem('the resource group has too many flavors (one per pool)', flavors.length, `at most ${KUEUE_LIMITS.flavorsPerGroup}`));
  const covered = coveredResources(flavors);
  if (covered.length > KUEUE_LIMITS.resourcesPerGroup) out.push(problem('the resource group covers too many resources', covered.length, `at most ${KUEUE_LIMITS.resourcesPerGroup}`));
  return out;
}

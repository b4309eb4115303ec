/**
 * A tenant of the fleet: a customer (or team) renting GPU capacity, with the namespaces its jobs
 * run in and the devices it is guaranteed, pool by pool. Every site's stack turns the fleet's
 * tenants into Kueue queues (stacks/kueue/tenants.ts): the tenant's namespaces, one ClusterQueue
 * named after the tenant in the site's cohort, and one LocalQueue per namespace. Capacity no
 * tenant is guaranteed stays in the cohort, for any tenant to borrow while it is idle.
 *
 * Guarantees are counted in the devices the pool advertises: GPUs of an exclusive pool,
 * time-slices or MPS clients of a shared one, MIG instances of a MIG pool, NPUs of an Ascend one
 * (`NodePool.advertisedDevices`). CPU, memory and pods follow in proportion.
 */
import { Construct } from 'constructs';
import { Fleet } from './fleet';
import { dns1123LabelProblems } from './kubernetes-names';
import { NodePool } from './node-pool';
import { Site } from './site';
import { problem, PropChecker, uniqueIdCheck } from './violations';

/** Devices of one pool guaranteed to a tenant. */
export interface TenantQuota {
  /** The pool (and so the site) the devices are in. */
  readonly pool: NodePool;
  /**
   * Devices guaranteed, in the units the pool advertises (see the file comment); a whole number
   * >= 0. For a MIG pool whose layout mixes profiles, a multiple of the instances one GPU holds.
   */
  readonly devices: number;
}

export interface TenantProps {
  /** Namespaces the tenant's jobs run in, created on every site; DNS-1123 labels, each used by one tenant only. */
  readonly namespaces: readonly string[];
  /** Devices guaranteed per pool. @default none: the tenant only borrows what others leave idle */
  readonly quotas?: readonly TenantQuota[];
  /**
   * Name of the LocalQueue in each of the tenant's namespaces. `default` lets jobs leave out the
   * `kueue.x-k8s.io/queue-name` label (Kueue's LocalQueueDefaulting, stable since v0.17).
   * @default 'default'
   */
  readonly queueName?: string;
  /**
   * Most the tenant may borrow beyond its guarantee, per pool, as a percent of the pool's
   * capacity (devices, cpu, memory and pods alike): Kueue's `borrowingLimit`.
   * @default no limit: it may borrow everything idle in the cohort
   */
  readonly borrowingLimitPercent?: number;
  /**
   * Share of each guarantee that other tenants may borrow while it is idle, in percent: Kueue's
   * `lendingLimit`. What is lent is reclaimed by preemption when the tenant needs it.
   * @default 100: all of it
   */
  readonly lendingLimitPercent?: number;
  /**
   * Weight of the tenant's ClusterQueue when Kueue's fair sharing divides idle capacity
   * (`spec.fairSharing.weight`; only acts when fair sharing is enabled in Kueue's Configuration).
   * @default 1 (Kueue's default)
   */
  readonly fairSharingWeight?: number;
  /** A human name for reports. @default the tenant's id */
  readonly displayName?: string;
}

/** Names the fleet's own queues use: a tenant may not take them. */
export const RESERVED_TENANT_NAMES: readonly string[] = ['gpu-fleet', 'unassigned'];
/**
 * Namespaces a tenant may not use: those Kubernetes creates itself (a stack creating them again
 * would fail) and `gpu-fleet`, where the fleet keeps the LocalQueue of the unassigned capacity.
 */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'gpu-fleet'];

/**
 * The pool `pool` of site `site` in `fleet`, for fleets built from designs (fleets/site-design.ts)
 * whose pools have no variable to hold; undefined when there is none, which a Tenant reports
 * ("quota names no node pool").
 */
export function findPool(fleet: Fleet, site: string, pool: string): NodePool {
  const s = fleet.node.tryFindChild(site);
  return (s instanceof Site ? s.pools.find((p) => p.node.id === pool) : undefined) as NodePool;
}

export class Tenant extends Construct {
  /** The tenants of a fleet, in the order they were defined. */
  public static all(fleet: Fleet): Tenant[] {
    return fleet.node.children.filter((c): c is Tenant => c instanceof Tenant);
  }

  public readonly fleet: Fleet;
  public readonly namespaces: readonly string[];
  public readonly quotas: readonly TenantQuota[];
  public readonly queueName: string;
  public readonly borrowingLimitPercent?: number;
  public readonly lendingLimitPercent?: number;
  public readonly fairSharingWeight?: number;
  public readonly displayName: string;

  constructor(scope: Fleet, id: string, props: TenantProps) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'tenant');
    for (const m of dns1123LabelProblems('tenant name', id)) check.add(m);
    check.check(!RESERVED_TENANT_NAMES.includes(id), "tenant name is reserved for the fleet's own ClusterQueues", id, `a name other than ${RESERVED_TENANT_NAMES.join(', ')}`);
    const namespaces = props.namespaces ?? [];
    check.check(namespaces.length > 0, 'tenant has no namespaces', namespaces.length, 'at least one namespace for its jobs');
    const others = new Map(Tenant.all(scope).flatMap((t) => t.namespaces.map((ns) => [ns, t.node.id] as const)));
    namespaces.forEach((ns, i) => {
      for (const m of dns1123LabelProblems('namespace', ns)) check.add(m);
      if (namespaces.indexOf(ns) !== i) check.fail('namespace is listed twice', ns, 'each namespace once');
      if (RESERVED_NAMESPACES.includes(ns)) check.fail('namespace is reserved', ns, `a namespace other than ${RESERVED_NAMESPACES.join(', ')}`);
      const owner = others.get(ns);
      if (owner !== undefined) check.fail(`namespace is already used by tenant ${owner}`, ns, 'a namespace of one tenant only');
    });
    const queueName = props.queueName ?? 'default';
    for (const m of dns1123LabelProblems('queueName', queueName)) check.add(m);
    const seen = new Set<NodePool>();
    for (const q of props.quotas ?? []) {
      const pool = q?.pool;
      if (!(pool instanceof NodePool)) {
        check.fail('quota names no node pool', pool, 'a NodePool of one of the fleet\'s sites');
      } else {
        const site = pool.site;
        const where = `${site.node.id}/${pool.node.id}`;
        if (site.fleet !== scope) check.fail('quota names a pool of another fleet', pool.node.path, `a pool of fleet ${scope.name}`);
        else if (scope.node.tryFindChild(site.node.id) !== site) check.fail('quota names a pool whose site is not in the fleet', where, 'a pool of a site the fleet holds');
        if (seen.has(pool)) check.fail('quota names a pool twice', where, 'one quota per pool');
        seen.add(pool);
      }
      const devices = q?.devices;
      if (!Number.isInteger(devices) || devices < 0) {
        check.fail(`quota devices${pool instanceof NodePool ? ` of ${pool.site.node.id}/${pool.node.id}` : ''} must be a whole number >= 0`, devices, 'an integer >= 0');
      }
    }
    if (props.borrowingLimitPercent !== undefined) check.between('borrowingLimitPercent', props.borrowingLimitPercent, 0, 100);
    if (props.lendingLimitPercent !== undefined) check.between('lendingLimitPercent', props.lendingLimitPercent, 0, 100);
    if (props.fairSharingWeight !== undefined) {
      const w = props.fairSharingWeight;
      check.check(Number.isFinite(w) && w >= 0, 'fairSharingWeight must be a number >= 0', w, 'a finite number >= 0 (0: only borrows what no one else wants)');
    }
    check.throwIfAny();
    super(scope, id);
    this.fleet = scope;
    this.namespaces = [...namespaces];
    this.quotas = (props.quotas ?? []).map((q) => ({ pool: q.pool, devices: q.devices }));
    this.queueName = queueName;
    this.borrowingLimitPercent = props.borrowingLimitPercent;
    this.lendingLimitPercent = props.lendingLimitPercent;
    this.fairSharingWeight = props.fairSharingWeight;
    this.displayName = props.displayName ?? id;
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** Devices of `pool` guaranteed to the tenant (0 when it has no quota there). */
  public guaranteedDevices(pool: NodePool): number {
    return this.quotas.find((q) => q.pool === pool)?.devices ?? 0;
  }

  /** The tenant's quotas on `site`. */
  public quotasOn(site: Site): TenantQuota[] {
    return this.quotas.filter((q) => q.pool.site === site);
  }

  /**
   * Facts that depend on the rest of the fleet, checked once it is built: a guarantee larger than
   * its pool; guarantees of all tenants larger than a pool (reported by the first tenant naming
   * the pool); a MIG quota that is not whole GPUs' worth of a mixed layout; a namespace that a
   * site's stack already creates for a multi-node NVLink pool's ComputeDomain
   * (stacks/nvidia/compute-domains.ts names it after the pool).
   */
  private problems(): string[] {
    const out: string[] = [];
    const tenants = Tenant.all(this.fleet);
    for (const { pool, devices } of this.quotas) {
      const where = `${pool.site.node.id}/${pool.node.id}`;
      const capacity = pool.advertisedDevices;
      if (devices > capacity) out.push(problem(`guaranteed devices exceed what pool ${where} provides`, devices, `at most ${capacity}`));
      const model = pool.gpuModel;
      const layout = pool.sharing.migLayout;
      if (model && layout && !layout.isUniform) {
        const perGpu = layout.instancesPerGpu(model);
        if (devices % perGpu !== 0) out.push(problem(`guaranteed MIG instances of ${where} are not whole GPUs of layout ${layout.name}`, devices, `a multiple of ${perGpu}`));
      }
      const first = tenants.find((t) => t.quotas.some((q) => q.pool === pool));
      if (first === this) {
        const holders = tenants.filter((t) => t.guaranteedDevices(pool) > 0);
        const sum = holders.reduce((a, t) => a + t.guaranteedDevices(pool), 0);
        if (sum > capacity && holders.length > 1) {
          out.push(problem(`tenants' guaranteed devices on ${where} exceed its capacity (${holders.map((t) => `${t.node.id} ${t.guaranteedDevices(pool)}`).join(', ')})`, sum, `at most ${capacity}`));
        }
      }
    }
    const domainNamespaces = new Map<string, string>();
    for (const site of this.fleet.node.children) {
      if (!(site instanceof Site)) continue;
      for (const pool of site.pools) {
        const p = pool.servers[0]?.platform;
        if (p && p.gpuModel.vendor === 'nvidia' && p.nvlinkScope !== 'server') domainNamespaces.set(pool.node.id, `${site.node.id}/${pool.node.id}`);
      }
    }
    for (const ns of this.namespaces) {
      const pool = domainNamespaces.get(ns);
      if (pool) out.push(problem(`namespace is the ComputeDomain namespace of multi-node NVLink pool ${pool}`, ns, 'a namespace the site stack does not create itself'));
    }
    return out;
  }
}

/**
 * Who gets what on a site: the fleet's tenants (constructs/tenant.ts) as Kueue ClusterQueues of
 * one cohort. Pure functions: no cdktf types.
 *
 * - Each tenant's ClusterQueue is named after the tenant (a stable name: plan review shows quota
 *   changes per ClusterQueue and flavor). Its nominal quota on a flavor is the tenant's share of
 *   the pool: its guaranteed devices, and cpu, memory, pods (and DRA channels) in the same
 *   proportion, rounded down. It lists every flavor of the site, 0 where it has no guarantee:
 *   Kueue lets a ClusterQueue borrow only the [flavor, resource] pairs it lists (ClusterQueue
 *   CRD, `cohortName`), so this is what lets a tenant borrow idle capacity anywhere on the site.
 * - What no tenant is guaranteed goes to the ClusterQueue `unassigned`, with its LocalQueue in
 *   the fleet's namespace `gpu-fleet`. An idle ClusterQueue lends all its nominal quota to the
 *   cohort (no lendingLimit), so that remainder is borrowable by every tenant; the platform
 *   team's own jobs may use it too, but never reclaim it by preemption.
 * - Tenants reclaim lent quota by preempting borrowers (`reclaimWithinCohort: Any`): a guarantee
 *   is a guarantee, whatever was borrowed meanwhile.
 * - A fleet without tenants gets one default tenant, `gpu-fleet`, holding the whole site and
 *   open to every namespace (its LocalQueue is in `gpu-fleet`; other namespaces may add their own).
 */
import type { Site } from '../../constructs/site';
import { Tenant } from '../../constructs/tenant';
import type { FlavorSpec } from './objects';

/** The cohort of every ClusterQueue of a site (each site is its own cluster). */
export const COHORT = 'gpu-fleet';
/** The fleet's own namespace, where the LocalQueue of the default or unassigned ClusterQueue lives. */
export const FLEET_NAMESPACE = 'gpu-fleet';
/** The ClusterQueue of a fleet without tenants. */
export const DEFAULT_QUEUE = 'gpu-fleet';
/** The ClusterQueue holding what no tenant is guaranteed. */
export const UNASSIGNED_QUEUE = 'unassigned';
/** The LocalQueue name of the fleet's namespace. */
export const FLEET_LOCAL_QUEUE = 'default';

/** A tenant as the stack needs it on one site. */
export interface TenantSpec {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly queueName: string;
  /** Pool id -> devices guaranteed on this site. */
  readonly guarantees: Readonly<Record<string, number>>;
  readonly borrowingLimitPercent?: number;
  readonly lendingLimitPercent?: number;
  readonly fairSharingWeight?: number;
}

/** Flavor -> resource -> amount (memory in GiB). */
export type QuotaTable = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** One ClusterQueue with the LocalQueues pointing at it. */
export interface QueueSpec {
  readonly name: string;
  readonly cohort: string;
  readonly namespaces: readonly string[];
  /** `all` admits every namespace; `listed` only `namespaces`. */
  readonly namespaceSelector: 'all' | 'listed';
  /** The LocalQueue name in each namespace. */
  readonly queueName: string;
  readonly nominal: QuotaTable;
  readonly borrowingLimit?: QuotaTable;
  readonly lendingLimit?: QuotaTable;
  readonly fairSharingWeight?: number;
  readonly reclaimWithinCohort: 'Any' | 'Never';
  /** Devices guaranteed per pool (flavor), for reports. */
  readonly guaranteedDevices: Readonly<Record<string, number>>;
}

/** The fleet's tenants as they apply to `site` (guarantees on its pools only), in definition order. */
export function tenantSpecs(site: Site): TenantSpec[] {
  return Tenant.all(site.fleet).map((t) => ({
    name: t.node.id,
    namespaces: t.namespaces,
    queueName: t.queueName,
    guarantees: Object.fromEntries(t.quotasOn(site).map((q) => [q.pool.node.id, q.devices])),
    borrowingLimitPercent: t.borrowingLimitPercent,
    lendingLimitPercent: t.lendingLimitPercent,
    fairSharingWeight: t.fairSharingWeight,
  }));
}

/** A tenant's share of `amount`: `devices` of `capacity`, rounded down. */
function share(amount: number, devices: number, capacity: number): number {
  return capacity > 0 ? Math.floor((amount * Math.min(devices, capacity)) / capacity) : 0;
}

function table(flavors: readonly FlavorSpec[], amount: (f: FlavorSpec, resource: string, total: number) => number): QuotaTable {
  return Object.fromEntries(flavors.map((f) => [f.name, Object.fromEntries(Object.entries(f.quota).map(([r, total]) => [r, amount(f, r, total)]))]));
}

/**
 * The site's ClusterQueues: one per tenant, then `unassigned` holding the rest; or, without
 * tenants, the default `gpu-fleet` holding everything.
 */
export function queueSpecs(flavors: readonly FlavorSpec[], tenants: readonly TenantSpec[]): QueueSpec[] {
  const out: QueueSpec[] = tenants.map((t) => {
    const nominal = table(flavors, (f, _r, total) => share(total, t.guarantees[f.name] ?? 0, f.devices));
    const percentOf = (pct: number | undefined, of: (f: FlavorSpec, r: string, total: number) => number) =>
      pct === undefined ? undefined : table(flavors, (f, r, total) => Math.floor((of(f, r, total) * pct) / 100));
    return {
      name: t.name,
      cohort: COHORT,
      namespaces: t.namespaces,
      namespaceSelector: 'listed',
      queueName: t.queueName,
      nominal,
      borrowingLimit: percentOf(t.borrowingLimitPercent, (_f, _r, total) => total),
      lendingLimit: percentOf(t.lendingLimitPercent, (f, r) => nominal[f.name][r]),
      fairSharingWeight: t.fairSharingWeight,
      reclaimWithinCohort: 'Any',
      guaranteedDevices: Object.fromEntries(flavors.map((f) => [f.name, Math.min(t.guarantees[f.name] ?? 0, f.devices)])),
    };
  });
  const rest = table(flavors, (f, r, total) => Math.max(0, total - out.reduce((sum, q) => sum + q.nominal[f.name][r], 0)));
  const restDevices = Object.fromEntries(flavors.map((f) => [f.name, Math.max(0, f.devices - out.reduce((sum, q) => sum + q.guaranteedDevices[f.name], 0))]));
  const alone = tenants.length === 0;
  out.push({
    name: alone ? DEFAULT_QUEUE : UNASSIGNED_QUEUE,
    cohort: COHORT,
    namespaces: [FLEET_NAMESPACE],
    namespaceSelector: alone ? 'all' : 'listed',
    queueName: FLEET_LOCAL_QUEUE,
    nominal: rest,
    reclaimWithinCohort: 'Never',
    guaranteedDevices: restDevices,
  });
  return out;
}

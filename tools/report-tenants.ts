/**
 * The tenants part of `npm run report`: each tenant's guaranteed devices per site and pool, as
 * plain data (the `tenants` key of `--json`) and as a text table. Devices are counted as the
 * pool advertises them (GPUs, time-slices, MIG instances, NPUs), so the pool's sharing is shown
 * beside each figure.
 */
import { Fleet } from '../constructs/fleet';
import type { Site } from '../constructs/site';
import { Tenant } from '../constructs/tenant';
import { advertisedResources } from '../stacks/kueue/quota';
import type { TenantView } from './html/model';

export interface TenantPoolGuarantee {
  readonly pool: string;
  /** The pool's sharing (`exclusive`, `time-slicing x4`, `mig all-1g.10gb`): what a device is there. */
  readonly sharing: string;
  readonly devices: number;
  /** Devices the pool advertises in all. */
  readonly poolDevices: number;
}

export interface TenantRow {
  readonly name: string;
  readonly displayName: string;
  readonly namespaces: readonly string[];
  /** Site -> guarantees on its pools, sites and pools in fleet order. */
  readonly sites: Readonly<Record<string, readonly TenantPoolGuarantee[]>>;
  readonly totalDevices: number;
}

export interface TenantReport {
  /** Empty when the fleet defines no tenant: one default ClusterQueue then holds each site. */
  readonly tenants: readonly TenantRow[];
}

export function tenantReport(fleet: Fleet): TenantReport {
  return {
    tenants: Tenant.all(fleet).map((t) => {
      const sites: Record<string, TenantPoolGuarantee[]> = {};
      for (const q of t.quotas) {
        (sites[q.pool.site.node.id] ??= []).push({ pool: q.pool.node.id, sharing: q.pool.sharing.toString(), devices: q.devices, poolDevices: q.pool.advertisedDevices });
      }
      return { name: t.node.id, displayName: t.displayName, namespaces: [...t.namespaces], sites, totalDevices: t.quotas.reduce((a, q) => a + q.devices, 0) };
    }),
  };
}

/** One line per tenant and site: `tenant  site  pool devices/of (sharing), ...`. */
export function formatTenantReport(report: TenantReport): string {
  if (report.tenants.length === 0) return 'tenants: none (each site has one ClusterQueue, gpu-fleet, holding all of it)';
  const rows = [['tenant', 'site', 'guaranteed devices (of the pool)']];
  for (const t of report.tenants) {
    const entries = Object.entries(t.sites);
    if (entries.length === 0) rows.push([t.name, '-', 'none: borrows idle capacity only']);
    for (const [site, pools] of entries) rows.push([t.name, site, pools.map((p) => `${p.pool} ${p.devices}/${p.poolDevices} (${p.sharing})`).join(', ')]);
  }
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => [r[0].padEnd(widths[0]), r[1].padEnd(widths[1]), r[2]].join('  ').trimEnd();
  return [line(rows[0]), [widths[0], widths[1], rows[0][2].length].map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The tenants' guarantees on `site`'s pools, as the HTML report's site section shows them. */
export function tenantViews(site: Site): TenantView[] {
  return Tenant.all(site.fleet)
    .map((t) => ({
      name: t.node.id,
      quotas: t.quotas
        .filter((q) => q.pool.site === site)
        .map((q) => ({ pool: q.pool.node.id, resource: Object.keys(advertisedResources(q.pool)).join(' + '), nominalQuota: q.devices })),
    }))
    .filter((t) => t.quotas.length > 0);
}

import { Fleet } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { MigLayout } from '../../constructs/mig-layout';
import { NodePool } from '../../constructs/node-pool';
import { findPool, Tenant, TenantProps } from '../../constructs/tenant';
import { hgx, nvl72Rack, thrownLines, tinySite, TinySite, validationLines } from '../support/tiny-fleet';

/** Site lab-01 with pool `training` (2 servers, 16 GPUs) and pool `notebooks` (1 server, MIG 3g+2g+1g+1g: 32 instances). */
function lab(): TinySite & { training: NodePool; notebooks: NodePool } {
  const t = tinySite({ amperageA: 400 });
  const training = new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1), hgx(t.rack, 9)] });
  const notebooks = new NodePool(t.site, 'notebooks', {
    servers: [hgx(t.rack, 17)],
    sharing: GpuSharing.mig(MigLayout.of('balanced', { '3g.40gb': 1, '2g.20gb': 1, '1g.10gb': 2 })),
  });
  return { ...t, training, notebooks };
}

function tenant(fleet: Fleet, id: string, props: Partial<TenantProps> = {}): Tenant {
  return new Tenant(fleet, id, { namespaces: [`${id}-jobs`], ...props });
}

describe('Tenant', () => {
  it('holds its namespaces, quotas and defaults', () => {
    const t = lab();
    const acme = tenant(t.fleet, 'acme', { quotas: [{ pool: t.training, devices: 8 }] });
    expect([acme.namespaces, acme.queueName, acme.guaranteedDevices(t.training), acme.guaranteedDevices(t.notebooks), acme.displayName]).toEqual([['acme-jobs'], 'default', 8, 0, 'acme']);
    expect(Tenant.all(t.fleet)).toEqual([acme]);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('finds pools of designed sites by site and pool id', () => {
    const t = lab();
    expect(findPool(t.fleet, 'lab-01', 'notebooks')).toBe(t.notebooks);
    expect(findPool(t.fleet, 'lab-02', 'notebooks')).toBeUndefined();
  });

  it('fails when the tenant name is not a DNS-1123 label', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'Acme_AI', { namespaces: ['acme'] }))).toEqual([
      'Acme_AI: tenant name is not a valid DNS-1123 label, got "Acme_AI", expected at most 63 characters of a-z, 0-9 and \'-\', starting and ending with a letter or digit',
    ]);
  });

  it("fails when the tenant takes a name of the fleet's own ClusterQueues", () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'unassigned'))).toEqual([
      "unassigned: tenant name is reserved for the fleet's own ClusterQueues, got \"unassigned\", expected a name other than gpu-fleet, unassigned",
    ]);
  });

  it('fails when a namespace is not a DNS-1123 label', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { namespaces: ['acme.train'] }))).toEqual([
      'acme: namespace is not a valid DNS-1123 label, got "acme.train", expected at most 63 characters of a-z, 0-9 and \'-\', starting and ending with a letter or digit',
    ]);
  });

  it('fails when the queue name is not a DNS-1123 label', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { queueName: 'Main' }))).toEqual([
      'acme: queueName is not a valid DNS-1123 label, got "Main", expected at most 63 characters of a-z, 0-9 and \'-\', starting and ending with a letter or digit',
    ]);
  });

  it('fails when the tenant has no namespace', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { namespaces: [] }))).toEqual(['acme: tenant has no namespaces, got 0, expected at least one namespace for its jobs']);
  });

  it('fails when a namespace is one Kubernetes or the fleet creates itself', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { namespaces: ['kube-system', 'gpu-fleet'] }))).toEqual([
      'acme: namespace is reserved, got "kube-system", expected a namespace other than default, kube-node-lease, kube-public, kube-system, gpu-fleet',
      'acme: namespace is reserved, got "gpu-fleet", expected a namespace other than default, kube-node-lease, kube-public, kube-system, gpu-fleet',
    ]);
  });

  it('fails when a namespace is used by two tenants', () => {
    const t = lab();
    tenant(t.fleet, 'acme', { namespaces: ['shared-ns'] });
    expect(thrownLines(() => tenant(t.fleet, 'beta', { namespaces: ['beta-jobs', 'shared-ns'] }))).toEqual([
      'beta: namespace is already used by tenant acme, got "shared-ns", expected a namespace of one tenant only',
    ]);
  });

  it('fails when a namespace is listed twice', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { namespaces: ['a', 'a'] }))).toEqual(['acme: namespace is listed twice, got "a", expected each namespace once']);
  });

  it('fails when a quota is negative or fractional, every one reported', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { quotas: [{ pool: t.training, devices: -8 }, { pool: t.notebooks, devices: 2.5 }] }))).toEqual([
      'acme: quota devices of lab-01/training must be a whole number >= 0, got -8, expected an integer >= 0',
      'acme: quota devices of lab-01/notebooks must be a whole number >= 0, got 2.5, expected an integer >= 0',
    ]);
  });

  it('fails when a quota names a pool that does not exist', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { quotas: [{ pool: findPool(t.fleet, 'lab-01', 'inference'), devices: 8 }] }))).toEqual([
      "acme: quota names no node pool, got nothing, expected a NodePool of one of the fleet's sites",
    ]);
  });

  it('fails when a quota names a pool of another fleet', () => {
    const t = lab();
    const other = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { quotas: [{ pool: other.training, devices: 8 }] }))).toEqual([
      'acme: quota names a pool of another fleet, got "lab-01/training", expected a pool of fleet test',
    ]);
  });

  it('fails when a quota names a pool whose site is no longer in the fleet', () => {
    const t = lab();
    t.fleet.node.tryRemoveChild('lab-01');
    expect(thrownLines(() => tenant(t.fleet, 'acme', { quotas: [{ pool: t.training, devices: 8 }] }))).toEqual([
      'acme: quota names a pool whose site is not in the fleet, got "lab-01/training", expected a pool of a site the fleet holds',
    ]);
  });

  it('fails when a quota names the same pool twice', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { quotas: [{ pool: t.training, devices: 8 }, { pool: t.training, devices: 4 }] }))).toEqual([
      'acme: quota names a pool twice, got "lab-01/training", expected one quota per pool',
    ]);
  });

  it('fails when limits and weight are out of range', () => {
    const t = lab();
    expect(thrownLines(() => tenant(t.fleet, 'acme', { borrowingLimitPercent: 120, lendingLimitPercent: -1, fairSharingWeight: NaN }))).toEqual([
      'acme: borrowingLimitPercent is out of range, got 120, expected a number from 0 to 100',
      'acme: lendingLimitPercent is out of range, got -1, expected a number from 0 to 100',
      'acme: fairSharingWeight must be a number >= 0, got NaN, expected a finite number >= 0 (0: only borrows what no one else wants)',
    ]);
  });

  it("fails when a tenant's guarantee exceeds what its pool provides", () => {
    const t = lab();
    tenant(t.fleet, 'acme', { quotas: [{ pool: t.training, devices: 24 }] });
    expect(validationLines(t.fleet)).toEqual(['acme: guaranteed devices exceed what pool lab-01/training provides, got 24, expected at most 16']);
  });

  it("fails when the tenants' guarantees together exceed a pool, reported once", () => {
    const t = lab();
    tenant(t.fleet, 'acme', { quotas: [{ pool: t.training, devices: 12 }] });
    tenant(t.fleet, 'beta', { quotas: [{ pool: t.training, devices: 8 }] });
    expect(validationLines(t.fleet)).toEqual([
      "acme: tenants' guaranteed devices on lab-01/training exceed its capacity (acme 12, beta 8), got 20, expected at most 16",
    ]);
  });

  it('fails when a guarantee on a mixed MIG pool is not whole GPUs of its layout', () => {
    const t = lab();
    tenant(t.fleet, 'acme', { quotas: [{ pool: t.notebooks, devices: 6 }] });
    expect(validationLines(t.fleet)).toEqual(['acme: guaranteed MIG instances of lab-01/notebooks are not whole GPUs of layout balanced, got 6, expected a multiple of 4']);
  });

  it('fails when a namespace is the ComputeDomain namespace of an NVL72 pool', () => {
    const t = tinySite({ amperageA: 630 });
    const { trays } = nvl72Rack(t, 'rack-002');
    new NodePool(t.site, 'nvl', { servers: trays });
    tenant(t.fleet, 'acme', { namespaces: ['nvl'] });
    expect(validationLines(t.fleet)).toContain('acme: namespace is the ComputeDomain namespace of multi-node NVLink pool lab-01/nvl, got "nvl", expected a namespace the site stack does not create itself');
  });
});

import { Tenant } from '../../constructs/tenant';
import { exampleFleet } from '../../fleets/example';
import { formatTenantReport, tenantReport } from '../../tools/report-tenants';
import { hgx, tinySite } from '../support/tiny-fleet';
import { NodePool } from '../../constructs/node-pool';
import { GpuSharing } from '../../constructs/gpu-sharing';

describe('tenantReport', () => {
  it("lists each tenant's guaranteed devices per site and pool, with what a device is there", () => {
    expect(tenantReport(exampleFleet())).toEqual({
      tenants: [
        {
          name: 'aurora-robotics',
          displayName: 'Aurora Robotics',
          namespaces: ['aurora-train', 'aurora-serve'],
          sites: {
            'hami-nvl01': [{ pool: 'training', sharing: 'exclusive', devices: 576, poolDevices: 864 }],
            'wuhu-cm01': [{ pool: 'supernode', sharing: 'exclusive', devices: 384, poolDevices: 768 }],
            'qingyang-h20-01': [{ pool: 'inference-shared', sharing: 'time-slicing x4', devices: 128, poolDevices: 256 }],
          },
          totalDevices: 1088,
        },
      ],
    });
  });

  it('prints one line per tenant and site, and says so when a tenant only borrows', () => {
    const t = tinySite({ amperageA: 400 });
    const pool = new NodePool(t.site, 'inference', { servers: [hgx(t.rack, 1)], sharing: GpuSharing.timeSlicing(4) });
    new Tenant(t.fleet, 'acme', { namespaces: ['acme'], quotas: [{ pool, devices: 16 }] });
    new Tenant(t.fleet, 'beta', { namespaces: ['beta'] });
    expect(formatTenantReport(tenantReport(t.fleet)).split('\n')).toEqual([
      'tenant  site    guaranteed devices (of the pool)',
      '------  ------  --------------------------------',
      'acme    lab-01  inference 16/32 (time-slicing x4)',
      'beta    -       none: borrows idle capacity only',
    ]);
  });

  it('says when the fleet has no tenants', () => {
    expect(formatTenantReport(tenantReport(tinySite().fleet))).toBe('tenants: none (each site has one ClusterQueue, gpu-fleet, holding all of it)');
  });
});

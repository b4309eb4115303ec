import { GpuSharing } from '../../../constructs/gpu-sharing';
import { MigLayout } from '../../../constructs/mig-layout';
import { NodePool } from '../../../constructs/node-pool';
import { Server } from '../../../constructs/server';
import { advertisedResources, COMPUTE_DOMAIN_CHANNEL_RESOURCE, migResourceName, nodeAllocatable, poolQuota, quantity } from '../../../stacks/kueue/quota';
import { platform } from '../../../constructs/catalog/platforms';
import { hgx, tinySite } from '../../support/tiny-fleet';

/** A pool of two 8-GPU servers of `platformName`, shared as `sharing`. */
function pool(sharing: GpuSharing, platformName = 'hgx-h100'): NodePool {
  const t = tinySite({ amperageA: 400 });
  const servers: Server[] = [hgx(t.rack, 1, {}, platformName), hgx(t.rack, 20, {}, platformName)];
  return new NodePool(t.site, 'pool', { servers, sharing });
}

describe('advertisedResources', () => {
  it('counts one nvidia.com/gpu per GPU for exclusive pools', () => {
    expect(advertisedResources(pool(GpuSharing.exclusive()))).toEqual({ 'nvidia.com/gpu': 16 });
  });

  it('multiplies GPUs by replicas for time-slicing and MPS, advertised as nvidia.com/gpu.shared by default', () => {
    expect(advertisedResources(pool(GpuSharing.timeSlicing(4)))).toEqual({ 'nvidia.com/gpu.shared': 64 });
    expect(advertisedResources(pool(GpuSharing.mps(2)))).toEqual({ 'nvidia.com/gpu.shared': 32 });
  });

  it('advertises nvidia.com/gpu only when a shared pool turns renaming off', () => {
    expect(advertisedResources(pool(GpuSharing.timeSlicing(3, { renameByDefault: false })))).toEqual({ 'nvidia.com/gpu': 48 });
  });

  it('advertises a uniform MIG layout as its profile too (migStrategy mixed), never as nvidia.com/gpu', () => {
    expect(advertisedResources(pool(GpuSharing.mig(MigLayout.uniform('1g.10gb'))))).toEqual({ 'nvidia.com/mig-1g.10gb': 16 * 7 });
  });

  it('advertises one resource per profile under migStrategy mixed', () => {
    const layout = MigLayout.of('balanced', { '3g.40gb': 1, '2g.20gb': 1, '1g.10gb': 2 });
    expect(advertisedResources(pool(GpuSharing.mig(layout)))).toEqual({
      [migResourceName('1g.10gb')]: 32,
      'nvidia.com/mig-2g.20gb': 16,
      'nvidia.com/mig-3g.40gb': 16,
    });
  });

  it('counts huawei.com/Ascend910 per NPU for Ascend pools', () => {
    expect(advertisedResources(pool(GpuSharing.exclusive(), 'atlas-800t-a2'))).toEqual({ 'huawei.com/Ascend910': 16 });
  });

  it('agrees with the pool advertisedDevices in every mode', () => {
    const layout = MigLayout.of('balanced', { '3g.40gb': 1, '2g.20gb': 1, '1g.10gb': 2 });
    for (const sharing of [GpuSharing.exclusive(), GpuSharing.timeSlicing(4), GpuSharing.mps(2), GpuSharing.mig(MigLayout.uniform('2g.20gb')), GpuSharing.mig(layout)]) {
      const p = pool(sharing);
      expect(Object.values(advertisedResources(p)).reduce((a, b) => a + b, 0)).toBe(p.advertisedDevices);
    }
  });
});

describe('poolQuota', () => {
  it('covers cpu, memory and pods of the nodes less the system reservation, then the devices', () => {
    // DGX H100: 112 cores, 2 TiB; 8 cores, 10% of memory and 20 pod slots kept back per node.
    expect(nodeAllocatable(platform('hgx-h100'))).toEqual({ cpu: 104, memoryGiB: 1843, pods: 90 });
    expect(poolQuota(pool(GpuSharing.exclusive()))).toEqual({ cpu: 208, memory: 3686, pods: 180, 'nvidia.com/gpu': 16 });
  });

  it('gives every catalog platform host cores and memory to make quotas of', () => {
    for (const name of ['hgx-h100', 'hgx-h200', 'hgx-h20', 'dgx-b200', 'gb200-nvl72', 'atlas-800t-a2', 'cloudmatrix-384']) {
      const a = nodeAllocatable(platform(name));
      expect({ name, ok: a.cpu > 0 && a.memoryGiB > 0 }).toEqual({ name, ok: true });
    }
    expect(nodeAllocatable(platform('gb200-nvl72'))).toEqual({ cpu: 136, memoryGiB: 864, pods: 90 });
  });

  it('adds no DRA channel resource to pools whose NVLink stays inside the server', () => {
    expect(Object.keys(poolQuota(pool(GpuSharing.exclusive())))).not.toContain(COMPUTE_DOMAIN_CHANNEL_RESOURCE);
  });

  it('writes memory as a Gi quantity and every other resource as a count', () => {
    expect([quantity('memory', 1843), quantity('cpu', 104), quantity('nvidia.com/gpu', 8)]).toEqual(['1843Gi', 104, 8]);
  });
});

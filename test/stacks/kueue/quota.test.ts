import { GpuSharing } from '../../../constructs/gpu-sharing';
import { MigLayout } from '../../../constructs/mig-layout';
import { NodePool } from '../../../constructs/node-pool';
import { Server } from '../../../constructs/server';
import { advertisedResources, migResourceName } from '../../../stacks/kueue/quota';
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

  it('multiplies GPUs by replicas for time-slicing and MPS', () => {
    expect(advertisedResources(pool(GpuSharing.timeSlicing(4)))).toEqual({ 'nvidia.com/gpu': 64 });
    expect(advertisedResources(pool(GpuSharing.mps(2)))).toEqual({ 'nvidia.com/gpu': 32 });
  });

  it('advertises nvidia.com/gpu.shared when the config renames shared GPUs', () => {
    expect(advertisedResources(pool(GpuSharing.timeSlicing(3, { renameByDefault: true })))).toEqual({ 'nvidia.com/gpu.shared': 48 });
  });

  it('counts every MIG instance as nvidia.com/gpu under migStrategy single', () => {
    expect(advertisedResources(pool(GpuSharing.mig(MigLayout.uniform('1g.10gb'))))).toEqual({ 'nvidia.com/gpu': 16 * 7 });
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

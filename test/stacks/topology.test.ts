import { platform, platforms } from '../../constructs/catalog/platforms';
import { topologyFor } from '../../stacks/topology';

describe('topologyFor', () => {
  it('orders block, rack, NVLink domain, hostname for HGX and NVL72', () => {
    for (const name of ['hgx-h100', 'dgx-b200', 'gb200-nvl72']) {
      expect(topologyFor(platform(name))).toEqual({
        name: 'gpu-fleet-nvlink',
        levels: ['gpu-fleet.io/block', 'gpu-fleet.io/rack', 'gpu-fleet.io/nvlink-domain', 'kubernetes.io/hostname'],
      });
    }
  });

  it('uses the HCCS domain label for Ascend servers', () => {
    expect(topologyFor(platform('atlas-800t-a2'))).toEqual({
      name: 'gpu-fleet-hccs',
      levels: ['gpu-fleet.io/block', 'gpu-fleet.io/rack', 'gpu-fleet.io/hccs-domain', 'kubernetes.io/hostname'],
    });
  });

  it('puts a domain that spans racks above the rack, inside the block', () => {
    expect(topologyFor(platform('cloudmatrix-384'))).toEqual({
      name: 'gpu-fleet-hccs-multi-rack',
      levels: ['gpu-fleet.io/block', 'gpu-fleet.io/hccs-domain', 'gpu-fleet.io/rack', 'kubernetes.io/hostname'],
    });
  });

  it('always ends with kubernetes.io/hostname, with no level twice', () => {
    for (const p of platforms()) {
      const { levels } = topologyFor(p);
      expect(levels[levels.length - 1]).toBe('kubernetes.io/hostname');
      expect(new Set(levels).size).toBe(levels.length);
    }
  });
});

import { NvidiaSoftware } from '../../constructs/nvidia-software';
import { Fleet } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { NodePool } from '../../constructs/node-pool';
import { Site } from '../../constructs/site';
import { addCloudMatrix384, CLOUDMATRIX_RACKS, addNvl72Racks } from '../../fleets/rack-scale';
import { loadFleet } from '../../fleets';
import { LABEL, nodeAnnotations, nodeLabels, poolNodeLabels } from '../../stacks/node-labels';
import { topologyFor } from '../../stacks/topology';
import { hgx, SITE_PROPS, tinySite } from '../support/tiny-fleet';

describe('nodeLabels', () => {
  it('places every node in the topology: block, rack, NVLink domain', () => {
    const t = tinySite();
    const s = hgx(t.rack, 1);
    const pool = new NodePool(t.site, 'training', { servers: [s] });
    expect(nodeLabels(pool, s)).toMatchObject({ [LABEL.block]: 'row-01-a', [LABEL.rack]: 'rack-001', [LABEL.nvlinkDomain]: 'rack-001-u01-nvlink' });
  });

  it('labels the 18 trays of an NVL72 rack with the rack-wide NVLink domain, their planned clique, and the rack block', () => {
    const fleet = new Fleet('test');
    const site = new Site(fleet, 'hami-nvl01', { ...SITE_PROPS, utilityCapacityMw: 3 });
    const trays = addNvl72Racks(site, { racks: 9, racksPerRow: 2, feed: { voltageV: 415, amperageA: 630 }, coolingKw: 140 });
    const pool = new NodePool(site, 'training', { servers: trays });
    const rack1 = trays.filter((s) => s.rack.node.id === 'rack-001').map((s) => nodeLabels(pool, s));
    expect(rack1).toHaveLength(18);
    expect(new Set(rack1.map((l) => l[LABEL.nvlinkDomain]))).toEqual(new Set(['rack-001-nvlink']));
    expect(new Set(rack1.map((l) => l[LABEL.block]))).toEqual(new Set(['su-01']));
    expect(nodeLabels(pool, trays[8 * 18])[LABEL.block]).toBe('su-02');
    expect(rack1[0]).not.toHaveProperty('nvidia.com/gpu.clique');
    expect(fleet.validate()).toEqual([]);
  });

  it('gives Ascend nodes the accelerator labels and an HCCS domain, and no NVIDIA device-plugin label', () => {
    const t = tinySite();
    const s = hgx(t.rack, 1, {}, 'atlas-800t-a2');
    const pool = new NodePool(t.site, 'npu', { servers: [s] });
    const labels = nodeLabels(pool, s);
    expect(labels).toMatchObject({
      accelerator: 'huawei-Ascend910',
      'accelerator-type': 'module-910b-8',
      'gpu-fleet.io/hccs-domain': 'rack-001-u01-hccs',
      'gpu-fleet.io/gpu-product': 'Ascend910B',
      'gpu-fleet.io/gpu-count': '8',
    });
    expect(Object.keys(labels).filter((k) => k.startsWith('nvidia.com/') || k === LABEL.nvlinkDomain)).toEqual([]);
    expect(nodeAnnotations(pool, s)).toEqual({});
  });

  it('gives supernode members their supernode as HCCS domain and its id as superPodID annotation', () => {
    const fleet = new Fleet('test');
    const site = new Site(fleet, 'wuhu-01', { ...SITE_PROPS, utilityCapacityMw: 1 });
    const servers = addCloudMatrix384(site, {
      id: 'supernode-01',
      superPodId: 3,
      ...CLOUDMATRIX_RACKS,
    });
    const pool = new NodePool(site, 'supernode', { servers });
    const labels = nodeLabels(pool, servers[47]);
    expect(labels).toMatchObject({ 'accelerator-type': 'module-a3-16-super-pod', 'gpu-fleet.io/hccs-domain': 'supernode-01', 'gpu-fleet.io/block': 'supernode-01', 'gpu-fleet.io/rack': 'rack-012' });
    expect(nodeAnnotations(pool, servers[0])).toEqual({ superPodID: '3' });
    // Every level of the supernode's topology is a label its nodes carry.
    for (const level of topologyFor(servers[0].platform).levels.filter((l) => l !== LABEL.hostname)) {
      expect(servers.every((s) => nodeLabels(pool, s)[level])).toBe(true);
    }
  });

  it('labels MPS nodes MPS-capable on a standalone site, where no GPU Feature Discovery does', () => {
    const t = tinySite({ site: { nvidiaSoftware: NvidiaSoftware.standalone() } });
    const s = hgx(t.rack, 1);
    const pool = new NodePool(t.site, 'serving', { servers: [s], sharing: GpuSharing.mps(2) });
    expect(nodeLabels(pool, s)).toMatchObject({ 'nvidia.com/device-plugin.config': 'serving', 'nvidia.com/mps.capable': 'true' });
  });

  it('leaves nvidia.com/mps.capable to GPU Feature Discovery on a GPU Operator site', () => {
    const t = tinySite();
    const s = hgx(t.rack, 1);
    const pool = new NodePool(t.site, 'serving', { servers: [s], sharing: GpuSharing.mps(2) });
    expect(nodeLabels(pool, s)['nvidia.com/device-plugin.config']).toBe('serving');
    expect(nodeLabels(pool, s)).not.toHaveProperty('nvidia.com/mps.capable');
  });
});

describe('poolNodeLabels', () => {
  it('labels every node of every pool of the example fleet exactly as nodeLabels does, keys in the same order', () => {
    let nodes = 0;
    for (const site of loadFleet('example').node.children.filter((c): c is Site => c instanceof Site)) {
      for (const pool of site.pools) {
        const all = poolNodeLabels(pool);
        expect(Object.keys(all)).toEqual(pool.servers.map((s) => s.nodeName));
        for (const server of pool.servers) {
          const one = nodeLabels(pool, server);
          expect(Object.entries(all[server.nodeName])).toEqual(Object.entries(one));
          nodes++;
        }
      }
    }
    expect(nodes).toBeGreaterThan(400);
  });
});

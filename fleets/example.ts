/**
 * The example fleet: the hardware beyond HGX the fleet can model, one site of each kind.
 *
 * - `hami-nvl01`: 16 GB200 NVL72 racks (1,152 GPUs) in two SuperPOD scalable units of 8 racks
 *   (the blocks `su-01`, `su-02`), every rack one NVLink domain; two pools, each with its
 *   ComputeDomain for multi-node NVLink. Its trays run DGX OS, with the driver and container
 *   toolkit on the host: the site runs the device plugin standalone (RuntimeClass `nvidia`,
 *   CDI devices through the CRI), not the GPU Operator the rest of the fleet uses.
 * - `wuhu-cm01`: Huawei Ascend: one CloudMatrix 384 supernode (48 servers of 8 x 910C over 12
 *   compute and 4 network racks, one block) and 32 Atlas 800T A2 servers of 8 x 910B.
 * - `qingyang-h20-01`: an air-cooled HGX H20 site from the ordinary site design, with a
 *   time-sliced inference pool.
 *
 * - one tenant, `aurora-robotics`, renting part of each site (see `exampleFleet`).
 *
 * Places, sizes and power figures are this example's assumptions (see the catalog for the
 * platforms' sources).
 */
import { Cooling } from '../constructs/cooling';
import { Fleet } from '../constructs/fleet';
import { GpuSharing } from '../constructs/gpu-sharing';
import { NodePool } from '../constructs/node-pool';
import { NvidiaSoftware } from '../constructs/nvidia-software';
import { Site } from '../constructs/site';
import { Taint } from '../constructs/taint';
import { findPool, Tenant } from '../constructs/tenant';
import { attempt, FleetValidationError, Violation } from '../constructs/violations';
import { addCloudMatrix384, CLOUDMATRIX_RACKS, addNvl72Racks } from './rack-scale';
import { AIR_HGX_RACKS, buildSite, PoolDesign, TRAINING_POOL } from './site-design';
import { Server } from '../constructs/server';
import { platform } from '../constructs/catalog/platforms';
import { PowerFeed } from '../constructs/power-feed';
import { Rack } from '../constructs/rack';

/** Keeps non-NPU pods off Ascend nodes; Huawei's device plugin tolerates it (domain.md s7). */
const ASCEND_TAINT = Taint.noSchedule('huawei.com/Ascend910');

/**
 * 16 NVL72 racks at the Yiwu compound. 132 kW a rack; 415 V / 630 A three-phase busways give
 * 362 kW each at 80%, so two racks share a pair. 2,112 kW IT x PUE 1.15 = 2.43 MW.
 */
function nvl72Site(fleet: Fleet): Site {
  const site = new Site(fleet, 'hami-nvl01', {
    displayName: 'Yiwu compound, GB200 NVL72 hall (Hami)',
    region: 'xinjiang',
    zone: 'hami-yiwu',
    utilityCapacityMw: 3,
    pue: 1.15,
    nvidiaSoftware: NvidiaSoftware.standalone({ runtimeClassName: 'nvidia', deviceListStrategy: 'cdi-cri' }),
  });
  const servers = addNvl72Racks(site, { racks: 16, racksPerRow: 2, feed: { voltageV: 415, amperageA: 630 }, coolingKw: 140 });
  // Racks 1-12 (two blocks' worth of training), racks 13-16 for inference serving.
  const split = 12 * 18;
  new NodePool(site, 'training', { servers: servers.slice(0, split), taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')] });
  new NodePool(site, 'serving', {
    servers: servers.slice(split),
    taints: [Taint.noSchedule('gpu-fleet.io/workload', 'serving')],
    labels: { 'workload.gpu-fleet.io/class': 'inference' },
  });
  return site;
}

/**
 * Ascend at Wuhu, where Huawei runs CloudMatrix 384 systems of its own (Capacity Media,
 * 2025-07-28). One supernode: compute racks of 4 x 9.5 kW = 38 kW, six on a 415 V / 400 A pair
 * (230 kW at 80%), the 4 network racks (25.75 kW each) on a pair of their own. Then 32 Atlas
 * 800T A2 in 8 racks of 4 (31.2 kW), all 8 on one 415 V / 500 A pair (288 kW).
 * 559 + 250 kW IT x PUE 1.25 = 1.01 MW.
 */
function ascendSite(fleet: Fleet): Site {
  const site = new Site(fleet, 'wuhu-cm01', {
    displayName: 'Wuhu Ascend hall',
    region: 'anhui',
    zone: 'wuhu-jiujiang',
    utilityCapacityMw: 1.5,
    pue: 1.25,
  });
  const supernode = addCloudMatrix384(site, {
    id: 'supernode-01',
    superPodId: 1,
    ...CLOUDMATRIX_RACKS,
  });
  const a2 = platform('atlas-800t-a2');
  const feedA = new PowerFeed(site, 'a2-row-01-a', { side: 'A', voltageV: 415, amperageA: 500 });
  const feedB = new PowerFeed(site, 'a2-row-01-b', { side: 'B', voltageV: 415, amperageA: 500 });
  const servers910b: Server[] = [];
  for (let r = 17; r <= 24; r++) {
    const rack = new Rack(site, `rack-${String(r).padStart(3, '0')}`, { cooling: Cooling.liquid(40), feedA, feedB });
    for (const u of [1, 5, 9, 13]) servers910b.push(new Server(rack, `u${String(u).padStart(2, '0')}`, { platform: a2, positionU: u }));
  }
  new NodePool(site, 'supernode', { servers: supernode, taints: [ASCEND_TAINT, Taint.noSchedule('gpu-fleet.io/workload', 'training')] });
  new NodePool(site, 'npu-910b', { servers: servers910b, taints: [ASCEND_TAINT] });
  return site;
}

const H20_INFERENCE: PoolDesign = {
  name: 'inference-shared',
  servers: 8,
  sharing: GpuSharing.timeSlicing(4),
  taints: [Taint.noSchedule('gpu-fleet.io/workload', 'inference')],
};

/** Builds the example fleet: three sites, NVL72, Ascend and HGX H20. */
export function exampleFleet(): Fleet {
  const fleet = new Fleet('example');
  const violations: Violation[] = [];
  attempt(violations, () => nvl72Site(fleet));
  attempt(violations, () => ascendSite(fleet));
  attempt(violations, () =>
    buildSite(fleet, {
      id: 'qingyang-h20-01',
      displayName: 'Qingyang HGX H20 hall',
      region: 'gansu',
      zone: 'qingyang-xifeng',
      platform: 'hgx-h20',
      servers: 40,
      racks: AIR_HGX_RACKS,
      utilityCapacityMw: 0.6,
      pue: 1.3,
      pools: [TRAINING_POOL, H20_INFERENCE],
    }),
  );
  attempt(violations, () => {
    // A robotics company renting two thirds of the NVL72 training racks, half the Ascend
    // supernode and half the H20 time-slices (this example's assumption).
    const pool = (site: string, name: string) => findPool(fleet, site, name);
    new Tenant(fleet, 'aurora-robotics', {
      displayName: 'Aurora Robotics',
      namespaces: ['aurora-train', 'aurora-serve'],
      quotas: [
        { pool: pool('hami-nvl01', 'training'), devices: 576 },
        { pool: pool('wuhu-cm01', 'supernode'), devices: 384 },
        { pool: pool('qingyang-h20-01', 'inference-shared'), devices: 128 },
      ],
    });
  });
  if (violations.length > 0) throw new FleetValidationError([...violations, ...fleet.validate()]);
  return fleet;
}

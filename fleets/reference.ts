/**
 * The reference fleet, modelled on public reporting (Bloomberg, 8 July 2025; see
 * ../shared/reference/domain.md s1): 36 data centres in the Xinjiang and Qinghai deserts
 * planning more than 115,000 NVIDIA H100/H200 GPUs in 8-GPU HGX servers, about 70% of them
 * at the government-backed compound near Yiwu (Yiwu County, Hami, Xinjiang), and one
 * project (Nyocor) of 625 H100 servers.
 *
 * Sizes per site, pool mixes and power figures are this model's assumptions: the reporting
 * gives totals, not floor plans. Yiwu halls are direct-liquid-cooled (four servers a rack);
 * the smaller sites are air-cooled (two a rack). Every server draws its 10.2 kW maximum.
 */
import { Fleet } from '../constructs/fleet';
import { GpuSharing } from '../constructs/gpu-sharing';
import { MigLayout } from '../constructs/mig-layout';
import { Taint } from '../constructs/taint';
import { findPool, Tenant } from '../constructs/tenant';
import { AIR_HGX_RACKS, buildFleet, LIQUID_HGX_RACKS, PoolDesign, SiteDesign, TRAINING_POOL } from './site-design';

/** Shared inference: each H100/H200 time-sliced four ways. */
const INFERENCE_SHARED: PoolDesign = {
  name: 'inference-shared',
  servers: 20,
  sharing: GpuSharing.timeSlicing(4),
  taints: [Taint.noSchedule('gpu-fleet.io/workload', 'inference')],
  labels: { 'workload.gpu-fleet.io/class': 'inference' },
};

/** Notebooks and CI on H100s split into seven 1g.10gb MIG instances. */
const MIG_SMALL_H100: PoolDesign = {
  name: 'mig-small',
  servers: 20,
  sharing: GpuSharing.mig(MigLayout.uniform('1g.10gb')),
  taints: [Taint.noSchedule('gpu-fleet.io/workload', 'interactive')],
};

/** Model serving with CUDA MPS, two clients a GPU. */
const MPS_SERVING: PoolDesign = {
  name: 'mps-serving',
  servers: 20,
  sharing: GpuSharing.mps(2),
  taints: [Taint.noSchedule('gpu-fleet.io/workload', 'serving')],
};

/** H200s split into one 3g.71gb, one 2g.35gb and two 1g.18gb instances (7 compute, 8 memory slices). */
const MIG_MIXED_H200: PoolDesign = {
  name: 'mig-mixed',
  servers: 20,
  sharing: GpuSharing.mig(MigLayout.of('h200-balanced', { '3g.71gb': 1, '2g.35gb': 1, '1g.18gb': 2 })),
  taints: [Taint.noSchedule('gpu-fleet.io/workload', 'interactive')],
};

/** Developer sandboxes: time-slicing eight ways, oversubscribed requests refused. */
const DEV_SANDBOX: PoolDesign = {
  name: 'dev-sandbox',
  servers: 10,
  sharing: GpuSharing.timeSlicing(8, { failRequestsGreaterThanOne: true }),
  taints: [Taint.noSchedule('gpu-fleet.io/workload', 'dev')],
};

/** The Yiwu compound near Hami: twelve 840-server halls, 10,080 servers, 80,640 GPUs. */
const YIWU_HALLS: ReadonlyArray<{ n: number; platform: string; pools?: PoolDesign[] }> = [
  { n: 1, platform: 'hgx-h100', pools: [TRAINING_POOL, INFERENCE_SHARED] },
  { n: 2, platform: 'hgx-h100', pools: [TRAINING_POOL, MIG_SMALL_H100] },
  { n: 3, platform: 'hgx-h100', pools: [TRAINING_POOL, MPS_SERVING] },
  { n: 4, platform: 'hgx-h100' },
  { n: 5, platform: 'hgx-h100' },
  { n: 6, platform: 'hgx-h100' },
  { n: 7, platform: 'hgx-h200', pools: [TRAINING_POOL, MIG_MIXED_H200] },
  { n: 8, platform: 'hgx-h200' },
  { n: 9, platform: 'hgx-h200' },
  { n: 10, platform: 'hgx-h200' },
  { n: 11, platform: 'hgx-h200', pools: [TRAINING_POOL, INFERENCE_SHARED] },
  { n: 12, platform: 'hgx-h200' },
];

const YIWU: SiteDesign[] = YIWU_HALLS.map((h) => ({
  id: `yiwu-dc${String(h.n).padStart(2, '0')}`,
  displayName: `Yiwu compound hall ${h.n} (Hami)`,
  region: 'xinjiang',
  zone: 'hami-yiwu',
  platform: h.platform,
  servers: 840,
  racks: LIQUID_HGX_RACKS,
  // 8,568 kW IT x PUE 1.2 = 10.3 MW; each hall has a 12 MW connection (wind and solar-thermal).
  utilityCapacityMw: 12,
  pue: 1.2,
  pools: h.pools,
}));

/** Nyocor's project: 625 H100 servers (250 in phase 1). Its location is not reported; placed in Qinghai. */
const NYOCOR: SiteDesign = {
  id: 'nyocor-01',
  displayName: 'Nyocor H100 project',
  region: 'qinghai',
  zone: 'haixi-delingha',
  platform: 'hgx-h100',
  servers: 625,
  racks: LIQUID_HGX_RACKS,
  utilityCapacityMw: 8,
  pue: 1.25,
};

/** The 23 smaller data centres across Xinjiang and Qinghai, air-cooled, PUE 1.3. */
const SMALL_SITES: ReadonlyArray<Pick<SiteDesign, 'id' | 'region' | 'zone' | 'platform' | 'servers' | 'utilityCapacityMw'> & { pools?: PoolDesign[] }> = [
  { id: 'hami-yizhou-01', region: 'xinjiang', zone: 'hami-yizhou', platform: 'hgx-h100', servers: 120, utilityCapacityMw: 2.0, pools: [TRAINING_POOL, DEV_SANDBOX] },
  { id: 'hami-yizhou-02', region: 'xinjiang', zone: 'hami-yizhou', platform: 'hgx-h100', servers: 140, utilityCapacityMw: 2.5 },
  { id: 'urumqi-01', region: 'xinjiang', zone: 'urumqi-midong', platform: 'hgx-h200', servers: 160, utilityCapacityMw: 3.0 },
  { id: 'urumqi-02', region: 'xinjiang', zone: 'urumqi-midong', platform: 'hgx-h100', servers: 180, utilityCapacityMw: 3.0 },
  { id: 'urumqi-03', region: 'xinjiang', zone: 'urumqi-toutunhe', platform: 'hgx-h100', servers: 200, utilityCapacityMw: 3.5 },
  { id: 'karamay-01', region: 'xinjiang', zone: 'karamay-baijiantan', platform: 'hgx-h200', servers: 120, utilityCapacityMw: 2.0 },
  { id: 'karamay-02', region: 'xinjiang', zone: 'karamay-baijiantan', platform: 'hgx-h100', servers: 140, utilityCapacityMw: 2.5 },
  { id: 'changji-01', region: 'xinjiang', zone: 'changji-zhundong', platform: 'hgx-h100', servers: 160, utilityCapacityMw: 3.0 },
  { id: 'turpan-01', region: 'xinjiang', zone: 'turpan-shanshan', platform: 'hgx-h200', servers: 180, utilityCapacityMw: 3.0 },
  { id: 'korla-01', region: 'xinjiang', zone: 'bayingolin-korla', platform: 'hgx-h100', servers: 200, utilityCapacityMw: 3.5 },
  { id: 'kashgar-01', region: 'xinjiang', zone: 'kashgar-shufu', platform: 'hgx-h100', servers: 120, utilityCapacityMw: 2.0 },
  { id: 'shihezi-01', region: 'xinjiang', zone: 'shihezi', platform: 'hgx-h200', servers: 140, utilityCapacityMw: 2.5 },
  { id: 'kuytun-01', region: 'xinjiang', zone: 'ili-kuytun', platform: 'hgx-h100', servers: 160, utilityCapacityMw: 3.0 },
  { id: 'xining-01', region: 'qinghai', zone: 'xining-nanchuan', platform: 'hgx-h100', servers: 180, utilityCapacityMw: 3.0, pools: [TRAINING_POOL, MPS_SERVING] },
  { id: 'xining-02', region: 'qinghai', zone: 'xining-nanchuan', platform: 'hgx-h200', servers: 200, utilityCapacityMw: 3.5 },
  { id: 'haidong-01', region: 'qinghai', zone: 'haidong-ledu', platform: 'hgx-h100', servers: 120, utilityCapacityMw: 2.0 },
  { id: 'golmud-01', region: 'qinghai', zone: 'haixi-golmud', platform: 'hgx-h100', servers: 140, utilityCapacityMw: 2.5 },
  { id: 'golmud-02', region: 'qinghai', zone: 'haixi-golmud', platform: 'hgx-h200', servers: 160, utilityCapacityMw: 3.0 },
  { id: 'delingha-01', region: 'qinghai', zone: 'haixi-delingha', platform: 'hgx-h100', servers: 180, utilityCapacityMw: 3.0 },
  { id: 'gonghe-01', region: 'qinghai', zone: 'hainan-gonghe', platform: 'hgx-h100', servers: 200, utilityCapacityMw: 3.5 },
  { id: 'gonghe-02', region: 'qinghai', zone: 'hainan-gonghe', platform: 'hgx-h200', servers: 120, utilityCapacityMw: 2.0 },
  { id: 'qaidam-01', region: 'qinghai', zone: 'haixi-qaidam', platform: 'hgx-h100', servers: 140, utilityCapacityMw: 2.5 },
  { id: 'huangnan-01', region: 'qinghai', zone: 'huangnan-tongren', platform: 'hgx-h100', servers: 275, utilityCapacityMw: 4.5 },
];

export interface ReferenceFleetOptions {
  /**
   * Multiplies every site's server count (and so racks, feeds and utility capacity):
   * used by the benchmark for 4x and 10x fleets with the same mix.
   * @default 1
   */
  readonly scale?: number;
}

/** Builds the reference fleet: 36 sites, 14,440 servers, 115,520 GPUs, rented to three tenants. */
export function referenceFleet(options: ReferenceFleetOptions = {}): Fleet {
  const fleet = buildFleet('reference', referenceSiteDesigns(options));
  addReferenceTenants(fleet, options.scale ?? 1);
  return fleet;
}

/**
 * Three AI companies renting capacity (names and shares are this model's assumptions): a
 * foundation-model lab with most of the training GPUs of four halls and Nyocor, an inference
 * provider on the shared and MPS pools, and a research group on MIG and sandbox slices.
 * Everything else stays unassigned, for all three to borrow while it is idle. Scaled fleets
 * (the benchmark's) scale the training guarantees with the training pools; the shared, MPS and
 * MIG pools keep their server counts, and so their guarantees.
 */
function addReferenceTenants(fleet: Fleet, scale: number): void {
  const pool = (site: string, name: string) => findPool(fleet, site, name);
  new Tenant(fleet, 'kunlun-ai', {
    displayName: 'Kunlun AI (foundation models)',
    namespaces: ['kunlun-train', 'kunlun-eval'],
    quotas: [
      { pool: pool('yiwu-dc01', 'training'), devices: 4096 * scale },
      { pool: pool('yiwu-dc02', 'training'), devices: 4096 * scale },
      { pool: pool('yiwu-dc04', 'training'), devices: 6720 * scale },
      { pool: pool('nyocor-01', 'training'), devices: 2000 * scale },
    ],
    fairSharingWeight: 2,
  });
  new Tenant(fleet, 'tarim-cloud', {
    displayName: 'Tarim Cloud (inference serving)',
    namespaces: ['tarim-serving'],
    quotas: [
      { pool: pool('yiwu-dc01', 'inference-shared'), devices: 512 },
      { pool: pool('yiwu-dc03', 'mps-serving'), devices: 320 },
      { pool: pool('yiwu-dc11', 'inference-shared'), devices: 640 },
      { pool: pool('yiwu-dc11', 'training'), devices: 1024 * scale },
    ],
    borrowingLimitPercent: 25,
  });
  new Tenant(fleet, 'gobi-research', {
    displayName: 'Gobi Research (notebooks and CI)',
    namespaces: ['gobi-notebooks', 'gobi-ci'],
    quotas: [
      { pool: pool('yiwu-dc02', 'mig-small'), devices: 560 },
      { pool: pool('yiwu-dc07', 'mig-mixed'), devices: 320 },
      { pool: pool('hami-yizhou-01', 'dev-sandbox'), devices: 320 },
    ],
    lendingLimitPercent: 50,
  });
}

/** The designs of the reference fleet's 36 sites, scaled as `options.scale` says. */
export function referenceSiteDesigns(options: ReferenceFleetOptions = {}): SiteDesign[] {
  const scale = options.scale ?? 1;
  const designs: SiteDesign[] = [...YIWU, NYOCOR, ...SMALL_SITES.map((s) => ({ ...s, racks: AIR_HGX_RACKS, pue: 1.3 }))];
  return designs.map((d) => (scale === 1 ? d : { ...d, servers: d.servers * scale, utilityCapacityMw: d.utilityCapacityMw * scale }));
}

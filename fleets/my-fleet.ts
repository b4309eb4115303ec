/**
 * The my-fleet fleet: your own, to edit. Registered in fleets/index.ts as `my-fleet`:
 *
 *   FLEET=my-fleet npx cdktf synth --output cdktf.out.my-fleet
 *   FLEET=my-fleet npx gpu-fleet report
 *
 * Typical sites are one entry of SITES (see SiteDesign in fleets/site-design.ts); sites that do
 * not fit the design are built from the constructs, as labSite below. After a change, run
 * `npx jest -u test/fleets/registered-fleets.test.ts` and review the snapshot diff.
 */
import { platform } from '../constructs/catalog/platforms';
import { Cooling } from '../constructs/cooling';
import { Fleet } from '../constructs/fleet';
import { GpuSharing } from '../constructs/gpu-sharing';
import { NodePool } from '../constructs/node-pool';
import { PowerFeed } from '../constructs/power-feed';
import { Rack } from '../constructs/rack';
import { Server } from '../constructs/server';
import { Site } from '../constructs/site';
import { StateBackend } from '../constructs/state-backend';
import { Taint } from '../constructs/taint';
import { AIR_HGX_RACKS, buildFleet, SiteDesign, TRAINING_POOL } from './site-design';

/** One entry per typical site. */
const SITES: SiteDesign[] = [
  {
    id: 'turpan-02',
    region: 'xinjiang',
    zone: 'turpan-shanshan',
    platform: 'hgx-h200',
    servers: 16,
    racks: AIR_HGX_RACKS,
    pue: 1.3,
    utilityCapacityMw: 1,
    pools: [TRAINING_POOL, { name: 'inference', servers: 4, sharing: GpuSharing.timeSlicing(4) }],
  },
];

/** A site built from the constructs: one air-cooled rack with one HGX H100 server on 2N feeds. */
function labSite(fleet: Fleet): Site {
  const site = new Site(fleet, 'lab-01', { region: 'xinjiang', zone: 'hami-yiwu', utilityCapacityMw: 1, pue: 1.3 });
  const a = new PowerFeed(site, 'feed-a', { side: 'A', voltageV: 415, amperageA: 63 });
  const b = new PowerFeed(site, 'feed-b', { side: 'B', voltageV: 415, amperageA: 63 });
  const rack = new Rack(site, 'rack-001', { cooling: Cooling.air(25), feedA: a, feedB: b });
  const s1 = new Server(rack, 'u01', { platform: platform('hgx-h100'), positionU: 1 });
  new NodePool(site, 'training', { servers: [s1], taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')] });
  return site;
}

export function myFleet(): Fleet {
  const fleet = buildFleet('my-fleet', SITES, {
    // Where the provider finds each site's cluster; the context is SiteProps.kubeContext (default: the site's id).
    kubeconfigPath: '~/.kube/config',
    // Terraform state, one location per site: StateBackend.local() (the default), .s3({ bucket, endpoint }),
    // .kubernetes() or .pg(); see README, "Point it at your clusters".
    state: StateBackend.local(),
  });
  labSite(fleet);
  return fleet;
}

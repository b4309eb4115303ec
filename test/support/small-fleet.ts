/** A small hand-built fleet for stack tests: one site, two racks, three pools. */
import { platform } from '../../constructs/catalog/platforms';
import { Cooling } from '../../constructs/cooling';
import { Fleet } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { MigLayout } from '../../constructs/mig-layout';
import { NodePool } from '../../constructs/node-pool';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { Server } from '../../constructs/server';
import { Site } from '../../constructs/site';
import { Taint } from '../../constructs/taint';

export interface SmallFleet {
  readonly fleet: Fleet;
  readonly site: Site;
  readonly servers: Server[];
  readonly pools: { training: NodePool; inference: NodePool; mig: NodePool };
}

export function smallFleet(): SmallFleet {
  const fleet = new Fleet('small', { kubeconfigPath: '/etc/gpu-fleet/kubeconfig' });
  const site = new Site(fleet, 'lab-01', { region: 'xinjiang', zone: 'hami-yiwu', utilityCapacityMw: 1, pue: 1.3, kubeContext: 'lab-admin' });
  const feedA = new PowerFeed(site, 'row-01-a', { side: 'A', voltageV: 415, amperageA: 125 });
  const feedB = new PowerFeed(site, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 125 });
  const h100 = platform('hgx-h100');
  const servers: Server[] = [];
  for (const r of ['rack-001', 'rack-002']) {
    const rack = new Rack(site, r, { cooling: Cooling.liquid(50), feedA, feedB });
    for (const u of [1, 9]) servers.push(new Server(rack, `u${String(u).padStart(2, '0')}`, { platform: h100, positionU: u }));
  }
  const training = new NodePool(site, 'training', {
    servers: servers.slice(0, 2),
    taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training'), Taint.noExecute('gpu-fleet.io/maintenance')],
    labels: { 'team.example.com/owner': 'research' },
  });
  const inference = new NodePool(site, 'inference', { servers: [servers[2]], sharing: GpuSharing.timeSlicing(4) });
  const mig = new NodePool(site, 'notebooks', { servers: [servers[3]], sharing: GpuSharing.mig(MigLayout.uniform('1g.10gb')) });
  return { fleet, site, servers, pools: { training, inference, mig } };
}

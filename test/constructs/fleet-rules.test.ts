/**
 * Limits of the real software as rules, and a hand-built fleet checked whole: constructors
 * record their problems (PropChecker.defer) and the fleet's validation reports them with the
 * rules, so one run shows every mistake.
 */
import { platform } from '../../constructs/catalog/platforms';
import { Cooling } from '../../constructs/cooling';
import { Fleet } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { NodePool } from '../../constructs/node-pool';
import { NvlinkDomain } from '../../constructs/nvlink-domain';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { Server } from '../../constructs/server';
import { Site } from '../../constructs/site';
import { Taint } from '../../constructs/taint';
import { summarise } from '../../constructs/violations';
import { hgx, SITE_PROPS, tinySite, validationLines } from '../support/tiny-fleet';

describe('MPS replicas', () => {
  it('fails above 48, the clients one MPS control daemon serves on a GPU', () => {
    const t = tinySite();
    new NodePool(t.site, 'mps', { servers: [hgx(t.rack, 1)], sharing: GpuSharing.mps(49) });
    expect(validationLines(t.fleet)).toEqual(['lab-01/mps: mps replicas are more clients than the MPS control daemon serves on one GPU, got 49, expected at most 48']);
  });

  it('takes 48', () => {
    const t = tinySite();
    new NodePool(t.site, 'mps', { servers: [hgx(t.rack, 1)], sharing: GpuSharing.mps(48) });
    expect(validationLines(t.fleet)).toEqual([]);
  });
});

describe('label keys of Ascend pools', () => {
  it.each(['accelerator', 'accelerator-type'])('rejects %s as a pool label, as nvidia.com/ keys are', (key) => {
    const t = tinySite();
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1)], labels: { [key]: 'x' } });
    expect(validationLines(t.fleet)).toEqual([
      `lab-01/training: label key is one the fleet sets on Ascend pools for Huawei's MindCluster, got "${key}", expected a key other than accelerator, accelerator-type`,
    ]);
  });
});

describe('kube contexts', () => {
  it('fails when two sites name the same context of one kubeconfig', () => {
    const fleet = new Fleet('f', { kubeconfigPath: '/etc/kube/config' });
    new Site(fleet, 'lab-01', { ...SITE_PROPS, kubeContext: 'prod' });
    new Site(fleet, 'lab-02', { ...SITE_PROPS, kubeContext: 'prod' });
    expect(validationLines(fleet)).toEqual(['lab-02: kubeContext is already the context of site lab-01 in /etc/kube/config (a site is one cluster), got "prod", expected a context of the site\'s own cluster']);
  });

  it("fails when a site's context is another site's default (its id)", () => {
    const fleet = new Fleet('f');
    new Site(fleet, 'lab-01', SITE_PROPS);
    new Site(fleet, 'lab-02', { ...SITE_PROPS, kubeContext: 'lab-01' });
    expect(validationLines(fleet)).toEqual(['lab-02: kubeContext is already the context of site lab-01 in ~/.kube/config (a site is one cluster), got "lab-01", expected a context of the site\'s own cluster']);
  });
});

describe('unknown platforms in hand-built code', () => {
  it('are reported at the site, with the servers summarised and the name received', () => {
    const fleet = new Fleet('f');
    const site = new Site(fleet, 'lab-01', SITE_PROPS);
    const a = new PowerFeed(site, 'feed-a', { side: 'A', voltageV: 415, amperageA: 63 });
    const b = new PowerFeed(site, 'feed-b', { side: 'B', voltageV: 415, amperageA: 63 });
    const servers: Server[] = [];
    for (let r = 1; r <= 5; r++) {
      const rack = new Rack(site, `rack-00${r}`, { cooling: Cooling.air(25), feedA: a, feedB: b });
      for (const u of r === 5 ? [1, 25] : [1, 9, 17, 25]) servers.push(new Server(rack, `u${String(u).padStart(2, '0')}`, { platform: platform('hgx-h999'), positionU: u }));
    }
    new NodePool(site, 'training', { servers });
    expect(servers).toHaveLength(18);
    expect(validationLines(fleet)).toEqual([expect.stringMatching(/^lab-01: unknown platform of 18 servers: lab-01\/rack-001\/u01 \.\.\. rack-005\/u25, got "hgx-h999", expected one of atlas-800t-a2, .*hgx-h800$/)]);
  });
});

describe('summarise', () => {
  it('shows short lists whole and long ones as first ... last, without the shared prefix', () => {
    expect(summarise(['a/b', 'a/c'], 'server')).toBe('2 servers: a/b, a/c');
    expect(summarise(['lab-01/rack-001/u01', 'x', 'y', 'lab-01/rack-005/u25'], 'server')).toBe('4 servers: lab-01/rack-001/u01 ... rack-005/u25');
  });
});

describe('long lists in messages', () => {
  it('fails when a pool takes servers of another site, with the servers summarised', () => {
    const t = tinySite();
    const other = new Site(t.fleet, 'lab-02', SITE_PROPS);
    const a = new PowerFeed(other, 'row-01-a', { side: 'A', voltageV: 415, amperageA: 125 });
    const b = new PowerFeed(other, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 125 });
    const racks = ['rack-001', 'rack-002'].map((id) => new Rack(other, id, { cooling: Cooling.liquid(50), feedA: a, feedB: b }));
    const foreign = racks.flatMap((r) => [hgx(r, 1), hgx(r, 9)]);
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1), ...foreign] });
    expect(validationLines(t.fleet)).toContain('lab-01/training: node pool has servers of another site, got "4 servers: lab-02/rack-001/u01 ... rack-002/u09", expected servers of lab-01');
  });
});

describe('NVLink domains created in the wrong scope', () => {
  it('fails when an NVL72 domain is created in the site, pointing to its rack, and says nothing contradictory', () => {
    const t = tinySite({ amperageA: 400 });
    const rack = new Rack(t.site, 'rack-002', { cooling: Cooling.liquid(200), feedA: t.feedA, feedB: t.feedB });
    const spec = platform('gb200-nvl72');
    const domain = new NvlinkDomain(t.site, 'nv4', { platform: spec });
    const trays = Array.from({ length: 18 }, (_, i) => new Server(rack, `tray-${String(i + 1).padStart(2, '0')}`, { platform: spec, positionU: i + 1, nvlinkDomain: domain }));
    new NodePool(t.site, 'nvl72', { servers: trays });
    const lines = validationLines(t.fleet);
    expect(lines).toEqual(['lab-01/nv4: a domain of platform gb200-nvl72 spans one rack, so it is created in its rack, got "lab-01", expected a Rack as its scope']);
  });
});

describe('a hand-built fleet written like the README', () => {
  it('is checked whole: every constructor problem of every site and every rule, in one validation', () => {
    const fleet = new Fleet('hand');
    const site = new Site(fleet, 'lab-01', { region: 'xinjiang', zone: 'hami-yiwu', utilityCapacityMw: 1, pue: 0.9 });
    const a = new PowerFeed(site, 'feed-a', { side: 'A', voltageV: 415, amperageA: 63 });
    const b = new PowerFeed(site, 'feed-b', { side: 'B', voltageV: 415, amperageA: Number.NaN });
    const rack = new Rack(site, 'rack-001', { cooling: Cooling.air(25), feedA: a, feedB: b, heightU: 0 });
    const s1 = new Server(rack, 'u01', { platform: platform('hgx-h100'), positionU: 1.5 });
    new NodePool(site, 'training', { servers: [s1], sharing: GpuSharing.timeSlicing(1), taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')] });
    const other = new Site(fleet, 'lab-02', { region: 'xinjiang', zone: 'hami-yiwu', utilityCapacityMw: 0.001 });
    const c = new PowerFeed(other, 'feed-a', { side: 'A', voltageV: 415, amperageA: 63 });
    const d = new PowerFeed(other, 'feed-b', { side: 'B', voltageV: 415, amperageA: 63 });
    const rack2 = new Rack(other, 'rack-001', { cooling: Cooling.air(25), feedA: c, feedB: d });
    new NodePool(other, 'training', { servers: [new Server(rack2, 'u01', { platform: platform('hgx-h100'), positionU: 1 })] });
    expect(validationLines(fleet)).toEqual([
      'lab-01: pue is out of range, got 0.9, expected a number from 1 to 3',
      'lab-01/feed-b: amperageA must be a positive number, got NaN, expected a finite number > 0',
      'lab-01/rack-001: heightU must be a whole number >= 1, got 0, expected an integer >= 1',
      'lab-01/rack-001/u01: positionU must be a whole number >= 1, got 1.5, expected an integer >= 1',
      'lab-01/training: time-slicing replicas must be a whole number >= 2, got 1, expected an integer >= 2',
      'lab-02: site draws more than its utility capacity (IT load x PUE 1.5), got "0.015 MW", expected at most 0.001 MW',
    ]);
  });
});

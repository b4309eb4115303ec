import { GpuSharing } from '../../constructs/gpu-sharing';
import { MigLayout } from '../../constructs/mig-layout';
import { NodePool } from '../../constructs/node-pool';
import { Site } from '../../constructs/site';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { Cooling } from '../../constructs/cooling';
import { Taint } from '../../constructs/taint';
import { hgx, SITE_PROPS, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';

const LABEL_KEY_LIMIT = 'a key outside gpu-fleet.io/, topology.kubernetes.io/, nvidia.com/, kubernetes.io/';

describe('NodePool', () => {
  it('holds servers of one model with its sharing, taints and labels, and names its device-plugin config', () => {
    const t = tinySite();
    const s1 = hgx(t.rack, 1);
    const pool = new NodePool(t.site, 'inference', {
      servers: [s1],
      sharing: GpuSharing.timeSlicing(4),
      taints: [Taint.noSchedule('gpu-fleet.io/workload', 'inference')],
      labels: { 'workload.gpu-fleet.io/class': 'inference' },
    });
    const s2 = hgx(t.rack, 9);
    pool.addServers(s2);
    expect(pool.servers).toEqual([s1, s2]);
    expect(pool.configName).toBe('inference');
    expect(pool.gpuModel?.name).toBe('H100-80GB');
    expect(pool.gpus).toBe(16);
    expect(pool.advertisedDevices).toBe(64);
    expect(pool.taints.map(String)).toEqual(['gpu-fleet.io/workload=inference:NoSchedule']);
    expect(pool.labels).toEqual({ 'workload.gpu-fleet.io/class': 'inference' });
    expect(t.site.pools).toEqual([pool]);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('defaults to exclusive GPUs and advertises MIG instances for a MIG pool', () => {
    const t = tinySite();
    const exclusive = new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1)] });
    const mig = new NodePool(t.site, 'notebooks', { servers: [hgx(t.rack, 9)], sharing: GpuSharing.mig(MigLayout.uniform('1g.10gb')) });
    expect(String(exclusive.sharing)).toBe('exclusive');
    expect(exclusive.advertisedDevices).toBe(8);
    expect(mig.advertisedDevices).toBe(56);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('fails when empty', () => {
    const t = tinySite();
    new NodePool(t.site, 'empty');
    expect(validationLines(t.fleet)).toEqual(['lab-01/empty: node pool has no servers, got 0, expected at least one server']);
    expect(new NodePool(t.site, 'other').gpuModel).toBeUndefined();
  });

  it('fails when it mixes GPU models', () => {
    const t = tinySite();
    new NodePool(t.site, 'mixed', { servers: [hgx(t.rack, 1), hgx(t.rack, 9, {}, 'hgx-h200')] });
    expect(validationLines(t.fleet)).toEqual(['lab-01/mixed: node pool mixes GPU models, got ["H100-80GB", "H200-141GB"], expected one GPU model per pool']);
  });

  it('fails when it lists a server twice', () => {
    const t = tinySite();
    const s = hgx(t.rack, 1);
    new NodePool(t.site, 'training', { servers: [s, s] });
    expect(validationLines(t.fleet)).toEqual(['lab-01/training: node pool lists a server more than once, got ["lab-01/rack-001/u01"], expected each server once']);
  });

  it('fails when it takes servers of another site', () => {
    const t = tinySite();
    const other = new Site(t.fleet, 'lab-02', SITE_PROPS);
    const a = new PowerFeed(other, 'a', { side: 'A', voltageV: 415, amperageA: 125 });
    const b = new PowerFeed(other, 'b', { side: 'B', voltageV: 415, amperageA: 125 });
    const foreign = hgx(new Rack(other, 'rack-001', { cooling: Cooling.liquid(50), feedA: a, feedB: b }), 1);
    new NodePool(t.site, 'training', { servers: [foreign] });
    expect(validationLines(t.fleet)).toEqual(['lab-01/training: node pool has servers of another site, got ["lab-02/rack-001/u01"], expected servers of lab-01']);
  });

  it('fails when its MIG layout does not fit its GPU model', () => {
    const t = tinySite();
    new NodePool(t.site, 'notebooks', { servers: [hgx(t.rack, 1, {}, 'hgx-h200')], sharing: GpuSharing.mig(MigLayout.uniform('1g.10gb')) });
    expect(validationLines(t.fleet)).toEqual([
      'lab-01/notebooks: MIG profile 1g.10gb does not exist on H200-141GB, got "1g.10gb", expected one of 1g.18gb, 1g.35gb, 2g.35gb, 3g.71gb, 4g.71gb, 7g.141gb',
    ]);
  });

  it.each(['gpu-fleet.io/pool', 'topology.kubernetes.io/zone', 'nvidia.com/gpu.product', 'kubernetes.io/hostname'])('rejects an extra label %s under a prefix the fleet manages', (key) => {
    const t = tinySite();
    const prefix = `${key.split('/')[0]}/`;
    expect(thrownLines(() => new NodePool(t.site, 'training', { labels: { [key]: 'x' } }))).toEqual([
      `lab-01/training: label key uses the prefix ${prefix}, which the fleet manages itself, got "${key}", expected ${LABEL_KEY_LIMIT}`,
    ]);
  });

  it('rejects every bad prop at once: name, sharing, labels and taints', () => {
    const t = tinySite();
    const lines = thrownLines(
      () =>
        new NodePool(t.site, 'Training Pool', {
          sharing: GpuSharing.mps(1),
          labels: { 'team.example.com/owner': 'a'.repeat(64), 'bad key!': 'x' },
          taints: [Taint.noSchedule('gpu-fleet.io/workload', 'no spaces'), Taint.noSchedule('gpu-fleet.io/workload', 'again'), Taint.noExecute('/x')],
        }),
    );
    expect(lines).toEqual([
      `lab-01/Training Pool: pool name is not a valid DNS-1123 label, got "Training Pool", expected at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`,
      'lab-01/Training Pool: mps replicas must be a whole number >= 2, got 1, expected an integer >= 2',
      expect.stringMatching(/^lab-01\/Training Pool: label team\.example\.com\/owner is not a valid label value, got "a{64}", expected at most 63 characters/),
      expect.stringMatching(/^lab-01\/Training Pool: label key is not a valid label key, got "bad key!", expected /),
      expect.stringMatching(/^lab-01\/Training Pool: taint gpu-fleet\.io\/workload value is not a valid label value, got "no spaces", expected /),
      expect.stringMatching(/^lab-01\/Training Pool: taint key is not a valid label key, got "\/x", expected /),
      'lab-01/Training Pool: taints must be unique by key and effect, got "gpu-fleet.io/workload:NoSchedule", expected one taint per key and effect',
    ]);
  });

  it('rejects a pool name used twice in the site and sharing that is not a GpuSharing', () => {
    const t = tinySite();
    new NodePool(t.site, 'training');
    expect(thrownLines(() => new NodePool(t.site, 'training'))).toEqual([
      'lab-01/training: node pool name is already used in lab-01, got "training", expected a name not used by another construct there',
    ]);
    expect(thrownLines(() => new NodePool(t.site, 'other', { sharing: 'mps' as unknown as GpuSharing }))).toEqual([
      'lab-01/other: sharing must be a GpuSharing, got "mps", expected GpuSharing.exclusive(), .timeSlicing(n), .mps(n) or .mig(layout)',
    ]);
  });
});

/**
 * A catalogue of invalid fleets and props. Each case builds something broken and expects the
 * one line that names the construct path, the value received and the limit expected.
 */
import { platform, platforms } from '../../constructs/catalog/platforms';
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
import { buildSite, LIQUID_HGX_RACKS, SiteDesign } from '../../fleets/site-design';
import { addRack, hgx, nvl72Rack, SITE_PROPS, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';

const DNS = "at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit";
const VALUE = 'at most 63 characters of A-Z, a-z, 0-9, "-", "_", ".", starting and ending with a letter or digit';

/** A tiny site with one HGX server at U1, in no pool yet. */
function pooled(options: Parameters<typeof tinySite>[0] = {}) {
  const t = tinySite(options);
  const server = hgx(t.rack, 1);
  return { ...t, server };
}

const design: SiteDesign = { id: 'lab-01', ...SITE_PROPS, platform: 'hgx-h100', servers: 8, racks: LIQUID_HGX_RACKS };

const CASES: ReadonlyArray<readonly [string, () => string[], string]> = [
  // Site props
  ['rejects a PUE below 1', () => thrownLines(() => new Site(new Fleet('f'), 'lab-01', { ...SITE_PROPS, pue: 0.9 })), 'lab-01: pue is out of range, got 0.9, expected a number from 1 to 3'],
  [
    'rejects a NaN utility capacity',
    () => thrownLines(() => new Site(new Fleet('f'), 'lab-01', { ...SITE_PROPS, utilityCapacityMw: Number.NaN })),
    'lab-01: utilityCapacityMw must be a positive number, got NaN, expected a finite number > 0',
  ],
  ['rejects a site name with upper case', () => thrownLines(() => new Site(new Fleet('f'), 'Lab-01', SITE_PROPS)), `Lab-01: site name is not a valid DNS-1123 label, got "Lab-01", expected ${DNS}`],
  [
    'rejects a second site of the same name',
    () => {
      const fleet = new Fleet('f');
      new Site(fleet, 'lab-01', SITE_PROPS);
      return thrownLines(() => new Site(fleet, 'lab-01', SITE_PROPS));
    },
    'lab-01: site name is already used in the fleet, got "lab-01", expected a name not used by another construct there',
  ],
  ['rejects a zone that is not a label value', () => thrownLines(() => new Site(new Fleet('f'), 'lab-01', { ...SITE_PROPS, zone: 'hami/yiwu' })), `lab-01: zone is not a valid label value, got "hami/yiwu", expected ${VALUE}`],
  [
    'fails when IT load x PUE exceeds the utility capacity',
    () => {
      const t = tinySite({ site: { utilityCapacityMw: 0.01 } });
      new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1)] });
      return validationLines(t.fleet);
    },
    'lab-01: site draws more than its utility capacity (IT load x PUE 1.3), got "0.013 MW", expected at most 0.01 MW',
  ],
  // Power feeds
  ['rejects a zero feed voltage', () => thrownLines(() => new PowerFeed(tinySite().site, 'pdu-01', { side: 'A', voltageV: 0, amperageA: 32 })), 'lab-01/pdu-01: voltageV must be a positive number, got 0, expected a finite number > 0'],
  [
    'rejects an infinite feed amperage',
    () => thrownLines(() => new PowerFeed(tinySite().site, 'pdu-01', { side: 'A', voltageV: 415, amperageA: Number.POSITIVE_INFINITY })),
    'lab-01/pdu-01: amperageA must be a positive number, got Infinity, expected a finite number > 0',
  ],
  [
    'rejects a feed utilisation above 100%',
    () => thrownLines(() => new PowerFeed(tinySite().site, 'pdu-01', { side: 'A', voltageV: 415, amperageA: 32, maxUtilizationPercent: 101 })),
    'lab-01/pdu-01: maxUtilizationPercent is out of range, got 101, expected a number > 0 and <= 100',
  ],
  [
    'rejects a second feed of the same name',
    () => thrownLines(() => new PowerFeed(tinySite().site, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 32 })),
    'lab-01/row-01-b: power feed name is already used in lab-01, got "row-01-b", expected a name not used by another construct there',
  ],
  [
    'fails when one side alone cannot carry its racks (2N)',
    () => {
      const t = pooled({ amperageA: 16 });
      new NodePool(t.site, 'training', { servers: [t.server] });
      return validationLines(t.fleet);
    },
    'lab-01/row-01-b: feed is overloaded: with 2N power side B alone must carry racks rack-001, got "10.2 kW", expected at most 9.2 kW available',
  ],
  // Racks
  ['rejects a fractional rack height', () => thrownLines(() => addRack(tinySite(), 'rack-002', { heightU: 41.5 })), 'lab-01/rack-002: heightU must be a whole number >= 1, got 41.5, expected an integer >= 1'],
  ['rejects a negative cooling limit', () => thrownLines(() => addRack(tinySite(), 'rack-002', { cooling: Cooling.air(-5) })), 'lab-01/rack-002: cooling.maxKw must be a positive number, got -5, expected a finite number > 0'],
  [
    'rejects a B-side feed as the A feed',
    () => {
      const t = tinySite();
      return thrownLines(() => new Rack(t.site, 'rack-002', { cooling: Cooling.air(25), feedA: t.feedB, feedB: t.feedB }));
    },
    'lab-01/rack-002: feedA must be an A-side PowerFeed, got "B", expected side "A"',
  ],
  [
    'fails when a rack draws more than its cooling removes',
    () => {
      const t = tinySite({ rack: { cooling: Cooling.air(10) } });
      new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1)] });
      return validationLines(t.fleet);
    },
    'lab-01/rack-001: rack draws more than its air cooling removes, got "10.2 kW", expected at most 10 kW',
  ],
  [
    'fails when two servers overlap in the rack',
    () => {
      const t = tinySite();
      new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1), hgx(t.rack, 5)] });
      return validationLines(t.fleet);
    },
    'lab-01/rack-001: servers u01 and u05 overlap, got "U5", expected each rack unit used by at most one server',
  ],
  // Servers
  ['rejects a server position of 0', () => thrownLines(() => hgx(tinySite().rack, 0)), 'lab-01/rack-001/u00: positionU must be a whole number >= 1, got 0, expected an integer >= 1'],
  ['rejects a server that sticks out of the top of the rack', () => thrownLines(() => hgx(tinySite().rack, 36)), 'lab-01/rack-001/u36: server of 8U at U36 does not fit in the rack, got "top at U43", expected top at or below U42'],
  [
    'rejects an NVL72 tray without its rack NVLink domain',
    () => thrownLines(() => new Server(tinySite().rack, 'tray-01', { platform: platform('gb200-nvl72'), positionU: 1 })),
    "lab-01/rack-001/tray-01: platform gb200-nvl72 shares NVLink across the rack, so nvlinkDomain is required, got nothing, expected the rack's NvlinkDomain",
  ],
  [
    'fails when a GPU server is in no pool and has no reason',
    () => validationLines(pooled().fleet),
    'lab-01/rack-001/u01: GPU server is in no node pool, got 0, expected one pool, or an unpooledReason',
  ],
  [
    'fails when a server is in two pools',
    () => {
      const t = pooled();
      new NodePool(t.site, 'a', { servers: [t.server] });
      new NodePool(t.site, 'b', { servers: [t.server] });
      return validationLines(t.fleet);
    },
    'lab-01/rack-001/u01: server is in more than one node pool, got ["a", "b"], expected exactly one pool',
  ],
  [
    'fails when two servers of a site get the same node name',
    () => {
      const t = tinySite();
      const a = new Server(t.rack, 'a', { platform: platform('hgx-h100'), positionU: 1, unpooledReason: 'spare' });
      const b = new Server(t.rack, 'b', { platform: platform('hgx-h100'), positionU: 1, unpooledReason: 'spare' });
      expect(a.nodeName).toBe(b.nodeName);
      return validationLines(t.fleet);
    },
    'lab-01: node name is used twice in the site, by lab-01/rack-001/a and lab-01/rack-001/b, got "lab-01-rack-001-u01", expected unique node names within a site',
  ],
  // NVLink
  [
    'fails when an NVL72 domain has 17 trays',
    () => {
      const t = tinySite({ amperageA: 250 });
      new NodePool(t.site, 'nvl72', { servers: nvl72Rack(t, 'rack-002', 17).trays });
      return validationLines(t.fleet);
    },
    'lab-01/rack-002/nvl72: NVLink domain size does not match platform gb200-nvl72, got "68 GPUs", expected 72 GPUs',
  ],
  [
    'fails when NVL72 trays sit in an air-cooled rack',
    () => {
      const t = tinySite({ amperageA: 250 });
      new NodePool(t.site, 'nvl72', { servers: nvl72Rack(t, 'rack-002', 18, Cooling.air(200)).trays });
      return validationLines(t.fleet);
    },
    'lab-01/rack-002: platform gb200-nvl72 of tray-01 needs liquid cooling, got "air", expected liquid',
  ],
  // Pools, sharing, MIG, labels, taints
  [
    'rejects time-slicing with one replica',
    () => thrownLines(() => new NodePool(tinySite().site, 'shared', { sharing: GpuSharing.timeSlicing(1) })),
    'lab-01/shared: time-slicing replicas must be a whole number >= 2, got 1, expected an integer >= 2',
  ],
  [
    'rejects MPS with a fractional replica count',
    () => thrownLines(() => new NodePool(tinySite().site, 'serving', { sharing: GpuSharing.mps(2.5) })),
    'lab-01/serving: mps replicas must be a whole number >= 2, got 2.5, expected an integer >= 2',
  ],
  [
    'fails when a MIG profile count is above its maximum',
    () => {
      const t = pooled();
      new NodePool(t.site, 'mig', { servers: [t.server], sharing: GpuSharing.mig(MigLayout.of('big', { '3g.40gb': 3 })) });
      return validationLines(t.fleet);
    },
    'lab-01/mig: MIG profile 3g.40gb count is out of range on H100-80GB, got 3, expected an integer from 1 to 2',
  ],
  [
    'fails when MIG instances need more memory slices than the GPU has',
    () => {
      const t = pooled();
      new NodePool(t.site, 'mig', { servers: [t.server], sharing: GpuSharing.mig(MigLayout.of('overfull', { '4g.40gb': 1, '2g.20gb': 1, '1g.20gb': 2 })) });
      return validationLines(t.fleet);
    },
    'lab-01/mig: MIG layout overfull needs more memory slices than one GPU has, got 10, expected at most 8',
  ],
  [
    'fails when a MIG profile does not exist on the pool GPU model',
    () => {
      const t = tinySite();
      new NodePool(t.site, 'mig', { servers: [hgx(t.rack, 1, {}, 'hgx-h20')], sharing: GpuSharing.mig(MigLayout.uniform('1g.10gb')) });
      return validationLines(t.fleet);
    },
    'lab-01/mig: MIG profile 1g.10gb does not exist on H20-96GB, got "1g.10gb", expected one of 1g.12gb, 1g.24gb, 2g.24gb, 3g.48gb, 4g.48gb, 7g.96gb',
  ],
  [
    'rejects a MIG layout name that cannot be a label value',
    () => thrownLines(() => new NodePool(tinySite().site, 'mig', { sharing: GpuSharing.mig(MigLayout.of('half & half', { '3g.40gb': 2 })) })),
    `lab-01/mig: MIG layout name is not a valid label value, got "half & half", expected ${VALUE}`,
  ],
  [
    'rejects a pool label under nvidia.com/',
    () => thrownLines(() => new NodePool(tinySite().site, 'training', { labels: { 'nvidia.com/mig.config': 'all-1g.10gb' } })),
    'lab-01/training: label key uses the prefix nvidia.com/, which the fleet manages itself, got "nvidia.com/mig.config", expected a key outside gpu-fleet.io/, topology.kubernetes.io/, nvidia.com/, kubernetes.io/',
  ],
  [
    'rejects a pool label value of 64 characters',
    () => thrownLines(() => new NodePool(tinySite().site, 'training', { labels: { team: 'x'.repeat(64) } })),
    `lab-01/training: label team is not a valid label value, got "${'x'.repeat(64)}", expected ${VALUE}`,
  ],
  [
    'rejects a taint key with two slashes',
    () => thrownLines(() => new NodePool(tinySite().site, 'training', { taints: [Taint.noSchedule('a/b/c')] })),
    'lab-01/training: taint key is not a valid label key, got "a/b/c", expected an optional DNS subdomain prefix and "/", then at most 63 characters of A-Z, a-z, 0-9, "-", "_", "."',
  ],
  [
    'rejects two taints with the same key and effect',
    () => thrownLines(() => new NodePool(tinySite().site, 'training', { taints: [Taint.noExecute('repair', 'a'), Taint.noExecute('repair', 'b')] })),
    'lab-01/training: taints must be unique by key and effect, got "repair:NoExecute", expected one taint per key and effect',
  ],
  [
    'rejects a pool name of 64 characters',
    () => thrownLines(() => new NodePool(tinySite().site, 'p'.repeat(64))),
    `lab-01/${'p'.repeat(64)}: pool name is not a valid DNS-1123 label, got "${'p'.repeat(64)}", expected ${DNS}`,
  ],
  // Designed sites
  [
    'rejects an unknown platform, listing the known ones',
    () => thrownLines(() => buildSite(new Fleet('f'), { ...design, platform: 'hgx-h300' })),
    `lab-01: unknown platform, got "hgx-h300", expected one of ${platforms()
      .map((p) => p.name)
      .sort()
      .join(', ')}`,
  ],
  ['rejects a fractional server count', () => thrownLines(() => buildSite(new Fleet('f'), { ...design, servers: 7.5 })), 'lab-01: servers must be a whole number >= 1, got 7.5, expected an integer >= 1'],
  [
    'rejects more servers per rack than fit',
    () => thrownLines(() => buildSite(new Fleet('f'), { ...design, racks: { ...LIQUID_HGX_RACKS, serversPerRack: 6 } })),
    'lab-01: racks.serversPerRack servers of 8U do not fit in a rack of racks.rackHeightU 42, got "48U", expected at most 42U',
  ],
];

describe('invalid fleets and props', () => {
  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)('%s', (_title, build, expected) => {
    expect(build()).toContain(expected);
  });
});

import { Cooling } from '../../constructs/cooling';
import { Fleet } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { Site } from '../../constructs/site';
import { Taint } from '../../constructs/taint';
import { AIR_HGX_RACKS, buildFleet, buildSite, LIQUID_HGX_RACKS, SiteDesign, TRAINING_POOL } from '../../fleets/site-design';
import { thrownLines, validationLines } from '../support/tiny-fleet';

const base: SiteDesign = { id: 'lab-01', region: 'xinjiang', zone: 'hami-yiwu', utilityCapacityMw: 1, pue: 1.3, platform: 'hgx-h100', servers: 10, racks: AIR_HGX_RACKS };

describe('buildSite', () => {
  it('builds feeds per row, racks and servers bottom-up, and one training pool by default', () => {
    const fleet = new Fleet('f');
    const site = buildSite(fleet, base);
    // 10 servers, 2 a rack: 5 racks; 8 racks a row: 1 row, one A and one B feed.
    expect(site.feeds.map((f) => f.node.id)).toEqual(['row-01-a', 'row-01-b']);
    expect(site.racks.map((r) => r.node.id)).toEqual(['rack-001', 'rack-002', 'rack-003', 'rack-004', 'rack-005']);
    expect(site.racks[0].servers.map((s) => [s.node.id, s.positionU])).toEqual([
      ['u01', 1],
      ['u09', 9],
    ]);
    expect(site.pools.map((p) => [p.node.id, p.servers.length, String(p.taints[0])])).toEqual([['training', 10, 'gpu-fleet.io/workload=training:NoSchedule']]);
    expect(validationLines(fleet)).toEqual([]);
  });

  it('splits servers between pools, counted pools from the end of the site', () => {
    const fleet = new Fleet('f');
    const site = buildSite(fleet, { ...base, pools: [TRAINING_POOL, { name: 'inference', servers: 3, sharing: GpuSharing.timeSlicing(4) }] });
    const [inference, training] = site.pools;
    expect(inference.node.id).toBe('inference');
    expect(inference.servers.map((s) => s.nodeName)).toEqual(['lab-01-rack-004-u09', 'lab-01-rack-005-u01', 'lab-01-rack-005-u09']);
    expect(training.servers).toHaveLength(7);
    expect(validationLines(fleet)).toEqual([]);
  });

  it('starts a new pair of feeds for every row of racks', () => {
    const site = buildSite(new Fleet('f'), { ...base, servers: 21, racks: LIQUID_HGX_RACKS });
    // 21 servers, 4 a rack: 6 racks; 5 racks a row: 2 rows.
    expect(site.feeds.map((f) => f.node.id)).toEqual(['row-01-a', 'row-01-b', 'row-02-a', 'row-02-b']);
    expect(site.racks.map((r) => r.feedA.node.id)).toEqual(['row-01-a', 'row-01-a', 'row-01-a', 'row-01-a', 'row-01-a', 'row-02-a']);
    expect(site.racks[5].servers).toHaveLength(1);
  });

  it('rejects every problem of a design at once, with the site props, and leaves nothing in the fleet', () => {
    const fleet = new Fleet('f');
    const lines = thrownLines(() =>
      buildSite(fleet, {
        ...base,
        platform: 'hgx-h300',
        servers: 0,
        pue: 0.5,
        racks: { ...AIR_HGX_RACKS, serversPerRack: 2.5, racksPerRow: -1, feedVoltageV: Number.NaN, feedAmperageA: 0 },
        pools: [
          { name: 'a', servers: 1.5 },
          { name: 'b', servers: -2 },
        ],
      }),
    );
    expect(lines).toEqual([
      expect.stringMatching(/^lab-01: unknown platform, got "hgx-h300", expected one of .*hgx-h100, hgx-h20, hgx-h200/),
      'lab-01: servers must be a whole number >= 1, got 0, expected an integer >= 1',
      'lab-01: racks.serversPerRack must be a whole number >= 1, got 2.5, expected an integer >= 1',
      'lab-01: racks.racksPerRow must be a whole number >= 1, got -1, expected an integer >= 1',
      'lab-01: racks.feedVoltageV must be a positive number, got NaN, expected a finite number > 0',
      'lab-01: racks.feedAmperageA must be a positive number, got 0, expected a finite number > 0',
      'lab-01: pool a servers must be a whole number >= 1, got 1.5, expected an integer >= 1',
      'lab-01: pool b servers must be a whole number >= 1, got -2, expected an integer >= 1',
      'lab-01: exactly one pool must take the remaining servers (leave out its `servers`), got [], expected one pool without a server count',
      'lab-01: pue is out of range, got 0.5, expected a number from 1 to 3',
    ]);
    // The site exists, without racks or pools: nothing is built from numbers that failed.
    expect(fleet.node.children.map((c) => c.node.id)).toEqual(['lab-01']);
    expect(fleet.node.children[0].node.children).toEqual([]);
  });

  it('rejects pools that take every server, and two pools without a count', () => {
    expect(thrownLines(() => buildSite(new Fleet('f'), { ...base, pools: [TRAINING_POOL, { name: 'x', servers: 10 }] }))).toEqual([
      'lab-01: pools with a server count take every server, got 10, expected fewer than 10',
    ]);
    expect(thrownLines(() => buildSite(new Fleet('f'), { ...base, pools: [TRAINING_POOL, { name: 'x' }] }))).toEqual([
      'lab-01: exactly one pool must take the remaining servers (leave out its `servers`), got ["training", "x"], expected one pool without a server count',
    ]);
  });

  it('rejects more servers per rack than the rack holds', () => {
    expect(thrownLines(() => buildSite(new Fleet('f'), { ...base, racks: { ...AIR_HGX_RACKS, serversPerRack: 4, rackHeightU: 30 } }))).toEqual([
      'lab-01: racks.serversPerRack servers of 8U do not fit in a rack of racks.rackHeightU 30, got "32U", expected at most 30U',
    ]);
  });

  it("rejects every pool's bad props at once; the site is built all the same, so its rules are checked too", () => {
    const fleet = new Fleet('f');
    const lines = thrownLines(() =>
      buildSite(fleet, {
        ...base,
        pools: [
          { name: 'training', labels: { 'gpu-fleet.io/pool': 'x' } },
          { name: 'Inference', servers: 2, sharing: GpuSharing.timeSlicing(1), taints: [Taint.noSchedule('a b')] },
        ],
      }),
    );
    expect(lines).toEqual([
      `lab-01/Inference: pool name is not a valid DNS-1123 label, got "Inference", expected at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`,
      'lab-01/Inference: time-slicing replicas must be a whole number >= 2, got 1, expected an integer >= 2',
      expect.stringMatching(/^lab-01\/Inference: taint key is not a valid label key, got "a b", expected /),
      'lab-01/training: label key uses the prefix gpu-fleet.io/, which the fleet manages itself, got "gpu-fleet.io/pool", expected a key outside gpu-fleet.io/, topology.kubernetes.io/, nvidia.com/, kubernetes.io/',
    ]);
    expect((fleet.node.children[0] as Site).pools.map((p) => p.node.id)).toEqual(['Inference', 'training']);
  });

  it('rejects a rack height taller than any rack, under its own argument name', () => {
    const fleet = new Fleet('f');
    expect(thrownLines(() => buildSite(fleet, { ...base, racks: { ...AIR_HGX_RACKS, rackHeightU: 120 } }))).toEqual([
      'lab-01: racks.rackHeightU is taller than any rack, got 120, expected at most 100',
    ]);
  });

  it('does not remove an existing site when a design reuses its name', () => {
    const fleet = new Fleet('f');
    const first = buildSite(fleet, base);
    expect(thrownLines(() => buildSite(fleet, base))).toEqual(['lab-01: site name is already used in the fleet, got "lab-01", expected a name not used by another site']);
    expect(fleet.node.children).toEqual([first]);
  });
});

describe('buildFleet', () => {
  it('builds every designed site of a valid fleet', () => {
    const fleet = buildFleet('two', [base, { ...base, id: 'lab-02' }], { kubeconfigPath: '/etc/kube' });
    expect(fleet.name).toBe('two');
    expect(fleet.kubeconfigPath).toBe('/etc/kube');
    expect(fleet.node.children.filter((c) => c instanceof Site).map((c) => c.node.id)).toEqual(['lab-01', 'lab-02']);
    expect(fleet.validate()).toEqual([]);
  });

  it('reports all violations of a fleet with several broken sites at once, without throwing', () => {
    const fleet = buildFleet('broken', [
      // Problems of the design and of the site props.
      { ...base, id: 'bad-design', platform: 'hgx-h300', pue: 0.8 },
      // Problems of a pool's props.
      { ...base, id: 'bad-pool', pools: [{ name: 'training', sharing: GpuSharing.mps(1), labels: { 'kubernetes.io/hostname': 'x' } }] },
      // Builds, but breaks cross-construct rules: feeds of 30 A (13.8 kW) for racks of 20.4 kW,
      // cooling of 15 kW, and a utility connection of 0.02 MW.
      { ...base, id: 'overloaded', servers: 2, utilityCapacityMw: 0.02, racks: { ...AIR_HGX_RACKS, feedAmperageA: 30, cooling: Cooling.air(15) } },
      // Valid.
      { ...base, id: 'good' },
      // A second site of an existing name.
      { ...base, id: 'good' },
    ]);
    expect(validationLines(fleet)).toEqual([
      expect.stringMatching(/^bad-design: unknown platform, got "hgx-h300", expected one of /),
      'bad-design: pue is out of range, got 0.8, expected a number from 1 to 3',
      'bad-pool/training: mps replicas must be a whole number >= 2, got 1, expected an integer >= 2',
      'bad-pool/training: label key uses the prefix kubernetes.io/, which the fleet manages itself, got "kubernetes.io/hostname", expected a key outside gpu-fleet.io/, topology.kubernetes.io/, nvidia.com/, kubernetes.io/',
      'good: site name is already used in the fleet, got "good", expected a name not used by another site',
      'overloaded: site draws more than its utility capacity (IT load x PUE 1.3), got "0.027 MW", expected at most 0.02 MW',
      'overloaded/row-01-a: feed is overloaded: with 2N power side A alone must carry racks rack-001, got "20.4 kW", expected at most 17.3 kW available',
      'overloaded/row-01-b: feed is overloaded: with 2N power side B alone must carry racks rack-001, got "20.4 kW", expected at most 17.3 kW available',
      'overloaded/rack-001: rack draws more than its air cooling removes, got "20.4 kW", expected at most 15 kW',
    ]);
  });
});

describe('every argument of a design, under its own name', () => {
  const f = () => new Fleet('f');
  it.each<[string, Partial<SiteDesign>, string[]]>([
    ['rejects a rack height of 0 as racks.rackHeightU, not as servers per rack', { racks: { ...AIR_HGX_RACKS, rackHeightU: 0 } }, ['lab-01: racks.rackHeightU must be a whole number >= 1, got 0, expected an integer >= 1']],
    ['rejects a fractional rack height', { racks: { ...AIR_HGX_RACKS, rackHeightU: 41.5 } }, ['lab-01: racks.rackHeightU must be a whole number >= 1, got 41.5, expected an integer >= 1']],
    ['rejects fractional servers instead of rounding them', { servers: 10.5 }, ['lab-01: servers must be a whole number >= 1, got 10.5, expected an integer >= 1']],
    ['rejects NaN servers of a pool', { pools: [TRAINING_POOL, { name: 'x', servers: Number.NaN }] }, ['lab-01: pool x servers must be a whole number >= 1, got NaN, expected an integer >= 1']],
    ['rejects a feed phase that is neither single nor three', { racks: { ...AIR_HGX_RACKS, feedPhase: 'two' as never } }, ['lab-01: racks.feedPhase must be single or three, got "two", expected "single" or "three"']],
    ['rejects two pools of one name', { pools: [TRAINING_POOL, { name: 'training', servers: 2 }] }, ['lab-01: pool name is used twice in the design, got "training", expected one pool per name']],
    [
      'points an NVL72 platform to addNvl72Racks',
      { platform: 'gb200-nvl72' },
      ['lab-01: platform gb200-nvl72 shares one NVLink domain across a rack, which buildSite does not build, got "gb200-nvl72", expected a server-scoped platform, or addNvl72Racks(site, ...) from fleets/rack-scale.ts for gb200-nvl72'],
    ],
    [
      'points a CloudMatrix 384 platform to addCloudMatrix384',
      { platform: 'cloudmatrix-384' },
      ['lab-01: platform cloudmatrix-384 shares one HCCS domain across racks, which buildSite does not build, got "cloudmatrix-384", expected a server-scoped platform, or addCloudMatrix384(site, ...) from fleets/rack-scale.ts for cloudmatrix-384'],
    ],
  ])('%s', (_title, change, lines) => {
    expect(thrownLines(() => buildSite(f(), { ...base, ...change }))).toEqual(lines);
  });

  it("builds README's add-a-site entry without racks or pue: default racks for the platform, PUE 1.5", () => {
    const fleet = new Fleet('f');
    const site = buildSite(fleet, { id: 'turpan-02', region: 'xinjiang', zone: 'turpan-shanshan', platform: 'hgx-h200', servers: 160, utilityCapacityMw: 3.0, pools: [TRAINING_POOL, { name: 'inference', servers: 20, sharing: GpuSharing.timeSlicing(4) }] });
    expect(validationLines(fleet)).toEqual([]);
    expect(site.pue).toBe(1.5);
    // 8U, 10.2 kW: 4 servers a 50 kW rack, 5 racks on a 230 kW row, as LIQUID_HGX_RACKS.
    expect(site.racks).toHaveLength(40);
    expect(site.feeds).toHaveLength(16);
    expect(site.racks[0].servers).toHaveLength(4);
  });

  it('gives a 10U 14.3 kW DGX B200 three servers a rack by default, and the design builds', () => {
    const fleet = new Fleet('f');
    const site = buildSite(fleet, { ...base, racks: undefined, platform: 'dgx-b200', servers: 9 });
    expect(validationLines(fleet)).toEqual([]);
    expect(site.racks.map((r) => r.servers.length)).toEqual([3, 3, 3]);
  });
});

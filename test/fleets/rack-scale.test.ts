/**
 * The rack-scale builders check every argument, under its own name, before building anything;
 * and two uses their docs allow build.
 */
import { Fleet } from '../../constructs/fleet';
import { NodePool } from '../../constructs/node-pool';
import { Site } from '../../constructs/site';
import { addCloudMatrix384, addNvl72Racks, CLOUDMATRIX_RACKS, CloudMatrixDesign, Nvl72Design } from '../../fleets/rack-scale';
import { SITE_PROPS, thrownLines, validationLines } from '../support/tiny-fleet';

const NVL72: Nvl72Design = { racks: 2, racksPerRow: 2, feed: { voltageV: 415, amperageA: 630 }, coolingKw: 140 };
const CM384: CloudMatrixDesign = { id: 'supernode-01', superPodId: 1, ...CLOUDMATRIX_RACKS };

function site(utilityCapacityMw = 3): Site {
  return new Site(new Fleet('test'), 'lab-nv4', { ...SITE_PROPS, utilityCapacityMw });
}

/** The lines `build(site)` reports, and that it added nothing to the site. */
function refused(build: (s: Site) => unknown): string[] {
  const s = site();
  const lines = thrownLines(() => build(s));
  expect(s.node.children).toEqual([]);
  return lines;
}

const WHOLE = 'must be a whole number >= 1';

describe('addNvl72Racks', () => {
  it.each<[string, Partial<Nvl72Design>, string]>([
    ['rejects zero racks', { racks: 0 }, `lab-nv4: addNvl72Racks racks ${WHOLE}, got 0, expected an integer >= 1`],
    ['rejects a fractional rack count', { racks: 2.5 }, `lab-nv4: addNvl72Racks racks ${WHOLE}, got 2.5, expected an integer >= 1`],
    ['rejects NaN racks', { racks: Number.NaN }, `lab-nv4: addNvl72Racks racks ${WHOLE}, got NaN, expected an integer >= 1`],
    ['rejects zero racks per row', { racksPerRow: 0 }, `lab-nv4: addNvl72Racks racksPerRow ${WHOLE}, got 0, expected an integer >= 1`],
    ['rejects fractional racks per row', { racksPerRow: 1.5 }, `lab-nv4: addNvl72Racks racksPerRow ${WHOLE}, got 1.5, expected an integer >= 1`],
    ['rejects NaN racks per row', { racksPerRow: Number.NaN }, `lab-nv4: addNvl72Racks racksPerRow ${WHOLE}, got NaN, expected an integer >= 1`],
    ['rejects zero racks per block', { racksPerBlock: 0 }, `lab-nv4: addNvl72Racks racksPerBlock ${WHOLE}, got 0, expected an integer >= 1`],
    ['rejects fractional racks per block', { racksPerBlock: 0.5 }, `lab-nv4: addNvl72Racks racksPerBlock ${WHOLE}, got 0.5, expected an integer >= 1`],
    ['rejects a first rack of 0', { firstRack: 0 }, `lab-nv4: addNvl72Racks firstRack ${WHOLE}, got 0, expected an integer >= 1`],
    ['rejects NaN cooling', { coolingKw: Number.NaN }, 'lab-nv4: addNvl72Racks coolingKw must be a positive number, got NaN, expected a finite number > 0'],
    ['rejects a feed of 0 A', { feed: { voltageV: 415, amperageA: 0 } }, 'lab-nv4: addNvl72Racks feed.amperageA must be a positive number, got 0, expected a finite number > 0'],
  ])('%s, under its own name, and builds nothing', (_title, change, line) => {
    expect(refused((s) => addNvl72Racks(s, { ...NVL72, ...change }))).toEqual([line]);
  });

  it('rejects racks numbered like racks the site has', () => {
    const s = site();
    addNvl72Racks(s, NVL72);
    expect(thrownLines(() => addNvl72Racks(s, { ...NVL72, firstRack: 2 }))).toEqual([
      'lab-nv4: addNvl72Racks firstRack 2 takes racks the site already has, got ["rack-002"], expected a firstRack after the site\'s last rack',
    ]);
  });

  it('rejects a second call that shares a row of feeds but asks for other feeds', () => {
    const s = site();
    addNvl72Racks(s, { ...NVL72, racks: 1, racksPerRow: 4 });
    expect(thrownLines(() => addNvl72Racks(s, { ...NVL72, racks: 1, racksPerRow: 4, firstRack: 2, feed: { voltageV: 400, amperageA: 630 } }))).toEqual([
      'lab-nv4: addNvl72Racks feed differs from the feeds of row nvl-row-01, which an earlier call built and this one shares, got "400 V / 630 A three-phase", expected the row\'s 415 V / 630 A three-phase',
    ]);
  });

  it('builds two calls that share a row of feeds, as its doc allows', () => {
    const s = site();
    const first = addNvl72Racks(s, { ...NVL72, racks: 1, racksPerRow: 2, feed: { voltageV: 415, amperageA: 1200 } });
    const second = addNvl72Racks(s, { ...NVL72, racks: 1, racksPerRow: 2, firstRack: 2, feed: { voltageV: 415, amperageA: 1200 } });
    new NodePool(s, 'nvl72', { servers: [...first, ...second] });
    expect(validationLines(s.fleet)).toEqual([]);
    expect(s.feeds.map((f) => f.node.id)).toEqual(['nvl-row-01-a', 'nvl-row-01-b']);
    expect(s.feeds[0].racks.map((r) => r.node.id)).toEqual(['rack-001', 'rack-002']);
  });
});

describe('addCloudMatrix384', () => {
  it.each<[string, Partial<CloudMatrixDesign>, string]>([
    ['rejects zero compute racks per row', { computeRacksPerRow: 0 }, `lab-nv4: addCloudMatrix384 computeRacksPerRow ${WHOLE}, got 0, expected an integer >= 1`],
    ['rejects NaN compute racks per row', { computeRacksPerRow: Number.NaN }, `lab-nv4: addCloudMatrix384 computeRacksPerRow ${WHOLE}, got NaN, expected an integer >= 1`],
    ['rejects fractional compute racks per row', { computeRacksPerRow: 2.5 }, `lab-nv4: addCloudMatrix384 computeRacksPerRow ${WHOLE}, got 2.5, expected an integer >= 1`],
    ['rejects a negative superPodId', { superPodId: -1 }, 'lab-nv4: addCloudMatrix384 superPodId must be a whole number >= 0, got -1, expected an integer >= 0'],
    ['rejects a fractional first rack', { firstRack: 1.5 }, `lab-nv4: addCloudMatrix384 firstRack ${WHOLE}, got 1.5, expected an integer >= 1`],
  ])('%s, under its own name, and builds nothing', (_title, change, line) => {
    expect(refused((s) => addCloudMatrix384(s, { ...CM384, ...change }))).toEqual([line]);
  });

  it('builds a pool named like the supernode', () => {
    const s = site();
    const servers = addCloudMatrix384(s, CM384);
    const pool = new NodePool(s, 'supernode-01', { servers });
    expect(validationLines(s.fleet)).toEqual([]);
    expect(pool.node.path).toBe('lab-nv4/supernode-01');
    expect(servers[0].nvlinkDomain.name).toBe('supernode-01');
  });

  it('fails when two supernodes of a site share a superPodId', () => {
    const s = site();
    const a = addCloudMatrix384(s, CM384);
    const b = addCloudMatrix384(s, { ...CM384, id: 'supernode-02', firstRack: 17 });
    new NodePool(s, 'supernode', { servers: [...a, ...b] });
    expect(validationLines(s.fleet)).toEqual([
      'lab-nv4/supernode-02-hccs: superPodId is already the id of supernode lab-nv4/supernode-01-hccs (HCCL would take the two for one supernode), got 1, expected a superPodId of its own within the site',
    ]);
  });
});

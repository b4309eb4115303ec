import { Cooling } from '../../constructs/cooling';
import { NodePool } from '../../constructs/node-pool';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { Site } from '../../constructs/site';
import { addRack, hgx, nvl72Rack, SITE_PROPS, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';

describe('Rack', () => {
  it('defaults to 42U and sums its servers draw and rack units', () => {
    const t = tinySite();
    const servers = [hgx(t.rack, 1), hgx(t.rack, 9), hgx(t.rack, 17)];
    new NodePool(t.site, 'training', { servers });
    expect(t.rack.heightU).toBe(42);
    expect(t.rack.servers).toEqual(servers);
    expect(t.rack.drawKw).toBeCloseTo(30.6, 9);
    expect(t.rack.usedU).toBe(24);
    expect(t.rack.site).toBe(t.site);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('fails when its servers draw more than its cooling removes', () => {
    const t = tinySite({ rack: { cooling: Cooling.air(15) } });
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1), hgx(t.rack, 9)] });
    expect(validationLines(t.fleet)).toEqual(['lab-01/rack-001: rack draws more than its air cooling removes, got "20.4 kW", expected at most 15 kW']);
  });

  it('fails when two servers share a rack unit, and when units in use exceed the height', () => {
    const t = tinySite({ rack: { heightU: 10 } });
    // Each 8U server fits on its own (tops at U8 and U9), but together they take 16U of 10.
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1), hgx(t.rack, 2)] });
    expect(validationLines(t.fleet)).toEqual([
      'lab-01/rack-001: servers take more rack units than the rack has, got "16U", expected at most 10U',
      'lab-01/rack-001: servers u01 and u02 overlap, got "U2", expected each rack unit used by at most one server',
    ]);
  });

  it('fails when a platform that needs liquid cooling is in an air-cooled rack', () => {
    const t = tinySite({ amperageA: 250 });
    const { trays } = nvl72Rack(t, 'rack-002', 18, Cooling.air(200));
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(validationLines(t.fleet)).toEqual(['lab-01/rack-002: platform gb200-nvl72 of tray-01 needs liquid cooling, got "air", expected liquid']);
  });

  it('rejects every bad prop at once: height, cooling, feed sides and feeds of another site', () => {
    const t = tinySite();
    const other = new Site(t.fleet, 'lab-02', SITE_PROPS);
    const foreignB = new PowerFeed(other, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 125 });
    expect(thrownLines(() => new Rack(t.site, 'rack-002', { cooling: Cooling.liquid(Number.NaN), feedA: t.feedB, feedB: foreignB, heightU: 42.5 }))).toEqual([
      'lab-01/rack-002: heightU must be a whole number >= 1, got 42.5, expected an integer >= 1',
      'lab-01/rack-002: cooling.maxKw must be a positive number, got NaN, expected a finite number > 0',
      'lab-01/rack-002: feedA must be an A-side PowerFeed, got "B", expected side "A"',
      'lab-01/rack-002: feedB belongs to another site, got "lab-02/row-01-b", expected a feed of lab-01',
    ]);
  });

  it('rejects a rack taller than 100U, a zero height, a bad name and a name used twice', () => {
    const t = tinySite();
    expect(thrownLines(() => addRack(t, 'rack-002', { heightU: 120 }))).toEqual(['lab-01/rack-002: heightU is taller than any rack, got 120, expected at most 100']);
    expect(thrownLines(() => addRack(t, 'rack-003', { heightU: 0 }))).toEqual(['lab-01/rack-003: heightU must be a whole number >= 1, got 0, expected an integer >= 1']);
    expect(thrownLines(() => addRack(t, 'Rack 2'))).toEqual([
      `lab-01/Rack 2: rack name is not a valid DNS-1123 label, got "Rack 2", expected at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`,
    ]);
    expect(thrownLines(() => addRack(t, 'rack-001'))).toEqual(['lab-01/rack-001: rack name is already used in lab-01, got "rack-001", expected a name not used by another construct there']);
  });
});

import { PowerFeed, PowerFeedProps } from '../../constructs/power-feed';
import { hgx, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';

describe('PowerFeed', () => {
  it("computes available power as NetBox does: 415 V x 32 A x 80% x sqrt(3) = 18.4 kW", () => {
    const { site } = tinySite();
    const feed = new PowerFeed(site, 'pdu-01', { side: 'A', voltageV: 415, amperageA: 32 });
    expect(feed.phase).toBe('three');
    expect(feed.maxUtilizationPercent).toBe(80);
    expect(feed.availableKw).toBeCloseTo(18.4, 1);
    expect(feed.availableKw).toBeCloseTo((415 * 32 * 0.8 * Math.sqrt(3)) / 1000, 9);
  });

  it('leaves out sqrt(3) for single phase and honours another utilisation', () => {
    const { site } = tinySite();
    const feed = new PowerFeed(site, 'pdu-01', { side: 'B', voltageV: 230, amperageA: 32, phase: 'single', maxUtilizationPercent: 100 });
    expect(feed.availableKw).toBeCloseTo(7.36, 9);
  });

  it('registers with its site and carries the full draw of every rack it serves (2N)', () => {
    const { site, feedA, feedB, rack } = tinySite();
    hgx(rack, 1);
    hgx(rack, 9);
    expect(site.feeds).toEqual([feedA, feedB]);
    expect(feedA.racks).toEqual([rack]);
    expect(feedA.loadKw).toBeCloseTo(20.4, 9);
    expect(feedB.loadKw).toBeCloseTo(20.4, 9);
    expect(feedA.utilizationPercent).toBeCloseTo((20.4 / feedA.availableKw) * 100, 9);
  });

  it('fails when a feed alone cannot carry its racks, naming side, racks, load and limit', () => {
    // 415 V x 16 A x 80% x sqrt(3) = 9.2 kW per side; one HGX H100 draws 10.2 kW.
    const t = tinySite({ amperageA: 16 });
    hgx(t.rack, 1);
    expect(validationLines(t.fleet)).toEqual(
      expect.arrayContaining([
        'lab-01/row-01-a: feed is overloaded: with 2N power side A alone must carry racks rack-001, got "10.2 kW", expected at most 9.2 kW available',
        'lab-01/row-01-b: feed is overloaded: with 2N power side B alone must carry racks rack-001, got "10.2 kW", expected at most 9.2 kW available',
      ]),
    );
  });

  it('rejects every bad prop at once: side, NaN voltage, negative amperage, phase, utilisation', () => {
    const { site } = tinySite();
    const props = { side: 'C', voltageV: Number.NaN, amperageA: -32, phase: 'two', maxUtilizationPercent: 120 } as unknown as PowerFeedProps;
    expect(thrownLines(() => new PowerFeed(site, 'pdu-01', props))).toEqual([
      'lab-01/pdu-01: side must be A or B, got "C", expected "A" or "B"',
      'lab-01/pdu-01: voltageV must be a positive number, got NaN, expected a finite number > 0',
      'lab-01/pdu-01: amperageA must be a positive number, got -32, expected a finite number > 0',
      'lab-01/pdu-01: phase must be single or three, got "two", expected "single" or "three"',
      'lab-01/pdu-01: maxUtilizationPercent is out of range, got 120, expected a number > 0 and <= 100',
    ]);
  });

  it('rejects zero and infinite ratings', () => {
    const { site } = tinySite();
    expect(thrownLines(() => new PowerFeed(site, 'pdu-01', { side: 'A', voltageV: Number.POSITIVE_INFINITY, amperageA: 0, maxUtilizationPercent: 0 }))).toEqual([
      'lab-01/pdu-01: voltageV must be a positive number, got Infinity, expected a finite number > 0',
      'lab-01/pdu-01: amperageA must be a positive number, got 0, expected a finite number > 0',
      'lab-01/pdu-01: maxUtilizationPercent is out of range, got 0, expected a number > 0 and <= 100',
    ]);
  });

  it('rejects a name used twice in the site and a name that cannot be a label value', () => {
    const { site } = tinySite();
    expect(thrownLines(() => new PowerFeed(site, 'row-01-a', { side: 'A', voltageV: 415, amperageA: 32 }))).toEqual([
      'lab-01/row-01-a: power feed name is already used in lab-01, got "row-01-a", expected a name not used by another construct there',
    ]);
    expect(thrownLines(() => new PowerFeed(site, 'Row 1', { side: 'A', voltageV: 415, amperageA: 32 }))).toEqual([
      `lab-01/Row 1: feed name is not a valid DNS-1123 label, got "Row 1", expected at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`,
    ]);
  });
});

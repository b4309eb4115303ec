import { Fleet } from '../../constructs/fleet';
import { Site, SiteProps } from '../../constructs/site';
import { hgx, SITE_PROPS, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';
import { NodePool } from '../../constructs/node-pool';

describe('Site', () => {
  it('defaults display name and kube context to its id and collects feeds, racks, servers and pools', () => {
    const t = tinySite();
    const s1 = hgx(t.rack, 1);
    const s2 = hgx(t.rack, 9);
    const pool = new NodePool(t.site, 'training', { servers: [s1, s2] });
    expect(t.site.displayName).toBe('lab-01');
    expect(t.site.kubeContext).toBe('lab-01');
    expect(t.site.fleet).toBe(t.fleet);
    expect(t.site.racks).toEqual([t.rack]);
    expect(t.site.servers).toEqual([s1, s2]);
    expect(t.site.pools).toEqual([pool]);
    expect(t.site.itLoadKw).toBeCloseTo(20.4, 9);
    expect(Site.of(s1)).toBe(t.site);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('fails when IT load x PUE exceeds the utility connection', () => {
    // Two HGX H100: 20.4 kW x 1.3 = 26.5 kW > 20 kW.
    const t = tinySite({ site: { utilityCapacityMw: 0.02 } });
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1), hgx(t.rack, 9)] });
    expect(validationLines(t.fleet)).toEqual(['lab-01: site draws more than its utility capacity (IT load x PUE 1.3), got "0.027 MW", expected at most 0.02 MW']);
  });

  it('rejects every bad prop at once', () => {
    const fleet = new Fleet('f');
    const props: SiteProps = { region: '', zone: 'hami yiwu', utilityCapacityMw: Number.NaN, pue: 0.9, kubeContext: '' };
    expect(thrownLines(() => new Site(fleet, 'Lab_01', props))).toEqual([
      `Lab_01: site name is not a valid DNS-1123 label, got "Lab_01", expected at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`,
      'Lab_01: region must not be empty, got "", expected a label value of 1 to 63 characters',
      'Lab_01: zone is not a valid label value, got "hami yiwu", expected at most 63 characters of A-Z, a-z, 0-9, "-", "_", ".", starting and ending with a letter or digit',
      'Lab_01: kubeContext must not be empty, got "", expected a context name of the site\'s cluster, or none for the site\'s id',
      'Lab_01: utilityCapacityMw must be a positive number, got NaN, expected a finite number > 0',
      'Lab_01: pue is out of range, got 0.9, expected a number from 1 to 3',
    ]);
    // The site exists all the same, with safe values, so the rest of the fleet is checked too.
    expect(fleet.node.children).toHaveLength(1);
    expect(fleet.node.children[0]).toMatchObject({ pue: 1.5, utilityCapacityMw: Number.POSITIVE_INFINITY });
  });

  it('rejects PUE above 3, infinite capacity and a second site of the same name', () => {
    const fleet = new Fleet('f');
    new Site(fleet, 'lab-01', SITE_PROPS);
    expect(thrownLines(() => new Site(fleet, 'lab-01', { ...SITE_PROPS, pue: 3.5, utilityCapacityMw: Number.POSITIVE_INFINITY }))).toEqual([
      'lab-01: site name is already used in the fleet, got "lab-01", expected a name not used by another construct there',
      'lab-01: utilityCapacityMw must be a positive number, got Infinity, expected a finite number > 0',
      'lab-01: pue is out of range, got 3.5, expected a number from 1 to 3',
    ]);
  });
});

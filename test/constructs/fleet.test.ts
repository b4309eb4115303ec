import { Construct } from 'constructs';
import { Fleet } from '../../constructs/fleet';
import { NodePool } from '../../constructs/node-pool';
import { FleetValidationError } from '../../constructs/violations';
import { hgx, tinySite } from '../support/tiny-fleet';

describe('Fleet', () => {
  it('defaults the kubeconfig path and is found from any construct inside it', () => {
    const t = tinySite();
    const server = hgx(t.rack, 1);
    expect(t.fleet.name).toBe('test');
    expect(t.fleet.kubeconfigPath).toBe('~/.kube/config');
    expect(new Fleet('x', { kubeconfigPath: '/etc/kube' }).kubeconfigPath).toBe('/etc/kube');
    expect(Fleet.of(server)).toBe(t.fleet);
  });

  it('fails to find a fleet above a construct outside any fleet', () => {
    const loose = new Construct(undefined as unknown as Construct, 'loose');
    expect(() => Fleet.of(new Construct(loose, 'child'))).toThrow('loose/child: construct is not inside a Fleet');
  });

  it('validates to nothing when valid and asserts quietly', () => {
    const t = tinySite();
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1)] });
    expect(t.fleet.validate()).toEqual([]);
    expect(() => t.fleet.assertValid()).not.toThrow();
  });

  it('rejects an invalid fleet with every violation in one error', () => {
    // No pool for either server, and feeds of 9.2 kW a side for 20.4 kW.
    const t = tinySite({ amperageA: 16 });
    hgx(t.rack, 1);
    hgx(t.rack, 9);
    let error: FleetValidationError | undefined;
    try {
      t.fleet.assertValid();
    } catch (e) {
      error = e as FleetValidationError;
    }
    expect(error).toBeInstanceOf(FleetValidationError);
    expect(error!.violations.map((v) => v.path)).toEqual(['lab-01/row-01-a', 'lab-01/row-01-b', 'lab-01/rack-001/u01', 'lab-01/rack-001/u09']);
    expect(error!.message.split('\n')[0]).toBe('4 violations in 1 site:');
  });
});

import { NodePool } from '../../constructs/node-pool';
import { RackDevice } from '../../constructs/rack-device';
import { hgx, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';

describe('RackDevice', () => {
  it('takes rack units and power in the rack and its feeds; a half-U device takes its whole unit, a zero-U one none', () => {
    const t = tinySite();
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1), hgx(t.rack, 9)] });
    const tor = new RackDevice(t.rack, 'u40', { role: 'switch', heightU: 1, positionU: 40, maxPowerKw: 0.55, name: 'r1-leaf1', serial: 'TS1', model: 's9855-48cd8d', manufacturer: 'H3C' });
    new RackDevice(t.rack, 'u42', { role: 'console', heightU: 0.5, positionU: 42, maxPowerKw: 0.04 });
    new RackDevice(t.rack, 'pdu-a', { role: 'pdu', heightU: 0, maxPowerKw: 0.01 });
    expect([tor.name, tor.serial, tor.model, tor.manufacturer, tor.unitsU]).toEqual(['r1-leaf1', 'TS1', 's9855-48cd8d', 'H3C', 1]);
    expect(t.rack.devices.map((d) => [d.node.id, d.unitsU])).toEqual([['u40', 1], ['u42', 1], ['pdu-a', 0]]);
    expect(t.rack.usedU).toBe(16 + 2);
    expect(t.rack.drawKw).toBeCloseTo(20.4 + 0.6, 9);
    expect(t.feedA.loadKw).toBeCloseTo(21, 9);
    expect(t.site.itLoadKw).toBeCloseTo(21, 9);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('fails when a device overlaps a server or another device, and when devices overfill or overdraw the rack', () => {
    const t = tinySite({ rack: { heightU: 18 } });
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1), hgx(t.rack, 9)] });
    new RackDevice(t.rack, 'sw-a', { role: 'switch', heightU: 1, positionU: 8, maxPowerKw: 15 });
    new RackDevice(t.rack, 'sw-b', { role: 'switch', heightU: 2, positionU: 17, maxPowerKw: 15 });
    new RackDevice(t.rack, 'sw-c', { role: 'switch', heightU: 1, positionU: 18, maxPowerKw: 0.5 });
    expect(validationLines(t.fleet)).toEqual([
      'lab-01/rack-001: rack draws more than its liquid cooling removes, got "50.9 kW", expected at most 50 kW',
      'lab-01/rack-001: servers and 4U of other devices take more rack units than the rack has, got "20U", expected at most 18U',
      'lab-01/rack-001: devices u01 and sw-a overlap, got "U8", expected each rack unit used by at most one device',
      'lab-01/rack-001: devices sw-b and sw-c overlap, got "U18", expected each rack unit used by at most one device',
    ]);
  });

  it('rejects every bad prop at once: role, height, position, power, name', () => {
    const t = tinySite();
    const bad = { role: 'router', heightU: 1.25, positionU: 0, maxPowerKw: -1, name: ' ' } as unknown as ConstructorParameters<typeof RackDevice>[2];
    expect(thrownLines(() => new RackDevice(t.rack, 'Sw_1', bad))).toEqual([
      expect.stringMatching(/^lab-01\/rack-001\/Sw_1: rack device id /),
      'lab-01/rack-001/Sw_1: role is unknown, got "router", expected one of switch, storage, management, console, pdu, other',
      'lab-01/rack-001/Sw_1: heightU must be a multiple of 0.5 from 0 to 100, got 1.25, expected e.g. 0, 0.5, 1, 2 (NetBox u_height)',
      'lab-01/rack-001/Sw_1: positionU must be a whole number >= 1, got 0, expected an integer >= 1',
      'lab-01/rack-001/Sw_1: maxPowerKw must be a number >= 0, got -1, expected a finite number >= 0',
      'lab-01/rack-001/Sw_1: name must not be empty, got " ", expected the device name, or none for the id',
    ]);
    expect(thrownLines(() => new RackDevice(t.rack, 'sw-1', { role: 'switch', heightU: 2, positionU: 42, maxPowerKw: 1 }))).toEqual([
      'lab-01/rack-001/sw-1: device of 2U at U42 does not fit in the rack, got "top at U43", expected top at or below U42',
    ]);
    expect(thrownLines(() => new RackDevice(t.rack, 'sw-1', { role: 'switch', heightU: 1, maxPowerKw: 1 }))).toEqual([
      'lab-01/rack-001/sw-1: a device of 1U needs a position, got nothing, expected positionU, an integer >= 1 (only zero-U devices have none)',
    ]);
  });
});

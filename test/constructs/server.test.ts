import { platform, PlatformSpec } from '../../constructs/catalog/platforms';
import { Cooling } from '../../constructs/cooling';
import { NodePool } from '../../constructs/node-pool';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { Server } from '../../constructs/server';
import { Site } from '../../constructs/site';
import { addRack, hgx, SITE_PROPS, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';

describe('Server', () => {
  it('derives its node name from site, rack and a two-digit position', () => {
    const t = tinySite();
    expect(hgx(t.rack, 1).nodeName).toBe('lab-01-rack-001-u01');
    expect(hgx(t.rack, 9).nodeName).toBe('lab-01-rack-001-u09');
    expect(hgx(t.rack, 17).nodeName).toBe('lab-01-rack-001-u17');
    const tall = addRack(t, 'rack-002', { heightU: 100 });
    expect(new Server(tall, 'top', { platform: platform('hgx-h100'), positionU: 93 }).nodeName).toBe('lab-01-rack-002-u93');
  });

  it('takes the node name its kubelet registers, dots included', () => {
    const t = tinySite();
    expect(hgx(t.rack, 1, { nodeName: 'gpu0142.hami.example.cn' }).nodeName).toBe('gpu0142.hami.example.cn');
    hgx(t.rack, 9, { nodeName: 'gpu0143' });
    new NodePool(t.site, 'training', { servers: t.rack.servers });
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('rejects a node name that is not a DNS-1123 subdomain', () => {
    const t = tinySite();
    expect(thrownLines(() => hgx(t.rack, 1, { nodeName: 'GPU_0142.example' }))).toEqual([
      `lab-01/rack-001/u01: nodeName is not a valid DNS-1123 subdomain, got "GPU_0142.example", expected at most 253 characters of a-z, 0-9, '-' and '.', each part starting and ending with a letter or digit`,
    ]);
    expect(thrownLines(() => hgx(t.rack, 9, { nodeName: 'gpu.' }))).toEqual([
      `lab-01/rack-001/u09: nodeName is not a valid DNS-1123 subdomain, got "gpu.", expected at most 253 characters of a-z, 0-9, '-' and '.', each part starting and ending with a letter or digit`,
    ]);
  });

  it('rejects a node name longer than the kubernetes.io/hostname label allows', () => {
    const t = tinySite();
    const name = `${'a'.repeat(40)}.${'b'.repeat(30)}`;
    expect(thrownLines(() => hgx(t.rack, 1, { nodeName: name }))).toEqual([
      `lab-01/rack-001/u01: nodeName is longer than the kubernetes.io/hostname label allows, got "${name}", expected at most 63 characters`,
    ]);
  });

  it('reports a bad node name once, and keeps the derived name in its place', () => {
    const name = `${'a'.repeat(40)}.${'b'.repeat(30)}`;
    const lines = thrownLines(() => {
      const t = tinySite();
      expect(hgx(t.rack, 1, { nodeName: name, unpooledReason: 'spare' }).nodeName).toBe('lab-01-rack-001-u01');
      return t.fleet;
    });
    expect(lines).toEqual([`lab-01/rack-001/u01: nodeName is longer than the kubernetes.io/hostname label allows, got "${name}", expected at most 63 characters`]);
  });

  it('fails when two servers of a site register the same node name', () => {
    const t = tinySite();
    hgx(t.rack, 1, { nodeName: 'gpu0001.example', unpooledReason: 'spare' });
    hgx(t.rack, 9, { nodeName: 'gpu0001.example', unpooledReason: 'spare' });
    expect(validationLines(t.fleet)).toEqual([
      'lab-01: node name is used twice in the site, by lab-01/rack-001/u01 and lab-01/rack-001/u09, got "gpu0001.example", expected unique node names within a site',
    ]);
  });

  it('gets an NVLink domain of its own on HGX and knows its GPUs, rack and pool', () => {
    const t = tinySite();
    const s = hgx(t.rack, 1);
    const pool = new NodePool(t.site, 'training', { servers: [s] });
    expect(s.gpus).toBe(8);
    expect(s.rack).toBe(t.rack);
    expect(s.nvlinkDomain.members).toEqual([s]);
    expect(s.pool).toBe(pool);
    expect(s.pools).toEqual([pool]);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('may stay out of every pool with a reason', () => {
    const t = tinySite();
    hgx(t.rack, 1, { unpooledReason: 'burn-in' });
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('fails when a GPU server is in no pool and has no reason', () => {
    const t = tinySite();
    hgx(t.rack, 1);
    expect(validationLines(t.fleet)).toEqual(['lab-01/rack-001/u01: GPU server is in no node pool, got 0, expected one pool, or an unpooledReason']);
  });

  it('fails when a server is in two pools', () => {
    const t = tinySite();
    const s = hgx(t.rack, 1);
    new NodePool(t.site, 'training', { servers: [s] });
    new NodePool(t.site, 'inference', { servers: [s] });
    expect(validationLines(t.fleet)).toEqual(['lab-01/rack-001/u01: server is in more than one node pool, got ["training", "inference"], expected exactly one pool']);
  });

  it('fails when a pooled server also has an unpooledReason', () => {
    const t = tinySite();
    new NodePool(t.site, 'training', { servers: [hgx(t.rack, 1, { unpooledReason: 'repair' })] });
    expect(validationLines(t.fleet)).toEqual(['lab-01/rack-001/u01: server has an unpooledReason but is in a pool, got ["training"], expected no pool when unpooledReason is set']);
  });

  it('fails when its derived node name is longer than 63 characters', () => {
    const { fleet } = tinySite();
    const siteId = `site-${'x'.repeat(40)}`;
    const rackId = `rack-${'y'.repeat(20)}`;
    const site = new Site(fleet, siteId, SITE_PROPS);
    const feedA = new PowerFeed(site, 'a', { side: 'A', voltageV: 415, amperageA: 125 });
    const feedB = new PowerFeed(site, 'b', { side: 'B', voltageV: 415, amperageA: 125 });
    const rack = new Rack(site, rackId, { cooling: Cooling.liquid(50), feedA, feedB });
    const s = new Server(rack, 'u01', { platform: platform('hgx-h100'), positionU: 1, unpooledReason: 'spare' });
    expect(s.nodeName).toBe(`${siteId}-${rackId}-u01`);
    expect(validationLines(fleet)).toEqual([
      `${siteId}/${rackId}/u01: node name is longer than the kubernetes.io/hostname label allows, got "${s.nodeName}", expected at most 63 characters`,
    ]);
  });

  it('rejects a position below 1, a fraction and a server that does not fit under the top', () => {
    const t = tinySite();
    expect(thrownLines(() => hgx(t.rack, 0))).toEqual(['lab-01/rack-001/u00: positionU must be a whole number >= 1, got 0, expected an integer >= 1']);
    expect(thrownLines(() => new Server(t.rack, 'u01', { platform: platform('hgx-h100'), positionU: 1.5 }))).toEqual([
      'lab-01/rack-001/u01: positionU must be a whole number >= 1, got 1.5, expected an integer >= 1',
    ]);
    expect(thrownLines(() => hgx(t.rack, 40))).toEqual(['lab-01/rack-001/u40: server of 8U at U40 does not fit in the rack, got "top at U47", expected top at or below U42']);
  });

  it('rejects every bad prop at once: name, platform and reason', () => {
    const t = tinySite();
    hgx(t.rack, 1);
    expect(thrownLines(() => new Server(t.rack, 'u01', { platform: platform('hgx-h100'), positionU: 9, unpooledReason: ' ' }))).toEqual([
      'lab-01/rack-001/u01: server name is already used in lab-01/rack-001, got "u01", expected a name not used by another construct there',
      'lab-01/rack-001/u01: unpooledReason must say why, got " ", expected a non-empty reason',
    ]);
    expect(thrownLines(() => new Server(t.rack, 'U 9', { platform: undefined as unknown as PlatformSpec, positionU: 9 }))).toEqual([
      `lab-01/rack-001/U 9: server name is not a valid DNS-1123 label, got "U 9", expected at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit`,
      'lab-01/rack-001/U 9: platform must come from the catalog, got nothing, expected a PlatformSpec from platform(name)',
    ]);
  });

  it('rejects a rack-scale platform without its NVLink domain', () => {
    const t = tinySite();
    expect(thrownLines(() => new Server(t.rack, 'tray-01', { platform: platform('gb200-nvl72'), positionU: 1 }))).toEqual([
      "lab-01/rack-001/tray-01: platform gb200-nvl72 shares NVLink across the rack, so nvlinkDomain is required, got nothing, expected the rack's NvlinkDomain",
    ]);
  });
});

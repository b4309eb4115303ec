import { platform, scaleUpDomainMaxPowerKw } from '../../constructs/catalog/platforms';
import { Cooling } from '../../constructs/cooling';
import { NodePool } from '../../constructs/node-pool';
import { NvlinkDomain } from '../../constructs/nvlink-domain';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { Server } from '../../constructs/server';
import { Site } from '../../constructs/site';
import { Fleet } from '../../constructs/fleet';
import { addCloudMatrix384, CLOUDMATRIX_RACKS, CloudMatrixDesign } from '../../fleets/rack-scale';
import { hgx, nvl72Rack, SITE_PROPS, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';

const nvl72 = platform('gb200-nvl72');
const cm384 = platform('cloudmatrix-384');

describe('GB200 NVL72 racks', () => {
  it('draw 132 kW: 18 trays of 5.4 kW and 34.8 kW of switch trays and rack infrastructure', () => {
    expect(nvl72.scaleUp).toEqual({ computeRacks: 1, serversPerComputeRack: 18, switchRacks: 0, fabricUPerComputeRack: 9, fabricMaxPowerKw: 34.8 });
    expect(scaleUpDomainMaxPowerKw(nvl72)).toBeCloseTo(132, 6);
    const t = tinySite({ amperageA: 250 });
    const { rack, trays } = nvl72Rack(t, 'rack-002');
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(rack.drawKw).toBeCloseTo(132, 6);
    expect(rack.fabricKw).toBeCloseTo(34.8, 6);
    expect(rack.usedU).toBe(18 + 9);
    expect(t.feedA.loadKw).toBeCloseTo(132, 6);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('fails when the rack cooling cannot carry the 132 kW', () => {
    const t = tinySite({ amperageA: 250 });
    const { trays } = nvl72Rack(t, 'rack-002', 18, Cooling.liquid(120));
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(validationLines(t.fleet)).toContain('lab-01/rack-002: rack draws more than its liquid cooling removes, got "132 kW", expected at most 120 kW');
  });

  it('fails when an NVL72 rack is air-cooled', () => {
    const t = tinySite({ amperageA: 250 });
    const { trays } = nvl72Rack(t, 'rack-002', 18, Cooling.air(200));
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(validationLines(t.fleet)).toContain('lab-01/rack-002: platform gb200-nvl72 of tray-01 needs liquid cooling, got "air", expected liquid');
  });

  it('fails when a feed cannot carry the whole rack', () => {
    const t = tinySite({ amperageA: 200 });
    const { trays } = nvl72Rack(t, 'rack-002');
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(validationLines(t.fleet)).toContain(
      'lab-01/row-01-a: feed is overloaded: with 2N power side A alone must carry racks rack-001, rack-002, got "132 kW", expected at most 115 kW available',
    );
  });

  it('fails when an NVL72 domain is not a whole rack: trays short', () => {
    const t = tinySite({ amperageA: 250 });
    const { trays } = nvl72Rack(t, 'rack-002', 17);
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(validationLines(t.fleet)).toContain('lab-01/rack-002/nvl72: NVLink domain has the wrong number of servers in rack rack-002, got 17, expected 18 servers of platform gb200-nvl72');
  });

  it('fails when an NVL72 domain is not a whole rack: the rack holds another server', () => {
    const t = tinySite({ amperageA: 250 });
    const { rack, trays } = nvl72Rack(t, 'rack-002', 18, Cooling.liquid(200));
    const other = hgx(rack, 30, {}, 'hgx-h100');
    new NodePool(t.site, 'nvl72', { servers: trays });
    new NodePool(t.site, 'hgx', { servers: [other] });
    expect(validationLines(t.fleet)).toContain('lab-01/rack-002/nvl72: NVLink domain does not fill rack rack-002: the rack holds servers of other domains, got ["u30"], expected only the 18 servers of this domain');
  });

  it('fails when an NVL72 domain spreads over two racks', () => {
    const t = tinySite({ amperageA: 400 });
    const { domain, trays } = nvl72Rack(t, 'rack-002', 17);
    const rack3 = new Rack(t.site, 'rack-003', { cooling: Cooling.liquid(200), feedA: t.feedA, feedB: t.feedB });
    const stray = new Server(rack3, 'tray-18', { platform: nvl72, positionU: 1, nvlinkDomain: domain });
    new NodePool(t.site, 'nvl72', { servers: [...trays, stray] });
    const lines = validationLines(t.fleet);
    expect(lines).toContain('lab-01/rack-002/nvl72: NVLink domain has members outside its rack, got ["lab-01/rack-003/tray-18"], expected members in lab-01/rack-002 only');
    expect(lines).toContain('lab-01/rack-002/nvl72: NVLink domain of platform gb200-nvl72 spans the wrong number of racks, got ["rack-002", "rack-003"], expected 1 compute rack');
  });

  it('fails when trays and switch trays do not fit the rack', () => {
    const t = tinySite({ amperageA: 250 });
    const rack = new Rack(t.site, 'rack-002', { cooling: Cooling.liquid(200), feedA: t.feedA, feedB: t.feedB, heightU: 24 });
    const domain = new NvlinkDomain(rack, 'nvl72', { platform: nvl72 });
    const trays = Array.from({ length: 18 }, (_, i) => new Server(rack, `tray-${String(i + 1).padStart(2, '0')}`, { platform: nvl72, positionU: i + 1, nvlinkDomain: domain }));
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(validationLines(t.fleet)).toContain('lab-01/rack-002: servers and 9U of switch trays take more rack units than the rack has, got "27U", expected at most 24U');
  });
});

/** A site with one CloudMatrix 384 and its pool; `change` alters the design. */
function cloudMatrixSite(change: Partial<CloudMatrixDesign> = {}): { fleet: Fleet; site: Site; servers: Server[] } {
  const fleet = new Fleet('test');
  const site = new Site(fleet, 'wuhu-01', { ...SITE_PROPS, utilityCapacityMw: 1 });
  const servers = addCloudMatrix384(site, {
    id: 'supernode-01',
    superPodId: 7,
    ...CLOUDMATRIX_RACKS,
    ...change,
  });
  new NodePool(site, 'supernode', { servers });
  return { fleet, site, servers };
}

describe('CloudMatrix 384 supernodes', () => {
  it('are one HCCS domain of 384 NPUs over 12 compute racks and 4 switch racks, in one block, drawing 559 kW', () => {
    const { fleet, site, servers } = cloudMatrixSite();
    expect(validationLines(fleet)).toEqual([]);
    const domain = servers[0].nvlinkDomain;
    expect(servers.every((s) => s.nvlinkDomain === domain)).toBe(true);
    expect(domain.kind).toBe('HCCS domain');
    expect(domain.name).toBe('supernode-01');
    expect(domain.gpus).toBe(384);
    expect(domain.computeRacks).toHaveLength(12);
    expect(domain.switchRacks).toHaveLength(4);
    expect(domain.superPodId).toBe(7);
    expect(new Set(site.racks.map((r) => r.block))).toEqual(new Set(['supernode-01']));
    expect(site.itLoadKw).toBeCloseTo(559, 6);
    expect(scaleUpDomainMaxPowerKw(cm384)).toBeCloseTo(559, 6);
    for (const r of domain.switchRacks) expect(r.drawKw).toBeCloseTo(25.75, 6);
    for (const r of domain.computeRacks) expect(r.drawKw).toBeCloseTo(38, 6);
  });

  it('fails when the supernode racks are in more than one block', () => {
    const fleet = new Fleet('test');
    const site = new Site(fleet, 'wuhu-01', { ...SITE_PROPS, utilityCapacityMw: 1 });
    const a = new PowerFeed(site, 'row-01-a', { side: 'A', voltageV: 415, amperageA: 1200 });
    const b = new PowerFeed(site, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 1200 });
    const rack = (i: number) => new Rack(site, `rack-${String(i).padStart(3, '0')}`, { cooling: Cooling.liquid(45), feedA: a, feedB: b, block: i <= 6 ? 'block-a' : 'block-b' });
    const compute = Array.from({ length: 12 }, (_, i) => rack(i + 1));
    const switches = Array.from({ length: 4 }, (_, i) => rack(13 + i));
    const domain = new NvlinkDomain(site, 'supernode-01', { platform: cm384, switchRacks: switches, superPodId: 1 });
    const servers = compute.flatMap((r) => [1, 9, 17, 25].map((u) => new Server(r, `u${String(u).padStart(2, '0')}`, { platform: cm384, positionU: u, nvlinkDomain: domain })));
    new NodePool(site, 'supernode', { servers });
    expect(validationLines(fleet)).toEqual(['wuhu-01/supernode-01: HCCS domain spans more than one block, got ["block-a", "block-b"], expected all its compute and switch racks in one block']);
  });

  it('fails when a switch rack holds servers', () => {
    const { fleet, servers } = cloudMatrixSite();
    const switchRack = servers[0].nvlinkDomain.switchRacks[0];
    const extra = new Server(switchRack, 'u01', { platform: platform('atlas-800t-a2'), positionU: 1 });
    new NodePool(switchRack.site, 'npu-910b', { servers: [extra] });
    expect(validationLines(fleet)).toContain('wuhu-01/supernode-01-hccs: switch rack rack-013 of the HCCS domain holds servers, got ["u01"], expected a rack of fabric switches only');
  });

  it('fails when the supernode has no supernode id', () => {
    const fleet = new Fleet('test');
    const site = new Site(fleet, 'wuhu-01', { ...SITE_PROPS, utilityCapacityMw: 1 });
    const a = new PowerFeed(site, 'row-01-a', { side: 'A', voltageV: 415, amperageA: 1200 });
    const b = new PowerFeed(site, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 1200 });
    const racks = Array.from({ length: 16 }, (_, i) => new Rack(site, `rack-${String(i + 1).padStart(3, '0')}`, { cooling: Cooling.liquid(45), feedA: a, feedB: b, block: 'sn' }));
    const domain = new NvlinkDomain(site, 'supernode-01', { platform: cm384, switchRacks: racks.slice(12) });
    const servers = racks.slice(0, 12).flatMap((r) => [1, 9, 17, 25].map((u) => new Server(r, `u${String(u).padStart(2, '0')}`, { platform: cm384, positionU: u, nvlinkDomain: domain })));
    new NodePool(site, 'supernode', { servers });
    expect(validationLines(fleet)).toEqual(['wuhu-01/supernode-01: HCCS domain spanning racks needs the supernode id set on its hardware, got nothing, expected superPodId, an integer >= 0']);
  });

  it('fails when the supernode is given the wrong number of switch racks', () => {
    const t = tinySite();
    expect(thrownLines(() => new NvlinkDomain(t.site, 'supernode-01', { platform: cm384, switchRacks: [t.rack], superPodId: 1 }))).toEqual([
      'lab-01/supernode-01: platform cloudmatrix-384 needs 4 switch racks per domain, got 1, expected 4 racks in switchRacks',
    ]);
  });

  it('fails when the supernode id is not a whole number', () => {
    const t = tinySite();
    expect(thrownLines(() => new NvlinkDomain(t.site, 'supernode-01', { platform: cm384, switchRacks: [t.rack, t.rack, t.rack, t.rack], superPodId: -1 }))).toEqual([
      'lab-01/supernode-01: superPodId must be a whole number >= 0, got -1, expected an integer >= 0',
    ]);
  });
});

describe('Rack blocks', () => {
  it('default to the A-side feed, the racks of one power row', () => {
    const t = tinySite();
    expect(t.rack.block).toBe('row-01-a');
  });

  it('fails when a block is not a label value', () => {
    const t = tinySite();
    expect(thrownLines(() => new Rack(t.site, 'rack-002', { cooling: Cooling.air(20), feedA: t.feedA, feedB: t.feedB, block: 'SU 01' }))).toEqual([
      'lab-01/rack-002: block is not a valid label value, got "SU 01", expected at most 63 characters of A-Z, a-z, 0-9, "-", "_", ".", starting and ending with a letter or digit',
    ]);
  });
});

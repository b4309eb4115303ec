import { platform, PlatformSpec } from '../../constructs/catalog/platforms';
import { NodePool } from '../../constructs/node-pool';
import { NvlinkDomain } from '../../constructs/nvlink-domain';
import { Server } from '../../constructs/server';
import { hgx, nvl72Rack, thrownLines, tinySite, validationLines } from '../support/tiny-fleet';

const nvl72 = platform('gb200-nvl72');

describe('NvlinkDomain', () => {
  it('is one per HGX server, named by its path below the site, with the server as only member', () => {
    const t = tinySite();
    const s = hgx(t.rack, 1);
    new NodePool(t.site, 'training', { servers: [s] });
    expect(s.nvlinkDomain.name).toBe('rack-001-u01-nvlink');
    expect(s.nvlinkDomain.gpus).toBe(8);
    expect(s.nvlinkDomain.platform.name).toBe('hgx-h100');
    expect(s.nvlinkDomain.members).toEqual([s]);
    expect(s.nvlinkDomain).toBe(s.nvlinkDomain);
    expect(t.rack.nvlinkDomains).toEqual([s.nvlinkDomain]);
    // The server's own domain is no construct: nothing below the server in the tree.
    expect(s.node.children).toEqual([]);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('spans a whole GB200 NVL72 rack: 18 trays, 72 GPUs', () => {
    const t = tinySite({ amperageA: 250 });
    const { rack, domain, trays } = nvl72Rack(t, 'rack-002');
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(domain.name).toBe('rack-002-nvl72');
    expect(domain.gpus).toBe(72);
    expect(domain.members).toHaveLength(18);
    expect(rack.nvlinkDomains).toEqual([domain]);
    expect(trays.every((s) => s.nvlinkDomain === domain)).toBe(true);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('fails when an NVL72 domain is short of trays', () => {
    const t = tinySite({ amperageA: 250 });
    const { trays } = nvl72Rack(t, 'rack-002', 17);
    new NodePool(t.site, 'nvl72', { servers: trays });
    expect(validationLines(t.fleet)).toContain('lab-01/rack-002/nvl72: NVLink domain size does not match platform gb200-nvl72, got "68 GPUs", expected 72 GPUs');
  });

  it('fails when members sit outside the rack the domain belongs to', () => {
    const t = tinySite({ amperageA: 600 });
    const { domain, trays } = nvl72Rack(t, 'rack-002', 17);
    const { rack: rack3, trays: others } = nvl72Rack(t, 'rack-003');
    // An 18th tray for rack-002's domain, mounted in rack-003: the size is right, the place is not.
    const stray = new Server(rack3, 'tray-19', { platform: nvl72, positionU: 19, nvlinkDomain: domain });
    new NodePool(t.site, 'nvl72', { servers: [...trays, ...others, stray] });
    expect(domain.gpus).toBe(72);
    expect(validationLines(t.fleet)).toContain(
      'lab-01/rack-002/nvl72: NVLink domain has members outside its rack, got ["lab-01/rack-003/tray-19"], expected members in lab-01/rack-002 only',
    );
  });

  it('fails when members mix platforms and GPU models', () => {
    const t = tinySite({ amperageA: 250 });
    const { rack, domain, trays } = nvl72Rack(t, 'rack-002', 17);
    const h200 = new Server(rack, 'u30', { platform: platform('hgx-h200'), positionU: 30, nvlinkDomain: domain });
    new NodePool(t.site, 'nvl72', { servers: trays });
    new NodePool(t.site, 'h200', { servers: [h200] });
    const lines = validationLines(t.fleet).filter((l) => l.startsWith('lab-01/rack-002/nvl72: '));
    expect(lines.slice(0, 3)).toEqual([
      'lab-01/rack-002/nvl72: NVLink domain mixes GPU models, got ["GB200-186GB", "H200-141GB"], expected one GPU model',
      'lab-01/rack-002/nvl72: NVLink domain size does not match platform gb200-nvl72, got "76 GPUs", expected 72 GPUs',
      'lab-01/rack-002/nvl72: NVLink domain has members of another platform, got ["u30: hgx-h200"], expected gb200-nvl72',
    ]);
  });

  it("fails when a server is given another server's own domain", () => {
    const t = tinySite();
    const s1 = hgx(t.rack, 1);
    expect(thrownLines(() => new Server(t.rack, 'u09', { platform: platform('hgx-h200'), positionU: 9, nvlinkDomain: s1.nvlinkDomain as NvlinkDomain }))).toEqual([
      'lab-01/rack-001/u09: nvlinkDomain must be the NvlinkDomain of a rack or site, got "rack-001-u01-nvlink", expected a rack\'s or site\'s NvlinkDomain, or none for a server-scoped platform (the server makes its own)',
    ]);
    expect(s1.nvlinkDomain.members).toEqual([s1]);
  });

  it('rejects a platform not from the catalog, a name used twice and a name that is not a label value', () => {
    const t = tinySite();
    expect(thrownLines(() => new NvlinkDomain(t.rack, 'nvl-bad', { platform: {} as PlatformSpec }))).toEqual([
      'lab-01/rack-001/nvl-bad: platform must come from the catalog, got {}, expected a PlatformSpec from platform(name)',
    ]);
    new NvlinkDomain(t.rack, 'nvl72', { platform: nvl72 });
    expect(thrownLines(() => new NvlinkDomain(t.rack, 'nvl72', { platform: nvl72 }))).toEqual([
      'lab-01/rack-001/nvl72: NVLink domain name is already used in lab-01/rack-001, got "nvl72", expected a name not used by another construct there',
    ]);
    expect(thrownLines(() => new NvlinkDomain(t.rack, `d${'x'.repeat(60)}`, { platform: nvl72 }))).toEqual([
      expect.stringMatching(/^lab-01\/rack-001\/dx+: NVLink domain name \(its path below the site\) is not a valid label value, got "rack-001-dx+", expected at most 63 characters/),
    ]);
  });
});

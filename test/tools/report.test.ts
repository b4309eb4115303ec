import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Site } from '../../constructs/site';
import { Fleet } from '../../constructs/fleet';
import { referenceFleet } from '../../fleets/reference';
import { buildFleet, LIQUID_HGX_RACKS } from '../../fleets/site-design';
import { command, fleetReport, formatReport, formatSiteReport, main, plural, poolReport, ReportIo, siteReport } from '../../tools/report';
import { smallFleet } from '../support/small-fleet';

/** Runs the command in-process; FLEET as given. */
function run(argv: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: ReportIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env };
  const code = main(argv, io);
  return { code, stdout, stderr };
}

describe('fleetReport', () => {
  it('sums servers, GPUs by model, racks, NVLink domains and power per site, with 2N feed capacity', () => {
    const report = fleetReport(smallFleet().fleet);
    // Two 415 V / 125 A feeds of 71.9 kW: 2N capacity is one side's, not both sides' 143.8 kW.
    const row = { servers: 4, gpus: 32, gpusByModel: { 'H100-80GB': 32 }, racks: 2, nvlinkDomains: 4, itPowerKw: 40.8, feedCapacityKw: 71.9, feedLoadAKw: 40.8, feedLoadBKw: 40.8 };
    expect(report.sites).toEqual([{ name: 'lab-01', region: 'xinjiang', ...row }]);
    expect(report.totals).toEqual(row);
  });

  it('totals the reference fleet over all its sites', () => {
    const fleet = referenceFleet();
    const report = fleetReport(fleet);
    expect(report.sites.map((s) => s.name)).toEqual(fleet.node.children.filter((c) => c instanceof Site).map((c) => c.node.id));
    expect(report.totals.servers).toBe(report.sites.reduce((a, s) => a + s.servers, 0));
    expect(report.totals.gpus).toBe(report.totals.gpusByModel['H100-80GB'] + report.totals.gpusByModel['H200-141GB']);
    expect(report.totals.gpus).toBe(report.totals.servers * 8);
  });

  it('counts a Yiwu hall as the smaller side of its 2N feeds, each side loaded 88.7%', () => {
    const r = siteReport(referenceFleet().node.findChild('yiwu-dc01') as never);
    expect(r.site.feedCapacityKw).toBe(Math.min(r.power[0].availableKw, r.power[1].availableKw));
    expect(r.site.feedCapacityKw).toBeLessThan(10_000);
    expect(r.power.map((p) => [p.side, p.loadKw, p.utilizationPercent])).toEqual([
      ['A', 8568, 88.7],
      ['B', 8568, 88.7],
    ]);
  });
});

describe('siteReport and poolReport', () => {
  it('lists a site its racks, feeds per side and pools with sharing and devices', () => {
    const { site } = smallFleet();
    const r = siteReport(site);
    expect(r.site).toMatchObject({ name: 'lab-01', zone: 'hami-yiwu', pue: 1.3, utilityCapacityMw: 1 });
    expect(r.power).toEqual([
      { side: 'A', feeds: 1, availableKw: 71.9, loadKw: 40.8, utilizationPercent: 56.8 },
      { side: 'B', feeds: 1, availableKw: 71.9, loadKw: 40.8, utilizationPercent: 56.8 },
    ]);
    expect(r.feeds.map((f) => [f.name, f.side, f.racks])).toEqual([
      ['row-01-a', 'A', 2],
      ['row-01-b', 'B', 2],
    ]);
    expect(r.racks[0]).toEqual({ name: 'rack-001', block: 'row-01-a', servers: 2, gpus: 16, drawKw: 20.4, coolingKw: 50, usedU: 16, heightU: 42, feedA: 'row-01-a', feedB: 'row-01-b' });
    expect(r.pools.map((p) => [p.name, p.servers, p.sharing, p.devices])).toEqual([
      ['training', 2, 'exclusive', { 'nvidia.com/gpu': 16 }],
      ['inference', 1, 'time-slicing x4', { 'nvidia.com/gpu.shared': 32 }],
      ['notebooks', 1, 'mig all-1g.10gb', { 'nvidia.com/mig-1g.10gb': 56 }],
    ]);
  });

  it('finds every pool of a name across sites', () => {
    const fleet = buildFleet('two', ['a-01', 'b-01'].map((id) => ({ id, region: 'r', zone: 'z', platform: 'hgx-h100', servers: 8, racks: LIQUID_HGX_RACKS, pue: 1.2, utilityCapacityMw: 1 })));
    const sites = fleet.node.children as never[];
    expect(poolReport(sites, 'training').pools.map((p) => [p.site, p.name, p.gpus])).toEqual([
      ['a-01', 'training', 64],
      ['b-01', 'training', 64],
    ]);
  });
});

describe('formatReport', () => {
  it('prints a header, one row per site and a totals row in the singular for one site', () => {
    const lines = formatReport(fleetReport(smallFleet().fleet)).split('\n');
    expect(lines[0]).toMatch(/^site\s+region\s+servers\s+gpus\s+gpus by model\s+racks\s+nvlink domains\s+IT kW\s+feed capacity kW \(2N\)\s+feed A load kW\s+feed B load kW$/);
    expect(lines[2]).toMatch(/^lab-01\s+xinjiang\s+4\s+32\s+H100-80GB: 32\s+2\s+4\s+40\.8\s+71\.9\s+40\.8\s+40\.8$/);
    expect(lines[4]).toMatch(/^TOTAL\s+1 site\s+4\s+32/);
  });

  it('says sites in the plural', () => {
    expect(plural(0, 'site')).toBe('0 sites');
    expect(plural(1, 'site')).toBe('1 site');
    expect(plural(1200, 'GPU')).toBe('1,200 GPUs');
  });

  it('prints a site with its usable 2N capacity, both sides, feeds, racks and pools', () => {
    const text = formatSiteReport(siteReport(smallFleet().site));
    expect(text).toContain('site lab-01, xinjiang / hami-yiwu: 4 servers, 32 GPUs (H100-80GB: 32), 2 racks, 4 NVLink domains');
    expect(text).toContain('Usable capacity 71.9 kW (both sides alike).');
    expect(text).toMatch(/^A\s+1\s+71\.9\s+40\.8\s+56\.8%$/m);
    expect(text).toMatch(/^rack-002\s+row-01-a\s+2\s+16\s+20\.4\s+50\.0\s+16\/42\s+row-01-a\s+row-01-b$/m);
    expect(text).toMatch(/^notebooks\s+1\s+8\s+H100-80GB\s+mig all-1g\.10gb\s+nvidia\.com\/mig-1g\.10gb: 56\s+-$/m);
  });
});

describe('report command', () => {
  it("writes the HTML report with each site's tenants through --html", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-html-'));
    try {
      const file = path.join(dir, 'example.html');
      let stdout = '';
      const code = await command(['--html', file], { stdout: (t) => (stdout += t), stderr: () => undefined, env: { FLEET: 'example' } });
      expect(code).toBe(0);
      expect(stdout).toBe('');
      const html = fs.readFileSync(file, 'utf8');
      expect(html).toMatch(/<table class="tenants">.*aurora-robotics/s);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints one JSON object with --json and nothing on stderr', () => {
    const r = run(['--json'], { FLEET: 'example' });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['sites', 'totals', 'tenants']);
    expect(Object.keys(report.sites[0])).toEqual(['name', 'region', 'servers', 'gpus', 'gpusByModel', 'racks', 'nvlinkDomains', 'itPowerKw', 'feedCapacityKw', 'feedLoadAKw', 'feedLoadBKw']);
  });

  it("shows each tenant's guaranteed devices, in the table and in --json", () => {
    const report = JSON.parse(run(['--json']).stdout);
    expect(report.tenants.map((t: { name: string; totalDevices: number }) => [t.name, t.totalDevices])).toEqual([
      ['kunlun-ai', 16912],
      ['tarim-cloud', 2496],
      ['gobi-research', 1200],
    ]);
    const text = run([]).stdout;
    expect(text).toMatch(/^tenant\s+site\s+guaranteed devices \(of the pool\)$/m);
    expect(text).toMatch(/^kunlun-ai\s+yiwu-dc01\s+training \d+\/\d+ \(exclusive\)/m);
  });

  it('prints a site view with --site and a pool view with --pool, as JSON too', () => {
    const site = run(['--site', 'qingyang-h20-01'], { FLEET: 'example' });
    expect(site.code).toBe(0);
    expect(site.stdout).toMatch(/^site qingyang-h20-01 /);
    expect(site.stdout).toContain('Power, 2N');
    const pool = JSON.parse(run(['--pool=serving', '--json'], { FLEET: 'example' }).stdout);
    expect(pool.pools.map((p: { site: string }) => p.site)).toEqual(['hami-nvl01']);
    const both = JSON.parse(run(['--site', 'wuhu-cm01', '--pool', 'npu-910b', '--json'], { FLEET: 'example' }).stdout);
    expect(both.pools).toHaveLength(1);
  });

  it('rejects an unknown site or pool with the names it knows', () => {
    expect(run(['--site', 'nowhere'], { FLEET: 'example' })).toEqual({ code: 1, stdout: '', stderr: 'report: unknown site "nowhere", expected one of: hami-nvl01, qingyang-h20-01, wuhu-cm01\n' });
    expect(run(['--pool', 'nothing', '--site', 'hami-nvl01'], { FLEET: 'example' }).stderr).toBe('report: unknown pool "nothing", expected one of: serving, training\n');
  });

  it('fails when given an unknown argument or a flag without its value', () => {
    expect(run(['--csv'])).toMatchObject({ code: 1, stdout: '' });
    expect(run(['--csv']).stderr).toMatch(/^report: unknown argument --csv\nUsage: npx gpu-fleet report/);
    expect(run(['--site']).stderr).toMatch(/^report: --site needs a value <id>/);
  });

  it('rejects an unknown fleet with the names it knows', () => {
    const r = run([], { FLEET: 'no-such-fleet' });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/^report: unknown fleet "no-such-fleet", expected one of: .*\breference\b.*\n$/);
  });
});

describe('report command on a fleet that breaks a rule', () => {
  const fleets = jest.requireActual('../../fleets') as typeof import('../../fleets');
  it('prints one line per violation and exits 1', () => {
    const spy = jest.spyOn(fleets, 'loadFleet').mockImplementation(() => {
      const fleet: Fleet = buildFleet('broken', [{ id: 'lab-01', region: 'r', zone: 'z', platform: 'hgx-h100', servers: 8, racks: LIQUID_HGX_RACKS, pue: 1.2, utilityCapacityMw: 0.05 }]);
      return fleet;
    });
    try {
      const r = run([]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^report: the fleet breaks 1 rule, nothing to report:\nlab-01: .*got .*expected .*\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    } finally {
      spy.mockRestore();
    }
  });
});

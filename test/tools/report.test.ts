import { execFileSync } from 'child_process';
import * as path from 'path';
import { referenceFleet } from '../../fleets/reference';
import { fleetReport, formatReport } from '../../tools/report';
import { smallFleet } from '../support/small-fleet';

const ROOT = path.join(__dirname, '..', '..');

function runReport(args: string[]): string {
  return execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'tools/report.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('fleetReport', () => {
  it('sums servers, GPUs by model, racks, NVLink domains and power per site', () => {
    const report = fleetReport(smallFleet().fleet);
    expect(report.sites).toEqual([
      { name: 'lab-01', region: 'xinjiang', servers: 4, gpus: 32, gpusByModel: { 'H100-80GB': 32 }, racks: 2, nvlinkDomains: 4, itPowerKw: 40.8, feedCapacityKw: 143.8 },
    ]);
    expect(report.totals).toEqual({ servers: 4, gpus: 32, gpusByModel: { 'H100-80GB': 32 }, racks: 2, nvlinkDomains: 4, itPowerKw: 40.8, feedCapacityKw: 143.8 });
  });

  it('totals the reference fleet over its 36 sites', () => {
    const report = fleetReport(referenceFleet());
    expect(report.sites).toHaveLength(36);
    expect(report.totals.servers).toBe(report.sites.reduce((a, s) => a + s.servers, 0));
    expect(report.totals.gpus).toBe(report.totals.gpusByModel['H100-80GB'] + report.totals.gpusByModel['H200-141GB']);
    expect(report.totals.gpus).toBe(report.totals.servers * 8);
  });
});

describe('formatReport', () => {
  it('prints a header, one row per site and a totals row', () => {
    const text = formatReport(fleetReport(smallFleet().fleet));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^site\s+region\s+servers\s+gpus\s+gpus by model\s+racks\s+nvlink domains\s+IT kW\s+feed capacity kW$/);
    expect(lines[2]).toMatch(/^lab-01\s+xinjiang\s+4\s+32\s+H100-80GB: 32\s+2\s+4\s+40\.8\s+143\.8$/);
    expect(lines[4]).toMatch(/^TOTAL\s+1 sites\s+4\s+32/);
  });
});

describe('npm run report', () => {
  it('prints one JSON object with --json', () => {
    const report = JSON.parse(runReport(['--json']));
    expect(Object.keys(report)).toEqual(['sites', 'totals', 'tenants']);
    expect(report.tenants.map((t: { name: string; totalDevices: number }) => [t.name, t.totalDevices])).toEqual([
      ['kunlun-ai', 16912],
      ['tarim-cloud', 2496],
      ['gobi-research', 1200],
    ]);
    expect(Object.keys(report.sites[0])).toEqual(['name', 'region', 'servers', 'gpus', 'gpusByModel', 'racks', 'nvlinkDomains', 'itPowerKw', 'feedCapacityKw']);
    expect(report.totals.gpus).toBeGreaterThanOrEqual(115_000);
  });

  it('fails when given an unknown argument', () => {
    expect(() => execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'tools/report.ts', '--csv'], { cwd: ROOT, stdio: 'pipe' })).toThrow(/unknown argument --csv/);
  });
});

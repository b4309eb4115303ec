/**
 * `npm run report [-- --json]`: per-site table of the fleet named by FLEET (default:
 * reference) with fleet totals, or the same as one JSON object.
 * `npm run report -- --html <file>`: the HTML report with rack elevations (tools/html/).
 */
import { siteCapacity, SiteCapacity, round1 } from '../constructs/capacity';
import { Fleet } from '../constructs/fleet';
import { Site } from '../constructs/site';
import { loadFleet } from '../fleets';
import { htmlReport } from './html/cli';
import { NO_TENANTS, TenantSource } from './html/model';

/** TENANTS_HOOK: where the HTML report reads each site's tenants (issue 15's Tenant construct wires in here). */
export const TENANTS_HOOK: TenantSource = NO_TENANTS;

export type ReportRow = Omit<SiteCapacity, 'feeds'>;

export interface FleetReport {
  readonly sites: ReportRow[];
  readonly totals: Omit<ReportRow, 'name' | 'region'>;
}

export function fleetReport(fleet: Fleet): FleetReport {
  const sites = fleet.node.children
    .filter((c): c is Site => c instanceof Site)
    .map((site) => {
      const { feeds: _feeds, ...row } = siteCapacity(site);
      return row;
    });
  const gpusByModel: Record<string, number> = {};
  for (const s of sites) for (const [m, n] of Object.entries(s.gpusByModel)) gpusByModel[m] = (gpusByModel[m] ?? 0) + n;
  const sum = (f: (r: ReportRow) => number) => sites.reduce((a, r) => a + f(r), 0);
  return {
    sites,
    totals: {
      servers: sum((r) => r.servers),
      gpus: sum((r) => r.gpus),
      gpusByModel: Object.fromEntries(Object.entries(gpusByModel).sort(([a], [b]) => (a < b ? -1 : 1))),
      racks: sum((r) => r.racks),
      nvlinkDomains: sum((r) => r.nvlinkDomains),
      itPowerKw: round1(sum((r) => r.itPowerKw)),
      feedCapacityKw: round1(sum((r) => r.feedCapacityKw)),
    },
  };
}

/** The report as an aligned text table. */
export function formatReport(report: FleetReport): string {
  const header = ['site', 'region', 'servers', 'gpus', 'gpus by model', 'racks', 'nvlink domains', 'IT kW', 'feed capacity kW'];
  const models = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k}: ${v}`).join(', ');
  const row = (name: string, region: string, r: FleetReport['totals']) => [
    name, region, String(r.servers), String(r.gpus), models(r.gpusByModel), String(r.racks), String(r.nvlinkDomains), r.itPowerKw.toFixed(1), r.feedCapacityKw.toFixed(1),
  ];
  const rows = [header, ...report.sites.map((s) => row(s.name, s.region, s)), row('TOTAL', `${report.sites.length} sites`, report.totals)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const numeric = new Set([2, 3, 5, 6, 7, 8]);
  const line = (r: string[]) => r.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1, -1).map(line), rule, line(rows[rows.length - 1])].join('\n');
}

function main(argv: string[]): number {
  const json = argv.includes('--json');
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`report: unknown argument ${unknown[0]}; usage: npm run report [-- --json]\n`);
    return 1;
  }
  const report = fleetReport(loadFleet(process.env.FLEET || undefined));
  process.stdout.write(json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  return 0;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv.includes('--html')) void htmlReport(argv, { tenantsOf: TENANTS_HOOK }).then((code) => (process.exitCode = code));
  else process.exitCode = main(argv);
}

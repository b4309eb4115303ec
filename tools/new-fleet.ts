/**
 * `npx gpu-fleet new-fleet <name>`: starts a fleet of your own. Writes `fleets/<name>.ts`, a
 * small fleet that compiles and synthesizes as it is (one site from a `SiteDesign`, one built
 * from the constructs directly), and registers it in `fleets/index.ts`, so that
 * `FLEET=<name> npx cdktf synth` and `FLEET=<name> npx gpu-fleet report` work at once and
 * `npx jest -u` records its snapshots (test/fleets/registered-fleets.test.ts).
 *
 * `fleets/my-fleet.ts` started as this command's output for `my-fleet`; it is yours to change.
 * test/tools/new-fleet.test.ts type-checks, validates and synthesizes the template itself.
 */
import * as fs from 'fs';
import * as path from 'path';

export const USAGE = `Usage: npx gpu-fleet new-fleet <name>

Writes fleets/<name>.ts, a small fleet of your own to edit, and registers it in
fleets/index.ts. <name> is lowercase letters, digits and "-", starting with a letter.
Then: FLEET=<name> npx cdktf synth --output cdktf.out.<name>`;

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `my-fleet` -> `myFleet`, `acme` -> `acmeFleet`: the builder function's name. */
export function builderName(name: string): string {
  const camel = name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return /fleet$/i.test(camel) ? camel : `${camel}Fleet`;
}

/** The source of `fleets/<name>.ts`. */
export function fleetSource(name: string): string {
  const fn = builderName(name);
  return `/**
 * The ${name} fleet: your own, to edit. Registered in fleets/index.ts as \`${name}\`:
 *
 *   FLEET=${name} npx cdktf synth --output cdktf.out.${name}
 *   FLEET=${name} npx gpu-fleet report
 *
 * Typical sites are one entry of SITES (see SiteDesign in fleets/site-design.ts); sites that do
 * not fit the design are built from the constructs, as labSite below. After a change, run
 * \`npx jest -u test/fleets/registered-fleets.test.ts\` and review the snapshot diff.
 */
import { platform } from '../constructs/catalog/platforms';
import { Cooling } from '../constructs/cooling';
import { Fleet } from '../constructs/fleet';
import { GpuSharing } from '../constructs/gpu-sharing';
import { NodePool } from '../constructs/node-pool';
import { PowerFeed } from '../constructs/power-feed';
import { Rack } from '../constructs/rack';
import { Server } from '../constructs/server';
import { Site } from '../constructs/site';
import { StateBackend } from '../constructs/state-backend';
import { Taint } from '../constructs/taint';
import { AIR_HGX_RACKS, buildFleet, SiteDesign, TRAINING_POOL } from './site-design';

/** One entry per typical site. */
const SITES: SiteDesign[] = [
  {
    id: 'turpan-02',
    region: 'xinjiang',
    zone: 'turpan-shanshan',
    platform: 'hgx-h200',
    servers: 16,
    racks: AIR_HGX_RACKS,
    pue: 1.3,
    utilityCapacityMw: 1,
    pools: [TRAINING_POOL, { name: 'inference', servers: 4, sharing: GpuSharing.timeSlicing(4) }],
  },
];

/** A site built from the constructs: one air-cooled rack with one HGX H100 server on 2N feeds. */
function labSite(fleet: Fleet): Site {
  const site = new Site(fleet, 'lab-01', { region: 'xinjiang', zone: 'hami-yiwu', utilityCapacityMw: 1, pue: 1.3 });
  const a = new PowerFeed(site, 'feed-a', { side: 'A', voltageV: 415, amperageA: 63 });
  const b = new PowerFeed(site, 'feed-b', { side: 'B', voltageV: 415, amperageA: 63 });
  const rack = new Rack(site, 'rack-001', { cooling: Cooling.air(25), feedA: a, feedB: b });
  const s1 = new Server(rack, 'u01', { platform: platform('hgx-h100'), positionU: 1 });
  new NodePool(site, 'training', { servers: [s1], taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')] });
  return site;
}

export function ${fn}(): Fleet {
  const fleet = buildFleet('${name}', SITES, {
    // Where the provider finds each site's cluster; the context is SiteProps.kubeContext (default: the site's id).
    kubeconfigPath: '~/.kube/config',
    // Terraform state, one location per site: StateBackend.local() (the default), .s3({ bucket, endpoint }),
    // .kubernetes() or .pg(); see README, "Point it at your clusters".
    state: StateBackend.local(),
  });
  labSite(fleet);
  return fleet;
}
`;
}

/**
 * `fleets/index.ts` with `name` registered: an import after the last import, an entry at the end
 * of the FLEETS table. Throws when the file does not have the shape this expects.
 */
export function registerFleet(indexSource: string, name: string): string {
  const fn = builderName(name);
  const imports = [...indexSource.matchAll(/^import .*;$/gm)];
  const table = /(const FLEETS\b[^\n]*\{\n)([\s\S]*?)(\n\};)/.exec(indexSource);
  if (imports.length === 0 || !table) throw new Error('fleets/index.ts has no imports or no `const FLEETS = { ... };` table: register the fleet by hand');
  if (new RegExp(`^\\s*'?${name}'?:`, 'm').test(table[2])) throw new Error(`fleet ${JSON.stringify(name)} is already registered in fleets/index.ts`);
  const last = imports[imports.length - 1];
  const at = last.index! + last[0].length;
  const withImport = `${indexSource.slice(0, at)}\nimport { ${fn} } from './${name}';${indexSource.slice(at)}`;
  const key = /^[a-z][a-z0-9]*$/.test(name) ? name : `'${name}'`;
  return withImport.replace(/(const FLEETS\b[^\n]*\{\n)([\s\S]*?)(\n\};)/, (_m, open: string, body: string, close: string) => `${open}${body}\n  ${key}: () => ${fn}(),${close}`);
}

export interface NewFleetIo {
  /** The project root (where fleets/ is). */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The command; returns the exit code, never throws. */
export function main(argv: readonly string[], io: NewFleetIo): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (argv.length !== 1 || !NAME.test(argv[0])) {
    io.stderr(`new-fleet: expected one fleet name of lowercase letters, digits and "-", got ${argv.length === 0 ? 'nothing' : argv.map((a) => JSON.stringify(a)).join(' ')}\n${USAGE}\n`);
    return 1;
  }
  const name = argv[0];
  const fleets = path.join(io.cwd, 'fleets');
  const file = path.join(fleets, `${name}.ts`);
  const index = path.join(fleets, 'index.ts');
  try {
    if (!fs.existsSync(index)) throw new Error(`no fleets/index.ts in ${io.cwd}: run it from the project root`);
    if (fs.existsSync(file)) throw new Error(`fleets/${name}.ts exists already`);
    const registered = registerFleet(fs.readFileSync(index, 'utf8'), name);
    fs.writeFileSync(file, fleetSource(name));
    fs.writeFileSync(index, registered);
  } catch (e) {
    io.stderr(`new-fleet: ${(e as Error).message}\n`);
    return 1;
  }
  io.stderr(
    `new-fleet: wrote fleets/${name}.ts and registered it in fleets/index.ts. Next:\n` +
      `  FLEET=${name} npx cdktf synth --output cdktf.out.${name}\n` +
      `  npx jest -u test/fleets/registered-fleets.test.ts   # records its snapshots\n`,
  );
  return 0;
}

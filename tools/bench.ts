/**
 * `npm run bench [-- --runs 3 --scales 1,4,10]`: how synth scales with the fleet.
 *
 * For each scale of the reference fleet (1x, 4x, 10x the servers of every site, same mix of
 * sites and pools) it runs `--runs` fresh child processes (so that neither JIT warm-up nor
 * memory peaks carry over from one run to the next); each child builds the fleet, synthesizes
 * it in-process to a temporary directory and measures:
 *
 * - servers: servers in the fleet; resources: Terraform resource instances in the output,
 *   each `for_each` key counted; outputMb: bytes written (MB = 2^20 bytes);
 * - constructMs: building the fleet's domain constructs (`referenceFleet({ scale })`), without
 *   validation, which is the first step of synth;
 * - synthMs: `synthesizeFleet` as `cdktf synth` runs it: whole-fleet validation, the stacks'
 *   constructs and their validations, cdktf's synth (token resolution, JSON) and the swap into
 *   place;
 * - floorMs: JSON.stringify and write of the very files synth wrote, in the same process right
 *   after it (read back, parsed, then only stringify + write to a scratch dir are timed);
 * - ratio: (constructMs + synthMs) / floorMs;
 * - peakRssMb: the child's process.resourceUsage().maxRSS right after synth, before the floor
 *   reads the output back (MB = 2^20 bytes).
 *
 * It prints a table of the medians per scale and, as its last line, one JSON object
 * `{"scales": [{"scale": 1, ...}, ...]}`. With `--fixed` it also measures
 * `minimalReferenceFleet()`: the same 36 stacks with few servers, i.e. what synth costs whatever
 * the fleet's size (a table row, not part of the JSON), and, when scale 1 is measured, a lower
 * bound for the 1x ratio: the cost of 1x with no domain code per server (`printLowerBound`).
 * With `--phases` it also prints the
 * medians of each step of synth (`SynthesizeOptions.onPhase`). Nothing is written under the
 * project. `npm run bench -- --html [--runs N]` measures the HTML report instead
 * (tools/html/bench-html.ts: size, render time, open and render time in headless Chromium).
 */
import { spawnSync } from 'child_process';
import { Construct, IConstruct, RootConstruct } from 'constructs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Fleet } from '../constructs/fleet';
import { Site } from '../constructs/site';
import { referenceFleet, referenceSiteDesigns } from '../fleets/reference';
import { platform } from '../constructs/catalog/platforms';
import { buildFleet, defaultRackDesign, TRAINING_POOL } from '../fleets/site-design';
import { synthesizeFleet } from '../stacks/fleet-app';
import { INVENTORY_FILE } from '../stacks/node-inventory';
import { benchHtmlMain } from './html/bench-html';

/** One synth of one fleet, measured. */
export interface SynthMeasurement {
  readonly servers: number;
  /** Site stacks synthesized. */
  readonly stacks: number;
  /** Terraform resource instances in the output, each for_each key counted. */
  readonly resources: number;
  /** Resource instances by Terraform resource type. */
  readonly resourcesByType: Readonly<Record<string, number>>;
  /** Files synth wrote. */
  readonly files: number;
  /** Bytes synth wrote. */
  readonly outputBytes: number;
  /** Bytes the floor wrote (the same objects, stringified with JSON.stringify). */
  readonly floorBytes: number;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly floorMs: number;
  /** The part of floorMs spent on the node inventories (`nodes.auto.tfvars.json`). */
  readonly floorInventoryMs: number;
  /** (constructMs + synthMs) / floorMs */
  readonly ratio: number;
  /**
   * process.resourceUsage().maxRSS in MB right after synth, before the floor reads the output
   * back: the peak of the whole process so far (in a fresh process: of building and synth).
   */
  readonly peakRssMb: number;
  /** Wall ms of each step of synthMs (`SynthesizeOptions.onPhase`). */
  readonly phasesMs: Readonly<Record<string, number>>;
}

/** What the bench prints per scale: medians over the runs. */
export interface ScaleFigures {
  readonly scale: number;
  readonly servers: number;
  readonly resources: number;
  readonly outputMb: number;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly floorMs: number;
  readonly ratio: number;
  readonly peakRssMb: number;
}

const MB = 1024 * 1024;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Builds a fleet with `build`, synthesizes it to a temporary directory, measures it (see the
 * file comment) and deletes the directory again.
 */
export function measureSynth(build: () => Fleet): SynthMeasurement {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-bench-'));
  try {
    const outdir = path.join(work, 'out');
    const t0 = now();
    const fleet = build();
    const t1 = now();
    const phasesMs: Record<string, number> = {};
    const { stacks } = synthesizeFleet(fleet, { outdir, onPhase: (name, ms) => (phasesMs[name] = (phasesMs[name] ?? 0) + ms) });
    const t2 = now();
    const peakRssMb = (process.resourceUsage().maxRSS * 1024) / MB;

    const files = listFiles(outdir);
    const written = files.map((rel) => ({ rel, text: fs.readFileSync(path.join(outdir, rel), 'utf8') }));
    // JSON files are re-serialized for the floor; other files (Helm values) are written as they are.
    const objects = written.map(({ rel, text }) => ({ rel, value: rel.endsWith('.json') ? (JSON.parse(text) as unknown) : text, newline: text.endsWith('\n') }));
    const floorDir = path.join(work, 'floor');
    const t3 = now();
    let floorBytes = 0;
    let floorInventoryMs = 0;
    for (const { rel, value, newline } of objects) {
      const start = now();
      const file = path.join(floorDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2) + (newline ? '\n' : '');
      fs.writeFileSync(file, text);
      if (path.basename(rel) === INVENTORY_FILE) floorInventoryMs += now() - start;
      floorBytes += Buffer.byteLength(text);
    }
    const t4 = now();

    const resourcesByType = countResources(objects);
    const constructMs = t1 - t0;
    const synthMs = t2 - t1;
    const floorMs = t4 - t3;
    return {
      servers: countServers(fleet),
      stacks: stacks.length,
      resources: Object.values(resourcesByType).reduce((a, b) => a + b, 0),
      resourcesByType,
      files: files.length,
      outputBytes: written.reduce((sum, w) => sum + Buffer.byteLength(w.text), 0),
      floorBytes,
      constructMs,
      synthMs,
      floorMs,
      floorInventoryMs,
      ratio: (constructMs + synthMs) / floorMs,
      peakRssMb,
      phasesMs,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** measureSynth of the reference fleet at `scale`. */
export function measureScale(scale: number): SynthMeasurement {
  return measureSynth(() => referenceFleet({ scale }));
}

/**
 * The reference fleet's 36 sites with as few servers as their pools allow: every pool with a
 * server count keeps it, the pool that takes the rest gets one rack. Every stack has the same
 * resources as at 1x, only the node inventories are small: synthesizing it measures the part of
 * synth that does not grow with the servers (`npm run bench -- --fixed`).
 */
export function minimalReferenceFleet(): Fleet {
  const designs = referenceSiteDesigns().map((d) => ({
    ...d,
    servers: (d.pools ?? [TRAINING_POOL]).reduce((n, p) => n + (p.servers ?? 0), 0) + (d.racks ?? defaultRackDesign(platform(d.platform))).serversPerRack,
  }));
  return buildFleet('reference-minimal', designs);
}

/** A construct tree's shape: a construct's id and the shapes of its children. */
export type TreeShape = readonly [id: string, children: readonly TreeShape[]];

/** The shape of the construct tree under `root`. */
export function treeShape(root: IConstruct): TreeShape {
  return [root.node.id, root.node.children.map(treeShape)];
}

/** What the constructs library alone costs for a tree of a given shape. */
export interface BareTreeMeasurement {
  readonly constructs: number;
  /** Building the tree out of bare `Construct`s. */
  readonly buildMs: number;
  /** The walk `collectViolations` makes over it: `findAll()`, then each construct's `node.validate()`. */
  readonly validateMs: number;
}

/**
 * Builds a tree of `shape` out of bare `Construct`s (no props, no checks, no rules, nothing
 * registered anywhere) and walks it as validation does. For the shape of a fleet, that is the
 * part of constructing and validating it that no domain code can go below: one construct per
 * feed, rack, server and pool.
 */
export function measureBareTree(shape: TreeShape): BareTreeMeasurement {
  const add = (scope: Construct, [id, children]: TreeShape): void => {
    const c = new Construct(scope, id);
    for (const child of children) add(c, child);
  };
  const t0 = now();
  const root = new RootConstruct(shape[0]);
  for (const child of shape[1]) add(root, child);
  const t1 = now();
  const all = root.node.findAll();
  let messages = 0;
  for (const c of all) messages += c.node.validate().length;
  const t2 = now();
  if (messages !== 0) throw new Error(`bare constructs reported ${messages} validation messages`);
  return { constructs: all.length, buildMs: t1 - t0, validateMs: t2 - t1 };
}

function countServers(fleet: Fleet): number {
  let n = 0;
  for (const c of fleet.node.children) if (c instanceof Site) for (const r of c.racks) n += r.servers.length;
  return n;
}

/** Files under `dir`, relative, sorted. */
function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...listFiles(dir, p));
    else out.push(p);
  }
  return out.sort();
}

type Json = Record<string, any>;

/**
 * Resource instances by type over every stack of the output: a block without for_each is one
 * instance; one with `for_each = "${var.<name>}"` has one per key of that variable's value in
 * the stack's tfvars files. Any other for_each expression is an error (the bench would
 * otherwise miscount).
 */
export function countResources(files: ReadonlyArray<{ rel: string; value: unknown }>): Record<string, number> {
  const byDir = new Map<string, { config?: Json; vars: Json }>();
  for (const { rel, value } of files) {
    const dir = path.dirname(rel);
    const entry = byDir.get(dir) ?? { vars: {} };
    if (path.basename(rel) === 'cdk.tf.json') entry.config = value as Json;
    else if (rel.endsWith('.auto.tfvars.json')) Object.assign(entry.vars, value);
    byDir.set(dir, entry);
  }
  const counts: Record<string, number> = {};
  for (const [dir, { config, vars }] of byDir) {
    if (!config) continue;
    for (const [type, blocks] of Object.entries((config.resource ?? {}) as Json)) {
      for (const [name, block] of Object.entries(blocks as Json)) {
        let n = 1;
        if (block.for_each !== undefined) {
          const m = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(String(block.for_each));
          const value = m ? (vars[m[1]] ?? config.variable?.[m[1]]?.default) : undefined;
          if (value === undefined || value === null || typeof value !== 'object') {
            throw new Error(`${dir}: cannot count the instances of ${type}.${name}: for_each ${JSON.stringify(block.for_each)}`);
          }
          n = Object.keys(value).length;
        }
        counts[type] = (counts[type] ?? 0) + n;
      }
    }
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs this file in a fresh child process with `args` (and `input` on its stdin); its last line, parsed. */
function runChild<T>(args: readonly string[], input?: string): T {
  // From TypeScript, the child runs under the loader `cdktf synth` uses (cdktf.json).
  const loader = __filename.endsWith('.ts') ? ['-r', path.join(__dirname, 'ts-register.js')] : [];
  // Flush what earlier runs wrote (and deleted) first: otherwise the kernel's writeback of up to
  // 86 MB competes with this run's own writes and floor (measured: a minimal synth's floor of
  // 20 ms became 60 to 70 ms right after a 10x run). Where there is no `sync`, runs go without.
  spawnSync('sync');
  const r = spawnSync(process.execPath, [...loader, __filename, ...args], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    input,
    maxBuffer: 64 * MB,
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** `--child <scale>`: one synth at that scale (0: the minimal fleet). `--child bare-tree`: measureBareTree of the shape on stdin. */
function childMain(what: string): void {
  let m: SynthMeasurement | BareTreeMeasurement;
  if (what === 'bare-tree') m = measureBareTree(JSON.parse(fs.readFileSync(0, 'utf8')) as TreeShape);
  else if (what === '0') m = measureSynth(minimalReferenceFleet);
  else m = measureScale(Number(what));
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function parseArgs(argv: readonly string[]): { runs: number; scales: number[]; fixed: boolean; phases: boolean } {
  let runs = 3;
  let scales = [1, 4, 10];
  let fixed = false;
  let phases = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] === '--scales') scales = String(argv[++i]).split(',').map(Number);
    else if (argv[i] === '--fixed') fixed = true;
    else if (argv[i] === '--phases') phases = true;
    else throw new Error(`unknown argument ${argv[i]}; usage: bench [--runs N] [--scales 1,4,10] [--fixed] [--phases]`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number >= 1');
  if (scales.some((s) => !Number.isInteger(s) || s < 1)) throw new Error('--scales must be whole numbers >= 1');
  return { runs, scales, fixed, phases };
}

function main(argv: readonly string[]): void {
  const { runs, scales, fixed, phases } = parseArgs(argv);
  const figures: ScaleFigures[] = [];
  const header = ['scale', 'servers', 'resources', 'output MB', 'construct ms', 'synth ms', 'floor ms', 'ratio', 'peak RSS MB'];
  process.stdout.write(`gpu-fleet synth benchmark: reference fleet, ${runs} fresh process(es) per scale, medians\n`);
  process.stdout.write(`node ${process.version}, ${os.cpus().length} CPU(s): ${os.cpus()[0]?.model ?? 'unknown'}\n\n`);
  const W = 14;
  process.stdout.write(`${header.map((h) => h.padStart(W)).join('')}\n`);
  const phaseRows: Array<[string, Record<string, number>]> = [];
  /** Median floorInventoryMs per scale. */
  const inventoryFloorMs = new Map<number, number>();
  const medians = (scale: number): ScaleFigures => {
    const results: SynthMeasurement[] = [];
    for (let i = 0; i < runs; i++) results.push(runChild<SynthMeasurement>(['--child', String(scale)]));
    const med = (f: (r: SynthMeasurement) => number) => median(results.map(f));
    inventoryFloorMs.set(scale, med((r) => r.floorInventoryMs));
    const byPhase: Record<string, number> = { construct: round(med((r) => r.constructMs), 1) };
    for (const name of Object.keys(results[0].phasesMs)) byPhase[name] = round(med((r) => r.phasesMs[name] ?? 0), 1);
    phaseRows.push([scale === 0 ? 'minimal' : `${scale}x`, byPhase]);
    return {
      scale,
      servers: med((r) => r.servers),
      resources: med((r) => r.resources),
      outputMb: round(med((r) => r.outputBytes) / MB, 2),
      constructMs: round(med((r) => r.constructMs), 1),
      synthMs: round(med((r) => r.synthMs), 1),
      floorMs: round(med((r) => r.floorMs), 1),
      ratio: round(med((r) => r.ratio), 2),
      peakRssMb: round(med((r) => r.peakRssMb), 1),
    };
  };
  const printRow = (label: string, row: ScaleFigures) => {
    const cells = [label, row.servers, row.resources, row.outputMb, row.constructMs, row.synthMs, row.floorMs, row.ratio, row.peakRssMb];
    process.stdout.write(`${cells.map((c) => String(c).padStart(W)).join('')}\n`);
  };
  for (const scale of scales) {
    const row = medians(scale);
    figures.push(row);
    printRow(`${scale}x`, row);
  }
  if (fixed) {
    // Not a scale: kept out of the JSON line.
    const minimal = medians(0);
    printRow('minimal', minimal);
    process.stdout.write('minimal: the same 36 stacks with the fewest servers their pools allow (the cost that does not grow with servers)\n');
    const one = figures.find((f) => f.scale === 1);
    if (one) printLowerBound(one, minimal, inventoryFloorMs.get(1)! - inventoryFloorMs.get(0)!, runs);
  }
  if (phases && phaseRows.length > 0) {
    // Medians of each step on its own: they need not add up to the medians above exactly.
    const names = Object.keys(phaseRows[0][1]);
    process.stdout.write(`\nms per step (medians):\n${['', ...names].map((h) => h.padStart(W + 2)).join('')}\n`);
    for (const [label, row] of phaseRows) process.stdout.write(`${[label, ...names.map((n) => String(row[n] ?? ''))].map((c) => c.padStart(W + 2)).join('')}\n`);
  }
  const first = figures.find((f) => f.scale === 1);
  const last = figures.find((f) => f.scale === 10);
  if (first && last) {
    const growth = (last.constructMs + last.synthMs) / (first.constructMs + first.synthMs);
    process.stdout.write(`\n10x / 1x construct + synth time: ${round(growth, 2)}x\n`);
  }
  process.stdout.write(`${JSON.stringify({ scales: figures })}\n`);
}

/**
 * `--fixed` with scale 1: what the 1x fleet would cost with no domain code per server at all,
 * against the 1x floor. The minimal fleet's construct + synth (the 36 stacks, whatever the
 * servers), a tree of bare constructs of the 1x fleet's shape built and walked as validation
 * walks it (the constructs library's own cost per feed, rack, server and pool), and the node
 * inventories' share of the floor (their JSON has to be written; `inventoryMs`, less what the
 * minimal fleet's synth already wrote). Medians of `runs` fresh processes each. About a bound:
 * the minimal fleet's 228 servers are in both its synth and the bare tree.
 */
function printLowerBound(one: ScaleFigures, minimal: ScaleFigures, inventoryMs: number, runs: number): void {
  const shape = JSON.stringify(treeShape(referenceFleet({ scale: 1 })));
  const bare: BareTreeMeasurement[] = [];
  for (let i = 0; i < runs; i++) bare.push(runChild<BareTreeMeasurement>(['--child', 'bare-tree'], shape));
  const buildMs = median(bare.map((b) => b.buildMs));
  const validateMs = median(bare.map((b) => b.validateMs));
  const fixedMs = minimal.constructMs + minimal.synthMs;
  const total = fixedMs + buildMs + validateMs + inventoryMs;
  const line = (label: string, n: number) => `  ${label.padEnd(62)}${`${round(n, 1)} ms`.padStart(10)}`;
  process.stdout.write(
    [
      '',
      '1x with no domain code per server (medians; about a lower bound for the 1x ratio):',
      line('minimal fleet, construct + synth (the 36 stacks)', fixedMs),
      line(`bare constructs of the 1x fleet's shape (${bare[0].constructs}), build`, buildMs),
      line('the same, findAll() + node.validate() walk', validateMs),
      line("node inventories' share of the floor, 1x less minimal", inventoryMs),
      `${line('total', total)} = ${round(total / one.floorMs, 2)} x the 1x floor of ${one.floorMs} ms`,
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') childMain(args[1]);
  else if (args.includes('--html')) void benchHtmlMain(args).then((code) => (process.exitCode = code));
  else main(args);
}

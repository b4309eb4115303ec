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
 * the fleet's size (a table row, not part of the JSON). With `--phases` it also prints the
 * medians of each step of synth (`SynthesizeOptions.onPhase`). Nothing is written under the
 * project.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Fleet } from '../constructs/fleet';
import { Site } from '../constructs/site';
import { referenceFleet, referenceSiteDesigns } from '../fleets/reference';
import { buildFleet, TRAINING_POOL } from '../fleets/site-design';
import { synthesizeFleet } from '../stacks/fleet-app';

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
    const objects = written.map(({ rel, text }) => ({ rel, value: JSON.parse(text) as unknown, newline: text.endsWith('\n') }));
    const floorDir = path.join(work, 'floor');
    const t3 = now();
    let floorBytes = 0;
    for (const { rel, value, newline } of objects) {
      const file = path.join(floorDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const text = JSON.stringify(value, null, 2) + (newline ? '\n' : '');
      fs.writeFileSync(file, text);
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
    servers: (d.pools ?? [TRAINING_POOL]).reduce((n, p) => n + (p.servers ?? 0), 0) + d.racks.serversPerRack,
  }));
  return buildFleet('reference-minimal', designs);
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

/** One run at `scale` in a fresh child process. */
function runChild(scale: number): SynthMeasurement {
  // From TypeScript, the child runs under the loader `cdktf synth` uses (cdktf.json).
  const loader = __filename.endsWith('.ts') ? ['-r', path.join(__dirname, 'ts-register.js')] : [];
  const r = spawnSync(process.execPath, [...loader, __filename, '--child', String(scale)], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    maxBuffer: 64 * MB,
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  if (r.status !== 0) throw new Error(`bench child at scale ${scale} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Scale 0 stands for the minimal fleet (`--fixed`). */
function childMain(scale: number): void {
  const m = scale === 0 ? measureSynth(minimalReferenceFleet) : measureScale(scale);
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
  const medians = (scale: number): ScaleFigures => {
    const results: SynthMeasurement[] = [];
    for (let i = 0; i < runs; i++) results.push(runChild(scale));
    const med = (f: (r: SynthMeasurement) => number) => median(results.map(f));
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
    printRow('minimal', medians(0));
    process.stdout.write('minimal: the same 36 stacks with the fewest servers their pools allow (the cost that does not grow with servers)\n');
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

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') childMain(Number(args[1]));
  else main(args);
}

/**
 * Reads a `cdktf synth` output directory: manifest.json, each stack's cdk.tf.json, and the
 * variable values terraform would load from the stack's working directory.
 * Every problem is a PlanError with one clear sentence.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PlanError } from './errors';
import { isObject, compareStrings } from './json';
import { Json, JsonObject, RawStack, SynthOutput } from './model';

function describeFsError(e: unknown, file: string): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `${file} does not exist`;
    case 'EISDIR':
      return `cannot read ${file}: it is a directory, not a file`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${file}: permission denied`;
    case 'ENOTDIR':
      return `cannot read ${file}: a parent of it is not a directory`;
    default:
      return `cannot read ${file}: ${code ?? (e instanceof Error ? e.message : String(e))}`;
  }
}

/** Reads and parses a JSON file that must hold an object. */
export function readJsonObject(file: string, what: string): JsonObject {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new PlanError(`${what}: ${describeFsError(e, file)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new PlanError(`${what}: ${file} is not valid JSON (${detail})`);
  }
  if (!isObject(parsed)) {
    throw new PlanError(`${what}: ${file} does not hold a JSON object`);
  }
  return parsed;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

interface StackEntry {
  readonly name: string;
  readonly stackFile: string;
  readonly workingDirectory: string;
}

function stackEntries(dir: string, label: string): StackEntry[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const manifest = readJsonObject(manifestFile, label);
    const stacks = manifest.stacks;
    if (!isObject(stacks)) {
      throw new PlanError(`${label}: ${manifestFile} has no "stacks" object; is it a cdktf synth manifest?`);
    }
    return Object.keys(stacks).map((key) => {
      const entry = stacks[key];
      if (!isObject(entry)) throw new PlanError(`${label}: ${manifestFile}: stack "${key}" is not an object`);
      const name = typeof entry.name === 'string' ? entry.name : key;
      const rel = typeof entry.synthesizedStackPath === 'string' ? entry.synthesizedStackPath : path.join('stacks', name, 'cdk.tf.json');
      if (!rel.endsWith('.json')) {
        throw new PlanError(`${label}: stack "${name}" was synthesized as HCL (${rel}); plan reads JSON output, synthesize without --hcl`);
      }
      const wd = typeof entry.workingDirectory === 'string' ? entry.workingDirectory : path.dirname(rel);
      return { name, stackFile: path.join(dir, rel), workingDirectory: path.join(dir, wd) };
    });
  }
  const stacksDir = path.join(dir, 'stacks');
  if (!isDirectory(stacksDir)) {
    throw new PlanError(`${label}: ${dir} is not a cdktf synth output (it has neither manifest.json nor stacks/)`);
  }
  return fs
    .readdirSync(stacksDir)
    .filter((n) => fs.existsSync(path.join(stacksDir, n, 'cdk.tf.json')))
    .map((name) => ({ name, stackFile: path.join(stacksDir, name, 'cdk.tf.json'), workingDirectory: path.join(stacksDir, name) }));
}

/**
 * The variable values terraform would load in a working directory, in its order of precedence:
 * terraform.tfvars.json, then *.auto.tfvars.json in lexical order, later files winning.
 * HCL files (terraform.tfvars, *.auto.tfvars) cannot be read here and give a warning.
 */
export function loadTfvars(workingDirectory: string, label: string, warnings: string[]): Record<string, Json> {
  let names: string[];
  try {
    names = fs.readdirSync(workingDirectory);
  } catch {
    return {};
  }
  const autoFiles = names.filter((n) => n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json')).sort(compareStrings);
  const ordered = [...['terraform.tfvars', 'terraform.tfvars.json'].filter((n) => names.includes(n)), ...autoFiles];
  const values: Record<string, Json> = {};
  for (const n of ordered) {
    const file = path.join(workingDirectory, n);
    if (!n.endsWith('.json')) {
      warnings.push(`${file} is HCL and is not read; variables it sets are taken from JSON tfvars files or defaults`);
      continue;
    }
    const obj = readJsonObject(file, label);
    for (const k of Object.keys(obj)) Object.defineProperty(values, k, { value: obj[k], enumerable: true, writable: true, configurable: true });
  }
  return values;
}

/**
 * Reads a synth output directory. `label` names it in messages ("--base", "--head").
 */
export function loadSynthOutput(dir: string, label: string): SynthOutput {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    throw new PlanError(`${label}: ${describeFsError(e, dir)}`);
  }
  if (!stat.isDirectory()) throw new PlanError(`${label}: ${dir} is not a directory`);
  const stacks = new Map<string, RawStack>();
  for (const entry of stackEntries(dir, label)) {
    const doc = readJsonObject(entry.stackFile, `${label}: stack "${entry.name}"`);
    const warnings: string[] = [];
    const tfvars = loadTfvars(entry.workingDirectory, `${label}: stack "${entry.name}"`, warnings);
    stacks.set(entry.name, { name: entry.name, workingDirectory: path.resolve(entry.workingDirectory), doc, tfvars, warnings });
  }
  return { dir, stacks };
}

/**
 * Rewrites every string of a synth output that holds the path `from` to hold `to` instead.
 * A ref synthesized in a temporary worktree carries the worktree's absolute paths (cdktf's
 * local backend writes `<app dir>/terraform.<stack>.tfstate`); they are mapped back to the
 * repository's paths so that they compare equal to an in-place synth.
 */
export function relocatePaths(output: SynthOutput, from: readonly string[], to: string): SynthOutput {
  const prefixes = [...new Set(from.map((f) => f.replace(/\/+$/, '')).filter((f) => f.length > 1))].sort((a, b) => b.length - a.length);
  const target = to.replace(/\/+$/, '');
  const fix = (s: string): string => {
    for (const p of prefixes) if (s.includes(p)) s = s.split(p).join(target);
    return s;
  };
  const walk = (v: Json): Json => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) {
      const out: JsonObject = {};
      for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: walk(v[k]), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  const stacks = new Map<string, RawStack>();
  for (const [name, s] of output.stacks) {
    stacks.set(name, { ...s, doc: walk(s.doc) as JsonObject, tfvars: walk(s.tfvars as JsonObject) as Record<string, Json> });
  }
  return { dir: output.dir, stacks };
}

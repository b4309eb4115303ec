/**
 * The command line of tools/plan.ts: arguments, where the base and head synth outputs come from,
 * the output format and the exit code (0 no changes, 2 changes, 1 error, as
 * `terraform plan -detailed-exitcode`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlanDetail, buildPlanWithDetail } from './build';
import { PlanError, messageOf } from './errors';
import { loadSynthOutput, relocatePaths } from './load';
import { Plan, SourceInfo, SynthOutput } from './model';
import { renderJson } from './render-json';
import { renderMarkdown } from './render-markdown';
import { renderTerraformJson } from './render-terraform-json';
import { planPicturesMarkdown, renderHtml } from './render-html';
import { renderText } from './render-text';
import { isInGitRepository, resolveGitRef, synthesize, withGitRefSynth } from './synth';

/** What a renderer gives back: text for stdout, and files to write under --out (relative names). */
export interface Rendered {
  readonly stdout: string;
  readonly files?: Readonly<Record<string, string>>;
}

/** A format: one renderer over the plan model (and, for terraform-json, every evaluated instance). */
export interface FormatSpec {
  readonly render: (plan: Plan, detail: PlanDetail) => Rendered;
  /** Writes files, so --out is required. */
  readonly writesFiles?: boolean;
}

/** The formats, by --format name. A new format is one more row. */
export const FORMATS = {
  text: { render: (plan) => ({ stdout: renderText(plan) }) },
  markdown: { render: (plan, d) => ({ stdout: renderMarkdown(plan) + planPicturesMarkdown(plan, d) }) },
  json: { render: (plan) => ({ stdout: renderJson(plan) }) },
  html: { render: (plan, d) => ({ stdout: renderHtml(plan, d) }) },
  'terraform-json': { render: renderTerraformJson, writesFiles: true },
} satisfies Record<string, FormatSpec>;

export type Format = keyof typeof FORMATS;

function isFormat(f: string): f is Format {
  return Object.prototype.hasOwnProperty.call(FORMATS, f);
}

const FORMAT_NAMES = Object.keys(FORMATS);
const FORMAT_LIST = `${FORMAT_NAMES.slice(0, -1).join(', ')} or ${FORMAT_NAMES[FORMAT_NAMES.length - 1]}`;

export const USAGE = `Usage: npx gpu-fleet plan --base <dir|git-ref> [--head <dir> [--allow-stale]] [--format <format>] [--out <dir>] [--stack <glob>]...
       (or: npm run -s plan -- --base <dir|git-ref> [options])

Shows what a fleet change does, terraform-plan style, from two cdktf synth outputs,
without terraform or cluster access.

Options:
  --base <dir|git-ref>  The synth output to compare against: a previous cdktf.out directory,
                        or a git ref (branch, tag, commit) that is synthesized in a temporary
                        git worktree. A directory wins over a ref of the same name. Required.
  --head <dir>          The synth output with the change. Default: the working tree, synthesized
                        fresh into a temporary directory (a fleet that fails to synthesize exits 1
                        with its violations).
  --allow-stale         Accept a --head directory older than the fleet sources (main.ts,
                        cdktf.json, constructs/, stacks/, fleets/), which is refused otherwise.
  --format <format>     text (default), markdown (a pull-request comment), json (the plan model,
                        one document), html (rack pictures of the servers and feeds the change
                        touches) or terraform-json (per stack terraform's plan JSON, as
                        \`terraform show -json\` writes it, plus gpu-fleet-review.json; needs --out).
  --out <dir>           Where terraform-json writes its files (created when missing).
  --stack <glob>        Only stacks whose name matches; * and ? are wildcards. Repeatable, or
                        comma-separated. Fleet capacity still sums every stack.
  -h, --help            Show this help.

Exit status: 0 no changes, 2 changes, 1 error (like terraform plan -detailed-exitcode: a change
of provider or backend blocks alone exits 0, its risks still listed).`;

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

export interface CliOptions {
  readonly base: string;
  readonly head?: string;
  readonly format: Format;
  readonly out?: string;
  readonly stacks: string[];
  readonly allowStale: boolean;
  readonly help: boolean;
}

/** Parses the arguments; throws PlanError on a bad one. */
export function parseArgs(argv: readonly string[]): CliOptions {
  let base: string | undefined;
  let head: string | undefined;
  let format: Format = 'text';
  let out: string | undefined;
  const stacks: string[] = [];
  let allowStale = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new PlanError(`${name} needs a value`);
      i++;
      return v;
    };
    switch (name) {
      case '--base':
        base = value();
        break;
      case '--head':
        head = value();
        break;
      case '--format': {
        const f = value();
        if (!isFormat(f)) throw new PlanError(`--format must be ${FORMAT_LIST}, not "${f}"`);
        format = f;
        break;
      }
      case '--out':
        out = value();
        break;
      case '--allow-stale':
        allowStale = true;
        break;
      case '--stack':
        stacks.push(...value().split(',').map((s) => s.trim()).filter(Boolean));
        break;
      case '--synth':
        // The default head is always synthesized fresh now; accepted for old scripts.
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new PlanError(`unknown argument "${arg}" (see --help)`);
    }
  }
  if (help) return { base: base ?? '', head, format, out, stacks, allowStale, help };
  if (base === undefined || base === '') throw new PlanError('--base is required: a previous cdktf.out directory or a git ref (see --help)');
  if ((FORMATS[format] as FormatSpec).writesFiles && out === undefined) throw new PlanError(`--format ${format} writes one file per stack: give --out <dir>`);
  if (allowStale && head === undefined) throw new PlanError('--allow-stale only applies to --head <dir>; the default head is synthesized fresh');
  return { base, head, format, out, stacks, allowStale, help };
}

export interface Io {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Files and directories whose change changes what the fleet synthesizes, relative to the app directory. */
export const FLEET_SOURCES = ['main.ts', 'cdktf.json', 'constructs', 'stacks', 'fleets'];

/** The newest fleet source under `appDir`: its path and modification time (ms); undefined when there is none. */
export function newestFleetSource(appDir: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const visit = (p: string): void => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const n of fs.readdirSync(p)) if (n !== 'node_modules' && !n.startsWith('.')) visit(path.join(p, n));
    } else if (/\.(ts|json)$/.test(p) && (!newest || st.mtimeMs > newest.mtimeMs)) {
      newest = { file: path.relative(appDir, p), mtimeMs: st.mtimeMs };
    }
  };
  for (const s of FLEET_SOURCES) visit(path.join(appDir, s));
  return newest;
}

/** When the synth output in `dir` was written: its manifest.json, else its newest cdk.tf.json. */
function synthTime(dir: string): number {
  try {
    return fs.statSync(path.join(dir, 'manifest.json')).mtimeMs;
  } catch {
    return 0;
  }
}

function refuseEmpty(output: SynthOutput, label: string): SynthOutput {
  if (!output.stacks.size) {
    throw new PlanError(`${label}: ${output.dir} holds no stacks; comparing with it would read as ${label === '--base' ? 'creating' : 'deleting'} the whole fleet`);
  }
  return output;
}

/** The head: --head as given (refused when older than the fleet sources), or the working tree synthesized fresh. */
function withHead<T>(options: CliOptions, io: Io, use: (output: SynthOutput, info: SourceInfo) => T): T {
  if (options.head !== undefined) {
    const dir = path.resolve(io.cwd, options.head);
    if (!fs.existsSync(dir)) throw new PlanError(`--head: ${options.head} does not exist`);
    const output = refuseEmpty(loadSynthOutput(dir, '--head'), '--head');
    if (!options.allowStale) {
      const newest = newestFleetSource(io.cwd);
      const written = synthTime(dir);
      if (newest && written && newest.mtimeMs > written) {
        throw new PlanError(
          `--head: ${options.head} is stale: it was synthesized at ${new Date(written).toISOString()}, before ${newest.file} changed at ${new Date(newest.mtimeMs).toISOString()}; ` +
            'leave out --head to synthesize the working tree, or pass --allow-stale to compare it anyway',
        );
      }
    }
    return use(output, { kind: 'dir', path: options.head });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-plan-head-'));
  try {
    const outdir = path.join(tmp, 'cdktf.out');
    synthesize(io.cwd, outdir, 'the working tree', (m) => io.stderr(m + '\n'));
    return use(refuseEmpty(relocatePaths(loadSynthOutput(outdir, '--head'), [outdir, tmp], 'cdktf.out'), '--head'), { kind: 'working-tree' });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  } catch (e) {
    throw new PlanError(`--out: cannot write to ${dir}: ${(e as NodeJS.ErrnoException).code ?? messageOf(e)}`);
  }
}

/** Runs the tool; returns the exit code. Never throws. */
export function main(argv: readonly string[], io: Io): number {
  try {
    const options = parseArgs(argv);
    if (options.help) {
      io.stdout(USAGE + '\n');
      return 0;
    }
    const log = (m: string): void => io.stderr(m + '\n');
    const baseDir = path.resolve(io.cwd, options.base);
    const spec: FormatSpec = FORMATS[options.format];
    const finish = (base: SynthOutput, baseInfo: SourceInfo): { rendered: Rendered; changed: boolean } =>
      withHead(options, io, (head, headInfo) => {
        const { plan, detail } = buildPlanWithDetail(refuseEmpty(base, '--base'), head, { base: baseInfo, head: headInfo, stackFilter: options.stacks });
        return { rendered: spec.render(plan, detail), changed: plan.changed };
      });
    let result: { rendered: Rendered; changed: boolean };
    if (fs.existsSync(baseDir)) {
      if (!fs.statSync(baseDir).isDirectory()) throw new PlanError(`--base: ${options.base} is not a directory`);
      result = finish(loadSynthOutput(baseDir, '--base'), { kind: 'dir', path: options.base });
    } else {
      const ref = resolveGitRef(options.base, io.cwd);
      if (!ref) {
        const where = isInGitRepository(io.cwd) ? 'nor a git ref of this repository' : `and ${io.cwd} is not in a git repository`;
        throw new PlanError(`--base: ${options.base} is neither a directory ${where}`);
      }
      // Synthesize and read the base first, so that the worktree is gone before the head is synthesized.
      const base = withGitRefSynth(ref, io.cwd, log, (outdir, appDir) =>
        relocatePaths(loadSynthOutput(outdir, `--base ${options.base}`), [appDir, realpath(appDir)], io.cwd),
      );
      result = finish(base, { kind: 'git', ref: ref.ref, commit: ref.commit });
    }
    if (result.rendered.files) writeFiles(path.resolve(io.cwd, options.out!), result.rendered.files);
    io.stdout(result.rendered.stdout);
    return result.changed ? 2 : 0;
  } catch (e) {
    if (!(e instanceof PlanError) && process.env.PLAN_DEBUG) io.stderr(`${(e as Error)?.stack ?? String(e)}\n`);
    io.stderr(`plan: error: ${messageOf(e)}\n`);
    return 1;
  }
}

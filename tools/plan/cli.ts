/**
 * The command line of tools/plan.ts: arguments, where the base and head synth outputs come from,
 * the output format and the exit code (0 no changes, 2 changes, 1 error, as
 * `terraform plan -detailed-exitcode`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildPlan } from './build';
import { PlanError, messageOf } from './errors';
import { loadSynthOutput, relocatePaths } from './load';
import { SourceInfo, SynthOutput } from './model';
import { renderJson } from './render-json';
import { renderMarkdown } from './render-markdown';
import { planPicturesMarkdown, renderHtml } from './render-html';
import { renderText } from './render-text';
import { isInGitRepository, readCdktfConfig, resolveGitRef, synthesize, withGitRefSynth } from './synth';

export const USAGE = `Usage: npm run plan -- --base <dir|git-ref> [--head <dir>] [--format text|markdown|json|html] [--stack <glob>]... [--synth]
       ts-node --transpile-only tools/plan.ts --base <dir|git-ref> [options]

Shows what a fleet change does, terraform-plan style, from two cdktf synth outputs,
without terraform or cluster access.

Options:
  --base <dir|git-ref>  The synth output to compare against: a previous cdktf.out directory,
                        or a git ref (branch, tag, commit) that is synthesized in a temporary
                        git worktree. A directory wins over a ref of the same name. Required.
  --head <dir>          The synth output with the change. Default: ./cdktf.out (or cdktf.json's
                        "output"), synthesized first when it is missing.
  --synth               Synthesize the default head first even when it exists (it may be stale).
  --format <format>     text (default), markdown (a pull-request comment), json (one document)
                        or html (rack pictures of the servers and feeds the change touches).
  --stack <glob>        Only stacks whose name matches; * and ? are wildcards. Repeatable, or
                        comma-separated.
  -h, --help            Show this help.

Exit status: 0 no changes, 2 changes, 1 error (like terraform plan -detailed-exitcode).`;

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

export type Format = 'text' | 'markdown' | 'json' | 'html';

export interface CliOptions {
  readonly base: string;
  readonly head?: string;
  readonly format: Format;
  readonly stacks: string[];
  readonly synth: boolean;
  readonly help: boolean;
}

/** Parses the arguments; throws PlanError on a bad one. */
export function parseArgs(argv: readonly string[]): CliOptions {
  let base: string | undefined;
  let head: string | undefined;
  let format: Format = 'text';
  const stacks: string[] = [];
  let synth = false;
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
        if (f !== 'text' && f !== 'markdown' && f !== 'json' && f !== 'html') throw new PlanError(`--format must be text, markdown, json or html, not "${f}"`);
        format = f;
        break;
      }
      case '--stack':
        stacks.push(...value().split(',').map((s) => s.trim()).filter(Boolean));
        break;
      case '--synth':
        synth = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new PlanError(`unknown argument "${arg}" (see --help)`);
    }
  }
  if (help) return { base: base ?? '', head, format, stacks, synth, help };
  if (base === undefined || base === '') throw new PlanError('--base is required: a previous cdktf.out directory or a git ref (see --help)');
  if (head !== undefined && synth) throw new PlanError('--synth only applies to the default head (./cdktf.out); leave out --head or --synth');
  return { base, head, format, stacks, synth, help };
}

export interface Io {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function loadHead(options: CliOptions, io: Io): { output: SynthOutput; info: SourceInfo } {
  if (options.head !== undefined) {
    const dir = path.resolve(io.cwd, options.head);
    if (!fs.existsSync(dir)) throw new PlanError(`--head: ${options.head} does not exist`);
    return { output: loadSynthOutput(dir, '--head'), info: { kind: 'dir', path: options.head } };
  }
  const { output } = fs.existsSync(path.join(io.cwd, 'cdktf.json')) ? readCdktfConfig(io.cwd) : { output: 'cdktf.out' };
  const dir = path.resolve(io.cwd, output);
  if (options.synth || !fs.existsSync(dir)) {
    synthesize(io.cwd, dir, `the working tree into ${output}`, (m) => io.stderr(m + '\n'));
  }
  return { output: loadSynthOutput(dir, '--head'), info: { kind: 'dir', path: output } };
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
    let rendered: { text: string; changed: boolean };
    const finish = (base: SynthOutput, baseInfo: SourceInfo): { text: string; changed: boolean } => {
      const head = loadHead(options, io);
      const plan = buildPlan(base, head.output, { base: baseInfo, head: head.info, stackFilter: options.stacks });
      const text =
        options.format === 'json' ? renderJson(plan)
        : options.format === 'markdown' ? renderMarkdown(plan) + planPicturesMarkdown(plan, base, head.output)
        : options.format === 'html' ? renderHtml(plan, base, head.output)
        : renderText(plan);
      return { text, changed: plan.changed };
    };
    if (fs.existsSync(baseDir)) {
      if (!fs.statSync(baseDir).isDirectory()) throw new PlanError(`--base: ${options.base} is not a directory`);
      rendered = finish(loadSynthOutput(baseDir, '--base'), { kind: 'dir', path: options.base });
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
      rendered = finish(base, { kind: 'git', path: base.dir, ref: ref.ref, commit: ref.commit });
    }
    io.stdout(rendered.text);
    return rendered.changed ? 2 : 0;
  } catch (e) {
    if (!(e instanceof PlanError) && process.env.PLAN_DEBUG) io.stderr(`${(e as Error)?.stack ?? String(e)}\n`);
    io.stderr(`plan: error: ${messageOf(e)}\n`);
    return 1;
  }
}

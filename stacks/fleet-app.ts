/**
 * Synthesizes a whole fleet, one stack per site, safely: every rule of the whole fleet is
 * checked before anything is written; the stacks are written to a temporary directory
 * beside the output; only when all of them succeed does that directory replace the output.
 * A failed synth leaves the previous output exactly as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AnnotationMetadataEntryType, App } from 'cdktf';
import { Fleet } from '../constructs/fleet';
import { Site } from '../constructs/site';
import { collectViolations, FleetValidationError } from '../constructs/violations';
import { SiteStack, SiteStackProps } from './site-stack';
import { leanSynth } from './lean-synth';

/** Adds one SiteStack per site of `fleet` to `app`, each with `props`. */
export function addSiteStacks(app: App, fleet: Fleet, props: Omit<SiteStackProps, 'site'> = {}): SiteStack[] {
  return fleet.node.children.filter((c): c is Site => c instanceof Site).map((site) => new SiteStack(app, { ...props, site }));
}

export interface SynthesizeOptions {
  /** Where the output goes. */
  readonly outdir: string;
  /**
   * Stack directories of a previous output that the new one lacks are left as empty
   * directories, for the cdktf CLI, which deletes such orphans itself after synth.
   * @default false
   */
  readonly leaveOrphansForCli?: boolean;
  /**
   * Called after each step of the synth with its wall time in ms (`npm run bench -- --phases`):
   * `validate fleet`, `build stacks`, `validate stacks`, `cdktf synth`, `swap`.
   * @default none
   */
  readonly onPhase?: (phase: SynthPhase, ms: number) => void;
}

export type SynthPhase = 'validate fleet' | 'build stacks' | 'validate stacks' | 'cdktf synth' | 'swap';

export interface SynthesizeResult {
  readonly stacks: readonly string[];
}

/** Thrown when the output directory is one synth must not replace (it is not a cdktf output). */
export class UnsafeOutdirError extends Error {
  constructor(outdir: string, why: string) {
    super(`refusing to replace ${outdir}: ${why}`);
    this.name = 'UnsafeOutdirError';
  }
}

/**
 * Files Terraform itself keeps in a stack's working directory (provider cache and lock file,
 * local state if a backend put it there). They are not synth output: a new output takes them
 * over from the previous one, so a synth never costs a `terraform init` or, worse, state.
 */
const TERRAFORM_WORKING_FILES = /^(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate(\.backup)?)$/;

/**
 * Validates `fleet` as a whole (throwing a FleetValidationError with every violation),
 * synthesizes it to a temporary directory and swaps that in for `outdir`.
 *
 * - Nothing is written before the fleet and every stack pass their rules; a synth that fails
 *   at any point removes its temporary directory and leaves `outdir` as it was.
 * - A successful synth replaces `outdir` as a whole (no stale files of an earlier fleet stay
 *   behind, e.g. a `*.auto.tfvars.json` Terraform would still load), except Terraform's own
 *   working files in stack directories that still exist.
 * - The output depends on the fleet only: no timestamps, no stack traces, no temporary paths.
 */
export function synthesizeFleet(fleet: Fleet, options: SynthesizeOptions): SynthesizeResult {
  let t = performance.now();
  const phase = (name: SynthPhase) => {
    const now = performance.now();
    options.onPhase?.(name, now - t);
    t = now;
  };
  fleet.assertValid();
  phase('validate fleet');
  const outdir = path.resolve(options.outdir);
  checkOutdirIsReplaceable(outdir);
  const parent = path.dirname(outdir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}.tmp-`));
  let stacks: string[];
  try {
    // mkdtemp makes the directory private (0700); the output is an ordinary directory.
    fs.chmodSync(tmp, 0o755);
    // Stack traces would put absolute source paths and line numbers into the output.
    // skipValidation: collectViolations(app) below runs every validation once; app.synth() would again.
    const app = new App({ outdir: tmp, stackTraces: false, skipValidation: true });
    // leanSynth: no token stack traces, plain data resolved without cdktf's token machinery (lean-synth.ts).
    // validateSite: false, as fleet.assertValid() above has just run the rules of every site.
    stacks = leanSynth(() => addSiteStacks(app, fleet, { validateSite: false })).map((s) => s.node.id);
    phase('build stacks');
    // Rules of the stacks' own constructs, all of them at once, before cdktf writes a file.
    const stackViolations = collectViolations(app);
    if (stackViolations.length > 0) throw new FleetValidationError(stackViolations);
    phase('validate stacks');
    leanSynth(() => app.synth());
    phase('cdktf synth');
    // Under the cdktf CLI (CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS) error annotations do not
    // stop app.synth(); they must still stop this output from replacing the previous one.
    const errors = Object.values(app.manifest.stacks).flatMap((s) =>
      s.annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR).map((a) => ({ path: a.constructPath, message: String(a.message) })),
    );
    if (errors.length > 0) throw new FleetValidationError(errors);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const orphans = options.leaveOrphansForCli ? orphanStackDirs(outdir, stacks) : [];
  replaceDir(tmp, outdir, (old) => takeOverTerraformFiles(old, outdir, stacks));
  for (const name of orphans) fs.mkdirSync(path.join(outdir, 'stacks', name), { recursive: true });
  phase('swap');
  return { stacks };
}

/**
 * Refuses an outdir whose replacement would delete something that is not a cdktf output:
 * the working directory or one of its parents, a file, or a non-empty directory without a
 * cdktf manifest.json (e.g. CDKTF_OUTDIR set to the project or home directory by mistake).
 */
function checkOutdirIsReplaceable(outdir: string): void {
  const cwd = process.cwd();
  if (outdir === path.parse(outdir).root || cwd === outdir || cwd.startsWith(`${outdir}${path.sep}`)) {
    throw new UnsafeOutdirError(outdir, 'it is the working directory or one of its parents');
  }
  if (!fs.existsSync(outdir)) return;
  if (!fs.statSync(outdir).isDirectory()) throw new UnsafeOutdirError(outdir, 'it is not a directory');
  const entries = fs.readdirSync(outdir);
  if (entries.length > 0 && !entries.includes('manifest.json')) {
    throw new UnsafeOutdirError(outdir, 'it is neither empty nor a cdktf output (no manifest.json)');
  }
}

function orphanStackDirs(outdir: string, stacks: readonly string[]): string[] {
  const dir = path.join(outdir, 'stacks');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => !stacks.includes(name));
}

/** Moves Terraform's working files of each stack from the previous output `old` into `outdir`. */
function takeOverTerraformFiles(old: string, outdir: string, stacks: readonly string[]): void {
  for (const name of stacks) {
    const from = path.join(old, 'stacks', name);
    if (!fs.existsSync(from)) continue;
    for (const entry of fs.readdirSync(from).filter((e) => TERRAFORM_WORKING_FILES.test(e))) {
      const to = path.join(outdir, 'stacks', name, entry);
      if (!fs.existsSync(to)) fs.renameSync(path.join(from, entry), to);
    }
  }
}

/**
 * Puts `from` where `to` is, moving the old `to` aside first. `beforeDelete(old)` may take
 * what it needs from the old directory before it is deleted.
 */
function replaceDir(from: string, to: string, beforeDelete: (old: string) => void): void {
  if (!fs.existsSync(to)) {
    fs.renameSync(from, to);
    return;
  }
  const old = `${from}.old`;
  fs.renameSync(to, old);
  try {
    fs.renameSync(from, to);
  } catch (e) {
    fs.renameSync(old, to);
    fs.rmSync(from, { recursive: true, force: true });
    throw e;
  }
  beforeDelete(old);
  fs.rmSync(old, { recursive: true, force: true });
}

/** True for errors in the user's fleet or settings (printed as lines, without a stack trace). */
export function isUserError(e: unknown): e is Error {
  return (
    e instanceof FleetValidationError ||
    e instanceof UnsafeOutdirError ||
    (e instanceof Error && /^unknown (fleet|platform|GPU model) /.test(e.message))
  );
}

/** Where a synth writes, as main.ts reads it from the environment. */
export function outdirFromEnv(env: NodeJS.ProcessEnv): string {
  // `||`, not `??`: an empty CDKTF_OUTDIR would otherwise mean the working directory.
  return env.CDKTF_OUTDIR || 'cdktf.out';
}

/**
 * What main.ts does: builds the fleet, synthesizes it where the environment says, and returns
 * the exit code. A user error (a broken fleet, an unknown name, an unsafe outdir) is printed
 * to `stderr` as its lines, without a stack trace, and returns 1; anything else is a bug and
 * is thrown.
 */
export function runSynth(build: () => Fleet, env: NodeJS.ProcessEnv = process.env, stderr: { write(text: string): unknown } = process.stderr): number {
  try {
    synthesizeFleet(build(), {
      outdir: outdirFromEnv(env),
      // The cdktf CLI sets this when it runs the app; it deletes orphaned stack dirs itself.
      leaveOrphansForCli: env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined,
    });
    return 0;
  } catch (e) {
    if (isUserError(e)) {
      stderr.write(`gpu-fleet: synth refused, nothing was written.\n${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/**
 * Synthesizes a whole fleet, one stack per site, safely: every rule of the whole fleet is
 * checked before anything is written; the stacks are written to a temporary directory
 * beside the output; only when all of them succeed does that directory replace the output.
 * A failed synth leaves the previous output exactly as it was.
 *
 * One run shows every mistake: the problems constructors and builders recorded
 * (`PropChecker.defer`), the fleet's rules and the rules of every site's stack, built even when
 * other sites are broken and reported at the pool the user wrote, not at the stack object, all
 * in one FleetValidationError, grouped by site.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AnnotationMetadataEntryType, App } from 'cdktf';
import { Fleet } from '../constructs/fleet';
import type { NodePool } from '../constructs/node-pool';
import { Site } from '../constructs/site';
import { captureProblems, deferredViolations, FleetValidationError, siteOf, Violation } from '../constructs/violations';
import { KueueQueues } from './kueue/kueue';
import { kueueProblems } from './kueue/objects';
import { migPartedConflictProblems } from './nvidia/mig-parted-config';
import { SiteStack, SiteStackProps } from './site-stack';
import { leanSynth } from './lean-synth';

/** Adds one SiteStack per site of `fleet` to `app`, each with `props`. */
export function addSiteStacks(app: App, fleet: Fleet, props: Omit<SiteStackProps, 'site'> = {}): SiteStack[] {
  return fleet.sites.map((site) => new SiteStack(app, { ...props, site }));
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
 * Validates `fleet` as a whole: the problems its constructors and builders recorded, its
 * rules, and the rules of every site's stack; throws one FleetValidationError with all of them,
 * ordered by site. Then synthesizes it to a temporary directory and swaps that in for `outdir`.
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
  const fleetViolations = fleet.validate();
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
    // skipValidation: the stacks' rules run once below (stackViolations); app.synth() would again.
    const app = new App({ outdir: tmp, stackTraces: false, skipValidation: true });
    // leanSynth: no token stack traces, plain data resolved without cdktf's token machinery (lean-synth.ts).
    const built = leanSynth(() => buildSiteStacks(app, fleet, fleetViolations));
    stacks = built.stacks.map((s) => s.node.id);
    phase('build stacks');
    // Rules of the stacks' own constructs, of every site, before cdktf writes a file.
    const violations = [...fleetViolations, ...built.violations, ...built.stacks.flatMap(stackViolations)];
    if (violations.length > 0) throw new FleetValidationError(orderBySite(fleet, violations));
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
 * One SiteStack per site, each built on its own: a stack that throws a FleetValidationError
 * while being built (a stack object that checks its props) adds its violations and the other
 * sites go on. Sites whose constructors recorded problems get no stack: their values are
 * stand-ins. Pool-level stack rules that a throwing stack would report at its own objects
 * (MIG layout names) are checked here first, at the pools.
 */
function buildSiteStacks(app: App, fleet: Fleet, fleetViolations: readonly Violation[]): { stacks: SiteStack[]; violations: Violation[] } {
  const broken = new Set<string>();
  for (const v of fleetViolations) broken.add(siteOf(v));
  const deferred = new Set(collectDeferredSites(fleet));
  const stacks: SiteStack[] = [];
  const violations: Violation[] = [];
  for (const site of fleet.sites) {
    if (deferred.has(site.node.id)) continue;
    const atPools = migLayoutViolations(site);
    violations.push(...atPools);
    const reported = new Set(atPools.map((v) => v.message));
    let stack: SiteStack | undefined;
    let failure: unknown;
    const { violations: thrown } = captureProblems(() => {
      try {
        // validateSite: false, as fleet.validate() has just run the rules of every site.
        stack = new SiteStack(app, { site, validateSite: false });
      } catch (e) {
        if (e instanceof FleetValidationError) throw e;
        failure = e;
      }
    });
    // A stack that fails for any other reason on a site that breaks rules fails because of them.
    if (failure !== undefined && !broken.has(site.node.id) && atPools.length === 0 && thrown.length === 0) throw failure;
    violations.push(...thrown.filter((v) => !reported.has(v.message)).map((v) => atPool(site, v)));
    if (stack && thrown.length === 0 && failure === undefined) stacks.push(stack);
    else if (stack) app.node.tryRemoveChild(stack.node.id);
    else if (app.node.tryFindChild(site.node.id)) app.node.tryRemoveChild(site.node.id);
  }
  return { stacks, violations };
}

/**
 * A stack object's violation about one pool's device-plugin config (the config is named after
 * the pool: `device plugin config "training": ...`), moved to that pool.
 */
function atPool(site: Site, v: Violation): Violation {
  const name = /device plugin config (?:name )?"([^"]+)"/.exec(v.message)?.[1];
  const pool = name !== undefined ? site.pools.find((p) => p.configName === name) : undefined;
  return pool ? { path: pool.node.path, message: v.message } : v;
}

/** Ids of the sites with problems their constructors or builders recorded (`PropChecker.defer`). */
function collectDeferredSites(fleet: Fleet): string[] {
  return [...new Set(deferredViolations(fleet).map(siteOf))];
}

/** MIG layout names the site's MIG ConfigMap could not hold, reported at the later pool, naming both. */
function migLayoutViolations(site: Site): Violation[] {
  const out: Violation[] = [];
  const entries: Array<{ layout: NonNullable<NodePool['sharing']['migLayout']>; model: NonNullable<NodePool['gpuModel']>; pool: string }> = [];
  for (const pool of site.pools) {
    const layout = pool.sharing.migLayout;
    const model = pool.gpuModel;
    if (!layout || !model || model.vendor !== 'nvidia') continue;
    const entry = { layout, model, pool: pool.node.path };
    const before = migPartedConflictProblems(entries).length;
    entries.push(entry);
    const after = migPartedConflictProblems(entries);
    for (const message of after.slice(before)) out.push({ path: pool.node.path, message });
  }
  return out;
}

/**
 * The violations of a stack's own rules, at the construct the user wrote: a Kueue flavor's
 * problems at its pool (flavors are named after pools), the rest at the stack object.
 */
function stackViolations(stack: SiteStack): Violation[] {
  const out: Violation[] = [];
  for (const c of stack.node.findAll()) {
    if (c instanceof KueueQueues) {
      out.push(...kueueViolations(stack.site, c));
      continue;
    }
    for (const message of c.node.validate()) out.push({ path: c.node.path, message });
  }
  return out;
}

function kueueViolations(site: Site, kueue: KueueQueues): Violation[] {
  const all = kueueProblems(kueue.topologySpecs, kueue.flavorSpecs);
  if (all.length === 0) return [];
  const common = new Set(kueueProblems(kueue.topologySpecs, []));
  const atPool = new Map<string, string>();
  for (const f of kueue.flavorSpecs) {
    for (const m of kueueProblems(kueue.topologySpecs, [f])) if (!common.has(m) && !atPool.has(m)) atPool.set(m, f.name);
  }
  return all.map((message) => {
    const pool = atPool.get(message);
    const owner = pool !== undefined ? site.node.tryFindChild(pool) : undefined;
    return { path: owner ? owner.node.path : kueue.node.path, message };
  });
}

/** Violations with the fleet's sites in fleet order (fleet-wide ones first), stable within a site. */
function orderBySite(fleet: Fleet, violations: readonly Violation[]): Violation[] {
  const rank = new Map<string, number>(fleet.node.children.map((c, i) => [c.node.id, i]));
  return violations
    .map((v, i) => ({ v, i, r: rank.get(siteOf(v)) ?? -1 }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.v);
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

/** Where runSynth writes: the app's standard output and error. */
export interface SynthIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * What main.ts does: builds the fleet, synthesizes it where the environment says, and returns
 * the exit code. A user error (a broken fleet, an unknown name, an unsafe outdir) is printed
 * as its lines, grouped by site, without a stack trace, and returns 1; anything else is a bug
 * and is thrown.
 *
 * Where the report goes: to stderr when run directly, and to stdout under the cdktf CLI (which
 * sets CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS). cdktf-cli 0.21 logs every chunk the app
 * writes to stderr at the moment it arrives as `[<time>] [ERROR] default - <chunk>`
 * (@cdktf/commons src/util.js `exec`, processLoggerError), while it prints stdout as it is
 * (`shell`, console.log): on stdout the report reads as written. After a failed app the CLI
 * repeats the app's output once more, indented, under "Command output on stdout:" in its own
 * error summary on stderr (@cdktf/cli-core src/lib/synth-stack.js); that copy is the CLI's.
 */
export function runSynth(build: () => Fleet, env: NodeJS.ProcessEnv = process.env, io: SynthIo = process): number {
  try {
    synthesizeFleet(build(), {
      outdir: outdirFromEnv(env),
      // The cdktf CLI sets this when it runs the app; it deletes orphaned stack dirs itself.
      leaveOrphansForCli: underCdktfCli(env),
    });
    return 0;
  } catch (e) {
    if (isUserError(e)) {
      const out = underCdktfCli(env) ? io.stdout : io.stderr;
      out.write(`gpu-fleet: synth refused, nothing was written.\n${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** True when the cdktf CLI runs the app (it sets this variable for every synth). */
function underCdktfCli(env: NodeJS.ProcessEnv): boolean {
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

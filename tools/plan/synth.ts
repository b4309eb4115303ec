/**
 * Producing synth outputs: running the cdktf app in place, or at a git ref in a temporary
 * worktree (with the repository's node_modules linked in), which is removed afterwards.
 * The app is run as `cdktf synth` runs it: the `app` command of cdktf.json with CDKTF_OUTDIR set.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlanError } from './errors';
import { isObject } from './json';

export type Log = (message: string) => void;

const DEFAULT_APP = 'npx ts-node --transpile-only main.ts';

interface CdktfConfig {
  readonly app: string;
  readonly output: string;
}

/** The app command and output directory of cdktf.json in `dir` (defaults when it has none). */
export function readCdktfConfig(dir: string): CdktfConfig {
  const file = path.join(dir, 'cdktf.json');
  if (!fs.existsSync(file)) {
    if (!fs.existsSync(path.join(dir, 'main.ts'))) throw new PlanError(`cannot synthesize in ${dir}: it has neither cdktf.json nor main.ts`);
    return { app: DEFAULT_APP, output: 'cdktf.out' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PlanError(`cannot synthesize in ${dir}: ${file} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const app = isObject(parsed) && typeof parsed.app === 'string' && parsed.app.trim() ? parsed.app : DEFAULT_APP;
  const output = isObject(parsed) && typeof parsed.output === 'string' && parsed.output.trim() ? parsed.output : 'cdktf.out';
  return { app, output };
}

function tail(text: string, lines = 25): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/**
 * Runs the cdktf app of `appDir` so that it writes its synth output to `outdir` (absolute).
 * Throws a PlanError with the end of the app's output when it fails.
 */
export function synthesize(appDir: string, outdir: string, what: string, log: Log): void {
  const { app } = readCdktfConfig(appDir);
  log(`plan: synthesizing ${what} (${app})`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TF_VAR_')) env[k] = v;
  env.CDKTF_OUTDIR = outdir;
  env.PATH = [path.join(appDir, 'node_modules', '.bin'), process.env.PATH ?? ''].join(path.delimiter);
  const result = withInterruptsDeferred(() =>
    spawnSync(app, { cwd: appDir, env, shell: true, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  if (result.error) throw new PlanError(`synthesizing ${what} failed: ${result.error.message}`);
  if (result.signal) throw new PlanError(`synthesizing ${what} was interrupted (${result.signal})`);
  if (result.status !== 0) {
    const output = tail(result.stderr || result.stdout || '');
    throw new PlanError(`synthesizing ${what} failed: "${app}" exited with status ${result.status}${output ? `:\n${output}` : ''}`);
  }
  if (!fs.existsSync(path.join(outdir, 'manifest.json'))) {
    throw new PlanError(`synthesizing ${what} wrote no manifest.json to ${outdir}; does the app call app.synth()?`);
  }
}

/** Runs fn with SIGINT/SIGTERM deferred, so that cleanup in `finally` still runs when the user interrupts a child. */
function withInterruptsDeferred<T>(fn: () => T): T {
  const ignore = (): void => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  try {
    return fn();
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', ignore);
  }
}

function git(args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new PlanError(code === 'ENOENT' ? 'git is not installed, so --base cannot be a git ref' : `git failed: ${r.error.message}`);
  }
  return r;
}

export interface GitRef {
  readonly ref: string;
  readonly commit: string;
  /** The repository's top level. */
  readonly root: string;
  /** The path of `cwd` inside the repository ('' or ending in '/'). */
  readonly prefix: string;
}

/** Resolves `ref` to a commit of the repository holding `cwd`; undefined when it is no git ref there. */
export function resolveGitRef(ref: string, cwd: string): GitRef | undefined {
  if (ref.startsWith('-')) return undefined;
  const top = git(['rev-parse', '--show-toplevel', '--show-prefix'], cwd);
  if (top.status !== 0) return undefined;
  const [root, prefix = ''] = top.stdout.split('\n');
  const r = git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], cwd);
  if (r.status !== 0) return undefined;
  return { ref, commit: r.stdout.trim(), root, prefix };
}

export function isInGitRepository(cwd: string): boolean {
  try {
    return git(['rev-parse', '--git-dir'], cwd).status === 0;
  } catch {
    return false;
  }
}

/** The nearest node_modules from cwd up to the repository root, with its path relative to the root. */
function findNodeModules(cwd: string, prefix: string): { abs: string; relDir: string } | undefined {
  const segs = prefix.split('/').filter(Boolean);
  for (let up = 0; up <= segs.length; up++) {
    const abs = path.resolve(cwd, ...Array<string>(up).fill('..'), 'node_modules');
    if (fs.existsSync(abs)) return { abs: fs.realpathSync(abs), relDir: segs.slice(0, segs.length - up).join('/') };
  }
  return undefined;
}

/**
 * Synthesizes `ref` in a temporary worktree and calls `use` with the output directory and the
 * app's directory in the worktree, before everything temporary is removed again (also when
 * synthesis or `use` fails).
 */
export function withGitRefSynth<T>(gitRef: GitRef, cwd: string, log: Log, use: (outdir: string, appDir: string) => T): T {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-plan-'));
  const worktree = path.join(tmp, 'worktree');
  const outdir = path.join(tmp, 'cdktf.out');
  let linked: string | undefined;
  let added = false;
  try {
    log(`plan: checking out ${gitRef.ref} (${gitRef.commit.slice(0, 12)}) in a temporary worktree`);
    const add = git(['worktree', 'add', '--detach', '--quiet', worktree, gitRef.commit], cwd);
    if (add.status !== 0) throw new PlanError(`git worktree add failed for ${gitRef.ref}: ${tail(add.stderr, 5)}`);
    added = true;
    const appDir = path.join(worktree, gitRef.prefix);
    if (!fs.existsSync(appDir)) throw new PlanError(`${gitRef.ref} has no ${gitRef.prefix.replace(/\/$/, '')} directory to synthesize`);
    const nm = findNodeModules(cwd, gitRef.prefix);
    if (nm) {
      const target = path.join(worktree, nm.relDir, 'node_modules');
      if (!fs.existsSync(target)) {
        fs.symlinkSync(nm.abs, target, 'dir');
        linked = target;
      }
    }
    synthesize(appDir, outdir, `${gitRef.ref} (${gitRef.commit.slice(0, 12)})`, log);
    return use(outdir, appDir);
  } finally {
    if (linked) {
      try {
        fs.unlinkSync(linked);
      } catch {
        // already gone
      }
    }
    if (added) {
      const rm = git(['worktree', 'remove', '--force', worktree], cwd);
      if (rm.status !== 0) git(['worktree', 'prune'], cwd);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    if (added) git(['worktree', 'prune'], cwd);
  }
}

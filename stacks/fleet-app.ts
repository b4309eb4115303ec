/**
 * Synthesizes a whole fleet, one stack per site, safely: every rule of the whole fleet is
 * checked before anything is written; the stacks are written to a temporary directory
 * beside the output; only when all of them succeed does that directory replace the output.
 * A failed synth leaves the previous output exactly as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { Fleet } from '../constructs/fleet';
import { Site } from '../constructs/site';
import { FleetValidationError } from '../constructs/violations';
import { SiteStack } from './site-stack';

/** Adds one SiteStack per site of `fleet` to `app`. */
export function addSiteStacks(app: App, fleet: Fleet): SiteStack[] {
  return fleet.node.children.filter((c): c is Site => c instanceof Site).map((site) => new SiteStack(app, { site }));
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
}

export interface SynthesizeResult {
  readonly stacks: readonly string[];
}

/**
 * Validates `fleet` as a whole (throwing a FleetValidationError with every violation),
 * synthesizes it to a temporary directory and swaps that in for `outdir`.
 */
export function synthesizeFleet(fleet: Fleet, options: SynthesizeOptions): SynthesizeResult {
  fleet.assertValid();
  const outdir = path.resolve(options.outdir);
  const parent = path.dirname(outdir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}.tmp-`));
  let stacks: string[];
  try {
    const app = new App({ outdir: tmp });
    stacks = addSiteStacks(app, fleet).map((s) => s.node.id);
    app.synth();
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const orphans = options.leaveOrphansForCli ? orphanStackDirs(outdir, stacks) : [];
  replaceDir(tmp, outdir);
  for (const name of orphans) fs.mkdirSync(path.join(outdir, 'stacks', name), { recursive: true });
  return { stacks };
}

function orphanStackDirs(outdir: string, stacks: readonly string[]): string[] {
  const dir = path.join(outdir, 'stacks');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => !stacks.includes(name));
}

/** Puts `from` where `to` is, moving the old `to` aside first and deleting it after. */
function replaceDir(from: string, to: string): void {
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
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/** True for errors in the user's fleet (printed as lines, without a stack trace). */
export function isUserError(e: unknown): e is Error {
  return e instanceof FleetValidationError || (e instanceof Error && /^unknown (fleet|platform|GPU model) /.test(e.message));
}

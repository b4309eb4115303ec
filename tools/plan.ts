/**
 * Reviewers' plan of a fleet change, without terraform: compares two `cdktf synth` outputs
 * (by default the base against the working tree, synthesized fresh).
 *   ts-node --transpile-only tools/plan.ts --base <dir|git-ref> [--head <dir> [--allow-stale]]
 *     [--format text|markdown|json|terraform-json] [--out <dir>] [--stack <glob>]
 * Exit status: 0 no changes, 2 changes, 1 error. The logic lives in tools/plan/.
 */
import { main } from './plan/cli';

process.exitCode = main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

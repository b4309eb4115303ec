/**
 * The cdktf app: builds the fleet named by FLEET (default: the reference fleet) and
 * synthesizes one stack per site into CDKTF_OUTDIR (default: cdktf.out).
 *
 * Bad input stops synth with one line per violation and exit code 1; nothing is written.
 */
import { loadFleet } from './fleets';
import { isUserError, synthesizeFleet } from './stacks/fleet-app';

function main(): number {
  try {
    const fleet = loadFleet(process.env.FLEET || undefined);
    synthesizeFleet(fleet, {
      outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
      // The cdktf CLI sets this when it runs the app; it deletes orphaned stack dirs itself.
      leaveOrphansForCli: process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined,
    });
    return 0;
  } catch (e) {
    if (isUserError(e)) {
      process.stderr.write(`gpu-fleet: synth refused, nothing was written.\n${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main();

/**
 * The cdktf app: builds the fleet named by FLEET (default: the reference fleet) and
 * synthesizes one stack per site into CDKTF_OUTDIR (default: cdktf.out).
 *
 * Bad input stops synth with one line per violation and exit code 1; nothing is written.
 */
import { loadFleet } from './fleets';
import { runSynth } from './stacks/fleet-app';

process.exitCode = runSynth(() => loadFleet(process.env.FLEET || undefined));

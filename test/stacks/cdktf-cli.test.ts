/**
 * A refused synth through the real cdktf CLI (`npx cdktf synth`, README's command), on a fleet
 * with one mistake in each layer: what the user reads, and that nothing is written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { synthesizeFleet } from '../../stacks/fleet-app';
import { removeDir, tempDir } from '../support/synth';
import { smallFleet } from './fixtures/fleets';

const REPO = path.resolve(__dirname, '../..');

const THREE_LAYER_LINES = [
  `lab-01/training: label key is one the fleet sets on Ascend pools for Huawei's MindCluster, got "accelerator-type", expected a key other than accelerator, accelerator-type`,
  'lab-02: site draws more than its utility capacity (IT load x PUE 1.3), got "0.080 MW", expected at most 0.02 MW',
  'lab-03/training: ResourceFlavor training has too many tolerations (one per pool taint), got 9, expected at most 8',
];

function count(text: string, line: string): number {
  return text.split('\n').filter((l) => l.trim() === line).length;
}

describe('npx cdktf synth of a broken fleet', () => {
  let parent: string;
  afterEach(() => removeDir(parent));

  it('prints each violation once on stdout, grouped by site, without the CLI error prefix or Terraform noise, and writes nothing', () => {
    parent = tempDir('gpu-fleet-cli-');
    const outdir = path.join(parent, 'cdktf.out');
    synthesizeFleet(smallFleet(), { outdir });
    const manifest = fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8');
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', SYNTH_FLEET: 'three-layer', FORCE_COLOR: '0' };
    // Terraform warns on every `terraform version` the CLI runs when this names a missing file.
    delete env.TF_CLI_CONFIG_FILE;
    const run = spawnSync(
      path.join(REPO, 'node_modules/.bin/cdktf'),
      ['synth', '--app', 'node -r ./tools/ts-register.js test/stacks/fixtures/synth-fleet.ts', '--output', outdir],
      { cwd: REPO, env, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    for (const line of THREE_LAYER_LINES) expect(count(run.stdout, line)).toBe(1);
    const report = run.stdout.slice(run.stdout.indexOf('gpu-fleet: synth refused'));
    expect(report.split('\n').slice(0, 11)).toEqual([
      'gpu-fleet: synth refused, nothing was written.',
      '3 violations in 3 sites:',
      '',
      'lab-01:',
      `  ${THREE_LAYER_LINES[0]}`,
      '',
      'lab-02:',
      `  ${THREE_LAYER_LINES[1]}`,
      '',
      'lab-03:',
      `  ${THREE_LAYER_LINES[2]}`,
    ]);
    // Above the report: only the CLI's spinner ("Starting", "Synthesizing" and its cursor moves).
    const above = run.stdout
      .slice(0, run.stdout.indexOf('gpu-fleet: synth refused'))
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
      .split('\n')
      .filter((l) => !/^\W*(Starting|Synthesizing)?\s*$/.test(l));
    expect(above).toEqual([]);
    expect(run.stdout).not.toContain('[ERROR] default -');
    expect(run.stdout + run.stderr).not.toContain('terraformrc');
    expect(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(fs.readdirSync(parent)).toEqual(['cdktf.out']);
  });
});

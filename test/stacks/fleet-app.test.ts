import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, TerraformStack } from 'cdktf';
import { Fleet } from '../../constructs/fleet';
import { FleetValidationError, formatReport, formatViolation, Violation } from '../../constructs/violations';
import { fleetNames } from '../../fleets';
import { isUserError, outdirFromEnv, runSynth, synthesizeFleet, UnsafeOutdirError } from '../../stacks/fleet-app';
import { removeDir, tempDir } from '../support/synth';
import { hgx, tinySite } from '../support/tiny-fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { MigLayout } from '../../constructs/mig-layout';
import { NodePool } from '../../constructs/node-pool';
import { buildFleet, TRAINING_POOL } from '../../fleets/site-design';
import * as YAML from 'yaml';
import { brokenFleet, invalidFleet, LAB, NINE_TAINTS, smallFleet, threeLayerFleet } from './fixtures/fleets';

/**
 * Stack-level rules for one test: SiteStack as it is, plus a validation that reports
 * `mockStackRule.problems` (empty unless a test sets them).
 */
const mockStackRule: { problems: string[]; throwIn?: string; thrown?: string } = { problems: [] };
jest.mock('../../stacks/site-stack', () => {
  const actual = jest.requireActual<typeof import('../../stacks/site-stack')>('../../stacks/site-stack');
  class SiteStackWithTestRule extends actual.SiteStack {
    constructor(...args: ConstructorParameters<typeof actual.SiteStack>) {
      super(...args);
      if (mockStackRule.throwIn === this.node.id) {
        // What a stack object that checks its props throws while the stack is built.
        throw new (jest.requireActual<typeof import('../../constructs/violations')>('../../constructs/violations').FleetValidationError)([
          { path: `${this.node.id}/nvidia-device-plugin`, message: mockStackRule.thrown! },
        ]);
      }
      const problems = [...mockStackRule.problems];
      this.node.addValidation({ validate: () => problems });
    }
  }
  return { ...actual, SiteStack: SiteStackWithTestRule };
});

const REPO = path.resolve(__dirname, '../..');

/** Every directory and file under `dir`, relative path -> `dir` or the file's sha256. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        out[`${p}/`] = 'dir';
        walk(p);
      } else {
        out[p] = createHash('sha256').update(fs.readFileSync(path.join(dir, p))).digest('hex');
      }
    }
  };
  walk('');
  return out;
}

/** A temporary parent directory and the `cdktf.out` inside it. */
function outdirInTemp(): { parent: string; outdir: string } {
  const parent = tempDir('gpu-fleet-fleet-app-');
  return { parent, outdir: path.join(parent, 'cdktf.out') };
}

/** An outdir holding a valid synth of the small fleet, with its tree and inode. */
function previousOutput() {
  const { parent, outdir } = outdirInTemp();
  synthesizeFleet(smallFleet(), { outdir });
  return { parent, outdir, before: tree(outdir), inode: fs.statSync(outdir).ino };
}

/** Expects `outdir` exactly as it was and nothing else beside it (no temporary directories). */
function expectUntouched(prev: ReturnType<typeof previousOutput>): void {
  expect(tree(prev.outdir)).toEqual(prev.before);
  expect(fs.statSync(prev.outdir).ino).toBe(prev.inode);
  expect(fs.readdirSync(prev.parent)).toEqual(['cdktf.out']);
}

/** The violations synthesizeFleet refuses `build()`'s fleet with (into a throwaway outdir). */
function refusal(build: () => Fleet): readonly Violation[] {
  const { parent, outdir } = outdirInTemp();
  dirs.push(parent);
  const error = thrown(() => synthesizeFleet(build(), { outdir }));
  expect(error).toBeInstanceOf(FleetValidationError);
  return (error as FleetValidationError).violations;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, but nothing was thrown');
}

const dirs: string[] = [];
afterEach(() => {
  jest.restoreAllMocks();
  mockStackRule.problems = [];
  delete mockStackRule.throwIn;
  delete mockStackRule.thrown;
  delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('synthesizeFleet', () => {
  it('writes one stack per site and leaves no temporary directory behind', () => {
    const { parent, outdir } = outdirInTemp();
    dirs.push(parent);
    const { stacks } = synthesizeFleet(smallFleet(), { outdir });
    expect(stacks).toEqual(['lab-01', 'lab-02']);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks)).toEqual(['lab-01', 'lab-02']);
    for (const s of stacks) {
      expect(fs.existsSync(path.join(outdir, 'stacks', s, 'cdk.tf.json'))).toBe(true);
      expect(fs.existsSync(path.join(outdir, 'stacks', s, 'nodes.auto.tfvars.json'))).toBe(true);
    }
    expect(fs.readdirSync(parent)).toEqual(['cdktf.out']);
    expect(fs.statSync(outdir).mode & 0o777).toBe(0o755);
  });

  it('fails when the fleet breaks a rule, writes nothing and leaves the previous output byte-for-byte', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    const error = thrown(() => synthesizeFleet(invalidFleet(), { outdir: prev.outdir }));
    expect(error).toBeInstanceOf(FleetValidationError);
    expect((error as FleetValidationError).violations.map(formatViolation)).toEqual([
      'lab-02: site draws more than its utility capacity (IT load x PUE 1.3), got "0.080 MW", expected at most 0.02 MW',
      'lab-02/row-01-a: feed is overloaded: with 2N power side A alone must carry racks rack-001, rack-002, rack-003, got "61.2 kW", expected at most 17.3 kW available',
      'lab-02/row-01-b: feed is overloaded: with 2N power side B alone must carry racks rack-001, rack-002, rack-003, got "61.2 kW", expected at most 17.3 kW available',
    ]);
    expectUntouched(prev);
  });

  it('fails when a stack construct breaks a rule, before cdktf writes anything', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    mockStackRule.problems = ['config is wrong, got 1, expected 2', 'other is wrong, got 3, expected 4'];
    const error = thrown(() => synthesizeFleet(smallFleet(), { outdir: prev.outdir }));
    expect(error).toBeInstanceOf(FleetValidationError);
    expect((error as FleetValidationError).violations.map(formatViolation)).toEqual([
      'lab-01: config is wrong, got 1, expected 2',
      'lab-01: other is wrong, got 3, expected 4',
      'lab-02: config is wrong, got 1, expected 2',
      'lab-02: other is wrong, got 3, expected 4',
    ]);
    expectUntouched(prev);
  });

  it('fails when synth breaks off halfway, and the half-written files never reach the output', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App) {
      fs.mkdirSync(path.join(this.outdir, 'stacks', 'lab-01'), { recursive: true });
      fs.writeFileSync(path.join(this.outdir, 'stacks', 'lab-01', 'cdk.tf.json'), '{"half": ');
      throw new Error('disk full');
    });
    expect(() => synthesizeFleet(smallFleet(), { outdir: prev.outdir })).toThrow('disk full');
    expectUntouched(prev);
  });

  it('fails when error annotations would pass under the cdktf CLI', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    // The CLI sets this so that app.synth() writes the output in spite of error annotations.
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
    const synth = App.prototype.synth;
    jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App) {
      const stack = this.node.children.find((c) => TerraformStack.isStack(c))!;
      Annotations.of(stack).addError('the provider is misconfigured');
      synth.call(this);
    });
    const error = thrown(() => synthesizeFleet(smallFleet(), { outdir: prev.outdir }));
    expect(error).toBeInstanceOf(FleetValidationError);
    expect((error as FleetValidationError).violations.map(formatViolation)).toEqual(['lab-01: the provider is misconfigured']);
    expectUntouched(prev);
  });

  it('writes byte-identical output for two synths of the same fleet, with no trace of where it was written', () => {
    const a = outdirInTemp();
    const b = outdirInTemp();
    dirs.push(a.parent, b.parent);
    synthesizeFleet(smallFleet(), { outdir: a.outdir });
    synthesizeFleet(smallFleet(), { outdir: b.outdir });
    const treeA = tree(a.outdir);
    expect(Object.keys(treeA).sort()).toEqual([
      'manifest.json',
      'stacks/',
      'stacks/lab-01/',
      'stacks/lab-01/cdk.tf.json',
      'stacks/lab-01/gpu-operator-values.yaml',
      'stacks/lab-01/nodes.auto.tfvars.json',
      'stacks/lab-02/',
      'stacks/lab-02/cdk.tf.json',
      'stacks/lab-02/gpu-operator-values.yaml',
      'stacks/lab-02/nodes.auto.tfvars.json',
    ]);
    expect(tree(b.outdir)).toEqual(treeA);
    for (const file of Object.keys(treeA).filter((f) => !f.endsWith('/'))) {
      const text = fs.readFileSync(path.join(a.outdir, file), 'utf8');
      expect(text).not.toContain(a.parent);
      expect(text).not.toContain('.tmp-');
      expect(text).not.toMatch(/"(stack)?[Tt]race"/);
    }
  });

  it('replaces the previous output as a whole, keeping only Terraform working files of stacks that remain', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    const stack = path.join(prev.outdir, 'stacks', 'lab-01');
    fs.mkdirSync(path.join(stack, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(stack, '.terraform', 'providers', 'cache'), 'provider binary');
    fs.writeFileSync(path.join(stack, '.terraform.lock.hcl'), 'lock');
    fs.writeFileSync(path.join(stack, 'terraform.tfstate'), '{"serial": 7}');
    fs.writeFileSync(path.join(stack, 'stale.auto.tfvars.json'), '{"nodes_old": {}}');
    fs.mkdirSync(path.join(prev.outdir, 'stacks', 'old-site'));
    fs.writeFileSync(path.join(prev.outdir, 'stacks', 'old-site', 'cdk.tf.json'), '{}');

    synthesizeFleet(smallFleet(), { outdir: prev.outdir });

    const after = tree(prev.outdir);
    expect(fs.readFileSync(path.join(stack, '.terraform', 'providers', 'cache'), 'utf8')).toBe('provider binary');
    expect(fs.readFileSync(path.join(stack, '.terraform.lock.hcl'), 'utf8')).toBe('lock');
    expect(fs.readFileSync(path.join(stack, 'terraform.tfstate'), 'utf8')).toBe('{"serial": 7}');
    const kept = ['stacks/lab-01/.terraform/', 'stacks/lab-01/.terraform/providers/', 'stacks/lab-01/.terraform/providers/cache', 'stacks/lab-01/.terraform.lock.hcl', 'stacks/lab-01/terraform.tfstate'];
    for (const k of kept) delete after[k];
    expect(after).toEqual(prev.before);
    expect(fs.readdirSync(prev.parent)).toEqual(['cdktf.out']);
  });

  it('leaves removed stacks as empty directories when the cdktf CLI runs it (the CLI deletes them)', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    fs.mkdirSync(path.join(prev.outdir, 'stacks', 'old-site'));
    fs.writeFileSync(path.join(prev.outdir, 'stacks', 'old-site', 'cdk.tf.json'), '{}');
    synthesizeFleet(smallFleet(), { outdir: prev.outdir, leaveOrphansForCli: true });
    expect(fs.readdirSync(path.join(prev.outdir, 'stacks', 'old-site'))).toEqual([]);
    synthesizeFleet(smallFleet(), { outdir: prev.outdir });
    expect(fs.existsSync(path.join(prev.outdir, 'stacks', 'old-site'))).toBe(false);
  });

  it('rejects an outdir that is not a cdktf output, and leaves it alone', () => {
    const parent = tempDir('gpu-fleet-fleet-app-');
    dirs.push(parent);
    fs.writeFileSync(path.join(parent, 'notes.txt'), 'mine');
    const error = thrown(() => synthesizeFleet(smallFleet(), { outdir: parent }));
    expect(error).toBeInstanceOf(UnsafeOutdirError);
    expect((error as Error).message).toBe(`refusing to replace ${parent}: it is neither empty nor a cdktf output (no manifest.json)`);
    expect(fs.readdirSync(parent)).toEqual(['notes.txt']);
    expect(() => synthesizeFleet(smallFleet(), { outdir: path.join(parent, 'notes.txt') })).toThrow(`refusing to replace ${path.join(parent, 'notes.txt')}: it is not a directory`);
  });

  it('rejects the working directory and its parents as outdir', () => {
    expect(() => synthesizeFleet(smallFleet(), { outdir: '.' })).toThrow(`refusing to replace ${process.cwd()}: it is the working directory or one of its parents`);
    expect(() => synthesizeFleet(smallFleet(), { outdir: '..' })).toThrow(UnsafeOutdirError);
    expect(() => synthesizeFleet(smallFleet(), { outdir: '/' })).toThrow(UnsafeOutdirError);
  });
});

describe('synthesizeFleet: every mistake in one run', () => {
  it('refuses a fleet with a constructor mistake, a fleet-rule mistake and a stack-rule mistake in three sites, with all three lines', () => {
    expect(refusal(threeLayerFleet).map(formatViolation)).toEqual([
      `lab-01/training: label key is one the fleet sets on Ascend pools for Huawei's MindCluster, got "accelerator-type", expected a key other than accelerator, accelerator-type`,
      'lab-02: site draws more than its utility capacity (IT load x PUE 1.3), got "0.080 MW", expected at most 0.02 MW',
      'lab-03/training: ResourceFlavor training has too many tolerations (one per pool taint), got 9, expected at most 8',
    ]);
  });

  it("goes on to the other sites' stack rules when one site's stack throws while being built, and reports at the pools", () => {
    const mine = (devices: Record<string, number>) => GpuSharing.mig(MigLayout.of('mine', devices));
    const fleet = () =>
      buildFleet('throwing', [
        { ...LAB, pools: [TRAINING_POOL, { name: 'a', servers: 1, sharing: mine({ '3g.40gb': 2 }) }, { name: 'b', servers: 1, sharing: mine({ '1g.10gb': 7 }) }] },
        { ...LAB, id: 'lab-03', pools: [{ name: 'training', taints: NINE_TAINTS }] },
      ]);
    expect(refusal(fleet).map(formatViolation)).toEqual([
      'lab-01/b: MIG layout mine means {"3g.40gb":2} on H100-80GB (pool lab-01/a) but a different partition on H100-80GB (pool lab-01/b), got {"1g.10gb":7}, expected the same devices for one GPU model, or one layout name per partition',
      'lab-03/training: ResourceFlavor training has too many tolerations (one per pool taint), got 9, expected at most 8',
    ]);
  });

  it("reports a stack object's problem with a pool's device-plugin config at the pool, and the other sites' rules too", () => {
    mockStackRule.throwIn = 'lab-01';
    mockStackRule.thrown = 'device plugin config "inference": sharing.timeSlicing.resources[0].replicas must be a whole number >= 2, got 1, expected an integer >= 2';
    mockStackRule.problems = ['config is wrong, got 1, expected 2'];
    expect(refusal(smallFleet).map(formatViolation)).toEqual([
      `lab-01/inference: ${mockStackRule.thrown}`,
      'lab-02: config is wrong, got 1, expected 2',
    ]);
  });

  it('writes one MIG config for a layout name two GPU models of a site share, with a device-filter per model', () => {
    const { parent, outdir } = outdirInTemp();
    dirs.push(parent);
    const t = tinySite();
    const sharing = GpuSharing.mig(MigLayout.uniform('1g.10gb'));
    const h100 = new NodePool(t.site, 'h100-mig', { servers: [hgx(t.rack, 1)], sharing });
    new NodePool(t.site, 'a100-mig', { servers: [hgx(t.rack, 9, {}, 'hgx-a100-40gb')], sharing });
    expect(h100.gpuModel?.name).toBe('H100-80GB');
    synthesizeFleet(t.fleet, { outdir });
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'lab-01', 'cdk.tf.json'), 'utf8'));
    const maps = Object.values(tf.resource.kubernetes_config_map_v1 as Record<string, { data: Record<string, string> }>);
    const config = YAML.parse(maps.find((m) => m.data['config.yaml']?.includes('mig-configs'))!.data['config.yaml']);
    expect(config['mig-configs']['all-1g.10gb']).toEqual([
      { 'device-filter': ['0x233010DE', '0x233110DE'], devices: 'all', 'mig-enabled': true, 'mig-devices': { '1g.10gb': 7 } },
      { 'device-filter': ['0x20B010DE', '0x20B110DE', '0x20F110DE'], devices: 'all', 'mig-enabled': true, 'mig-devices': { '1g.10gb': 4 } },
    ]);
  });
});

describe('isUserError and outdirFromEnv', () => {
  it('treat rule violations, unknown names and unsafe outdirs as user errors, anything else as a bug', () => {
    expect(isUserError(new FleetValidationError([]))).toBe(true);
    expect(isUserError(new UnsafeOutdirError('/x', 'why'))).toBe(true);
    expect(isUserError(new Error('unknown platform "x", expected one of: a'))).toBe(true);
    expect(isUserError(new TypeError('cannot read properties of undefined'))).toBe(false);
  });

  it('reads CDKTF_OUTDIR, and falls back to cdktf.out when it is unset or empty', () => {
    expect(outdirFromEnv({ CDKTF_OUTDIR: '/out' })).toBe('/out');
    expect(outdirFromEnv({})).toBe('cdktf.out');
    expect(outdirFromEnv({ CDKTF_OUTDIR: '' })).toBe('cdktf.out');
  });
});

describe('runSynth', () => {
  it('returns 0 and writes the output for a valid fleet', () => {
    const { parent, outdir } = outdirInTemp();
    dirs.push(parent);
    let err = '';
    expect(runSynth(smallFleet, { CDKTF_OUTDIR: outdir }, { stdout: { write: (t: string) => (err += t) }, stderr: { write: (t: string) => (err += t) } })).toBe(0);
    expect(err).toBe('');
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(true);
  });

  it('returns 1 and prints every violation, grouped by site, without a stack trace, when the fleet is broken', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    let err = '';
    expect(runSynth(brokenFleet, { CDKTF_OUTDIR: prev.outdir }, { stdout: { write: () => undefined }, stderr: { write: (t: string) => (err += t) } })).toBe(1);
    expect(err).toBe(`gpu-fleet: synth refused, nothing was written.\n${formatReport(refusal(brokenFleet))}\n`);
    expectUntouched(prev);
  });

  it('prints the report on stdout under the cdktf CLI, which logs every stderr chunk as an error', () => {
    const { parent, outdir } = outdirInTemp();
    dirs.push(parent);
    let out = '';
    let err = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } };
    expect(runSynth(brokenFleet, { CDKTF_OUTDIR: outdir, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' }, io)).toBe(1);
    expect(err).toBe('');
    expect(out).toBe(`gpu-fleet: synth refused, nothing was written.\n${formatReport(refusal(brokenFleet))}\n`);
  });

  it('rethrows errors that are bugs, not user errors', () => {
    expect(() =>
      runSynth(
        () => {
          throw new TypeError('a bug');
        },
        {},
        { stdout: { write: () => undefined }, stderr: { write: () => undefined } },
      ),
    ).toThrow(TypeError);
  });
});

describe('running the app as a user does', () => {
  /** Runs `node -r ts-node/register/transpile-only <args>` in the repository with `env` added. */
  function node(args: string[], env: Record<string, string>) {
    return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', ...args], { cwd: REPO, env: { ...process.env, ...env }, encoding: 'utf8' });
  }

  it('exits 1 with every violation on stderr, no stack trace, and the previous output untouched', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    const run = node(['test/stacks/fixtures/synth-fleet.ts', 'broken'], { CDKTF_OUTDIR: prev.outdir });
    expect(run.status).toBe(1);
    const expected = refusal(brokenFleet).map(formatViolation);
    // Two broken designs, one broken pool, and a site that builds but breaks a rule.
    expect(expected).toEqual([
      expect.stringMatching(/^lab-02: unknown platform, got "hgx-h300", expected one of .*hgx-h100/),
      'lab-02: pue is out of range, got 0.9, expected a number from 1 to 3',
      'lab-03/training: mps replicas must be a whole number >= 2, got 1, expected an integer >= 2',
      'lab-03/training: label key uses the prefix nvidia.com/, which the fleet manages itself, got "nvidia.com/gpu.product", expected a key outside gpu-fleet.io/, topology.kubernetes.io/, nvidia.com/, kubernetes.io/',
      'lab-04/rack-001: rack draws more than its air cooling removes, got "20.4 kW", expected at most 15 kW',
    ]);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'gpu-fleet: synth refused, nothing was written.',
      '5 violations in 3 sites:',
      '',
      'lab-02:',
      ...expected.slice(0, 2).map((l) => `  ${l}`),
      '',
      'lab-03:',
      ...expected.slice(2, 4).map((l) => `  ${l}`),
      '',
      'lab-04:',
      `  ${expected[4]}`,
    ]);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe('');
    expectUntouched(prev);
  });

  it('exits 0 and writes the output for a valid fleet', () => {
    const { parent, outdir } = outdirInTemp();
    dirs.push(parent);
    const run = node(['test/stacks/fixtures/synth-fleet.ts', 'valid'], { CDKTF_OUTDIR: outdir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const inProcess = outdirInTemp();
    dirs.push(inProcess.parent);
    synthesizeFleet(smallFleet(), { outdir: inProcess.outdir });
    expect(tree(outdir)).toEqual(tree(inProcess.outdir));
  });

  it('main.ts exits 1 for an unknown fleet name, listing the known ones, and writes nothing', () => {
    const prev = previousOutput();
    dirs.push(prev.parent);
    const run = node(['main.ts'], { CDKTF_OUTDIR: prev.outdir, FLEET: 'nope' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`gpu-fleet: synth refused, nothing was written.\nunknown fleet "nope", expected one of: ${fleetNames().join(', ')}\n`);
    expect(fleetNames()).toContain('reference');
    expectUntouched(prev);
  });
});

/**
 * The CLI end to end, spawned as `node -r ts-node/register/transpile-only tools/plan.ts`:
 * exit codes, formats, errors, and a git-ref base synthesized in a temporary worktree.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cleanTempDirs, defaultNodes, labelsFor, siteStack, tempDir, writeSynth } from './plan-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const PLAN = path.join(ROOT, 'tools', 'plan.ts');
const REGISTER = require.resolve('ts-node/register/transpile-only');

afterAll(cleanTempDirs);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(e)) if (k.startsWith('CDKTF_') || k.startsWith('TS_NODE_') || k === 'PLAN_DEBUG') delete e[k];
  return e;
}

function plan(args: string[], cwd = ROOT): Run {
  const r = spawnSync(process.execPath, ['-r', REGISTER, PLAN, ...args], { cwd, env: env(), encoding: 'utf8', timeout: 100_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCleanError(r: Run, message: RegExp): void {
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('plan CLI', () => {
  const nodes = defaultNodes(3);
  const base = writeSynth({ 'yiwu-dc01': siteStack({ nodes }) });
  const same = writeSynth({ 'yiwu-dc01': siteStack({ nodes }) });
  const changed = writeSynth({ 'yiwu-dc01': siteStack({ nodes: { ...nodes, 'gpu-004': labelsFor('gpu-004') } }) });

  it('exits 0 and says No changes. when the outputs are the same', () => {
    const r = plan(['--base', base, '--head', same]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('No changes.');
  });

  it('exits 2 when there are changes', () => {
    const r = plan(['--base', base, '--head', changed]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('+ kubernetes_labels.pool-h100-train_node-labels_A1B2C3D4["gpu-004"] will be created');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('Plan: 2 to add, 0 to change, 0 to destroy.');
  });

  it('prints one JSON document with --format json', () => {
    const r = plan(['--base', base, '--head', changed, '--format', 'json']);
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toEqual({ add: 2, change: 0, destroy: 0, move: 0 });
    expect(doc.stacks[0].resources).toHaveLength(2);
  });

  it('prints a pull-request comment with --format=markdown and filters stacks with --stack', () => {
    const r = plan([`--base=${base}`, `--head=${changed}`, '--format=markdown', '--stack', 'yiwu-*']);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^## Fleet plan\n\n\*\*Plan: 2 to add, 0 to change, 0 to destroy\.\*\*/);
    expect(r.stdout).toContain('<details><summary><code>yiwu-dc01</code>');
  });

  it('prints its usage with --help and exits 0', () => {
    const r = plan(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: npx gpu-fleet plan --base <dir|git-ref>');
  });

  it('fails when --base is missing', () => {
    expectCleanError(plan(['--head', same]), /^plan: error: --base is required/);
  });

  it('fails when an argument is unknown', () => {
    expectCleanError(plan(['--base', base, '--colour']), /^plan: error: unknown argument "--colour" \(see --help\)\n$/);
  });

  it('fails when the format is unknown', () => {
    expectCleanError(plan(['--base', base, '--format', 'yaml']), /^plan: error: --format must be text, markdown, json, html or terraform-json, not "yaml"\n$/);
  });

  it('fails when the head directory is missing', () => {
    expectCleanError(plan(['--base', base, '--head', '/nonexistent/cdktf.out']), /^plan: error: --head: \/nonexistent\/cdktf\.out does not exist\n$/);
  });

  it('fails when the base is neither a directory nor a git ref', () => {
    expectCleanError(plan(['--base', 'no-such-dir-or-ref', '--head', same]), /^plan: error: --base: no-such-dir-or-ref is neither a directory nor a git ref of this repository\n$/);
  });

  it('fails when a cdk.tf.json is malformed', () => {
    const broken = writeSynth({ 'yiwu-dc01': siteStack() });
    fs.writeFileSync(path.join(broken, 'stacks', 'yiwu-dc01', 'cdk.tf.json'), '{ not json');
    expectCleanError(plan(['--base', base, '--head', broken]), /^plan: error: --head: stack "yiwu-dc01": .*cdk\.tf\.json is not valid JSON \(.*\)\n$/);
  });

  it('fails when --stack matches no stack', () => {
    expectCleanError(plan(['--base', base, '--head', same, '--stack', 'mars-*']), /^plan: error: --stack mars-\* matches no stack \(stacks: yiwu-dc01\)\n$/);
  });

  it('refuses a head with no stacks instead of reading it as deleting the whole fleet', () => {
    const empty = writeSynth({});
    expectCleanError(plan(['--base', base, '--head', empty]), /^plan: error: --head: .* holds no stacks; comparing with it would read as deleting the whole fleet\n$/);
    expectCleanError(plan(['--base', empty, '--head', same]), /^plan: error: --base: .* holds no stacks; comparing with it would read as creating the whole fleet\n$/);
  });

  it('exits 0 for a change of the provider block alone, as terraform -detailed-exitcode does, and still shows its risk', () => {
    const moved = writeSynth({ 'yiwu-dc01': siteStack({ nodes, context: 'other-cluster' }) });
    const r = plan(['--base', base, '--head', moved]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('! [provider] yiwu-dc01: provider.kubernetes[0].config_context: "yiwu-dc01" -> "other-cluster"');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('No changes to resources or outputs (see the risks above).');
  });

  it('writes terraform plan JSON per stack and the review document with --format terraform-json --out', () => {
    const out = path.join(tempDir(), 'plan-json');
    const r = plan(['--base', base, '--head', changed, '--format', 'terraform-json', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('gpu-fleet-review.json\nyiwu-dc01.tfplan.json\n');
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'yiwu-dc01.tfplan.json'), 'utf8'));
    expect(doc.format_version).toBe('1.2');
    expect(doc.resource_changes.filter((c: { change: { actions: string[] } }) => c.change.actions[0] === 'create')).toHaveLength(2);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'gpu-fleet-review.json'), 'utf8')).summary).toEqual({ add: 2, change: 0, destroy: 0, move: 0 });
  });

  it('fails when terraform-json has no --out', () => {
    expectCleanError(plan(['--base', base, '--head', changed, '--format', 'terraform-json']), /^plan: error: --format terraform-json writes one file per stack: give --out <dir>\n$/);
  });
});

describe('plan CLI heads', () => {
  /** An app directory whose cdktf.json runs `app`. */
  function makeApp(app: string): string {
    const dir = tempDir('plan-app-');
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ app }));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', esModuleInterop: true, types: [] } }));
    return dir;
  }

  it('refuses a --head older than the fleet sources unless --allow-stale', () => {
    const app = makeApp('false');
    const base = writeSynth({ 'yiwu-dc01': siteStack() });
    const head = writeSynth({ 'yiwu-dc01': siteStack({ nodes: defaultNodes(4) }) });
    fs.mkdirSync(path.join(app, 'fleets'));
    fs.writeFileSync(path.join(app, 'fleets', 'site.ts'), '// changed after the synth\n');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(app, 'fleets', 'site.ts'), later, later);
    expectCleanError(plan(['--base', base, '--head', head], app), /^plan: error: --head: .* is stale: it was synthesized at .*, before fleets\/site\.ts changed at .*; leave out --head to synthesize the working tree, or pass --allow-stale to compare it anyway\n$/);
    const r = plan(['--base', base, '--head', head, '--allow-stale'], app);
    expect(r.status).toBe(2);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('Plan: 2 to add, 0 to change, 0 to destroy.');
  });

  it('synthesizes the working tree fresh by default, whatever an earlier cdktf.out holds', () => {
    const base = writeSynth({ 'yiwu-dc01': siteStack() });
    const fresh = writeSynth({ 'yiwu-dc01': siteStack({ nodes: defaultNodes(5) }) });
    const app = makeApp(`mkdir -p "$CDKTF_OUTDIR" && cp -r ${fresh}/. "$CDKTF_OUTDIR"`);
    // An earlier synth left ./cdktf.out equal to the base; the app now writes five nodes.
    writeSynth({ 'yiwu-dc01': siteStack() }, path.join(app, 'cdktf.out'));
    const r = plan(['--base', base], app);
    expect(r.stderr).toContain('plan: synthesizing the working tree');
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^Comparing base .* with head the working tree\./);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('Plan: 4 to add, 0 to change, 0 to destroy.');
  });

  it('exits 1 with the violations when the working tree does not synthesize', () => {
    const fixture = path.join(ROOT, 'test', 'stacks', 'fixtures', 'synth-fleet.ts');
    const app = makeApp(`"${process.execPath}" -r "${REGISTER}" "${fixture}" broken`);
    const r = plan(['--base', writeSynth({ 'yiwu-dc01': siteStack() })], app);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/plan: error: synthesizing the working tree failed: .* exited with status 1:\n/);
    expect(r.stderr).toMatch(/lab-02/);
  });
});

describe('plan CLI with a git ref as base', () => {
  const MAIN_TS = `import * as fs from 'fs';
import * as path from 'path';
import { Manifest } from 'cdktf';

// A stand-in for the cdktf app: writes a synth output by hand to CDKTF_OUTDIR.
const outdir: string = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
const nodes: Record<string, Record<string, string>> = JSON.parse(fs.readFileSync(path.join(__dirname, 'nodes.json'), 'utf8'));
const stackDir = path.join(outdir, Manifest.stacksFolder, 'site-a');
fs.mkdirSync(stackDir, { recursive: true });
const doc = {
  terraform: { backend: { local: { path: path.join(process.cwd(), 'terraform.site-a.tfstate') } } },
  provider: { kubernetes: [{ config_path: '~/.kube/config', config_context: 'site-a' }] },
  variable: { nodes: { type: 'map(map(string))' } },
  resource: {
    kubernetes_labels: {
      node_labels: { for_each: '\${var.nodes}', api_version: 'v1', kind: 'Node', metadata: { name: '\${each.key}' }, labels: '\${each.value}' },
    },
  },
  output: { capacity: { value: { servers: Object.keys(nodes).length, gpus: 8 * Object.keys(nodes).length } } },
};
fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(doc, null, 2));
fs.writeFileSync(path.join(stackDir, 'nodes.auto.tfvars.json'), JSON.stringify({ nodes }, null, 2));
const stacks = { 'site-a': { name: 'site-a', synthesizedStackPath: 'stacks/site-a/cdk.tf.json', workingDirectory: 'stacks/site-a' } };
fs.writeFileSync(path.join(outdir, Manifest.fileName), JSON.stringify({ version: '0.21.0', stacks }, null, 2));
`;

  function git(repo: string, ...args: string[]): string {
    const r = spawnSync('git', ['-c', 'user.name=plan-test', '-c', 'user.email=plan-test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** A repository whose committed app synthesizes two nodes; the working tree then adds a third. */
  function makeRepo(mainTs = MAIN_TS): string {
    const repo = tempDir('plan-repo-');
    fs.writeFileSync(path.join(repo, 'main.ts'), mainTs);
    fs.writeFileSync(path.join(repo, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'npx ts-node --transpile-only main.ts' }));
    fs.writeFileSync(path.join(repo, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', esModuleInterop: true, types: [] } }));
    fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules\ncdktf.out\n');
    fs.writeFileSync(path.join(repo, 'nodes.json'), JSON.stringify({ n1: { pool: 'a' }, n2: { pool: 'a' } }));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'two nodes');
    fs.writeFileSync(path.join(repo, 'nodes.json'), JSON.stringify({ n1: { pool: 'a' }, n2: { pool: 'b' }, n3: { pool: 'a' } }));
    return repo;
  }

  function worktrees(repo: string): number {
    return git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;
  }

  it('synthesizes the ref in a temporary worktree and the working tree fresh', () => {
    const repo = makeRepo();
    const r = plan(['--base', 'HEAD'], repo);
    expect(r.stderr).toContain('plan: checking out HEAD');
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^Comparing base HEAD \([0-9a-f]{12}\) with head the working tree\./);
    expect(r.stdout).toContain('~ kubernetes_labels.node_labels["n2"] will be updated in-place\n        ~ labels.pool = "a" -> "b"');
    expect(r.stdout).toContain('+ kubernetes_labels.node_labels["n3"] will be created');
    expect(r.stdout).toMatch(/servers +2 -> 3 +\(\+1\)/);
    // The worktree's own paths (the local backend's) are mapped back: no backend change.
    expect(r.stdout).not.toContain('backend');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('Plan: 1 to add, 1 to change, 0 to destroy.');
    // The head went to a temporary directory, and the JSON names no temporary path.
    expect(fs.existsSync(path.join(repo, 'cdktf.out'))).toBe(false);
    expect(worktrees(repo)).toBe(1);
    const json = JSON.parse(plan(['--base', 'HEAD', '--format', 'json'], repo).stdout);
    expect(json.base).toEqual({ kind: 'git', ref: 'HEAD', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(json.head).toEqual({ kind: 'working-tree' });
  });

  it('fails when the ref is unknown', () => {
    const repo = makeRepo();
    expectCleanError(plan(['--base', 'no-such-branch'], repo), /^plan: error: --base: no-such-branch is neither a directory nor a git ref of this repository\n$/);
  });

  it('fails when the ref does not synthesize, and removes the worktree', () => {
    const repo = makeRepo(`throw new Error('boom: fleet definition invalid');\n`);
    const head = writeSynth({ 'site-a': siteStack() });
    const r = plan(['--base', 'HEAD', '--head', head], repo);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/plan: error: synthesizing HEAD \([0-9a-f]{12}\) failed: "npx ts-node --transpile-only main.ts" exited with status 1:\n/);
    expect(r.stderr).toContain('boom: fleet definition invalid');
    expect(worktrees(repo)).toBe(1);
  });
});

/**
 * The command line as a pipe sees it: stdout carries the document and nothing else (no npm
 * banner, no log line), so that `npx gpu-fleet report --json | jq` and a plan's markdown as a
 * pull-request comment work. Each format goes through a parser or a checker.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { cleanTempDirs, defaultNodes, labelsFor, siteStack, writeSynth } from '../tools/plan-fixtures';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'gpu-fleet.js');

function gpuFleet(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => cleanTempDirs());

describe('npx gpu-fleet', () => {
  it('pipes report --json as one JSON document', () => {
    const r = gpuFleet(['report', '--json'], { FLEET: 'example' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.sites.map((s: { name: string }) => s.name)).toEqual(['hami-nvl01', 'wuhu-cm01', 'qingyang-h20-01']);
  });

  it('pipes report --site --json and --pool --json as JSON documents', () => {
    const site = JSON.parse(gpuFleet(['report', '--site', 'hami-nvl01', '--json'], { FLEET: 'example' }).stdout);
    expect(site.power.map((p: { side: string }) => p.side)).toEqual(['A', 'B']);
    const pool = JSON.parse(gpuFleet(['report', '--pool', 'training', '--json'], { FLEET: 'example' }).stdout);
    expect(pool.pools.length).toBeGreaterThan(0);
  });

  describe('plan', () => {
    const nodes = defaultNodes(3);
    const base = writeSynth({ 'yiwu-dc01': siteStack({ nodes }) });
    const head = writeSynth({ 'yiwu-dc01': siteStack({ nodes: { ...nodes, 'gpu-004': labelsFor('gpu-004') } }) });

    it('pipes --format json as one JSON document, exit code 2 for changes', () => {
      const r = gpuFleet(['plan', '--base', base, '--head', head, '--format', 'json']);
      expect(r.status).toBe(2);
      expect(JSON.parse(r.stdout).summary).toEqual({ add: 2, change: 0, destroy: 0, move: 0 });
    });

    it('pipes --format markdown as a comment that starts with its heading', () => {
      const r = gpuFleet(['plan', '--base', base, '--head', head, '--format', 'markdown']);
      expect(r.status).toBe(2);
      expect(r.stdout.split('\n')[0]).toBe('## Fleet plan');
      expect(r.stdout).not.toMatch(/^> /m);
      expect(r.stdout).toContain('<details><summary><code>yiwu-dc01</code>');
      // Every <details> the comment opens, it closes.
      expect((r.stdout.match(/<details>/g) ?? []).length).toBe((r.stdout.match(/<\/details>/g) ?? []).length);
    });
  });

  it('fails with the list of commands when the command is unknown', () => {
    const r = gpuFleet(['deploy']);
    expect(r).toEqual({ status: 1, stdout: '', stderr: 'gpu-fleet: unknown command "deploy", expected one of: report, plan, new-fleet\n' });
  });
});

describe('npm run -s', () => {
  it('pipes report --json as one JSON document, without npm banner', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['run', '-s', 'report', '--', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FLEET: 'example' } });
    expect(r.status).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['sites', 'totals', 'tenants']);
  });
});

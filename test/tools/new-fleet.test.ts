import * as fs from 'fs';
import * as path from 'path';
import { builderName, fleetSource, main, registerFleet } from '../../tools/new-fleet';
import { Fleet } from '../../constructs/fleet';
import { removeDir, synthFleetToTemp, tempDir } from '../support/synth';

// Plain JavaScript module (it runs before any TypeScript is loaded).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkFleetProgram } = require('../../tools/typecheck.js') as { checkFleetProgram(project: { root: string; roots: string[]; cacheDir: string }): string };

const ROOT = path.join(__dirname, '..', '..');
const INDEX = fs.readFileSync(path.join(ROOT, 'fleets', 'index.ts'), 'utf8');

function run(argv: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('new-fleet', () => {
  it('writes a fleet that compiles with the project settings, has no violations and synthesizes', () => {
    // A project of the generated file alone, importing this repository's modules. It lives under
    // node_modules/.cache so that the type packages tsconfig.json names resolve as for the project.
    const base = path.join(ROOT, 'node_modules', '.cache');
    fs.mkdirSync(base, { recursive: true });
    const dir = fs.mkdtempSync(path.join(base, 'new-fleet-test-'));
    try {
      const source = fleetSource('acme')
        .replace(/from '\.\.\/([^']+)'/g, (_m, p: string) => `from '${ROOT}/${p}'`)
        .replace(/from '\.\/([^']+)'/g, (_m, p: string) => `from '${ROOT}/fleets/${p}'`);
      fs.writeFileSync(path.join(dir, 'acme.ts'), source);
      const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, rootDir: undefined, outDir: undefined } }));
      expect(checkFleetProgram({ root: dir, roots: ['acme.ts'], cacheDir: path.join(dir, 'cache') })).toBe('');
      // Run it from outside node_modules, where jest transpiles TypeScript.
      const runDir = tempDir();
      fs.copyFileSync(path.join(dir, 'acme.ts'), path.join(runDir, 'acme.ts'));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fleet: Fleet = require(path.join(runDir, 'acme.ts')).acmeFleet();
      removeDir(runDir);
      expect(fleet.name).toBe('acme');
      expect(fleet.validate()).toEqual([]);
      const out = synthFleetToTemp(fleet);
      removeDir(path.dirname(out.outdir));
      expect(out.stacks).toEqual(['turpan-02', 'lab-01']);
    } finally {
      removeDir(dir);
    }
  });

  it('names the builder after the fleet', () => {
    expect(builderName('my-fleet')).toBe('myFleet');
    expect(builderName('acme')).toBe('acmeFleet');
    expect(builderName('lab-2-gpu')).toBe('lab2GpuFleet');
  });

  it('registers a fleet with one import and one entry of the FLEETS table', () => {
    const out = registerFleet(INDEX, 'acme');
    const added = out.split('\n').filter((l) => !INDEX.split('\n').includes(l));
    expect(added).toEqual(["import { acmeFleet } from './acme';", '  acme: () => acmeFleet(),']);
    expect(registerFleet(INDEX, 'lab-two')).toContain("  'lab-two': () => labTwoFleet(),\n};");
  });

  it('rejects a name that is registered already', () => {
    expect(() => registerFleet(INDEX, 'example')).toThrow('fleet "example" is already registered in fleets/index.ts');
  });

  it('writes the fleet and registers it, then refuses to overwrite it', () => {
    const dir = tempDir();
    try {
      fs.mkdirSync(path.join(dir, 'fleets'));
      fs.writeFileSync(path.join(dir, 'fleets', 'index.ts'), INDEX);
      const r = run(['acme'], dir);
      expect(r).toMatchObject({ code: 0, stdout: '' });
      expect(r.stderr).toContain('wrote fleets/acme.ts and registered it in fleets/index.ts');
      expect(fs.readFileSync(path.join(dir, 'fleets', 'acme.ts'), 'utf8')).toBe(fleetSource('acme'));
      expect(fs.readFileSync(path.join(dir, 'fleets', 'index.ts'), 'utf8')).toBe(registerFleet(INDEX, 'acme'));
      expect(run(['acme'], dir)).toEqual({ code: 1, stdout: '', stderr: 'new-fleet: fleets/acme.ts exists already\n' });
    } finally {
      removeDir(dir);
    }
  });

  it('rejects a missing or malformed name', () => {
    expect(run([], ROOT)).toMatchObject({ code: 1, stdout: '' });
    expect(run(['Acme_Fleet'], ROOT).stderr).toMatch(/^new-fleet: expected one fleet name of lowercase letters, digits and "-", got "Acme_Fleet"\n/);
  });
});

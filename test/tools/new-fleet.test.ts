import * as fs from 'fs';
import * as path from 'path';
import { builderName, fleetSource, main, registerFleet } from '../../tools/new-fleet';
import { removeDir, tempDir } from '../support/synth';

const ROOT = path.join(__dirname, '..', '..');
const INDEX = fs.readFileSync(path.join(ROOT, 'fleets', 'index.ts'), 'utf8');

function run(argv: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('new-fleet', () => {
  it('writes fleets/my-fleet.ts as kept in the repository, so npm test compiles and synthesizes the template', () => {
    expect(fleetSource('my-fleet')).toBe(fs.readFileSync(path.join(ROOT, 'fleets', 'my-fleet.ts'), 'utf8'));
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

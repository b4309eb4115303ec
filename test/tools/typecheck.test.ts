import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Plain JavaScript module (it runs before any TypeScript is loaded).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkFleetProgram } = require('../../tools/typecheck.js') as { checkFleetProgram(project?: { root: string; roots: string[]; cacheDir: string }): string };

/** A project of one main.ts, with its own tsconfig.json and result cache. */
function project(mainSource: string): { root: string; roots: string[]; cacheDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'typecheck-test-'));
  fs.writeFileSync(
    path.join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['ES2022'], module: 'commonjs', strict: true, types: [] } }),
  );
  fs.writeFileSync(path.join(root, 'main.ts'), mainSource);
  return { root, roots: ['main.ts'], cacheDir: path.join(root, 'cache') };
}

/** A fleet-like program of its own (no imports, so that each check takes a moment, not seconds). */
function fleetMain(servers: string): string {
  return `interface SiteDesign { readonly id: string; readonly servers: number }
export const SITES: SiteDesign[] = [{ id: 'lab-01', servers: ${servers} }];
`;
}

describe('checkFleetProgram', () => {
  const saved = process.env.GPU_FLEET_TYPECHECK;
  beforeAll(() => delete process.env.GPU_FLEET_TYPECHECK);
  afterAll(() => (saved === undefined ? undefined : (process.env.GPU_FLEET_TYPECHECK = saved)));

  it('rejects a fleet with a type error with the compiler message, and never caches a failure', () => {
    const p = project(fleetMain("'16'"));
    try {
      const first = checkFleetProgram(p);
      expect(first).toMatch(/^main\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'\./m);
      expect(fs.existsSync(p.cacheDir) ? fs.readdirSync(p.cacheDir).filter((f) => f.endsWith('.ok')) : []).toEqual([]);
      expect(checkFleetProgram(p)).toBe(first);
    } finally {
      fs.rmSync(p.root, { recursive: true, force: true });
    }
  });

  it('accepts a fleet that compiles and remembers it by the hash of its sources', () => {
    const p = project(fleetMain('16'));
    try {
      expect(checkFleetProgram(p)).toBe('');
      const markers = fs.readdirSync(p.cacheDir).filter((f) => f.endsWith('.ok'));
      expect(markers).toHaveLength(1);
      expect(checkFleetProgram(p)).toBe('');
      // An edit is a new program: checked again; the earlier result stays for a switch back.
      fs.writeFileSync(path.join(p.root, 'main.ts'), fleetMain("'x'"));
      expect(checkFleetProgram(p)).toContain('error TS2322');
      fs.writeFileSync(path.join(p.root, 'main.ts'), `${fleetMain('8')}// edited\n`);
      expect(checkFleetProgram(p)).toBe('');
      const now = fs.readdirSync(p.cacheDir).filter((f) => f.endsWith('.ok'));
      expect(now).toHaveLength(2);
      expect(now).toEqual(expect.arrayContaining(markers));
    } finally {
      fs.rmSync(p.root, { recursive: true, force: true });
    }
  });
});

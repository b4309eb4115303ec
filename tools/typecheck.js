/**
 * Type-checks the fleet program before it runs, so that a fleet definition with a type error
 * (a missing or misspelt prop, a wrong type) is refused with the compiler's message rather than
 * crashing later with a TypeError. `cdktf.json` preloads it for `cdktf synth`
 * (`node -r ./tools/ts-register.js -r ./tools/typecheck.js main.ts`); `bin/gpu-fleet.js` calls
 * it before `report`.
 *
 * Fast on purpose: tools/ts-register.js transpiles without checking types, and a full check costs
 * seconds. So a successful check is remembered under node_modules/.cache/gpu-fleet-typecheck,
 * keyed by a hash of every source file outside test/ (the files ts-register warms),
 * tsconfig.json, the TypeScript version and this file: an unchanged fleet costs one hash of the
 * sources (milliseconds), and TypeScript is not even loaded. After an edit the check is
 * incremental (a .tsbuildinfo in the same directory). Failures are never cached.
 * `GPU_FLEET_TYPECHECK=0` skips the check.
 *
 * Plain JavaScript, like ts-register.js, so that it runs before any TypeScript is loaded.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { ROOT, sourceFiles } = require('./ts-register');

/** The project's program: its root, what it starts from (the cdktf app and the report), where results are kept. */
const PROJECT = {
  root: ROOT,
  roots: ['main.ts', 'tools/report.ts'],
  cacheDir: process.env.GPU_FLEET_TYPECHECK_CACHE || path.join(ROOT, 'node_modules', '.cache', 'gpu-fleet-typecheck'),
};

/**
 * "declared but never used" errors (noUnusedLocals / noUnusedParameters): `npm test` reports them,
 * but they cannot break a synth, and commenting out a site should not refuse one.
 */
/** Results kept: enough for the programs one checkout switches between. */
const KEEP_RESULTS = 8;

const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

/** Hash of everything the check's result depends on. */
function programHash(project) {
  const h = crypto.createHash('sha256');
  h.update(`${process.version}\0${project.roots.join('\0')}\0`);
  for (const f of [path.join(project.root, 'tsconfig.json'), require.resolve('typescript/package.json'), __filename]) h.update(fs.readFileSync(f));
  for (const f of sourceFiles(project.root).sort()) {
    h.update(`\0${path.relative(project.root, f)}\0`);
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

/** The compiler's errors for the fleet program, formatted as tsc prints them; '' when there are none. */
function compile(project) {
  const ts = require('typescript');
  const configPath = path.join(project.root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) return ts.formatDiagnostics([read.error], formatHost(ts, project.root));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, project.root, undefined, configPath);
  const options = { ...parsed.options, noEmit: true, incremental: true, tsBuildInfoFile: path.join(project.cacheDir, 'fleet.tsbuildinfo') };
  const program = ts.createIncrementalProgram({ rootNames: project.roots.map((f) => path.join(project.root, f)), options });
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ].filter((d) => d.category === ts.DiagnosticCategory.Error && !UNUSED.has(d.code));
  if (diagnostics.length === 0) {
    try {
      fs.mkdirSync(project.cacheDir, { recursive: true });
      // With noEmit this writes only the .tsbuildinfo; atomically, as two synths may run at once.
      program.emit(undefined, (file, text) => {
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
      });
    } catch {
      // A read-only tree still checks, only not incrementally.
    }
  }
  return ts.formatDiagnostics(diagnostics, formatHost(ts, project.root));
}

function formatHost(ts, root) {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => ts.sys.newLine };
}

/**
 * Checks the fleet program, or remembers that this very program passed. Returns the compiler's
 * errors as text, or '' when it compiles. `project` (root, roots, cacheDir) defaults to this project.
 */
function checkFleetProgram(project = PROJECT) {
  if (process.env.GPU_FLEET_TYPECHECK === '0') return '';
  try {
    require.resolve('typescript/package.json');
  } catch {
    return ''; // an install without devDependencies: nothing to check with (npm test cannot run either)
  }
  const marker = path.join(project.cacheDir, `${programHash(project)}.ok`);
  if (fs.existsSync(marker)) return '';
  const errors = compile(project);
  if (errors === '') {
    try {
      fs.mkdirSync(project.cacheDir, { recursive: true });
      fs.writeFileSync(marker, '');
      // The newest few results stay (a plan's base and head, a branch switch), the directory does not grow.
      const markers = fs.readdirSync(project.cacheDir).filter((f) => f.endsWith('.ok')).map((f) => path.join(project.cacheDir, f));
      const byAge = markers.map((f) => [fs.statSync(f).mtimeMs, f]).sort((a, b) => b[0] - a[0]);
      for (const [, f] of byAge.slice(KEEP_RESULTS)) fs.rmSync(f, { force: true });
      // (an empty file: written whole or not at all)
    } catch {
      // Uncached: the next run checks again.
    }
  }
  return errors;
}

module.exports = { checkFleetProgram };

// Preloaded by cdktf.json's app (`node -r ./tools/typecheck.js main.ts`): refuse to synthesize a
// program that does not compile, with the message synth uses for a refused fleet, on the stream
// runSynth uses (stacks/fleet-app.ts): stdout under the cdktf CLI, which prefixes every stderr
// chunk with `[ERROR] default -`, stderr when run directly.
if (module.parent && module.parent.id === 'internal/preload') {
  const errors = checkFleetProgram();
  if (errors !== '') {
    const out = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined ? process.stdout : process.stderr;
    out.write(`gpu-fleet: synth refused, nothing was written.\nThe fleet does not compile (fix these, or run \`npx tsc --noEmit\`):\n${errors}`);
    process.exit(1);
  }
}

// `node tools/typecheck.js --warm` (in the `prepare` script, which `npm ci` runs): checks once, so that
// the first synth after a fresh install finds the result cached. Never fails the install.
if (require.main === module && process.argv[2] === '--warm') {
  try {
    const errors = checkFleetProgram();
    process.stdout.write(errors === '' ? 'typecheck: the fleet program compiles (result kept for the next synth)\n' : `typecheck: the fleet program does not compile:\n${errors}`);
  } catch (e) {
    process.stderr.write(`typecheck: not warmed: ${e.message}\n`);
  }
}

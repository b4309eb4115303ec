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

const CACHE_DIR = process.env.GPU_FLEET_TYPECHECK_CACHE || path.join(ROOT, 'node_modules', '.cache', 'gpu-fleet-typecheck');
/** What the fleet program starts from: the cdktf app and the report (everything else is imported). */
const ROOTS = ['main.ts', 'tools/report.ts'];

/** Hash of everything the check's result depends on. */
function programHash() {
  const h = crypto.createHash('sha256');
  h.update(`${process.version}\0`);
  for (const f of [path.join(ROOT, 'tsconfig.json'), require.resolve('typescript/package.json'), __filename]) h.update(fs.readFileSync(f));
  for (const f of sourceFiles().sort()) {
    h.update(`\0${path.relative(ROOT, f)}\0`);
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

/** The compiler's errors for the fleet program, formatted as tsc prints them; '' when there are none. */
function compile() {
  const ts = require('typescript');
  const configPath = path.join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) return ts.formatDiagnostics([read.error], formatHost(ts));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
  const options = { ...parsed.options, noEmit: true, incremental: true, tsBuildInfoFile: path.join(CACHE_DIR, 'fleet.tsbuildinfo') };
  const program = ts.createIncrementalProgram({ rootNames: ROOTS.map((f) => path.join(ROOT, f)), options });
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length === 0) {
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      program.emit(); // with noEmit, writes only the .tsbuildinfo
    } catch {
      // A read-only tree still checks, only not incrementally.
    }
  }
  return ts.formatDiagnostics(diagnostics, formatHost(ts));
}

function formatHost(ts) {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => ts.sys.newLine };
}

/**
 * Checks the fleet program, or remembers that this very program passed. Returns the compiler's
 * errors as text, or '' when it compiles.
 */
function checkFleetProgram() {
  if (process.env.GPU_FLEET_TYPECHECK === '0') return '';
  const hash = programHash();
  const marker = path.join(CACHE_DIR, `${hash}.ok`);
  if (fs.existsSync(marker)) return '';
  const errors = compile();
  if (errors === '') {
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      // One marker: an older program's is replaced, the directory does not grow.
      for (const f of fs.readdirSync(CACHE_DIR)) if (f.endsWith('.ok')) fs.rmSync(path.join(CACHE_DIR, f), { force: true });
      fs.writeFileSync(marker, '');
    } catch {
      // Uncached: the next run checks again.
    }
  }
  return errors;
}

module.exports = { checkFleetProgram };

// Preloaded by cdktf.json's app (`node -r ./tools/typecheck.js main.ts`): refuse to synthesize a
// program that does not compile, with the message synth uses for a refused fleet.
if (module.parent && module.parent.id === 'internal/preload') {
  const errors = checkFleetProgram();
  if (errors !== '') {
    process.stderr.write(`gpu-fleet: synth refused, nothing was written.\nThe fleet does not compile (fix these, or run \`npx tsc --noEmit\`):\n${errors}`);
    process.exit(1);
  }
}

/**
 * Runs the project's TypeScript without a build step, fast: `node -r ./tools/ts-register.js main.ts`.
 *
 * Each .ts file is transpiled on its own, exactly as `ts-node --transpile-only` does
 * (typescript's transpileModule with tsconfig.json's compiler options: no type check; `npm test`
 * type-checks), and the JavaScript is cached under node_modules/.cache/gpu-fleet-ts, keyed by a
 * hash of the file's path and contents, tsconfig.json, the TypeScript and Node versions and
 * this file.
 * An edited file is simply a new key: the cache is never stale, only bigger. On a warm cache
 * TypeScript itself is not even loaded.
 *
 * Unlike ts-node it installs no source-map-support: that hook formats every stack trace through
 * the source maps, and cdktf captures a stack trace per token. The cached JavaScript carries an
 * inline source map all the same: `node --enable-source-maps -r ./tools/ts-register.js ...`
 * (or NODE_OPTIONS=--enable-source-maps) shows TypeScript lines in stack traces.
 *
 * `node tools/ts-register.js --warm` (the `prepare` script, which `npm ci` runs) fills the cache for
 * every source file ahead of time, so that the first synth after a fresh install is as fast as
 * the next ones. It never fails: a file that does not transpile is reported and left to fail
 * when it is loaded.
 *
 * Plain JavaScript on purpose: it is what makes TypeScript loadable.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const TSCONFIG = path.join(ROOT, 'tsconfig.json');
const CACHE_DIR = process.env.GPU_FLEET_TS_CACHE || path.join(ROOT, 'node_modules', '.cache', 'gpu-fleet-ts');

let salt;
/** What, besides a file itself, decides its JavaScript. */
function cacheSalt() {
  if (salt === undefined) {
    const tsVersion = JSON.parse(fs.readFileSync(require.resolve('typescript/package.json'), 'utf8')).version;
    salt = crypto
      .createHash('sha256')
      .update(`${process.version}\0${tsVersion}\0${fs.readFileSync(TSCONFIG, 'utf8')}\0${fs.readFileSync(__filename, 'utf8')}`)
      .digest('hex');
  }
  return salt;
}

let ts;
let compilerOptions;
/** transpileModule of one file, as ts-node --transpile-only would, with an inline source map. */
function transpile(source, filename) {
  if (!ts) {
    ts = require('typescript');
    const read = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
    if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, TSCONFIG);
    compilerOptions = {
      ...parsed.options,
      module: ts.ModuleKind.CommonJS,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: true,
      declaration: false,
      declarationMap: false,
      noEmit: false,
      outDir: undefined,
      rootDir: undefined,
    };
  }
  const out = ts.transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: true });
  // Like ts-node, ignore diagnostics about the project's file set (6059 rootDir, 18002/18003 no inputs).
  const errors = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error && ![6059, 18002, 18003].includes(d.code));
  if (errors.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    throw new SyntaxError(`TypeScript cannot transpile ${filename}:\n${ts.formatDiagnostics(errors, host)}`);
  }
  return out.outputText;
}

/** The JavaScript of `filename`, from the cache or freshly transpiled (and then cached). */
function compiled(source, filename) {
  const key = crypto.createHash('sha256').update(`${cacheSalt()}\0${filename}\0${source}`).digest('hex');
  const file = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // not cached yet
  }
  const js = transpile(source, filename);
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, js);
    fs.renameSync(tmp, file);
  } catch {
    // A read-only tree still runs, uncached.
  }
  return js;
}

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(compiled(fs.readFileSync(filename, 'utf8'), filename), filename);
};

/** The project's source files (tests excepted: jest transpiles those itself). */
function sourceFiles(dir = ROOT, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!['node_modules', 'test', 'dist', 'cdktf.out'].includes(e.name) && !e.name.startsWith('.')) sourceFiles(p, out);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      out.push(p);
    }
  }
  return out;
}

module.exports = { ROOT, sourceFiles };

if (require.main === module && process.argv[2] === '--warm') {
  try {
    cacheSalt(); // needs typescript: without it there is nothing to warm
    let failed = 0;
    const files = sourceFiles();
    for (const f of files) {
      try {
        compiled(fs.readFileSync(f, 'utf8'), f);
      } catch (e) {
        failed++;
        process.stderr.write(`ts-register: ${e.message}\n`);
      }
    }
    process.stdout.write(`ts-register: ${files.length - failed} of ${files.length} TypeScript files transpiled into ${path.relative(ROOT, CACHE_DIR)}\n`);
  } catch (e) {
    // e.g. an install without devDependencies (no typescript): nothing to warm, nothing to fail.
    process.stderr.write(`ts-register: transpile cache not warmed: ${e.message}\n`);
  }
}

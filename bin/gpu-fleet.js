#!/usr/bin/env node
/**
 * `npx gpu-fleet <command> [options]`: the project's commands with clean output. Stdout carries
 * only what the command produces (a table, JSON, markdown), so it can be piped; everything else
 * goes to stderr. (`npm run <script>` prints its own banner on stdout; `npm run -s` does not.)
 *
 *   npx gpu-fleet report [--json] [--site <id>] [--pool <name>] [--html <file>] [--netbox <dir>]
 *   npx gpu-fleet plan --base <dir|git-ref> [--format text|markdown|json|html|terraform-json] ...
 *   npx gpu-fleet new-fleet <name>
 *
 * Plain JavaScript: it loads the TypeScript through tools/ts-register.js, and type-checks the
 * fleet program first (tools/typecheck.js, cached) so that a fleet with a type error is refused
 * with the compiler's message instead of failing at run time.
 */
'use strict';
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const io = {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Each command: its module (relative to the project root), whether it runs the fleet's code, and a line of help. */
const COMMANDS = {
  report: { module: 'tools/report.ts', fleet: true, help: "what the fleet holds: per site, --site <id>, --pool <name>; --json" },
  plan: { module: 'tools/plan/cli.ts', fleet: false, help: 'what a change does to each site, from two synth outputs (--help)' },
  'new-fleet': { module: 'tools/new-fleet.ts', fleet: false, help: 'start your own fleet: fleets/<name>.ts, registered in fleets/index.ts' },
};

function usage() {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: npx gpu-fleet <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.help}`),
    '',
    'Synthesize with `npx cdktf synth` (FLEET=<name> for another fleet).',
  ].join('\n');
}

function run(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(`${usage()}\n`);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`gpu-fleet: unknown command ${JSON.stringify(name)}, expected one of: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 1;
  }
  if (command.fleet) {
    const problems = require('../tools/typecheck').checkFleetProgram();
    if (problems) {
      io.stderr(`gpu-fleet ${name}: the fleet does not compile, nothing was run.\n${problems}`);
      return 1;
    }
  }
  require('../tools/ts-register');
  // A module's `command` (async) when it has one, else its `main`.
  const mod = require(path.join(ROOT, command.module));
  return (mod.command ?? mod.main)(rest, io);
}

Promise.resolve(run(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
});

#!/usr/bin/env node
// Runs the bundled CLI (dist/cc-bridge.mjs, made by build.ts): no tsx, and core's database and
// runtimes load only when a command needs them. A checkout whose source is newer than the
// bundle (an edit, a pull) gets it rebuilt first, so this command never runs stale code.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

const dist = new URL('../dist/', import.meta.url);
const bundle = new URL('cc-bridge.mjs', dist);

/** Whether any file the bundle was built from changed since (build.ts lists them in inputs.json). */
function isStale() {
  let built;
  let inputs;
  try {
    built = statSync(bundle).mtimeMs;
    inputs = JSON.parse(readFileSync(new URL('inputs.json', dist), 'utf8'));
  } catch {
    return true;
  }
  return inputs.some((input) => {
    try {
      return statSync(new URL(input, dist)).mtimeMs > built;
    } catch {
      return true; // a file gone since the build: the graph changed
    }
  });
}

if (isStale()) {
  process.stderr.write('cc-bridge: building the CLI bundle (apps/cli/dist)…\n');
  try {
    execFileSync(process.execPath, ['--import', 'tsx', new URL('../build.ts', import.meta.url).pathname], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch {
    process.stderr.write('cc-bridge: building the bundle failed; run `pnpm -C apps/cli build` to see why\n');
    process.exit(1);
  }
}
// Prisma's query compiler is WebAssembly. A command compiles a handful of queries and ends, so
// V8's optimising tier for it (TurboFan, compiled on other threads) only competes for the CPU
// with the command itself; its baseline code is enough (bench:cli: a repeated `list
// --skip-discovery` 0.31 → 0.27 s median on 2 cores). Set before any module is compiled.
setFlagsFromString('--liftoff-only');
await import(bundle.href);

// Bundles the CLI (src/main.ts and the TypeScript source of @cc-bridge/core) into
// dist/cc-bridge.mjs plus lazily loaded chunks, so the command starts without tsx and without
// loading core's database and runtimes until a command needs them.
//   pnpm -C apps/cli build    (the root postinstall runs it too; bin/cc-bridge.js rebuilds when stale)
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const cliDir = dirname(fileURLToPath(import.meta.url));
const distDir = join(cliDir, 'dist');

/**
 * Packages loaded from where pnpm installed them rather than bundled: PGlite finds its wasm
 * and data files next to its module, Prisma's runtime loads its query compiler the same way,
 * and dockerode (through ssh2, cpu-features) and pg (pg-native) have optional native parts.
 */
const installedPackages = ['@electric-sql/pglite', '@prisma/client', '@prisma/adapter-pg', 'dockerode', 'pg'];

/** What `--help` and usage errors must not load: a static import of any of these from the entry is a build error. */
const heavyInputs = [...installedPackages.map((name) => `/node_modules/${name}/`), '/packages/core/src/db/', '/packages/core/src/generated/prisma/'];

/**
 * What opening the registry (src/open.ts, every command that reads it) must not load: the Docker
 * client (dockerode with docker-modem, ssh2, grpc, protobufjs: ~0.1 s), which core loads with
 * import() on the first Docker call, and better-auth, which core loads on the first `auth()` call. A static import of it from the open chunk is a build error.
 */
const dockerInputs = ['/node_modules/dockerode/', '/packages/core/src/runtimes/docker/docker-client.ts', '/node_modules/better-auth/', '/node_modules/@better-auth/'];

/** Each chunk an entry point (or an import() target) becomes, and what it must not load before its code runs. */
const lazyBoundaries = [
  { entry: 'src/main.ts', forbidden: heavyInputs, remedy: 'import them with import() in the action' },
  { entry: 'src/open.ts', forbidden: dockerInputs, remedy: 'core must load them with import() on the first Docker call' },
];

/**
 * Prisma's runtime is plain CommonJS that finds nothing beside itself: bundled, Node need not scan
 * its 230 KB for export names (cjs-module-lexer) on every command (~40 ms of CPU).
 */
const bundledAnyway = new Set(['@prisma/client/runtime/client']);

const isInstalledPackage = (specifier: string) =>
  !bundledAnyway.has(specifier) && installedPackages.some((name) => specifier === name || specifier.startsWith(`${name}/`));

/**
 * Resolves those packages as core would (they are core's dependencies, not the CLI's) and
 * refers to the file by a path relative to dist/, which stays right when the checkout moves or
 * is linked onto PATH.
 */
const loadInstalled: Plugin = {
  name: 'load-installed-packages',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[@a-z]/ }, async (args) => {
      // pluginData marks this plugin's own request, which must not come back here.
      if (args.pluginData === 'installed' || !isInstalledPackage(args.path)) return undefined;
      const resolved = await pluginBuild.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'installed' });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: `./${relative(distDir, resolved.path).split(sep).join('/')}`, external: true };
    });
  },
};

/** Outputs the entry loads before running anything: followed through static imports only. */
function staticallyLoaded(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let output = pending.pop(); output !== undefined; output = pending.pop()) {
    if (seen.has(output)) continue;
    seen.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind === 'import-statement') pending.push(imported.external === true ? `external:${imported.path}` : imported.path);
    }
  }
  return seen;
}

await rm(distDir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: cliDir,
  // owner.mjs: the detached database owner a command starts (src/owner.ts).
  entryPoints: { 'cc-bridge': 'src/main.ts', owner: 'src/owner.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS (commander) calls require() for Node's own modules.
  banner: { js: "import { createRequire as __ccBridgeCreateRequire } from 'node:module'; const require = __ccBridgeCreateRequire(import.meta.url);" },
  plugins: [loadInstalled],
  metafile: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});

for (const { entry, forbidden, remedy } of lazyBoundaries) {
  const output = Object.keys(result.metafile.outputs).find((name) => result.metafile.outputs[name]?.entryPoint === entry);
  if (output === undefined) throw new Error(`the build made no chunk for ${entry}`);
  const loaded = [...staticallyLoaded(result.metafile, output)].flatMap((name) => {
    if (name.startsWith('external:')) return forbidden.some((part) => `/node_modules/${name.slice('external:'.length)}`.includes(part)) ? [name] : [];
    return Object.keys(result.metafile.outputs[name]?.inputs ?? {}).filter((input) => forbidden.some((part) => `/${input}`.includes(part)));
  });
  if (loaded.length > 0) throw new Error(`${output} (${entry}) statically loads modules it must not (${remedy}):\n  ${loaded.join('\n  ')}`);
}

// hook.mjs: the command Claude Code runs on every hook event (src/hook.ts). One file of its own,
// no shared chunks: it must start in the time of a bare `node`, so it may load Node's modules only.
const hook = await build({
  absWorkingDir: cliDir,
  entryPoints: { hook: 'src/hook.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
});
const hookImports = Object.values(hook.metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
const foreign = hookImports.filter((path) => !path.startsWith('node:'));
if (foreign.length > 0) throw new Error(`dist/hook.mjs must load only Node's own modules, but imports: ${foreign.join(', ')}`);

// What the launcher compares the bundle's age with (paths relative to dist/).
const inputs = [...Object.keys(result.metafile.inputs), ...Object.keys(hook.metafile.inputs)]
  .filter((input) => !input.includes('node_modules/'))
  .map((input) => relative(distDir, join(cliDir, input)).split(sep).join('/'));
await mkdir(distDir, { recursive: true });
await writeFile(join(distDir, 'inputs.json'), `${JSON.stringify(inputs, null, 1)}\n`);

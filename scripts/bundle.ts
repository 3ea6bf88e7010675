// Bundles the CLI, the daemon and the log writer into dist/bundle/ (run by `npm run build`), instead of
// ~200 ES modules: Node resolves, reads and links each module on its own, which was most of a command's
// start-up (issue 17).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { daemonNodeOptions } from '../src/daemon/node-options.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// One id for the CLI and the daemon of this build (src/build-id.ts): a CLI trusts its own build's daemon.
const thisBuild = { __WSO2_SUPERVISOR_BUILD__: JSON.stringify(randomUUID()) };
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  define: thisBuild,
} as const;

// The CLI and the daemon: one CommonJS file each. Each command runs as a short process, and Node's ES
// module loader cost ~20 ms of every `status` even for a bundle split in chunks (measured: ~140 ms as
// chunks, ~120 ms as one file), and of the daemon's start, on the way to a fleet's first launch. Command
// modules (and the daemon's reload) stay lazily evaluated inside; the Kubernetes models (600 KB, for
// `export` only) and pino-pretty (foreground `up`) are left in node_modules and loaded when used.
/**
 * commander requires node:child_process at load, for executable subcommands, which this CLI has none of:
 * Node compiles that module's JavaScript for every command, ~5 ms of a `status`. Here commander gets it
 * on first use instead.
 */
const lazyChildProcessForCommander: Plugin = {
  name: 'lazy-child-process-for-commander',
  setup(plugin) {
    plugin.onResolve({ filter: /^(node:)?child_process$/ }, ({ importer }) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(importer)
        ? { path: 'lazy-child-process', namespace: 'lazy' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents:
        "let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

const bundles = join(root, 'dist', 'bundle');
// A cache left from the last build must never meet the new bundle (V8 checks only the source's length).
for (const bundle of ['cli.cjs', 'status.cjs', 'daemon-main.cjs'])
  rmSync(join(bundles, `${bundle}.cache`), { force: true });
const cli = await build({
  ...common,
  metafile: true,
  entryPoints: {
    cli: 'src/cli/main.ts',
    status: 'src/cli/quick-status.ts',
    launch: 'src/cli/launcher.ts',
    daemon: 'src/daemon/start.ts',
    'daemon-main': 'src/daemon/main.ts',
  },
  outExtension: { '.js': '.cjs' },
  outdir: 'dist/bundle',
  format: 'cjs',
  external: ['kubernetes-models', 'pino-pretty'],
  plugins: [lazyChildProcessForCommander],
  // import.meta.url in CommonJS: this file's URL (package-root.ts finds the package from it).
  define: { ...thisBuild, 'import.meta.url': '__importMetaUrl' },
  // Strict, as the modules were written: esbuild's own "use strict" comes after a banner, where it counts
  // for nothing.
  banner: {
    js: '"use strict";\nvar __importMetaUrl = require(\'node:url\').pathToFileURL(__filename).href;',
  },
});
// Code run from a code cache has no loader for a dynamic import() (src/code-cache.ts): load by require.
const dynamic = Object.values(cli.metafile.outputs).flatMap((output) =>
  output.imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => i.path),
);
if (dynamic.length > 0)
  throw new Error(`a bundle would import() ${dynamic.join(', ')}: use createRequire instead`);

// V8's code caches for the CLI (src/code-cache.ts): the whole command line's and status's own, each from a
// run of its own bundle on `status` against an empty state folder, the one command that needs no manifest:
// for status.cjs, all it runs; for cli.cjs, the parsing and start-up every command shares (each command's
// own module, loaded on use, is compiled as usual). Without NODE_OPTIONS,
// whose flags V8 would find differ from a plain command's and refuse the cache for.
for (const bundle of ['cli.cjs', 'status.cjs']) {
  const { NODE_OPTIONS: _options, ...environment } = process.env;
  const empty = mkdtempSync(join(tmpdir(), 'wso2-supervisor-code-cache-'));
  const launch = `require(${JSON.stringify(join(bundles, 'launch.cjs'))}).launch(${JSON.stringify(join(bundles, bundle))})`;
  const trained = spawnSync(
    process.execPath,
    ['-e', launch, '--', 'status', '--json', '--state-dir', empty],
    {
      env: { ...environment, WSO2_SUPERVISOR_WRITE_CODE_CACHE: '1' },
      stdio: 'ignore',
    },
  );
  rmSync(empty, { recursive: true, force: true });
  // Exit 4: no supervisor runs for that folder, as meant.
  if (trained.status !== 4) throw new Error(`making ${bundle}'s code cache: status exited ${trained.status}`);
}

// The daemon's code cache, from a start it refuses at once (no manifest): its modules' top level and main
// are compiled then. Under the daemon's own V8 flags, which V8 checks before it takes a cache.
{
  const { NODE_OPTIONS: _options, ...environment } = process.env;
  const trained = spawnSync(process.execPath, [...daemonNodeOptions, join(bundles, 'daemon.cjs')], {
    env: { ...environment, WSO2_SUPERVISOR_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
  });
  // Exit 1: usage, as meant.
  if (trained.status !== 1) throw new Error(`making the daemon's code cache: it exited ${trained.status}`);
}

// The log writer: long-lived, one ES module. It is started beside the first launch, not before it. The
// folder's chunks/ is left alone: a daemon of an earlier build (ES module chunks) may still be running
// from it, and imports its lazy chunks by their hashed names.
await build({
  ...common,
  entryPoints: { 'log-writer': 'src/capture/log-writer.ts' },
  outdir: 'dist/bundle',
  format: 'esm',
});

// Bundles the CLI, the daemon and the log writer into dist/bundle/ (run by `npm run build`), instead of
// ~200 ES modules: Node resolves, reads and links each module on its own, which was most of a command's
// start-up (issue 17).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
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
} as const;

// The CLI: one CommonJS file. Each command runs as a short process, and Node's ES module loader cost
// ~20 ms of every `status` even for a bundle split in chunks (measured: ~140 ms as chunks, ~120 ms as one
// file). Command modules stay lazily evaluated inside it; the Kubernetes models (600 KB, for `export`
// only) and pino-pretty (foreground `up`) are left in node_modules and loaded when used.
await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outExtension: { '.js': '.cjs' },
  outdir: 'dist/bundle',
  format: 'cjs',
  external: ['kubernetes-models', 'pino-pretty'],
  // import.meta.url in CommonJS: this file's URL (package-root.ts finds the package from it).
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "var __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The daemon and the log writer: long-lived, ES modules with the lazy parts (a reload's manifest reader)
// in chunks. The folder is not emptied first: a daemon started from the last build imports its lazy
// chunks by their hashed names for as long as it runs, so a rebuild under it must leave them there.
await build({
  ...common,
  entryPoints: { daemon: 'src/daemon/main.ts', 'log-writer': 'src/capture/log-writer.ts' },
  outdir: 'dist/bundle',
  splitting: true,
  format: 'esm',
  chunkNames: 'chunks/[name]-[hash]',
  // The bundled CommonJS packages (pino) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});

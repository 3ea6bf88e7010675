// Bundles the CLI (and through it the daemon) and the log writer into dist/bundle/ (run by `npm run build`).
// One file per entry, plus a chunk per lazily imported command, instead of ~200 modules: Node's ESM loader
// resolves, reads and links each module on its own, which was most of a command's start-up (issue 17).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

// The folder is not emptied first: a daemon started from the last build imports its lazy chunks by their
// hashed names for as long as it runs, so a rebuild under it (an upgrade in place) must leave them there.

await build({
  absWorkingDir: root,
  entryPoints: {
    cli: 'src/cli/main.ts',
    daemon: 'src/daemon/main.ts',
    'log-writer': 'src/capture/log-writer.ts',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  // The bundled CommonJS packages (pino, commander) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});

#!/usr/bin/env node
// Thin launcher (CommonJS, see bin/package.json). The CLI is bundled into dist/bundle/ by `npm install`
// (the `prepare` script) or `npm run build`; launch.cjs picks the bundle for the command line (a plain
// `status` has its own, small one) and runs it from V8's code cache (src/cli/launcher.ts).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'bundle');
if (!existsSync(join(bundle, 'launch.cjs'))) {
  process.stderr.write(
    `wso2-supervisor: ${join(bundle, 'launch.cjs')} is missing: build it with npm run build\n`,
  );
  process.exit(1);
}
const { launch, bundleFor } = require(join(bundle, 'launch.cjs'));
launch(join(bundle, bundleFor(process.argv, process.execArgv)));

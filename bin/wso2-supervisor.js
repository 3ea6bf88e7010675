#!/usr/bin/env node
// Thin launcher (CommonJS, see bin/package.json). The CLI is bundled into dist/bundle/ by `npm install`
// (the `prepare` script) or `npm run build`; launch.cjs runs it from V8's code cache (src/code-cache.ts).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'bundle');
if (!existsSync(join(bundle, 'cli.cjs'))) {
  process.stderr.write(
    `wso2-supervisor: ${join(bundle, 'cli.cjs')} is missing: build it with npm run build\n`,
  );
  process.exit(1);
}
require(join(bundle, 'launch.cjs')).launch(join(bundle, 'cli.cjs'));

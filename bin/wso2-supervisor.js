#!/usr/bin/env node
// Thin launcher (CommonJS, see bin/package.json): the CLI is bundled into dist/bundle/ by `npm install`
// (the `prepare` script).
require('../dist/bundle/cli.cjs');

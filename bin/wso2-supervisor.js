#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/bundle/ by `npm install` (the `prepare` script).
import('../dist/bundle/cli.js');

// bench:plan: `plan --json` for 200 instances (100 MI + 100 API-M), every port probed, as a whole process.
// Target (issue 2): under 500 ms on a 2-core machine. NODE_EXTRA_CA_CERTS is unset for the measured process
// (this machine sets it; it adds ~75 ms to every Node start and users rarely have it).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { productOf } from '../src/products/catalog.js';
import type { ProductId } from '../src/products/product.js';
import { benchEnv, report } from './support.js';

const cli = fileURLToPath(new URL('../../bin/wso2-supervisor.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 7);
const targetMs = 500;

const root = mkdtempSync(path.join(tmpdir(), 'bench-plan-'));
const instances = Array.from({ length: 200 }, (_, k) => {
  const product: ProductId = k % 2 === 0 ? 'mi' : 'apim';
  const name = `${product}-${k}`;
  const script = path.join(root, name, productOf(product).startScript.sh);
  mkdirSync(path.dirname(script), { recursive: true });
  writeFileSync(script, '#!/bin/sh\n');
  chmodSync(script, 0o755);
  return { name, product, home: name };
});
writeFileSync(
  path.join(root, 'instances.json'),
  JSON.stringify({ offsets: { min: 0, max: 5000 }, instances }),
);

const env = benchEnv();
const timings: number[] = [];
let ports = 0;
for (let run = 0; run < runs; run++) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, 'plan', '--json'], { cwd: root, env, encoding: 'utf8' });
  timings.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (result.status !== 0 && result.status !== 3)
    throw new Error(`plan failed (${result.status}): ${result.stderr}`);
  const doc = JSON.parse(result.stdout) as { instances: { ports: unknown[] }[] };
  ports = doc.instances.reduce((sum, i) => sum + i.ports.length, 0);
}
rmSync(root, { recursive: true, force: true });

timings.sort((a, b) => a - b);
const median = timings[Math.floor(timings.length / 2)] ?? Number.NaN;
const nodeStart = (() => {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, ['-e', ''], { env });
  return Number(process.hrtime.bigint() - started) / 1e6;
})();
report({
  benchmark: 'plan',
  figures: [
    {
      name: `plan --json, ${instances.length} instances, ${ports} ports probed`,
      value: Math.round(median),
      unit: 'ms',
      target: { atMost: targetMs },
      note: `median of ${runs}, the whole process; min ${Math.round(timings[0] ?? Number.NaN)}, max ${Math.round(timings.at(-1) ?? Number.NaN)}; a bare node start takes ${Math.round(nodeStart)}`,
    },
  ],
  details: { timingsMs: timings.map(Math.round), bareNodeStartMs: nodeStart },
});

// `npm run chaos -- [--seconds N] [--seed S] [--instances K]`: the chaos run (chaos.ts). Prints the schedule
// as it fires and a report; exits 1 with the seed, the schedule and the evidence on any violation.
import { parseArgs } from 'node:util';
import { runChaos } from './chaos.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    instances: { type: 'string', default: '6' },
    /** Where the fleet's offsets may go (parallel runs on one machine each take their own): MIN-MAX. */
    offsets: { type: 'string', default: '20000-20400' },
  },
});
const seconds = Number(values.seconds);
const seed = Number(values.seed);
const instances = Number(values.instances);
const [min, max] = values.offsets.split('-').map(Number) as [number, number];
if (
  ![seconds, seed, instances, min, max].every(Number.isInteger) ||
  seconds < 1 ||
  instances < 1 ||
  max < min
) {
  console.error(
    'usage: npm run chaos -- [--seconds N] [--seed S] [--instances K] [--offsets MIN-MAX] (whole numbers)',
  );
  process.exit(2);
}
console.log(`chaos: seed ${seed}, ${seconds} s, ${instances} instances (replay with --seed ${seed})`);
const report = await runChaos({
  seconds,
  seed,
  instances,
  offsets: { min, max },
  say: (line) => console.log(line),
});
const { schedule, violations, ...figures } = report;
console.log(JSON.stringify(figures, null, 2));
if (violations.length > 0) {
  console.log(`\n${violations.length} violation(s); replay with --seed ${seed}. Schedule up to then:`);
  for (const line of schedule) console.log(`  ${line}`);
  for (const v of violations) console.log(`VIOLATION ${v.promise}: ${v.evidence}`);
  process.exit(1);
}
console.log('chaos: no violation');

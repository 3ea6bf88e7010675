// bench:start-all (issue 11): 20 instances (10 MI, 10 API-M), each with a 1 s simulated start-up, from
// `up -d` to all `running` by the real readiness checks. The simulator stamps the moment each one really
// became ready (its readiness check begins to answer 200); the daemon records when it saw each one ready.
// Targets: all `running` at most 150 ms after the last one really became ready, and sooner after `up -d`
// than the peers' real ready times measured here (PM2 1.8-1.9 s, supervisord 1.65-1.75 s).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { benchFleet } from './bench-fleet.js';
import { median, readJsonLines, report, round1 } from './support.js';

const count = Number(process.env.BENCH_INSTANCES ?? 20);
const runs = Number(process.env.BENCH_START_RUNS ?? 3);
const startupDelayMs = 1000;
const peersFastestMs = 1650; // supervisord's real ready time, the better of the two peers

interface ReadyStamp {
  pid: number;
  home: string;
  readyAt: number;
}

const fleet = await benchFleet('bench-start-', (root) =>
  Array.from({ length: count }, (_, k) => ({
    name: `i${k}`,
    product: k % 2 === 0 ? ('mi' as const) : ('apim' as const),
    env: {
      WSO2_SIM_STARTUP_DELAY_MS: String(startupDelayMs),
      WSO2_SIM_READY_STAMP: path.join(root, 'ready.jsonl'),
    },
  })),
);
const stampFile = path.join(fleet.root, 'ready.jsonl');

interface RunResult {
  /** From `up -d` to the last instance really ready (stamped by the simulator). */
  lastReadyMs: number;
  /** From `up -d` to the last instance `running` in the daemon. */
  allRunningMs: number;
  /** From `up -d` until the command returned, having seen all running. */
  upReturnedMs: number;
}

async function run(): Promise<RunResult> {
  rmSync(stampFile, { force: true });
  const started = Date.now();
  fleet.cliOk(['up', '-d']);
  const returned = Date.now();
  const instances = Object.values(fleet.state()?.instances ?? {});
  if (instances.length !== count || instances.some((i) => i.machine.state !== 'running'))
    throw new Error('up -d returned before every instance was running');
  const stamps = readJsonLines<ReadyStamp>(stampFile);
  if (stamps.length !== count) throw new Error(`${stamps.length} ready stamps for ${count} instances`);
  fleet.cliOk(['down']);
  return {
    lastReadyMs: Math.max(...stamps.map((s) => s.readyAt)) - started,
    allRunningMs: Math.max(...instances.map((i) => i.machine.readySince ?? Number.NaN)) - started,
    upReturnedMs: returned - started,
  };
}

try {
  const results: RunResult[] = [];
  for (let k = 0; k < runs; k++) results.push(await run());
  const lags = results.map((r) => r.allRunningMs - r.lastReadyMs);
  const allRunning = median(results.map((r) => r.allRunningMs));
  report({
    benchmark: 'start-all',
    figures: [
      {
        name: `all ${count} running after the last really ready`,
        value: round1(median(lags)),
        unit: 'ms',
        target: { atMost: 150 },
        note: `median of ${runs}; runs: ${lags.map(Math.round).join(', ')}`,
      },
      {
        name: `all ${count} running, from up -d`,
        value: Math.round(allRunning),
        unit: 'ms',
        target: { atMost: peersFastestMs },
        note: `median of ${runs}; ${startupDelayMs} ms of it is the simulated start-up; peers' real ready times: PM2 1800-1900, supervisord 1650-1750`,
      },
      {
        name: 'last really ready, from up -d',
        value: Math.round(median(results.map((r) => r.lastReadyMs))),
        unit: 'ms',
      },
      {
        name: 'up -d returned, from its start',
        value: Math.round(median(results.map((r) => r.upReturnedMs))),
        unit: 'ms',
      },
    ],
    details: { runs: results },
  });
} finally {
  fleet.cleanup();
}

// bench:churn (issue 22): six simulated instances (3 MI, 3 API-M) under `up -d`, then CHURN_SECONDS of
// control requests from six concurrent clients (restart, stop, start of random instances) while a random
// JVM is killed every 5 s. Reports the daemon's RSS at rest, its peak during the churn (sampled twice a
// second) and once settled again, and the worst latency of a `stop`, which per-instance ordering should keep
// near a stop's own duration. Not part of `npm run bench` (it takes about two minutes).
import { controlInstances } from '../src/daemon/control-client.js';
import type { ControlAction } from '../src/daemon/control-protocol.js';
import { benchFleet } from './bench-fleet.js';
import { memoryMb, percentile, report, round1 } from './support.js';

const churnSeconds = Number(process.env.CHURN_SECONDS ?? 60);
const settleSeconds = Number(process.env.BENCH_SETTLE_SECONDS ?? 30);
const names = ['mi-1', 'mi-2', 'mi-3', 'apim-1', 'apim-2', 'apim-3'];
const fleet = await benchFleet(
  'bench-churn-',
  names.map((name) => ({ name, product: name.startsWith('mi') ? ('mi' as const) : ('apim' as const) })),
  { defaults: { restart: { backoff: { initialSeconds: 0.5, maxSeconds: 2 }, maxRestarts: 1000 } } },
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

try {
  fleet.cliOk(['up', '-d']);
  const daemon = fleet.daemonPid();
  const stateDir = `${fleet.root}/state`;
  await sleep(settleSeconds * 1000);
  const atRest = memoryMb(daemon, 'VmRSS');

  let peak = atRest;
  const sampler = setInterval(() => {
    peak = Math.max(peak, memoryMb(daemon, 'VmRSS'));
  }, 500);
  const stops: number[] = [];
  const deadline = Date.now() + churnSeconds * 1000;
  const client = async () => {
    while (Date.now() < deadline) {
      const action = pick<ControlAction>(['restart', 'stop', 'start']);
      const started = Date.now();
      await controlInstances(stateDir, action, { names: [pick(names)] }).catch(() => undefined);
      if (action === 'stop') stops.push(Date.now() - started);
    }
  };
  const killer = async () => {
    while (Date.now() < deadline) {
      await sleep(5000);
      const live = Object.values(fleet.state()?.instances ?? {}).flatMap((i) => {
        const jvm = (i as { jvmPid?: number }).jvmPid;
        return jvm ? [jvm] : [];
      });
      if (live.length > 0) {
        try {
          process.kill(pick(live), 'SIGKILL');
        } catch {}
      }
    }
  };
  await Promise.all([...names.map(client), killer()]);
  clearInterval(sampler);
  await controlInstances(stateDir, 'start', { all: true }).catch(() => undefined);
  await sleep(settleSeconds * 1000);
  const settled = memoryMb(daemon, 'VmRSS');

  report({
    benchmark: 'churn',
    figures: [
      { name: 'daemon RSS at rest, 6 instances', value: round1(atRest), unit: 'MB' },
      {
        name: `daemon RSS peak, ${churnSeconds} s of churn`,
        value: round1(peak),
        unit: 'MB',
        target: { atMost: atRest + 15 },
        note: 'bounded: at most 15 MB above rest',
      },
      {
        name: 'daemon RSS settled again',
        value: round1(settled),
        unit: 'MB',
        target: { atMost: atRest + 5 },
      },
      {
        name: 'stop latency, worst',
        value: Math.max(...stops, 0),
        unit: 'ms',
        note: `${stops.length} stops; median ${round1(percentile(stops, 50))} ms, p90 ${round1(percentile(stops, 90))} ms`,
      },
    ],
  });
} finally {
  fleet.cleanup();
}

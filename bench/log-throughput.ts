// bench:log (issue 11): one supervised MI writes 200 MB of numbered lines to stdout as fast as it can; the
// time from its first byte until all of them are in its log file, and the daemon's RSS meanwhile. Every line
// is then checked: none lost, none reordered, none altered. A second kind of run freezes the daemon (SIGSTOP)
// for the whole burst: the instance must not notice. The reference, in the same run: the same JVM writing
// straight into a file. Targets: >= 500 MB/s, daemon RSS growth < 50 MB.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { burstLine, burstLineLength } from '../scripts/sim/faults.js';
import { groupMembers } from '../src/process/proc-stat.js';
import { benchFleet } from './bench-fleet.js';
import { benchEnv, median, memoryMb, readJsonLines, report, round1, until } from './support.js';

const bytes = Number(process.env.BENCH_LOG_BYTES ?? 200_000_000);
const liveRuns = Number(process.env.BENCH_LOG_RUNS ?? 3);
const lines = Math.ceil(bytes / burstLineLength);
const burstBytes = lines * burstLineLength;
const lastLine = burstLine(lines);
// Long enough to freeze the daemon after the launch and before the burst, which follows the ready line.
const startupDelayMs = 1000;

const now = () => performance.timeOrigin + performance.now();

interface Stamp {
  event: string;
  at: number;
}

const fleet = await benchFleet('bench-log-', (root) => [
  {
    name: 'mi',
    product: 'mi',
    env: {
      WSO2_SIM_OUTPUT_BYTES: String(bytes),
      WSO2_SIM_STARTUP_DELAY_MS: String(startupDelayMs),
      WSO2_SIM_LIFECYCLE_STAMP: path.join(root, 'lifecycle.jsonl'),
    },
    // One file big enough for the whole burst: the time measured is for all of it to be in "its log file".
    logs: { maxBytes: 2 * burstBytes, files: 1 },
  },
]);
const stampFile = path.join(fleet.root, 'lifecycle.jsonl');
const logFile = path.join(fleet.root, 'state', 'logs', 'mi.log');

/** Whether the burst's last line is in the file yet: read only once the size allows it. */
function burstLanded(): boolean {
  let size = 0;
  try {
    size = statSync(logFile).size;
  } catch {
    return false;
  }
  if (size < burstBytes) return false;
  const fd = openSync(logFile, 'r');
  try {
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail.includes(lastLine);
  } finally {
    closeSync(fd);
  }
}

/** Every burst line, in order, each exactly as written: the count of those found, or the first fault. */
function verify(file: string): { ok: true } | { ok: false; problem: string } {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(16 << 20);
  const head = Buffer.from('SIM-OUTPUT ');
  let carry = Buffer.alloc(0);
  let expected = 1;
  try {
    for (let length = readSync(fd, chunk); length > 0; length = readSync(fd, chunk)) {
      const data = Buffer.concat([carry, chunk.subarray(0, length)]);
      let start = 0;
      for (let end = data.indexOf(10, start); end >= 0; end = data.indexOf(10, start)) {
        const line = data.subarray(start, end + 1);
        start = end + 1;
        if (!line.subarray(0, head.length).equals(head)) continue;
        if (line.toString('latin1') !== burstLine(expected))
          return {
            ok: false,
            problem: `line ${expected} missing or altered: ${line.toString().slice(0, 40)}`,
          };
        expected++;
      }
      carry = Buffer.from(data.subarray(start));
    }
  } finally {
    closeSync(fd);
  }
  if (expected - 1 !== lines) return { ok: false, problem: `${expected - 1} of ${lines} lines found` };
  return { ok: true };
}

interface RunResult {
  mbPerSecond: number;
  rssGrowthMb: number;
  writerPeakMb: number;
  intact: boolean;
  problem?: string;
}

/** One supervised burst; `freeze` stops the daemon from before the burst until all of it is in the file. */
async function supervisedRun(freeze: boolean): Promise<RunResult> {
  rmSync(stampFile, { force: true });
  rmSync(path.dirname(logFile), { recursive: true, force: true });
  fleet.cliOk(['up', '-d', '--no-wait']);
  const daemon = fleet.daemonPid();
  await until('the launch', () => fleet.state()?.instances.mi?.pid !== undefined, 30_000, 5);
  const writerPid = fleet.state()?.instances.mi?.writerPid as number;
  const baselineMb = memoryMb(daemon, 'VmRSS');
  const frozenAt = now();
  if (freeze) process.kill(daemon, 'SIGSTOP');
  let peakMb = baselineMb;
  try {
    await until(
      'the whole burst in the log',
      () => {
        peakMb = Math.max(peakMb, memoryMb(daemon, 'VmRSS') || 0);
        return burstLanded();
      },
      120_000,
      2,
    );
  } finally {
    if (freeze) process.kill(daemon, 'SIGCONT');
  }
  const landedAt = now();
  const started = readJsonLines<Stamp>(stampFile).find((s) => s.event === 'output-start');
  if (started === undefined) throw new Error('the simulator stamped no output-start');
  if (freeze && started.at < frozenAt) throw new Error('the burst began before the daemon was frozen');
  // The daemon follows the log until its readiness check passes: its RSS is watched until then too.
  await until(
    'running',
    () => {
      peakMb = Math.max(peakMb, memoryMb(daemon, 'VmRSS') || 0);
      return fleet.state()?.instances.mi?.machine.state === 'running';
    },
    30_000,
    5,
  );
  const writerPeakMb = memoryMb(writerPid, 'VmHWM');
  fleet.cliOk(['down']);
  const check = verify(logFile);
  return {
    mbPerSecond: burstBytes / 1e6 / ((landedAt - started.at) / 1000),
    rssGrowthMb: peakMb - baselineMb,
    writerPeakMb,
    intact: check.ok,
    ...(!check.ok && { problem: check.problem }),
  };
}

/** The reference: the start script with its stdout a file, no supervisor, no pipe. */
async function straightToFile(offset: number): Promise<number> {
  rmSync(stampFile, { force: true });
  const file = path.join(fleet.root, 'direct.log');
  const out = openSync(file, 'w');
  const jdk = path.join(fleet.root, 'jdk');
  const child = spawn(path.join(fleet.root, 'mi', 'bin', 'micro-integrator.sh'), [`-DportOffset=${offset}`], {
    env: benchEnv({
      JAVA_HOME: jdk,
      CARBON_HOME: path.join(fleet.root, 'mi'),
      WSO2_SIM_OUTPUT_BYTES: String(bytes),
      WSO2_SIM_LIFECYCLE_STAMP: stampFile,
    }),
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  try {
    await until(
      'the direct burst',
      () => readJsonLines<Stamp>(stampFile).some((s) => s.event === 'output-done'),
      120_000,
      5,
    );
  } finally {
    for (const p of groupMembers(child.pid as number)) process.kill(p.pid, 'SIGKILL');
  }
  const stamps = readJsonLines<Stamp>(stampFile);
  const at = (event: string) => stamps.find((s) => s.event === event)?.at ?? Number.NaN;
  rmSync(file, { force: true });
  // Writes to a file are synchronous in Node: when the last write returned, the bytes were in the file.
  return burstBytes / 1e6 / ((at('output-done') - at('output-start')) / 1000);
}

try {
  const live: RunResult[] = [];
  for (let k = 0; k < liveRuns; k++) live.push(await supervisedRun(false));
  const frozen: RunResult[] = [];
  for (let k = 0; k < liveRuns; k++) frozen.push(await supervisedRun(true));
  const offset = JSON.parse(fleet.cliOk(['plan', '--json']).stdout).instances[0].offset as number;
  const direct = await straightToFile(offset);
  const all = [...live, ...frozen];
  const problems = all.flatMap((r) => (r.problem ? [r.problem] : []));
  report({
    benchmark: 'log throughput',
    figures: [
      {
        name: 'throughput, supervised',
        value: round1(median(live.map((r) => r.mbPerSecond))),
        unit: 'MB/s',
        target: { atLeast: 500 },
        note: `median of ${liveRuns} x ${burstBytes / 1e6} MB; runs: ${live.map((r) => Math.round(r.mbPerSecond)).join(', ')}`,
      },
      {
        name: 'throughput, daemon frozen (SIGSTOP) all along',
        value: round1(median(frozen.map((r) => r.mbPerSecond))),
        unit: 'MB/s',
        target: { atLeast: 500 },
        note: `the instance is never blocked by a slow supervisor; runs: ${frozen.map((r) => Math.round(r.mbPerSecond)).join(', ')}`,
      },
      {
        name: 'daemon RSS growth, peak',
        value: round1(Math.max(...live.map((r) => r.rssGrowthMb))),
        unit: 'MB',
        target: { atMost: 50 },
        note: 'largest of the supervised runs',
      },
      {
        name: 'log writer peak RSS',
        value: round1(Math.max(...all.map((r) => r.writerPeakMb))),
        unit: 'MB',
        note: 'the log writer (one for all instances) in the data path; ~36 MB of it is the Node binary',
      },
      {
        name: 'lines lost, reordered or altered',
        value: problems.length === 0 ? 0 : 1,
        unit: 'runs',
        target: { atMost: 0 },
        note: problems.length === 0 ? `${lines} lines checked per run` : problems.join('; '),
      },
      {
        name: 'reference: the JVM writing straight into a file',
        value: round1(direct),
        unit: 'MB/s',
      },
    ],
    details: { live, frozen, directMbPerSecond: direct },
  });
} finally {
  fleet.cleanup();
}

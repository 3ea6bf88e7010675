// bench:daemon (issue 10): with 20 simulated instances running under `up -d`, the daemon's RSS, its CPU over
// 10 s idle, and the `status --json` round trip (whole CLI process, median of 15). Targets: status < 80 ms,
// RSS < 55 MB, idle CPU < 0.5 % of a core. NODE_EXTRA_CA_CERTS is unset for every process (support.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeHome, makeJdk } from '../scripts/make-home.js';
import { benchEnv, median, round1 } from './support.js';

const cli = fileURLToPath(new URL('../../bin/wso2-supervisor.js', import.meta.url));
const count = Number(process.env.BENCH_INSTANCES ?? 20);
const root = mkdtempSync(path.join(tmpdir(), 'bench-daemon-'));
const jdk = makeJdk(path.join(root, 'jdk'));
const instances = [];
for (let k = 0; k < count; k++) {
  const product = k % 2 === 0 ? 'mi' : 'apim';
  await makeHome({ product, home: path.join(root, `i${k}`) });
  instances.push({ name: `i${k}`, product, home: `i${k}` });
}
writeFileSync(
  path.join(root, 'instances.json'),
  JSON.stringify({
    stateDir: 'state',
    offsets: { min: 3000, max: 5000 },
    defaults: { env: { JAVA_HOME: jdk.javaHome } },
    instances,
  }),
);
const env = benchEnv();
const run = (args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { cwd: root, env, encoding: 'utf8' });

try {
  const up = run(['up', '-d']);
  if (up.status !== 0) throw new Error(`up -d failed: ${up.stdout}${up.stderr}`);
  const daemonPid = Number(readFileSync(path.join(root, 'state', 'supervisor.pid'), 'utf8'));
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  const cpuTicks = () => {
    const fields = readFileSync(`/proc/${daemonPid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  };
  const rssMb = () =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${daemonPid}/status`, 'utf8'))?.[1]) / 1024;

  const before = cpuTicks();
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const idleCpuPercent = ((cpuTicks() - before) / ticks / ((Date.now() - started) / 1000)) * 100;

  const timings: number[] = [];
  for (let k = 0; k < 15; k++) {
    const t = process.hrtime.bigint();
    const status = run(['status', '--json']);
    timings.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (status.status !== 0) throw new Error(`status failed: ${status.stderr}`);
  }
  const figures = {
    benchmark: 'daemon',
    instances: count,
    statusMedianMs: round1(median(timings)),
    daemonRssMb: round1(rssMb()),
    idleCpuPercent: Math.round(idleCpuPercent * 100) / 100,
    targets: { statusMs: 80, rssMb: 55, idleCpuPercent: 0.5 },
  };
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `daemon, ${count} instances: status --json median ${figures.statusMedianMs} ms (target < 80: ${met(figures.statusMedianMs < 80)}), ` +
      `daemon RSS ${figures.daemonRssMb} MB (< 55: ${met(figures.daemonRssMb < 55)}), ` +
      `idle CPU ${figures.idleCpuPercent} % over 10 s (< 0.5: ${met(figures.idleCpuPercent < 0.5)})`,
  );
  if (process.env.BENCH_JSON) console.log(JSON.stringify(figures));
} finally {
  run(['down']);
  rmSync(root, { recursive: true, force: true });
}

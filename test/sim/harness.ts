import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { makeHome, makeJdk, type SimulatedHome } from '../../scripts/make-home.js';
import { productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';

/**
 * Test harness for the simulated runtimes: real homes under the OS temp folder, a fake JDK, start scripts
 * spawned in their own process group (so that every process they leave behind is killed after each test),
 * and waits on conditions (output, ports, processes) rather than on the clock.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

export { isAlive, waitFor };

export const builtJvm = join(repoRoot, 'dist/scripts/sim/jvm.js');

export interface ScriptRun {
  /** The start script's pid, also its process group id. */
  readonly pid: number;
  readonly child: ChildProcess;
  /** stdout and stderr, interleaved in arrival order. */
  output(): string;
  /** Resolves with the first output line matching, once it has arrived. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Every output line matching. */
  lines(pattern: RegExp): string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Simulator {
  /** JAVA_HOME of the fake JDK. */
  readonly javaHome: () => string;
  home(product: ProductId, options?: { offset?: number }): Promise<SimulatedHome>;
  /** Runs a home's start script in the foreground, as a supervisor does, with a clean environment. */
  start(
    home: SimulatedHome,
    options?: { args?: string[]; env?: Record<string, string | undefined> },
  ): ScriptRun;
  /** Runs the fake `java` directly (no start script), to see the JVM's own exit code. */
  java(args: string[], env?: Record<string, string | undefined>): ScriptRun;
  /** Holds 0.0.0.0:port (as another program would) until the end of the test. */
  occupy(port: number): Promise<Server>;
}

/** Registers the hooks of one test file and returns its helpers. */
export function useSimulator(): Simulator {
  let root = '';
  let javaHome = '';
  let homes = 0;
  const groups = new Set<number>();
  const blockers: Server[] = [];

  beforeAll(() => {
    if (!existsSync(builtJvm)) {
      throw new Error(`${builtJvm} is missing: build first (npx tsc -p .)`);
    }
    root = mkdtempSync(join(tmpdir(), 'wso2-sim-test-'));
    javaHome = makeJdk(join(root, 'jdk')).javaHome;
  });

  afterEach(async () => {
    for (const pgid of groups) signal(-pgid, 'SIGKILL');
    groups.clear();
    await Promise.all(blockers.splice(0).map((server) => new Promise((done) => server.close(done))));
  });

  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  const spawnRun = (command: string, args: string[], env: Record<string, string | undefined>): ScriptRun => {
    const child = spawn(command, args, { detached: true, env: cleanEnv({ JAVA_HOME: javaHome, ...env }) });
    if (child.pid === undefined) throw new Error(`cannot spawn ${command}`);
    groups.add(child.pid);
    return watch(child);
  };

  return {
    javaHome: () => javaHome,
    home: (product, options = {}) =>
      makeHome({ product, home: join(root, `${product}-${++homes}`), ...options }),
    start: (home, options = {}) => {
      // Carbon 5 launchers run install-jars with plain `java` from PATH: the fake JDK's, as on a real install.
      const path = `${join(javaHome, 'bin')}:${process.env.PATH ?? ''}`;
      const env = isCarbon5(home.product) ? { PATH: path, ...options.env } : (options.env ?? {});
      return spawnRun(home.script, options.args ?? [], env);
    },
    java: (args, env = {}) => spawnRun(join(javaHome, 'bin', 'java'), args, env),
    occupy: async (port) => {
      const server = await occupy(port);
      blockers.push(server);
      return server;
    },
  };
}

const isCarbon5 = (product: ProductId) => product !== 'mi' && product !== 'apim';
const privateNames = new Set(['CARBON_HOME', 'JAVACMD', 'RUNTIME', 'RUNTIME_HOME']);
const privatePrefixes = ['WSO2_SIM_', 'WSO2_CARBON__', 'SIDDHI_STORES_QUERY_API__'];

/**
 * The environment a supervisor would give: no inherited CARBON_HOME, JAVACMD, simulator knobs, nor Carbon 5's
 * RUNTIME, RUNTIME_HOME and config overrides.
 */
function cleanEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (privateNames.has(key) || privatePrefixes.some((prefix) => key.startsWith(prefix))) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function watch(child: ChildProcess): ScriptRun {
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const check of waiters) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  const lines = (pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line));
  return {
    pid: child.pid as number,
    child,
    output: () => text,
    lines,
    exited,
    waitForLine: (pattern, timeoutMs = 20_000) =>
      new Promise((resolveLine, reject) => {
        const check = () => {
          const line = lines(pattern)[0];
          if (line === undefined) return;
          cleanup();
          resolveLine(line);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output so far:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

interface ProcStat {
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
}

/** Fields of /proc/<pid>/stat (Linux). */
export function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Live children of a process, from /proc. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((candidate) => procStat(candidate)?.ppid === pid && isAlive(candidate));
}

/** The pid in a home's pid file (API-M's NUL padding stripped), if any. */
export function recordedPid(home: SimulatedHome): number | undefined {
  const file = join(home.home, productOf(home.product).pidFile);
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'latin1').replaceAll('\0', '').trim(), 10);
  return Number.isNaN(pid) ? undefined : pid;
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** Whether this process could bind 0.0.0.0:port now, as the simulated server binds. */
export function canBind(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '0.0.0.0' }, () => server.close(() => done(true)));
  });
}

function occupy(port: number): Promise<Server> {
  return new Promise((done, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ port, host: '0.0.0.0' }, () => done(server));
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** GET over HTTP or HTTPS; `ca` trusts a self-signed certificate without turning verification off. */
export function get(url: string, options: { ca?: string } = {}): Promise<HttpAnswer> {
  return new Promise((done, reject) => {
    const request = url.startsWith('https:')
      ? httpsRequest(url, { ca: options.ca, agent: false })
      : httpRequest(url, { agent: false });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** The error code a GET fails with (`ECONNREFUSED`, `ECONNRESET`...), or `answered`. */
export async function getFailure(url: string, options: { ca?: string } = {}): Promise<string> {
  try {
    await get(url, options);
    return 'answered';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/** Epoch ms of a log line's `[yyyy-MM-dd HH:mm:ss,SSS]` timestamp (local time). */
export function lineTime(line: string): number {
  const match = /\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})\]/.exec(line);
  if (match === null) throw new Error(`no timestamp in ${line}`);
  const [y, mo, d, h, mi, s, ms] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

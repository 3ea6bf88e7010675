import path from 'node:path';
import type { StatusAnswer } from '../../daemon/control-protocol.js';
import { runFacts } from '../../daemon/run-facts.js';
import { catalog, portSet, productOf } from '../../products/catalog.js';
import type { ProductId } from '../../products/product.js';
import type { InstanceSnapshot, InstanceState, MachineState, Wait } from '../../state/instance-record.js';
import { describeMachine } from '../../supervisor/wait.js';

/**
 * What `top` shows of the fleet, made from one `GET /v1/status` answer (the data `status` prints). Pure:
 * the time is an input, so the sentences ("since 12 s ago") are those of the moment they are shown.
 */
export interface TopRow {
  readonly name: string;
  readonly product: string;
  readonly state: InstanceState;
  readonly offset: number;
  /** The JVM once known (what a user gives jstack), else the start script. */
  readonly pid: number | null;
  readonly uptimeMs: number | null;
  readonly restarts: number;
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  /** The last health check: its verdict and how long ago it answered (or failed to). */
  readonly health: { readonly ok: boolean; readonly ageMs: number | null } | null;
  /** What it does or waits for, as `status` says it. */
  readonly detail: string;
  /** The port it waits on and who holds it, when it waits on a busy port. */
  readonly busyPort: { readonly port: number; readonly holder: string } | null;
  readonly urls: readonly string[];
}

export interface TopModel {
  readonly stateDir: string;
  /** Absent while no supervisor answers. */
  readonly supervisorPid: number | undefined;
  readonly rows: readonly TopRow[];
  /** Why there is nothing live to show (no supervisor, an answer that does not fit): a sentence. */
  readonly trouble: string | undefined;
}

export function modelOf(stateDir: string, answer: StatusAnswer, now: number): TopModel {
  const rows = Object.values(answer.instances).map((snapshot) => rowOf(snapshot, answer.usage, now));
  return { stateDir, supervisorPid: answer.supervisorPid, rows, trouble: undefined };
}

/** A model with nothing live in it, and why. */
export function troubleModel(stateDir: string, trouble: string): TopModel {
  return { stateDir, supervisorPid: undefined, rows: [], trouble };
}

function rowOf(snapshot: InstanceSnapshot, usage: StatusAnswer['usage'], now: number): TopRow {
  const { machine, health } = snapshot;
  const { alive, uptimeMs, restarts, cpuPercent, memoryBytes } = runFacts(snapshot, usage, now);
  return {
    name: snapshot.name,
    product: snapshot.product,
    state: machine.state,
    offset: snapshot.offset,
    pid: alive ? (snapshot.jvmPid ?? snapshot.pid ?? null) : null,
    uptimeMs,
    restarts,
    cpuPercent,
    memoryBytes,
    health:
      health === undefined || !alive
        ? null
        : {
            ok: health.ok,
            ageMs: health.checkedAt === undefined ? null : Math.max(0, now - health.checkedAt),
          },
    detail: describeMachine(withShortHolder(machine), now, health),
    busyPort: busyPortOf(machine.wait),
    urls: urlsOf(snapshot.product, snapshot.offset),
  };
}

function busyPortOf(wait: Wait | undefined): TopRow['busyPort'] {
  if (wait?.kind !== 'port') return null;
  const holder = wait.holder
    ? `pid ${wait.holder.pid} (${programOf(wait.holder.command)})`
    : 'another process';
  return { port: wait.port, holder };
}

/** A busy port's holder named by its program, not its whole command line: the row has room for one line. */
function withShortHolder(machine: MachineState): MachineState {
  const { wait } = machine;
  if (wait?.kind !== 'port' || wait.holder === undefined) return machine;
  return {
    ...machine,
    wait: { ...wait, holder: { ...wait.holder, command: programOf(wait.holder.command) } },
  };
}

/** `/usr/lib/jvm/bin/java -Xmx1g ...` as `java -Xmx1g ...`, at most 40 characters. */
function programOf(command: string): string {
  const [program = '', ...args] = command.trim().split(/\s+/);
  const short = [path.basename(program), ...args].join(' ');
  return short.length > 40 ? `${short.slice(0, 39)}…` : short;
}

/**
 * The addresses a user opens: every HTTP(S) port's URL hints from the product catalog, at the instance's
 * offset, HTTPS first (API-M's Publisher, Developer Portal, Admin and Carbon console; MI's management API,
 * then its health URLs). None for a product this version does not know (a newer supervisor's record).
 */
export function urlsOf(product: string, offset: number): string[] {
  if (!Object.hasOwn(catalog, product)) return [];
  const ports = portSet(productOf(product as ProductId), offset).filter(
    (port) => port.scheme !== 'tcp' && port.urlPaths !== undefined,
  );
  const https = ports.filter((port) => port.scheme === 'https');
  return [...https, ...ports.filter((port) => port.scheme !== 'https')].flatMap((port) =>
    (port.urlPaths ?? []).map((p) => `${port.scheme}://localhost:${port.port}${p}`),
  );
}

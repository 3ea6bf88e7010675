import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { probePorts } from '../src/ports/probe-ports.js';
import { portSet, productOf } from '../src/products/catalog.js';
import { type ChaosFleet, logRetention } from './fleet.js';
import type { CheckState } from './invariants.js';
import { processes, processesUnder } from './observe.js';
import { numberedLines, outputProblems, type Window } from './output-check.js';

type Violate = (promise: string, evidence: string) => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** After `down`: no process of any run is left, and every planned port is free (waited for, bounded). */
export async function checkNothingLeft(
  fleet: ChaosFleet,
  offsets: ReadonlyMap<string, number>,
  violate: Violate,
) {
  let left = processesUnder(processes(), fleet.root);
  for (const deadline = Date.now() + 15_000; left.length > 0 && Date.now() < deadline; ) {
    await sleep(250);
    left = processesUnder(processes(), fleet.root);
  }
  for (const p of left)
    violate('no orphan', `after down, pid ${p.pid} lives: ${p.args.join(' ').slice(0, 200)}`);
  const ports = fleet.members.flatMap((m) => {
    const offset = offsets.get(m.name);
    return offset === undefined ? [] : portSet(productOf(m.product), offset).map((p) => p.port);
  });
  // A port held by a process of this run is an orphan's; one held by anything else (another program on
  // this machine) is not this run's doing, and the planner would have moved past it.
  const ours = new Set(processesUnder(processes(), fleet.root).map((p) => p.pid));
  for (const [port, status] of await probePorts(ports))
    if (!status.free && (status.holder === undefined || ours.has(status.holder.pid)))
      violate(
        'no orphan',
        `after down, port ${port} is held by ${JSON.stringify(status.holder ?? 'an unknown process')}`,
      );
}

/** Every numbered line each JVM wrote while its capture was healthy is in its log, in order. */
export function checkOutput(
  fleet: ChaosFleet,
  failing: ReadonlyMap<string, Window[]>,
  violate: Violate,
): number {
  const logs = path.join(fleet.stateDir, 'logs');
  let checked = 0;
  for (const { name } of fleet.members) {
    const files = existsSync(logs)
      ? readdirSync(logs).filter((f) => f === `${name}.log` || f.startsWith(`${name}.log.`))
      : [];
    const texts = files
      .filter((f) => /\.log(\.\d+|\.chaos-\d+)?$/.test(f))
      .map((f) => [f, read(path.join(logs, f))] as const);
    const lines = texts.flatMap(([, text]) => numberedLines(text));
    checked += lines.length;
    // With every rotated file in use, older ones may have been dropped: gaps before the oldest kept line count not.
    const rotated = texts
      .filter(([f]) => /\.log\.\d+$/.test(f))
      .sort(([a], [b]) => rotation(b) - rotation(a));
    const oldest =
      rotated.length >= logRetention.files ? numberedLines(rotated[0]?.[1] ?? '')[0]?.at : undefined;
    for (const problem of outputProblems(lines, failing.get(name) ?? [], oldest ?? 0))
      violate('no lost output', `${name}: ${problem}`);
  }
  return checked;
}

/** No internal error in the supervisor log, and every state `status` showed was logged as a state change. */
export function checkSupervisorLog(fleet: ChaosFleet, state: CheckState, violate: Violate): void {
  const logs = path.join(fleet.stateDir, 'logs');
  const text = readdirSync(logs)
    .filter((f) => f.startsWith('supervisor.log'))
    .map((f) => read(path.join(logs, f)))
    .join('\n');
  const logged = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { event?: string; instance?: string; to?: string; error?: string };
    if (entry.event === 'internal-error')
      violate('no internal error', `${entry.instance ?? 'daemon'}: ${entry.error}`);
    if (entry.event === 'state' && entry.instance && entry.to) {
      const states = logged.get(entry.instance) ?? new Set<string>();
      states.add(entry.to);
      logged.set(entry.instance, states);
    }
  }
  for (const [name, seen] of state.observed)
    for (const s of seen)
      if (s !== 'stopped' && !logged.get(name)?.has(s))
        violate('every state change logged', `${name} was seen ${s}, never logged as such`);
}

/** The log folder stays within what rotation allows (our own moved-away files aside). */
export function logFolderBytes(fleet: ChaosFleet): number {
  const logs = path.join(fleet.stateDir, 'logs');
  if (!existsSync(logs)) return 0;
  let bytes = 0;
  for (const f of readdirSync(logs)) {
    if (f.includes('.chaos-')) continue;
    try {
      const info = statSync(path.join(logs, f));
      if (info.isFile()) bytes += info.size;
    } catch {}
  }
  return bytes;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function rotation(file: string): number {
  return Number(/\.(\d+)$/.exec(file)?.[1] ?? 0);
}

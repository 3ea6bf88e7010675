import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { followLog, type LogPosition } from '../../capture/log-tail.js';
import { readLogTail } from '../../capture/log-tail-read.js';
import { exitCodes, SupervisorError, UsageError } from '../../errors.js';
import { isInstanceName } from '../../manifest/instance-name.js';
import { loadManifest } from '../../manifest/load.js';
import { stateDirOf } from '../../manifest/state-dir.js';
import { productOf } from '../../products/catalog.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../print.js';

/** Bytes read per line asked for (WSO2 lines are mostly shorter), and at most in all. */
const bytesPerLine = 512;
const maxTailBytes = 16 * 1024 * 1024;

type LogsOptions = { follow?: boolean; lines?: string; carbon?: boolean; supervisor?: boolean };

/** The log shown: an instance's captured output or Carbon log, or (instance null) the supervisor's own. */
interface LogSource {
  readonly instance: string | null;
  readonly file: string;
  readonly whyMissing: string;
}

class NoLogError extends SupervisorError {
  readonly exitCode = exitCodes.operationFailed;
  override readonly name = 'NoLogError';
  toJSON() {
    return { error: 'no-log', message: this.message };
  }
}

export async function run(context: CommandContext, name?: string): Promise<number> {
  const options = context.options as LogsOptions;
  const count = lineCount(options.lines);
  const source = await sourceOf(context, options, name);
  const { lines, end } = await readTail(source, count);
  if (context.json && !options.follow) {
    printJson({ ok: true, instance: source.instance, file: source.file, lines });
    return exitCodes.ok;
  }
  const render = await rendererFor(source, context.json);
  if (lines.length > 0) process.stdout.write(lines.map(render).join(''));
  if (options.follow) await follow(source.file, end, render);
  return exitCodes.ok;
}

function lineCount(value: string | undefined): number {
  if (!/^0*[1-9]\d*$/.test(value ?? ''))
    throw new UsageError(`-n takes a number of lines >= 1, not "${value}".`);
  return Number(value);
}

async function sourceOf(context: CommandContext, options: LogsOptions, name?: string): Promise<LogSource> {
  if (options.supervisor) {
    if (name !== undefined || options.carbon)
      throw new UsageError('--supervisor takes no instance name and no --carbon.');
    const stateDir = await stateDirOf(context.manifestFile, context.stateDir);
    const file = path.join(stateDir, 'logs', 'supervisor.log');
    return { instance: null, file, whyMissing: 'no supervisor has run with this state folder' };
  }
  if (name === undefined)
    throw new UsageError('name the instance whose log to show (logs NAME), or pass --supervisor.');
  if (options.carbon) {
    const manifest = await loadManifest(context.manifestFile, context.stateDir);
    const instance = manifest.instances.find((i) => i.name === name);
    const known = manifest.instances.map((i) => i.name);
    if (instance === undefined) throw unknownInstance(name, known);
    const file = path.join(instance.home, productOf(instance.product).carbonLog);
    return { instance: name, file, whyMissing: `${name} has not written its Carbon log yet` };
  }
  const stateDir = await stateDirOf(context.manifestFile, context.stateDir);
  const known = await knownNames(context.manifestFile, stateDir);
  if (!isInstanceName(name) || !known.includes(name)) throw unknownInstance(name, known);
  const file = path.join(stateDir, 'logs', `${name}.log`);
  return { instance: name, file, whyMissing: `${name} has not been started yet` };
}

/** Names from the manifest as it stands (not validated: logs work while it is being edited), else state.json. */
async function knownNames(manifestFile: string, stateDir: string): Promise<string[]> {
  const manifest = (await readJson(manifestFile)) as { instances?: unknown } | undefined;
  if (Array.isArray(manifest?.instances)) {
    return manifest.instances.flatMap((i: { name?: unknown } | null) =>
      typeof i?.name === 'string' ? [i.name] : [],
    );
  }
  const state = (await readJson(path.join(stateDir, 'state.json'))) as { instances?: object } | undefined;
  return Object.keys(state?.instances ?? {});
}

function readJson(file: string): Promise<unknown> {
  return readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as unknown)
    .catch(() => undefined);
}

function unknownInstance(name: string, known: readonly string[]): UsageError {
  return new UsageError(`no instance named "${name}"; known: ${known.join(', ') || 'none'}.`);
}

/**
 * The last `count` lines and where the log ended after them, so that a follow goes on from there. Read
 * again if lines arrived meanwhile: then no line is lost or printed twice.
 */
async function readTail(source: LogSource, count: number): Promise<{ lines: string[]; end: LogPosition }> {
  const maxBytes = Math.min(count * bytesPerLine, maxTailBytes);
  for (let attempt = 1; ; attempt++) {
    const before = await stat(source.file).catch(() => undefined);
    if (before === undefined)
      throw new NoLogError(`no log yet: ${source.file} does not exist (${source.whyMissing}).`);
    const lines = await readLogTail(source.file, maxBytes);
    const after = await stat(source.file).catch(() => undefined);
    // A busy log may never hold still: then a line may show twice, never not at all.
    if (attempt === 3 || (after?.ino === before.ino && after.size === before.size)) {
      return { lines: lines.slice(-count), end: { inode: before.ino, offset: before.size } };
    }
  }
}

/** Each line as printed, newline included. */
async function rendererFor(source: LogSource, json: boolean): Promise<(line: string) => string> {
  const { instance } = source;
  if (json && instance !== null) return (line) => `${JSON.stringify({ instance, line })}\n`;
  if (json) return (line) => `${parsesAsJson(line) ? line : JSON.stringify({ line })}\n`;
  if (instance === null && process.stdout.isTTY) return prettySupervisorLine();
  return (line) => `${line}\n`;
}

/** The supervisor's log holds pino's JSON lines; anything else is wrapped, so each output line parses. */
function parsesAsJson(line: string): boolean {
  try {
    return JSON.parse(line) !== undefined;
  } catch {
    return false;
  }
}

/** A pino line made readable: time, level, instance, event, from→to, then the reason or message. */
async function prettySupervisorLine(): Promise<(line: string) => string> {
  const { prettyFactory } = await import('pino-pretty');
  return prettyFactory({
    colorize: !process.env.NO_COLOR,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    singleLine: true,
    ignore: 'pid,hostname,instance,event,from,to,reason',
    messageFormat: (log, messageKey) => {
      const move = log.from === undefined ? undefined : `${log.from}→${log.to}`;
      const message = log.reason ?? log[messageKey];
      const parts = [log.instance, log.event, move, message === log.event ? undefined : message];
      return parts.filter((part) => part !== undefined && part !== '').join(' ');
    },
  });
}

/** Prints new lines until SIGINT or SIGTERM (or stdout closes, as under `head`). */
function follow(file: string, from: LogPosition, render: (line: string) => string): Promise<void> {
  return new Promise((resolve) => {
    const follower = followLog(file, {
      fromOffset: from.offset,
      inode: from.inode,
      onLine: (line) => process.stdout.write(render(line)),
    });
    // The follower's own timer and watcher do not keep the process alive: this does.
    const alive = setInterval(() => {}, 1 << 30);
    const stop = () => {
      follower.stop();
      clearInterval(alive);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stdout.once('error', stop);
  });
}

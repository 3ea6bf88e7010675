import path from 'node:path';
import { exitCodes, SupervisorError, UsageError } from '../../errors.js';
import { prettyLine, wantsColour } from '../../log/pretty-line.js';
import { isInstanceName } from '../../manifest/instance-name.js';
import { loadManifest } from '../../manifest/load.js';
import { productOf } from '../../products/catalog.js';
import type { CommandContext } from '../context.js';
import { showAllLogs } from '../logs/all-instances.js';
import { followLogs } from '../logs/follow.js';
import { knownNames } from '../logs/known-names.js';
import { readTail, type TailRequest } from '../logs/read-tail.js';
import { parseSince } from '../logs/since.js';
import { printJson } from '../print.js';
import { stateFolder } from '../state-folder.js';

/** Lines shown when neither -n nor --since says. */
const defaultLines = 50;

type LogsOptions = {
  follow?: boolean;
  lines?: string;
  since?: string;
  carbon?: boolean;
  supervisor?: boolean;
  color?: boolean;
};

/** The log shown: an instance's captured output or Carbon log, or (instance null) the supervisor's own. */
interface LogSource {
  readonly instance: string | null;
  readonly file: string;
  readonly whyMissing: string;
}

class NoLogError extends SupervisorError {
  readonly exitCode = exitCodes.operationFailed;
  override readonly name = 'NoLogError';
  constructor(
    readonly file: string,
    why: string,
  ) {
    super(`no log yet: ${file} does not exist (${why}).`);
  }
  toJSON() {
    return { error: 'no-log', message: this.message, file: this.file };
  }
}

/** `logs [NAME]`: one log's end (and -f its new lines), or without a name every instance's, interleaved. */
export async function run(context: CommandContext, name?: string): Promise<number> {
  const options = context.options as LogsOptions;
  const since = options.since === undefined ? undefined : parseSince(options.since, Date.now());
  const request: TailRequest = { count: lineCount(options, since !== undefined), since };
  if (request.count === 0 && !options.follow)
    throw new UsageError('-n 0 shows only the lines still to come: add -f (logs -f -n 0).');
  if (name === undefined && !options.supervisor) {
    if (options.carbon)
      throw new UsageError("--carbon shows one instance's Carbon log: name it (logs NAME --carbon).");
    const stateDir = await stateFolder(context);
    return showAllLogs(stateDir, await knownNames(context.manifestFile, stateDir), {
      ...request,
      follow: options.follow === true,
      json: context.json,
      colour: options.color !== false && wantsColour(process.stdout),
    });
  }
  const source = await sourceOf(context, options, name);
  const tail = await readTail(source.file, request);
  if (tail === undefined) throw new NoLogError(source.file, source.whyMissing);
  const lines = tail.lines.map((l) => l.line);
  if (context.json && !options.follow) {
    printJson({ ok: true, instance: source.instance, file: source.file, lines });
    return exitCodes.ok;
  }
  const render = await rendererFor(source, context.json, options.color !== false);
  if (lines.length > 0) process.stdout.write(lines.map(render).join(''));
  if (options.follow)
    await followLogs([
      { file: source.file, from: tail.end, onLine: (line) => process.stdout.write(render(line)) },
    ]);
  return exitCodes.ok;
}

/** -n: a count of lines, 0 meaning none of the past (with -f: only new lines); by default 50, or all since --since. */
function lineCount(options: LogsOptions, since: boolean): number {
  const value = options.lines;
  if (value === undefined) return since ? Number.POSITIVE_INFINITY : defaultLines;
  if (!/^\d+$/.test(value)) throw new UsageError(`-n takes a number of lines (0 or more), not "${value}".`);
  return Number(value);
}

async function sourceOf(context: CommandContext, options: LogsOptions, name?: string): Promise<LogSource> {
  if (options.supervisor) {
    if (name !== undefined || options.carbon)
      throw new UsageError('--supervisor takes no instance name and no --carbon.');
    const stateDir = await stateFolder(context);
    const file = path.join(stateDir, 'logs', 'supervisor.log');
    return { instance: null, file, whyMissing: 'no supervisor has run with this state folder' };
  }
  const instanceName = name as string;
  if (options.carbon) {
    const manifest = await loadManifest(context.manifestFile, context.stateDir);
    const instance = manifest.instances.find((i) => i.name === instanceName);
    const known = manifest.instances.map((i) => i.name);
    if (instance === undefined) throw unknownInstance(instanceName, known);
    const file = path.join(instance.home, productOf(instance.product).carbonLog);
    return { instance: instanceName, file, whyMissing: `${instanceName} has not written its Carbon log yet` };
  }
  const stateDir = await stateFolder(context);
  const known = await knownNames(context.manifestFile, stateDir);
  if (!isInstanceName(instanceName) || !known.includes(instanceName))
    throw unknownInstance(instanceName, known);
  const file = path.join(stateDir, 'logs', `${instanceName}.log`);
  return { instance: instanceName, file, whyMissing: `${instanceName} has not been started yet` };
}

function unknownInstance(name: string, known: readonly string[]): UsageError {
  return new UsageError(`no instance named "${name}"; known: ${known.join(', ') || 'none'}.`);
}

/** Each line as printed, newline included. */
async function rendererFor(
  source: LogSource,
  json: boolean,
  colour: boolean,
): Promise<(line: string) => string> {
  const { instance } = source;
  if (json && instance !== null) return (line) => `${JSON.stringify({ instance, line })}\n`;
  if (json) return (line) => `${parsesAsJson(line) ? line : JSON.stringify({ line })}\n`;
  if (instance === null && process.stdout.isTTY) return prettyLine(colour && wantsColour(process.stdout));
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

import path from 'node:path';
import { exitCodes, UsageError } from '../../errors.js';
import { isInstanceName } from '../../manifest/instance-name.js';
import { printDiagnostic } from '../print.js';
import { type FollowedLog, followLogs } from './follow.js';
import { interleave, type NamedLines } from './interleave.js';
import { lineTime } from './line-time.js';
import { linePrefixer } from './prefix.js';
import { readTail, type TailRequest } from './read-tail.js';

export interface AllLogsRequest extends TailRequest {
  readonly follow: boolean;
  readonly json: boolean;
  readonly colour: boolean;
}

/**
 * `logs` without a name: every instance's captured output as one, each line prefixed `name | ` (or, with
 * --json, a JSON line `{instance, line, time}`). The lines already written are merged by the time each
 * line carries (line-time.ts); followed lines come in the order they are read.
 */
export async function showAllLogs(stateDir: string, names: readonly string[], request: AllLogsRequest) {
  const instances = names.filter(isInstanceName);
  if (instances.length === 0)
    throw new UsageError(`no instances known: neither the manifest nor ${stateDir}/state.json names any.`);
  const fileOf = (name: string) => path.join(stateDir, 'logs', `${name}.log`);
  const tails = await Promise.all(instances.map((name) => readTail(fileOf(name), request)));
  const prefix = linePrefixer(instances, request.colour);
  const print = (instance: string, line: string, time: number | undefined) =>
    process.stdout.write(
      request.json
        ? `${JSON.stringify({ instance, line, time: time === undefined ? null : new Date(time).toISOString() })}\n`
        : `${prefix(instance)}${line}\n`,
    );
  const logs: NamedLines[] = instances.map((instance, k) => ({ instance, lines: tails[k]?.lines ?? [] }));
  for (const { instance, line } of interleave(logs)) print(instance, line.line, line.time);
  if (!request.follow) {
    if (tails.every((tail) => tail === undefined))
      printDiagnostic(
        `No captured output yet in ${path.join(stateDir, 'logs')}: no instance has been started.`,
      );
    return exitCodes.ok;
  }
  const followed: FollowedLog[] = instances.map((instance, k) => {
    let carried = tails[k]?.lines.at(-1)?.time;
    return {
      file: fileOf(instance),
      from: tails[k]?.end,
      onLine: (line) => {
        carried = lineTime(line) ?? carried;
        print(instance, line, carried);
      },
    };
  });
  await followLogs(followed);
  return exitCodes.ok;
}

import { controlRequest } from '../../daemon/control-client.js';
import { exitCodes } from '../../errors.js';
import { stateDirOf } from '../../manifest/state-dir.js';
import { isRunning } from '../../process/proc-stat.js';
import type { CommandContext } from '../context.js';
import { printJson, printText } from '../print.js';

/** `down`: every instance stops (dependents first), then the supervisor exits; returns once it has. */
export async function run(context: CommandContext): Promise<number> {
  const stateDir = await stateDirOf(context.manifestFile, context.stateDir);
  const { supervisorPid } = (await controlRequest(stateDir, 'GET', '/v1/status')) as {
    supervisorPid: number;
  };
  await controlRequest(stateDir, 'POST', '/v1/down');
  while (isRunning(supervisorPid)) await new Promise((resolve) => setTimeout(resolve, 100));
  if (context.json) printJson({ ok: true, supervisorPid });
  else printText(`Every instance stopped; supervisor (pid ${supervisorPid}) exited.`);
  return exitCodes.ok;
}

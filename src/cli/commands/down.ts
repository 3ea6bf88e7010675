import { requestDown, supervisorStatus } from '../../daemon/control-client.js';
import { exitCodes, NoSupervisorError } from '../../errors.js';
import { isRunning } from '../../process/proc-stat.js';
import type { CommandContext } from '../context.js';
import { printJson, printText } from '../print.js';
import { stateFolder } from '../state-folder.js';

/** `down`: every instance stops (dependents first), then the supervisor exits; returns once it has. */
export async function run(context: CommandContext): Promise<number> {
  const stateDir = await stateFolder(context);
  const status = await supervisorStatus(stateDir);
  if (status === undefined) throw new NoSupervisorError(stateDir);
  const { supervisorPid } = status;
  await requestDown(stateDir);
  while (isRunning(supervisorPid)) await new Promise((resolve) => setTimeout(resolve, 100));
  if (context.json) printJson({ ok: true, supervisorPid });
  else printText(`Every instance stopped; supervisor (pid ${supervisorPid}) exited.`);
  return exitCodes.ok;
}

import { controlInstances } from '../../daemon/control-client.js';
import type { ControlAction } from '../../daemon/control-protocol.js';
import { exitCodes, UsageError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { printJson, printText } from '../print.js';
import { stateFolder } from '../state-folder.js';
import { renderTable } from '../table.js';

/** `start|stop|restart NAME...|--all`: asks the running supervisor, and says where each instance ended up. */
export async function run(context: CommandContext, action: string, names: string[] = []): Promise<number> {
  const all = context.options.all === true;
  if (all === names.length > 0)
    throw new UsageError(`${action} takes instance names or --all (not both, not neither).`);
  const stateDir = await stateFolder(context);
  const answer = await controlInstances(stateDir, action as ControlAction, all ? { all: true } : { names });
  const { dependencies } = answer;
  const wanted = action === 'stop' ? 'stopped' : 'running';
  const ok = answer.instances.every((i) => i.machine.state === wanted);
  if (context.json) printJson({ ok, action, instances: answer.instances, dependencies });
  else {
    if (dependencies.length > 0)
      printText(
        `Started their dependencies first: ${dependencies.map((d) => `${d.name} (${d.machine.state})`).join(', ')}.`,
      );
    const rows = answer.instances.map((i) => [
      i.name,
      i.machine.state,
      String(i.offset),
      i.machine.detail ?? '',
    ]);
    printText(renderTable(['NAME', 'STATE', 'OFFSET', 'DETAIL'], rows));
  }
  return ok ? exitCodes.ok : exitCodes.operationFailed;
}

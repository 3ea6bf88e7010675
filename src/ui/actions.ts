import * as z from 'zod/mini';
import { controlInstances } from '../daemon/control-client.js';
import type { ControlAction } from '../daemon/control-protocol.js';
import { isInstanceName } from '../manifest/instance-name.js';
import { refusalOf } from './refusals.js';

/** The body of `POST /api/start|stop|restart`: one instance. */
export const actionRequestSchema = z.strictObject({ name: z.string().check(z.refine(isInstanceName)) });

/** What an action answers the page: where the instance ended up, or why it was not done. */
export type ActionAnswer =
  | { readonly ok: true; readonly instances: readonly { name: string; state: string; detail: string }[] }
  | { readonly ok: false; readonly message: string };

/**
 * Starts, stops or restarts one instance through the supervisor's socket, as the CLI does; answers once it
 * has settled (the page follows the way there through its status events).
 */
export async function carryOut(
  stateDir: string,
  action: ControlAction,
  body: unknown,
): Promise<{ status: number; answer: ActionAnswer }> {
  const asked = actionRequestSchema.safeParse(body);
  if (!asked.success)
    return { status: 400, answer: { ok: false, message: 'the body must be {"name": "<instance>"}' } };
  try {
    const settled = await controlInstances(stateDir, action, { names: [asked.data.name] });
    const instances = settled.instances.map((i) => ({
      name: i.name,
      state: i.machine.state,
      detail: i.machine.detail ?? '',
    }));
    return { status: 200, answer: { ok: true, instances } };
  } catch (error) {
    const { status, message } = refusalOf(error);
    return { status, answer: { ok: false, message } };
  }
}

import { supervisorStatus } from '../../src/daemon/control-client.js';

export type Status = NonNullable<Awaited<ReturnType<typeof supervisorStatus>>>;

/** Resolves once the supervisor's status satisfies the predicate; throws after 30 s, showing the last one. */
export async function waitForStatus(
  stateDir: string,
  predicate: (status: Status) => boolean,
): Promise<Status> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await supervisorStatus(stateDir);
    if (status && predicate(status)) return status;
    if (Date.now() > deadline)
      throw new Error(`timed out; last status: ${JSON.stringify(status?.instances)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

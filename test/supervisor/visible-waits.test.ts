import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../scripts/json-lines.js';
import type { Wait } from '../../src/state/instance-record.js';
import { useSimFleet } from '../helpers/sim-fleet.js';

interface LogEvent {
  readonly instance?: string;
  readonly event?: string;
  readonly detail?: string;
  readonly wait?: Wait;
}

const readinessUrl =
  /ready line seen .* ago; https:\/\/127\.0\.0\.1:\d+\/api\/am\/gateway\/v2\/server-startup-healthcheck answers 500/;

/** What a start waits for is shown as facts and a sentence, and logged when it changes, not at every probe. */
describe('visible waits', () => {
  const { fleetOf } = useSimFleet();

  it('shows an API-M whose readiness check answers 500 after its ready line as waiting on that answer, logging the change but not every probe', async () => {
    const s = await fleetOf([{ name: 'gw', product: 'apim', env: { WSO2_SIM_NOT_READY_MS: '3000' } }]);
    s.fleet.start(['gw']);
    const waiting = await s.until(
      'gw',
      (x) =>
        x.machine.state === 'starting' &&
        x.machine.wait?.kind === 'readiness' &&
        x.machine.wait.answer?.status === 500,
    );
    expect(waiting.machine.wait).toMatchObject({
      kind: 'readiness',
      lineAt: expect.any(Number),
      target: `https://127.0.0.1:${9443 + waiting.offset}/api/am/gateway/v2/server-startup-healthcheck`,
      answer: { status: 500 },
    });
    expect(waiting.machine.detail).toMatch(readinessUrl);

    await s.until('gw', (x) => x.machine.state === 'running');
    const waits = readJsonLines<LogEvent>(s.logFile).filter(
      (e) => e.instance === 'gw' && e.event === 'wait' && e.wait?.kind === 'readiness',
    );
    const to500 = waits.filter((e) => e.wait?.kind === 'readiness' && e.wait.answer?.status === 500);
    expect(to500.length).toBeGreaterThanOrEqual(1);
    expect(to500[0]?.detail).toMatch(readinessUrl);
    // 3 s of 500s probed every 50 ms is some 60 probes: only the changes of answer are logged.
    expect(waits.length).toBeLessThan(5);
  });

  it('fails an MI that never becomes ready with a reason naming the timeout, the /healthz URL, its 500 and the faulty CApp', async () => {
    const s = await fleetOf([
      {
        name: 'mi',
        product: 'mi',
        env: { WSO2_SIM_NOT_READY_MS: '600000' },
        startTimeoutSeconds: 3,
        restart: { policy: 'never' },
      },
    ]);
    s.fleet.start(['mi']);
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    const reason = failed.machine.reason ?? '';
    expect(reason).toContain('not ready within startTimeoutSeconds (3s)');
    expect(reason).toContain(`http://127.0.0.1:${9191 + failed.offset}/healthz`);
    expect(reason).toContain('answers 500');
    expect(reason).toContain('SimulatedFaultyCApp');
    expect(failed.machine.lastExit).toMatchObject({ kind: 'start-failed', reason });
  });
});

import { describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/fake-clock.js';
import { useSimFleet } from '../helpers/sim-fleet.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The engine's own timeouts on an injected clock: a real shell and simulated JVM, but a start timeout of
 * five minutes and a backoff of a minute pass in test milliseconds.
 */
describe('engine timeouts on an injected clock', () => {
  const { fleetOf } = useSimFleet();

  it('fails a start at startTimeoutSeconds (300 s) of clock time, saying the ready line never came', async () => {
    const clock = new FakeClock();
    const s = await fleetOf(
      [
        {
          name: 'slow',
          product: 'mi',
          startTimeoutSeconds: 300,
          restart: { policy: 'on-failure', backoff: { initialSeconds: 60, maxSeconds: 60 } },
          env: { WSO2_SIM_STARTUP_DELAY_MS: '600000' },
        },
      ],
      {},
      { clock },
    );
    s.fleet.start(['slow']);
    const launched = await s.until('slow', (x) => x.machine.wait?.kind === 'ready-line');
    expect(launched.machine.detail).toMatch(/^launched 0 s ago; waiting for the ready line/);
    clock.advance(299_000);
    expect(s.runner('slow').state).toBe('starting');
    clock.advance(1_000);
    const backoff = await s.until('slow', (x) => x.machine.state === 'backoff');
    expect(backoff.machine.wait).toMatchObject({ kind: 'backoff' });
    expect(backoff.machine.detail).toMatch(
      /^restarting in \d+ s after: not ready within startTimeoutSeconds \(300s\); the ready line never came$/,
    );
    // The backoff (30 to 60 s with jitter) elapses on the same clock: a second launch, at the same offset.
    const firstPid = launched.pid;
    clock.advance(60_000);
    const again = await s.until(
      'slow',
      (x) => x.machine.state === 'starting' && x.pid !== undefined && x.pid !== firstPid,
    );
    expect(again.offset).toBe(launched.offset);
  });

  it('restarts a hung JVM as crashed once its health check has failed for unhealthyAfterSeconds of clock time', async () => {
    const clock = new FakeClock();
    const s = await fleetOf(
      [{ name: 'hung', product: 'mi', unhealthyAfterSeconds: 120, restart: { policy: 'never' } }],
      {},
      { clock, healthIntervalMs: 10_000 },
    );
    s.fleet.start(['hung']);
    // Readiness is probed on the clock too: moved on a little at a time until the instance runs.
    await waitFor('hung to run', () => {
      clock.advance(100);
      return s.runner('hung').state === 'running';
    });
    const running = s.runner('hung').snapshot();
    process.kill(running.jvmPid as number, 'SIGSTOP');
    try {
      // Each 10 s of clock time one check runs; it fails (no answer) once the JVM is frozen.
      await waitFor('a failing health check', () => {
        clock.advance(10_000);
        return s.runner('hung').snapshot().health?.ok === false;
      });
      expect(s.runner('hung').state).toBe('running');
      const failingSince = s.runner('hung').snapshot().health?.since as number;
      await waitFor('the instance to be judged crashed', () => {
        clock.advance(10_000);
        return s.runner('hung').state !== 'running';
      });
      expect(clock.now() - failingSince).toBeGreaterThanOrEqual(120_000);
      // Thawed so that the stop's SIGTERM is taken at once, not after stopTimeoutSeconds.
      process.kill(running.jvmPid as number, 'SIGCONT');
      const failed = await s.until('hung', (x) => x.machine.state === 'failed');
      expect(failed.machine.lastExit?.reason).toMatch(/^health check failing for 120s: /);
    } finally {
      // Thawed in any case (it may be gone already, stopped by the engine).
      try {
        process.kill(running.jvmPid as number, 'SIGCONT');
      } catch {}
    }
  });
});

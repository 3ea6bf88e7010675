import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/supervisor/backoff.js';
import {
  type Effect,
  initialMachine,
  type MachineEvent,
  type MachineState,
  type RestartSettings,
  transition,
} from '../../src/supervisor/machine.js';

const settings = (overrides: Partial<RestartSettings> = {}): RestartSettings => ({
  policy: 'on-failure',
  maxRestarts: 3,
  windowSeconds: 60,
  backoff: { initialSeconds: 1, maxSeconds: 8 },
  ...overrides,
});
const noJitter = () => 1; // the full nominal delay

/** Drives the machine through events at given times; returns the final state and every effect. */
function drive(steps: [number, MachineEvent][], restart = settings(), from: MachineState = initialMachine) {
  let state = from;
  const effects: Effect[] = [];
  for (const [now, event] of steps) {
    const result = transition(state, event, restart, now, noJitter);
    state = result.next;
    effects.push(...result.effects);
  }
  return { state, effects };
}
const crash = (reason = 'crashed'): MachineEvent => ({
  type: 'ended',
  exit: { kind: 'crash', reason, code: 0 },
});
const clean: MachineEvent = {
  type: 'ended',
  exit: { kind: 'clean', reason: 'shut down from its console', code: 0 },
};

describe('instance state machine', () => {
  it('starts, becomes running only when ready, and stops on request', () => {
    const started = drive([[0, { type: 'start' }]]);
    expect(started.state.state).toBe('starting');
    expect(started.effects).toEqual([{ kind: 'launch' }]);
    const ready = drive([[5, { type: 'ready' }]], settings(), started.state);
    expect(ready.state).toMatchObject({ state: 'running', readySince: 5 });
    const stopping = drive([[9, { type: 'stop' }]], settings(), ready.state);
    expect(stopping.state.state).toBe('stopping');
    expect(stopping.effects).toEqual([{ kind: 'terminate' }]);
    const stopped = drive(
      [[10, { type: 'ended', exit: { kind: 'crash', reason: 'exit 0', code: 0 } }]],
      settings(),
      stopping.state,
    );
    expect(stopped.state).toMatchObject({ state: 'stopped', lastExit: { kind: 'asked' } });
  });

  it('restarts a crash after backoff, doubling the delay up to the cap', () => {
    const { effects } = drive([
      [0, { type: 'start' }],
      [1000, crash()],
      [2000, { type: 'backoff-elapsed' }],
      [3000, crash()],
      [5000, { type: 'backoff-elapsed' }],
      [6000, crash()],
    ]);
    expect(effects.filter((e) => e.kind === 'schedule-restart')).toEqual([
      { kind: 'schedule-restart', delayMs: 1000 },
      { kind: 'schedule-restart', delayMs: 2000 },
      { kind: 'schedule-restart', delayMs: 4000 },
    ]);
  });

  it('gives up as failed after more than maxRestarts inside the window, keeping the reason', () => {
    const steps: [number, MachineEvent][] = [[0, { type: 'start' }]];
    for (let k = 0; k < 4; k++)
      steps.push([k * 100 + 10, crash(`boom ${k}`)], [k * 100 + 50, { type: 'backoff-elapsed' }]);
    const { state } = drive(
      steps,
      settings({ maxRestarts: 3, backoff: { initialSeconds: 0, maxSeconds: 0 } }),
    );
    expect(state.state).toBe('failed');
    expect(state.reason).toMatch(/gave up after 3 restarts in 60s; last: boom 3/);
  });

  it('forgets restarts older than the window', () => {
    const zero = { initialSeconds: 0, maxSeconds: 0 };
    const steps: [number, MachineEvent][] = [[0, { type: 'start' }]];
    for (let k = 0; k < 6; k++)
      steps.push([k * 30_000 + 10, crash()], [k * 30_000 + 20, { type: 'backoff-elapsed' }]);
    const { state } = drive(steps, settings({ maxRestarts: 2, windowSeconds: 60, backoff: zero }));
    expect(state.state).toBe('starting');
  });

  it('resets the backoff once the instance has been ready for a whole window', () => {
    const { effects } = drive([
      [0, { type: 'start' }],
      [10, crash()],
      [1010, { type: 'backoff-elapsed' }],
      [1020, crash()],
      [3020, { type: 'backoff-elapsed' }],
      [3100, { type: 'ready' }],
      [3100 + 60_000, crash()],
    ]);
    const delays = effects.flatMap((e) => (e.kind === 'schedule-restart' ? [e.delayMs] : []));
    expect(delays).toEqual([1000, 2000, 1000]);
  });

  it('leaves a clean exit alone under on-failure (exited) and restarts it under always', () => {
    expect(
      drive([
        [0, { type: 'start' }],
        [5, { type: 'ready' }],
        [9, clean],
      ]).state,
    ).toMatchObject({
      state: 'exited',
      lastExit: { kind: 'clean' },
    });
    expect(
      drive(
        [
          [0, { type: 'start' }],
          [9, clean],
        ],
        settings({ policy: 'always' }),
      ).state.state,
    ).toBe('backoff');
  });

  it('never restarts under never: a crash is failed, a clean exit is exited', () => {
    expect(
      drive(
        [
          [0, { type: 'start' }],
          [9, crash()],
        ],
        settings({ policy: 'never' }),
      ).state.state,
    ).toBe('failed');
    expect(
      drive(
        [
          [0, { type: 'start' }],
          [9, clean],
        ],
        settings({ policy: 'never' }),
      ).state.state,
    ).toBe('exited');
  });

  it('ends a run the runner stopped because of a failure as that failure, not as a requested stop', () => {
    const { state, effects } = drive([
      [0, { type: 'start' }],
      [5, { type: 'fail', kind: 'start-failed', reason: 'port 8290 held by pid 7 (nc)' }],
      [6, { type: 'ended', exit: { kind: 'crash', reason: 'exit 0', code: 0 } }],
    ]);
    expect(effects).toContainEqual({ kind: 'terminate' });
    expect(state).toMatchObject({
      state: 'backoff',
      lastExit: { kind: 'start-failed', reason: 'port 8290 held by pid 7 (nc)' },
    });
  });

  it('lets a user stop win over the restart a failure would cause', () => {
    const { state } = drive([
      [0, { type: 'start' }],
      [5, { type: 'fail', kind: 'crash', reason: 'unhealthy' }],
      [6, { type: 'stop' }],
      [7, crash()],
    ]);
    expect(state.state).toBe('stopped');
  });

  it('cancels a pending restart on stop, and launches at once on start', () => {
    const inBackoff = drive([
      [0, { type: 'start' }],
      [5, crash()],
    ]).state;
    expect(drive([[6, { type: 'stop' }]], settings(), inBackoff)).toMatchObject({
      state: { state: 'stopped' },
      effects: [{ kind: 'cancel-restart' }],
    });
    expect(drive([[6, { type: 'start' }]], settings(), inBackoff).effects).toEqual([
      { kind: 'cancel-restart' },
      { kind: 'launch' },
    ]);
  });

  it('forgives earlier failures when the user starts a failed instance again', () => {
    const failed = drive(
      [
        [0, { type: 'start' }],
        [9, crash()],
      ],
      settings({ policy: 'never' }),
    ).state;
    expect(drive([[10, { type: 'start' }]], settings(), failed).state).toMatchObject({
      state: 'starting',
      attempt: 0,
      restarts: [],
    });
  });

  it('ignores events that do not apply in a state (idempotent start and stop)', () => {
    const starting = drive([[0, { type: 'start' }]]).state;
    expect(drive([[1, { type: 'start' }]], settings(), starting).effects).toEqual([]);
    expect(drive([[1, { type: 'stop' }]]).effects).toEqual([]);
    expect(drive([[1, { type: 'backoff-elapsed' }]], settings(), starting).effects).toEqual([]);
    const failed = drive(
      [
        [0, { type: 'start' }],
        [9, crash()],
      ],
      settings({ policy: 'never' }),
    ).state;
    expect(drive([[10, crash('a late report')]], settings({ policy: 'always' }), failed).state).toBe(failed);
  });
});

describe('backoff', () => {
  it('doubles from initial to max, with equal jitter between half and all of it', () => {
    const b = { initialSeconds: 1, maxSeconds: 60 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelayMs(a, b, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 60000,
    ]);
    expect(backoffDelayMs(2, b, () => 0)).toBe(2000);
    expect(backoffDelayMs(1000, b, () => 0.5)).toBe(45000);
  });

  it('is zero when configured so (no hidden floor)', () => {
    expect(backoffDelayMs(5, { initialSeconds: 0, maxSeconds: 0 }, Math.random)).toBe(0);
  });
});

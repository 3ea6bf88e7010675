import { describe, expect, it } from 'vitest';
import type { MachineState } from '../../src/state/instance-record.js';
import { judgeHealth } from '../../src/supervisor/health-verdict.js';
import { initialMachine, type RestartSettings, transition } from '../../src/supervisor/machine.js';
import { describeMachine, describeWait, waitKey } from '../../src/supervisor/wait.js';

const settings: RestartSettings = {
  policy: 'on-failure',
  maxRestarts: 2,
  windowSeconds: 60,
  backoff: { initialSeconds: 1, maxSeconds: 8 },
};
const t0 = 1_000_000;
const step = (m: MachineState, event: Parameters<typeof transition>[1], now = t0) =>
  transition(m, event, settings, now, () => 0.5);

describe('what an instance waits for, as facts and as one sentence', () => {
  it('says how long ago the ready line came and what the readiness check answers', () => {
    const wait = {
      kind: 'readiness' as const,
      since: t0,
      lineAt: t0,
      target: 'https://127.0.0.1:9643/api/am/gateway/v2/server-startup-healthcheck',
      answer: { status: 500, body: '{"status":"not ready"}' },
    };
    expect(describeWait(wait, t0 + 40_000)).toBe(
      'ready line seen 40 s ago; https://127.0.0.1:9643/api/am/gateway/v2/server-startup-healthcheck answers 500 {"status":"not ready"}',
    );
  });

  it('names a busy port, its holder and when it is retried', () => {
    const wait = {
      kind: 'port' as const,
      since: t0,
      port: 8290,
      more: 0,
      holder: { pid: 4711, command: 'nginx' },
      retryAt: t0 + 4000,
    };
    expect(describeWait(wait, t0)).toBe('port 8290 held by pid 4711 (nginx); retrying in 4 s');
  });

  it('tells a dependency wait from a stopped instance nobody will start', () => {
    const waiting = step(initialMachine, { type: 'start', blockedBy: { on: 'gateway', state: 'starting' } });
    expect(waiting.next.state).toBe('waiting');
    expect(waiting.effects).toEqual([]);
    expect(describeMachine(waiting.next, t0 + 3000)).toBe('waiting for gateway (starting) since 3 s ago');
    expect(describeMachine(initialMachine, t0)).toBe('not started');
  });

  it('keys a wait by what a user would call a change: a new answer, not a new probe', () => {
    const readiness = (status: number, since: number) =>
      ({ kind: 'readiness', since, lineAt: t0, target: 'u', answer: { status } }) as const;
    expect(waitKey(readiness(500, t0))).toBe(waitKey(readiness(500, t0 + 5000)));
    expect(waitKey(readiness(500, t0))).not.toBe(waitKey(readiness(503, t0)));
  });
});

describe('dependencies and Carbon relaunches in the state machine', () => {
  it('launches a waiting instance once nothing blocks it, and fails it when its dependency fails', () => {
    const waiting = step(initialMachine, { type: 'start', blockedBy: { on: 'a', state: 'starting' } }).next;
    expect(step(waiting, { type: 'start' }, t0 + 1).effects).toEqual([{ kind: 'launch' }]);
    const failed = step(waiting, { type: 'dependency-failed', on: 'a' }, t0 + 2).next;
    expect(failed).toMatchObject({ state: 'failed', reason: 'dependency a failed' });
    expect(step(waiting, { type: 'stop' }).next.state).toBe('stopped');
  });

  it('counts a relaunch (exit 121) as a restart, back through readiness, and gives up past maxRestarts', () => {
    let m = step(initialMachine, { type: 'start' }).next;
    m = step(m, { type: 'ready' }).next;
    const once = step(m, { type: 'relaunched', reason: 'r1' }, t0 + 10);
    expect(once.next).toMatchObject({
      state: 'starting',
      restartsTotal: 1,
      lastExit: { kind: 'relaunched' },
    });
    expect(once.next.readySince).toBeUndefined();
    expect(once.effects).toEqual([{ kind: 'watch-start' }]);
    m = step(
      step(once.next, { type: 'ready' }, t0 + 20).next,
      { type: 'relaunched', reason: 'r2' },
      t0 + 30,
    ).next;
    const third = step(
      step(m, { type: 'ready' }, t0 + 40).next,
      { type: 'relaunched', reason: 'r3' },
      t0 + 50,
    );
    expect(third.next).toMatchObject({ state: 'stopping', failing: { kind: 'crash' } });
    expect(third.next.reason).toMatch(/gave up after 2 restarts in 60s; last: r3/);
    expect(third.effects).toEqual([{ kind: 'terminate' }]);
  });

  it('waits on a busy port as a port, with its holder, not as an anonymous backoff', () => {
    const starting = step(initialMachine, { type: 'start' }).next;
    const busy = { port: 8290, more: 1, holder: { pid: 7, command: 'nc' } };
    const { next } = step(starting, { type: 'ended', exit: { kind: 'start-failed', reason: 'busy' }, busy });
    expect(next.state).toBe('backoff');
    expect(next.wait).toMatchObject({ kind: 'port', port: 8290, more: 1, holder: { pid: 7 } });
    expect(describeMachine(next, t0)).toMatch(
      /^port 8290 held by pid 7 \(nc\) \(and 1 more\); retrying in \d s$/,
    );
  });
});

describe('health verdict', () => {
  it('counts a failure from its first failing answer and calls it a crash after unhealthyAfterSeconds', () => {
    const ok = judgeHealth(undefined, { status: 200 }, t0, 30).report;
    const first = judgeHealth(ok, { status: 500 }, t0 + 10_000, 30);
    expect(first).toMatchObject({ change: 'failing', report: { ok: false, since: t0 + 10_000 } });
    expect(first.crash).toBeUndefined();
    const later = judgeHealth(first.report, { error: 'ECONNREFUSED' }, t0 + 39_999, 30);
    expect(later.change).toBeUndefined();
    expect(later.crash).toBeUndefined();
    expect(judgeHealth(later.report, { status: 503 }, t0 + 40_000, 30).crash).toMatch(
      /health check failing for 30s: answers 503/,
    );
    expect(judgeHealth(later.report, { status: 200 }, t0 + 40_000, 30).change).toBe('recovered');
  });

  it('only reports a failing check when no unhealthyAfterSeconds is set', () => {
    const failing = judgeHealth(undefined, { status: 500 }, t0, undefined);
    expect(judgeHealth(failing.report, { status: 500 }, t0 + 86_400_000, undefined).crash).toBeUndefined();
  });
});

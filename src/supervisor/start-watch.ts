import { followLog } from '../capture/log-tail.js';
import { describeMissingPort, type MissingPort, portsNotHeld } from '../process/port-ownership.js';
import { acceptsConnections, httpStatus } from '../process/readiness-probe.js';
import type { Product } from '../products/product.js';
import type { Answer, Wait } from '../state/instance-record.js';
import type { Clock } from './clock.js';
import { isReadyAnswer, type ReadinessPlan } from './readiness-plan.js';
import type { Run } from './run.js';
import { judgeStartLine } from './start-line.js';
import { describeAnswer } from './wait.js';

export type StartOutcome =
  | { readonly ready: true; readonly unbound: readonly number[] }
  | { readonly ready: false; readonly reason: string };

export interface StartWatchOptions {
  readonly run: Run;
  readonly logFile: string;
  readonly product: Product;
  readonly readiness: ReadinessPlan;
  readonly ports: readonly number[];
  readonly clock: Clock;
  readonly probeIntervalMs: number;
  /** Left of startTimeoutSeconds for this start. */
  readonly timeoutMs: number;
  readonly timeoutSeconds: number;
  /** Output from before the follow began (an adopted or relaunched run's): judged first. */
  readonly earlier?: readonly string[];
  /** Probe at once, without waiting for a ready line that may have gone by unseen. */
  readonly probeNow?: boolean;
  /** What the start waits for now: the ready line, then the readiness check's last answer. */
  readonly onWait: (wait: Wait) => void;
}

/**
 * Watches one start until it is ready or has failed: follows the captured output (ready line, bind
 * failure, start failure), then probes the readiness check; after it answers, every planned port must be
 * held by the instance's own processes. Each change of what it waits for is reported through `onWait`.
 */
export function watchStart(options: StartWatchOptions): { outcome: Promise<StartOutcome>; stop(): void } {
  const { run, readiness, clock } = options;
  const target = readiness.url ?? (readiness.ports ? `ports ${readiness.ports.join(', ')}` : undefined);
  let settle: (outcome: StartOutcome) => void = () => {};
  const outcome = new Promise<StartOutcome>((resolve) => {
    settle = resolve;
  });
  let done = false;
  let cancelProbe = () => {};
  let cancelDeadline = () => {};
  let stopTail = () => {};
  let lineAt: number | undefined;
  let lastAnswer: Answer | undefined;
  const finish = (result: StartOutcome) => {
    if (done) return;
    done = true;
    stopTail();
    cancelProbe();
    cancelDeadline();
    settle(result);
  };
  const fail = (reason: string) => finish({ ready: false, reason });
  const guard = (work: Promise<void>) =>
    work.catch((error: unknown) => fail(`supervisor error: ${String(error)}`));

  /** The planned ports another process holds, looked at again while no holder can be named. */
  const inspectPorts = async (looksLeft = 3): Promise<{ taken: MissingPort[]; missing: MissingPort[] }> => {
    const missing = await portsNotHeld(options.ports, run.pgid);
    // Another process on a planned port is a clash: the JVM carried on without it. A port nobody listens
    // on may be one this set-up does not open (a profile, JMX off): reported, not fatal.
    const taken = missing.filter((m) => m.holder !== undefined || m.heldByUnknown);
    // A listener no process can be found for is often a JVM dying this very moment (its socket outlives
    // it briefly; Carbon's 121 loop does this): looked at again before it is called a clash.
    if (taken.length > 0 && looksLeft > 0 && taken.every((m) => m.holder === undefined) && !done) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return inspectPorts(looksLeft - 1);
    }
    return { taken, missing };
  };
  const failTaken = (taken: readonly MissingPort[], what: string) =>
    fail(`${what}: ${taken.map(describeMissingPort).join('; ')}`);
  const verifyPorts = async (): Promise<void> => {
    const { taken, missing } = await inspectPorts();
    if (taken.length > 0)
      return failTaken(taken, "a planned port is not the instance's after the ready signal");
    finish({ ready: true, unbound: missing.filter((m) => !taken.includes(m)).map((m) => m.port) });
  };
  /** Announced listeners whose line has not come: each one's port is bound, or being bound, or taken. */
  const heard = new Set<number>();
  let listenersSince: number | undefined;
  const awaitListeners = async (unseen: readonly number[]): Promise<void> => {
    const { taken } = await inspectPorts();
    if (done) return;
    if (taken.length > 0)
      return failTaken(taken, 'health answers, but a listener could not bind (the runtime logs nothing)');
    listenersSince ??= clock.now();
    options.onWait({ kind: 'listeners', since: listenersSince, ports: [...unseen] });
  };
  const probe = async () => {
    if (done) return;
    lastAnswer = await answerOf(readiness);
    if (done) return;
    const unseen = (readiness.listeners ?? []).filter((port) => !heard.has(port));
    if (isReadyAnswer(lastAnswer, readiness) && unseen.length === 0) return verifyPorts();
    if (isReadyAnswer(lastAnswer, readiness)) await awaitListeners(unseen);
    else if (target !== undefined)
      options.onWait({
        kind: 'readiness',
        since: lineAt ?? run.startedAt,
        ...(lineAt !== undefined && { lineAt }),
        target,
        answer: lastAnswer,
      });
    if (done) return; // failed while it looked at the listeners: nothing more to probe
    cancelProbe = clock.after(options.probeIntervalMs, () => guard(probe()));
  };
  let probing = false;
  const startProbing = () => {
    if (probing) return;
    probing = true;
    if (target !== undefined)
      options.onWait({
        kind: 'readiness',
        since: clock.now(),
        ...(lineAt !== undefined && { lineAt }),
        target,
      });
    guard(probe());
  };
  const onLine = (line: string) => {
    if (done) return;
    const verdict = judgeStartLine(line, options.product, readiness);
    if (verdict.kind === 'listener') heard.add(verdict.port);
    if (verdict.kind === 'bind-failure') {
      guard(
        portsNotHeld(options.ports, run.pgid).then((missing) => {
          const taken = missing.filter((m) => m.holder !== undefined || m.heldByUnknown);
          const what = taken.length ? taken.map(describeMissingPort).join('; ') : 'a planned port was taken';
          fail(`java.net.BindException: ${what}`);
        }),
      );
    } else if (verdict.kind === 'start-failure') fail(`start failed: ${verdict.line}`);
    else if (verdict.kind === 'ready-line' && lineAt === undefined) {
      lineAt = clock.now();
      // A runtime whose taken ports go unlogged still prints its ready line: a holder is looked for now.
      if (readiness.listeners !== undefined)
        guard(
          inspectPorts().then(({ taken }) => {
            if (taken.length > 0)
              failTaken(
                taken,
                'ready line printed, but a listener could not bind (the runtime logs nothing)',
              );
          }),
        );
      if (target === undefined) {
        // The line decides; only the ports are left to look at (verifyPorts). The output that follows is
        // not read meanwhile: an instance writing flat out from its ready line on had the supervisor
        // reading and judging its lines while its ports were looked at (~6 ms of CPU, 200 MiB spew).
        stopTail();
        guard(verifyPorts());
      } else startProbing();
    }
  };
  cancelDeadline = clock.after(options.timeoutMs, () => {
    const last = target && lastAnswer ? `; ${target} ${describeAnswer(lastAnswer)}` : '';
    const line = readiness.line && lineAt === undefined ? '; the ready line never came' : '';
    const unseen = (readiness.listeners ?? []).filter((port) => !heard.has(port));
    const silent =
      lineAt !== undefined && unseen.length > 0 ? `; no listener line for port ${unseen.join(', ')}` : '';
    fail(`not ready within startTimeoutSeconds (${options.timeoutSeconds}s)${line}${silent}${last}`);
  });
  if (readiness.line !== undefined)
    options.onWait({ kind: 'ready-line', since: run.startedAt, pattern: readiness.line.source });
  for (const line of options.earlier ?? []) onLine(line);
  if (done) return { outcome, stop: () => {} };
  const decidedByLine = lineAt !== undefined && target === undefined;
  if (!decidedByLine) {
    const tail = followLog(options.logFile, {
      fromOffset: run.logStart?.offset ?? 0,
      ...(run.logStart && { inode: run.logStart.inode }),
      onLine,
    });
    stopTail = () => tail.stop();
  }
  if (readiness.line === undefined || (options.probeNow && target !== undefined)) startProbing();
  return { outcome, stop: () => finish({ ready: false, reason: 'stopped' }) };
}

/** One readiness probe's answer: the URL's, or 200 when every port accepts connections. */
async function answerOf(readiness: ReadinessPlan): Promise<Answer> {
  if (readiness.url !== undefined) return httpStatus(readiness.url, 2000);
  if (readiness.ports !== undefined) {
    const accepting = await Promise.all(readiness.ports.map((p) => acceptsConnections(p, 1000)));
    const refused = readiness.ports.filter((_, k) => !accepting[k]);
    return refused.length === 0 ? { status: 200 } : { error: `port ${refused[0]} refuses connections` };
  }
  return { status: 200 };
}

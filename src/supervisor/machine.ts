import type { InstanceConfig } from '../manifest/instance-config.js';
import type { ExitRecord, InstanceState, MachineState, Wait } from '../state/instance-record.js';
import { backoffDelayMs } from './backoff.js';

/**
 * One instance's lifecycle as a pure state machine, after supervisord's explicit states plus `waiting`
 * (for dependencies, as systemd's `After=`/`Requires=`): every transition is a function of (state, event,
 * time, randomness) and returns the effects the runner must carry out. It never looks at a clock or a
 * process itself, so tests drive it without sleeping.
 */

export type { ExitRecord, InstanceState, MachineState };

export type MachineEvent =
  /** Start; `blockedBy`: a dependency that is not running yet, so the instance waits for it. */
  | { readonly type: 'start'; readonly blockedBy?: { readonly on: string; readonly state: string } }
  | { readonly type: 'stop' }
  | { readonly type: 'ready' }
  /** What the instance waits for changed (a health answer, a busy port): facts only, no state change. */
  | { readonly type: 'wait'; readonly wait: Wait | undefined }
  /** The runner saw a failure while the process lives (failed start, unhealthy): it must be stopped. */
  | { readonly type: 'fail'; readonly kind: 'crash' | 'start-failed'; readonly reason: string }
  /** The run is over: every process of the instance is gone (`busy`: it never launched, a port was taken). */
  | { readonly type: 'ended'; readonly exit: Omit<ExitRecord, 'at'>; readonly busy?: BusyPort }
  /** Carbon restarted its JVM (exit 121) inside the same run: a restart, back through readiness. */
  | { readonly type: 'relaunched'; readonly reason: string }
  /** A dependency this instance waits for gave up: it will not become running by itself. */
  | { readonly type: 'dependency-failed'; readonly on: string }
  | { readonly type: 'backoff-elapsed' };

export type Effect =
  | { readonly kind: 'launch' }
  | { readonly kind: 'terminate' }
  /** Back through readiness for the run's new JVM. */
  | { readonly kind: 'watch-start' }
  | { readonly kind: 'schedule-restart'; readonly delayMs: number }
  | { readonly kind: 'cancel-restart' };

/** A planned port found taken before a launch: the instance waits for it, never moves off it. */
export type BusyPort = Omit<Extract<Wait, { kind: 'port' }>, 'kind' | 'since' | 'retryAt'>;

export type RestartSettings = InstanceConfig['restart'];

export const initialMachine: MachineState = { state: 'stopped', restarts: [], attempt: 0 };

export interface Transition {
  readonly next: MachineState;
  readonly effects: readonly Effect[];
}

/** Exits kept in `history`. */
const historyLength = 5;

const stay = (current: MachineState): Transition => ({ next: current, effects: [] });

export function transition(
  current: MachineState,
  event: MachineEvent,
  settings: RestartSettings,
  now: number,
  random: () => number,
): Transition {
  const { detail: _d, failing: _f, wait: _w, reason: _r, ...rest } = current;
  const enter = (state: InstanceState, extra: Partial<MachineState> = {}): MachineState => ({
    ...rest,
    state,
    since: state === current.state ? (current.since ?? now) : now,
    ...extra,
  });
  switch (event.type) {
    case 'start': {
      const settled = ['stopped', 'exited', 'failed'].includes(current.state);
      if (!settled && current.state !== 'backoff' && current.state !== 'waiting') return stay(current);
      // A start asked for by the user forgives earlier failures, as `systemctl reset-failed` would.
      const forgiven = settled ? { restarts: [], attempt: 0 } : {};
      const cancel: Effect[] = current.state === 'backoff' ? [{ kind: 'cancel-restart' }] : [];
      if (event.blockedBy) {
        const since = current.wait?.kind === 'dependency' ? current.wait.since : now;
        const wait: Wait = { kind: 'dependency', since, ...event.blockedBy };
        return { next: enter('waiting', { ...forgiven, wait }), effects: cancel };
      }
      const wait: Wait = { kind: 'launching', since: now };
      return { next: enter('starting', { ...forgiven, wait }), effects: [...cancel, { kind: 'launch' }] };
    }

    case 'stop':
      if (current.state === 'backoff' || current.state === 'waiting') {
        return { next: enter('stopped'), effects: [{ kind: 'cancel-restart' }] };
      }
      if (current.state === 'starting' || current.state === 'running') {
        return {
          next: enter('stopping', { wait: { kind: 'stopping', since: now } }),
          effects: [{ kind: 'terminate' }],
        };
      }
      if (current.state === 'stopping' && current.failing) {
        // A user stop overrides a restart the failure would have caused.
        return { next: { ...rest, ...(current.wait && { wait: current.wait }) }, effects: [] };
      }
      if (current.state === 'failed' || current.state === 'exited')
        return { next: enter('stopped'), effects: [] };
      return stay(current);

    case 'ready':
      if (current.state !== 'starting') return stay(current);
      return { next: enter('running', { readySince: now }), effects: [] };

    case 'wait': {
      const live = ['waiting', 'starting', 'running', 'stopping'].includes(current.state);
      if (!live || (current.state === 'waiting' && event.wait?.kind !== 'dependency')) return stay(current);
      const kept = {
        ...(current.failing && { failing: current.failing }),
        ...(current.reason !== undefined && { reason: current.reason }),
      };
      return { next: { ...rest, ...kept, ...(event.wait && { wait: event.wait }) }, effects: [] };
    }

    case 'fail':
      if (current.state !== 'starting' && current.state !== 'running') return stay(current);
      return {
        next: enter('stopping', {
          failing: { kind: event.kind, reason: event.reason },
          reason: event.reason,
          wait: { kind: 'stopping', since: now },
        }),
        effects: [{ kind: 'terminate' }],
      };

    case 'dependency-failed':
      if (current.state !== 'waiting') return stay(current);
      return { next: enter('failed', { reason: `dependency ${event.on} failed` }), effects: [] };

    case 'relaunched': {
      if (current.state !== 'starting' && current.state !== 'running') return stay(current);
      const exit: ExitRecord = { kind: 'relaunched', reason: event.reason, at: now, code: 121, signal: null };
      const windowMs = settings.windowSeconds * 1000;
      const restarts = current.restarts.filter((at) => now - at < windowMs);
      const { readySince: _ready, ...base } = rest;
      const recorded = { ...base, lastExit: exit, history: remember(current.history, exit) };
      if (restarts.length >= settings.maxRestarts) {
        const reason = `gave up after ${restarts.length} restarts in ${settings.windowSeconds}s; last: ${event.reason}`;
        return {
          next: {
            ...recorded,
            state: 'stopping',
            since: now,
            restarts,
            failing: { kind: 'crash', reason, final: true },
            reason,
            wait: { kind: 'stopping', since: now },
          },
          effects: [{ kind: 'terminate' }],
        };
      }
      return {
        next: {
          ...recorded,
          state: 'starting',
          since: now,
          restarts: [...restarts, now],
          restartsTotal: (current.restartsTotal ?? 0) + 1,
          wait: { kind: 'launching', since: now },
        },
        effects: [{ kind: 'watch-start' }],
      };
    }

    case 'ended': {
      // Only a live run can end: a late report must not restart a stopped, failed or exited instance.
      if (current.state !== 'starting' && current.state !== 'running' && current.state !== 'stopping') {
        return stay(current);
      }
      const asked = current.state === 'stopping' && !current.failing;
      const exit: ExitRecord = current.failing
        ? { ...event.exit, kind: current.failing.kind, reason: current.failing.reason, at: now }
        : { ...event.exit, kind: asked ? 'asked' : event.exit.kind, at: now };
      const { readySince, ...base } = rest;
      const recorded = { ...base, lastExit: exit, history: remember(current.history, exit) };
      if (exit.kind === 'asked') return { next: { ...recorded, state: 'stopped', since: now }, effects: [] };
      // Stopped because it had already given up (a relaunch past maxRestarts): failed, not judged again.
      if (current.failing?.final)
        return { next: { ...recorded, state: 'failed', since: now, reason: exit.reason }, effects: [] };
      return afterUnaskedEnd(recorded, exit, readySince, settings, now, random, event.busy);
    }

    case 'backoff-elapsed':
      if (current.state !== 'backoff') return stay(current);
      return {
        next: enter('starting', { wait: { kind: 'launching', since: now } }),
        effects: [{ kind: 'launch' }],
      };
  }
}

function remember(history: readonly ExitRecord[] | undefined, exit: ExitRecord): ExitRecord[] {
  return [...(history ?? []), exit].slice(-historyLength);
}

/** Restart policy: restart with backoff, or give up (`failed`), or leave it (`exited`). */
function afterUnaskedEnd(
  base: MachineState,
  exit: ExitRecord,
  readySince: number | undefined,
  settings: RestartSettings,
  now: number,
  random: () => number,
  busy?: BusyPort,
): Transition {
  const failure = exit.kind !== 'clean';
  const wantsRestart = settings.policy === 'always' || (settings.policy === 'on-failure' && failure);
  if (!wantsRestart) {
    return {
      next: { ...base, state: failure ? 'failed' : 'exited', since: now, reason: exit.reason },
      effects: [],
    };
  }
  const windowMs = settings.windowSeconds * 1000;
  // Ready for a whole window: the instance had recovered, so the backoff starts over.
  const recovered = readySince !== undefined && now - readySince >= windowMs;
  const attempt = recovered ? 0 : base.attempt;
  const restarts = base.restarts.filter((at) => now - at < windowMs);
  if (restarts.length >= settings.maxRestarts) {
    const reason = `gave up after ${restarts.length} restarts in ${settings.windowSeconds}s; last: ${exit.reason}`;
    return { next: { ...base, state: 'failed', since: now, restarts, attempt, reason }, effects: [] };
  }
  const delayMs = backoffDelayMs(attempt, settings.backoff, random);
  const next: MachineState = {
    ...base,
    state: 'backoff',
    since: now,
    restarts: [...restarts, now],
    restartsTotal: (base.restartsTotal ?? 0) + 1,
    attempt: attempt + 1,
    wait: busy
      ? { kind: 'port', since: now, ...busy, retryAt: now + delayMs }
      : { kind: 'backoff', since: now, retryAt: now + delayMs, after: exit.reason },
  };
  return { next, effects: [{ kind: 'schedule-restart', delayMs }] };
}

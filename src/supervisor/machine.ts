import type { InstanceConfig } from '../manifest/instance-config.js';
import { backoffDelayMs } from './backoff.js';

/**
 * One instance's lifecycle as a pure state machine, after supervisord's explicit states: every transition
 * is a function of (state, event, time, randomness) and returns the effects the runner must carry out.
 * It never looks at a clock or a process itself, so tests drive it without sleeping.
 */

export type InstanceState = 'stopped' | 'starting' | 'running' | 'stopping' | 'backoff' | 'failed' | 'exited';

/** How an instance's run ended, as the runner classified it (the script's exit code cannot tell). */
export interface ExitRecord {
  /** `asked`: the supervisor stopped it; `clean`: graceful-shutdown lines came just before; else a failure. */
  readonly kind: 'asked' | 'clean' | 'crash' | 'start-failed';
  readonly reason: string;
  readonly at: number;
  readonly code?: number | null;
  readonly signal?: string | null;
}

export interface MachineState {
  readonly state: InstanceState;
  /** Human-readable detail: why it waits, failed or is unhealthy. */
  readonly detail?: string;
  /** Times of the restarts inside the current window. */
  readonly restarts: readonly number[];
  /** Consecutive failures since the instance was last ready for a whole window: the backoff exponent. */
  readonly attempt: number;
  readonly readySince?: number;
  /** When a pending restart is due (state `backoff`). */
  readonly restartAt?: number;
  /** The failure that made the runner stop the instance; the run ends as that, not as `asked`. */
  readonly failing?: { readonly kind: 'crash' | 'start-failed'; readonly reason: string };
  readonly lastExit?: ExitRecord;
}

export type MachineEvent =
  | { readonly type: 'start' }
  | { readonly type: 'stop' }
  | { readonly type: 'ready' }
  /** The runner saw a failure while the process lives (failed start, unhealthy): it must be stopped. */
  | { readonly type: 'fail'; readonly kind: 'crash' | 'start-failed'; readonly reason: string }
  /** The run is over: every process of the instance is gone. */
  | { readonly type: 'ended'; readonly exit: Omit<ExitRecord, 'at'> }
  | { readonly type: 'backoff-elapsed' };

export type Effect =
  | { readonly kind: 'launch' }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'schedule-restart'; readonly delayMs: number }
  | { readonly kind: 'cancel-restart' };

export type RestartSettings = InstanceConfig['restart'];

export const initialMachine: MachineState = { state: 'stopped', restarts: [], attempt: 0 };

export interface Transition {
  readonly next: MachineState;
  readonly effects: readonly Effect[];
}

const stay = (current: MachineState): Transition => ({ next: current, effects: [] });

export function transition(
  current: MachineState,
  event: MachineEvent,
  settings: RestartSettings,
  now: number,
  random: () => number,
): Transition {
  const { detail: _detail, failing: _failing, restartAt: _restartAt, ...rest } = current;
  switch (event.type) {
    case 'start':
      if (current.state === 'backoff') {
        return {
          next: { ...rest, state: 'starting' },
          effects: [{ kind: 'cancel-restart' }, { kind: 'launch' }],
        };
      }
      if (current.state === 'stopped' || current.state === 'exited' || current.state === 'failed') {
        // A start asked for by the user forgives earlier failures, as `systemctl reset-failed` would.
        return {
          next: { ...rest, state: 'starting', restarts: [], attempt: 0 },
          effects: [{ kind: 'launch' }],
        };
      }
      return stay(current);

    case 'stop':
      if (current.state === 'backoff') {
        return { next: { ...rest, state: 'stopped' }, effects: [{ kind: 'cancel-restart' }] };
      }
      if (current.state === 'starting' || current.state === 'running') {
        return { next: { ...rest, state: 'stopping' }, effects: [{ kind: 'terminate' }] };
      }
      if (current.state === 'stopping' && current.failing) {
        // A user stop overrides a restart the failure would have caused.
        return { next: { ...rest, state: 'stopping' }, effects: [] };
      }
      if (current.state === 'failed' || current.state === 'exited')
        return { next: { ...rest, state: 'stopped' }, effects: [] };
      return stay(current);

    case 'ready':
      if (current.state !== 'starting') return stay(current);
      return { next: { ...rest, state: 'running', readySince: now }, effects: [] };

    case 'fail':
      if (current.state !== 'starting' && current.state !== 'running') return stay(current);
      return {
        next: {
          ...rest,
          state: 'stopping',
          failing: { kind: event.kind, reason: event.reason },
          detail: event.reason,
        },
        effects: [{ kind: 'terminate' }],
      };

    case 'ended': {
      // Only a live run can end: a late report must not restart a stopped, failed or exited instance.
      if (current.state !== 'starting' && current.state !== 'running' && current.state !== 'stopping') {
        return stay(current);
      }
      const asked = current.state === 'stopping' && !current.failing;
      const exit: ExitRecord = current.failing
        ? { ...event.exit, ...current.failing, at: now }
        : { ...event.exit, kind: asked ? 'asked' : event.exit.kind, at: now };
      const { readySince, ...base } = rest;
      if (exit.kind === 'asked') return { next: { ...base, state: 'stopped', lastExit: exit }, effects: [] };
      return afterUnaskedEnd({ ...base, lastExit: exit }, exit, readySince, settings, now, random);
    }

    case 'backoff-elapsed':
      if (current.state !== 'backoff') return stay(current);
      return { next: { ...rest, state: 'starting' }, effects: [{ kind: 'launch' }] };
  }
}

/** Restart policy: restart with backoff, or give up (`failed`), or leave it (`exited`). */
function afterUnaskedEnd(
  base: MachineState,
  exit: ExitRecord,
  readySince: number | undefined,
  settings: RestartSettings,
  now: number,
  random: () => number,
): Transition {
  const failure = exit.kind !== 'clean';
  const wantsRestart = settings.policy === 'always' || (settings.policy === 'on-failure' && failure);
  if (!wantsRestart) {
    return { next: { ...base, state: failure ? 'failed' : 'exited', detail: exit.reason }, effects: [] };
  }
  const windowMs = settings.windowSeconds * 1000;
  // Ready for a whole window: the instance had recovered, so the backoff starts over.
  const recovered = readySince !== undefined && now - readySince >= windowMs;
  const attempt = recovered ? 0 : base.attempt;
  const restarts = base.restarts.filter((at) => now - at < windowMs);
  if (restarts.length >= settings.maxRestarts) {
    const detail = `gave up after ${restarts.length} restarts in ${settings.windowSeconds}s; last: ${exit.reason}`;
    return { next: { ...base, state: 'failed', restarts, attempt, detail }, effects: [] };
  }
  const delayMs = backoffDelayMs(attempt, settings.backoff, random);
  const next: MachineState = {
    ...base,
    state: 'backoff',
    restarts: [...restarts, now],
    attempt: attempt + 1,
    restartAt: now + delayMs,
    detail: `restarting in ${(delayMs / 1000).toFixed(1)}s after: ${exit.reason}`,
  };
  return { next, effects: [{ kind: 'schedule-restart', delayMs }] };
}

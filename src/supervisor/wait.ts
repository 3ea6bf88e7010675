import type { Answer, HealthReport, MachineState, Wait } from '../state/instance-record.js';

/**
 * The one sentence `status`, `up -d`, the supervisor log and the views show for an instance: what it does
 * or waits for, and since when. Made from the machine's facts at the moment it is shown, so "40 s ago"
 * is always current and nothing but the facts is stored.
 */
export function describeMachine(machine: MachineState, now: number, health?: HealthReport): string {
  if (machine.wait) return describeWait(machine.wait, now);
  const since = machine.since === undefined ? '' : ` ${ago(machine.since, now)}`;
  switch (machine.state) {
    case 'running': {
      const ready = `ready for ${seconds(now - (machine.readySince ?? machine.since ?? now))}`;
      if (health === undefined || health.ok) return ready;
      return `${ready}; health check failing for ${seconds(now - health.since)}: ${health.error ?? 'no answer'}`;
    }
    case 'stopped':
      return machine.lastExit ? `stopped${since}` : 'not started';
    default:
      return machine.reason ?? `${machine.state}${since}`;
  }
}

export function describeWait(wait: Wait, now: number): string {
  switch (wait.kind) {
    case 'dependency':
      return `waiting for ${wait.on} (${wait.state}) since ${ago(wait.since, now)}`;
    case 'launching':
      return `launching since ${ago(wait.since, now)}`;
    case 'ready-line':
      return `launched ${ago(wait.since, now)}; waiting for the ready line /${wait.pattern}/`;
    case 'readiness': {
      const seen = wait.lineAt === undefined ? 'probing' : `ready line seen ${ago(wait.lineAt, now)}`;
      return `${seen}; ${wait.target} ${describeAnswer(wait.answer)}`;
    }
    case 'listeners': {
      const which = wait.ports.length > 1 ? `ports ${wait.ports.join(', ')}` : `port ${wait.ports[0]}`;
      return `ready line seen, health answers; waiting since ${ago(wait.since, now)} for the listener on ${which} to say it is bound`;
    }
    case 'port': {
      const who = wait.holder ? `held by pid ${wait.holder.pid} (${wait.holder.command})` : 'busy';
      const more = wait.more > 0 ? ` (and ${wait.more} more)` : '';
      const retry = wait.retryAt === undefined ? '' : `; retrying in ${seconds(wait.retryAt - now)}`;
      return `port ${wait.port} ${who}${more}${retry}`;
    }
    case 'backoff':
      return `restarting in ${seconds(wait.retryAt - now)} after: ${wait.after}`;
    case 'stopping': {
      const kill = wait.killAt === undefined ? '' : `; SIGKILL in ${seconds(wait.killAt - now)}`;
      return `stopping since ${ago(wait.since, now)}${kill}`;
    }
  }
}

/** A check's last answer, as a user reads it: "answers 500 {"status":...}", "does not answer (ECONNREFUSED)". */
export function describeAnswer(answer: Answer | undefined): string {
  if (answer === undefined) return 'not asked yet';
  if (answer.status !== undefined)
    return `answers ${answer.status}${answer.body ? ` ${excerpt(answer.body)}` : ''}`;
  return `does not answer (${answer.error ?? 'no answer'})`;
}

/**
 * What tells one wait from another in the supervisor log: a change of this is logged, a new probe with the
 * same answer is not.
 */
export function waitKey(wait: Wait | undefined): string {
  if (wait === undefined) return '';
  switch (wait.kind) {
    case 'dependency':
      return `dependency:${wait.on}:${wait.state}`;
    case 'readiness':
      return `readiness:${wait.lineAt !== undefined}:${wait.answer?.status ?? wait.answer?.error ?? ''}`;
    case 'listeners':
      return `listeners:${wait.ports.join(',')}`;
    case 'port':
      return `port:${wait.port}:${wait.holder?.pid ?? ''}`;
    case 'stopping':
      return `stopping:${wait.killAt !== undefined}`;
    default:
      return wait.kind;
  }
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  // Long enough for MI's 500 body to name its faulty CApps (about 150 characters).
  return flat.length > 240 ? `${flat.slice(0, 237)}...` : flat;
}

function ago(at: number, now: number): string {
  return `${seconds(now - at)} ago`;
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

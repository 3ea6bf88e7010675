import { ControlRequestError, NoSupervisorError, SupervisorGoneError } from '../errors.js';

/** An answer the page can show: an HTTP status and a sentence. */
export interface Refusal {
  readonly status: number;
  readonly message: string;
}

/**
 * What the page is told when the supervisor refused or could not be asked: its own sentence (the
 * supervisor's refusals name instances, never environment values), with a status that says whose fault it
 * was. Anything else is an internal failure of the ui process, told without its details.
 */
export function refusalOf(error: unknown): Refusal {
  if (error instanceof ControlRequestError)
    return { status: error.facts.kind === 'unknown-instance' ? 404 : 400, message: error.message };
  if (error instanceof NoSupervisorError) return { status: 503, message: error.message };
  if (error instanceof SupervisorGoneError) return { status: 502, message: error.message };
  return { status: 500, message: 'the ui process failed on this request (see its terminal)' };
}

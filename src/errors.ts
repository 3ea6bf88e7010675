/**
 * The errors a user can cause or meet. Each carries structured fields and an exit code from the contract;
 * the CLI turns them into one clear paragraph (or a JSON document), never a stack trace.
 */

export const exitCodes = {
  ok: 0,
  operationFailed: 1,
  usage: 2,
  portsUnavailable: 3,
  noSupervisor: 4,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export abstract class SupervisorError extends Error {
  abstract readonly exitCode: ExitCode;
  /** Structured form for `--json`. */
  abstract toJSON(): Record<string, unknown>;
}

export class UsageError extends SupervisorError {
  readonly exitCode = exitCodes.usage;
  override readonly name = 'UsageError';
  toJSON() {
    return { error: 'usage', message: this.message };
  }
}

/** One thing wrong in a manifest: where (JSON path), what was found, what to do. */
export interface ManifestProblem {
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

export class ManifestError extends SupervisorError {
  readonly exitCode = exitCodes.usage;
  override readonly name = 'ManifestError';
  constructor(
    readonly file: string,
    readonly problems: readonly ManifestProblem[],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${file} is invalid (${count}):\n${problems.map(formatProblem).join('\n')}`);
  }
  toJSON() {
    return { error: 'manifest', file: this.file, problems: this.problems };
  }
}

export function formatProblem(problem: ManifestProblem): string {
  return `  ${problem.path}: ${problem.message}. ${problem.hint}`;
}

/** Who holds a busy port, as far as the host can tell. */
export interface PortHolder {
  readonly pid: number;
  readonly command: string;
}

export interface PortClash {
  readonly port: number;
  /** Instances that want the port (one when the clash is with a foreign process). */
  readonly instances: readonly string[];
  readonly holder?: PortHolder | undefined;
}

export class PortConflictError extends SupervisorError {
  readonly exitCode = exitCodes.portsUnavailable;
  override readonly name = 'PortConflictError';
  constructor(
    message: string,
    readonly clashes: readonly PortClash[],
  ) {
    super(message);
  }
  toJSON() {
    return { error: 'ports', message: this.message, clashes: this.clashes };
  }
}

/** A control command found no supervisor answering for the state folder. */
export class NoSupervisorError extends SupervisorError {
  readonly exitCode = exitCodes.noSupervisor;
  override readonly name = 'NoSupervisorError';
  constructor(readonly stateDir: string) {
    super(`no supervisor is running for ${stateDir}. Start one with: wso2-supervisor up -d`);
  }
  toJSON() {
    return { error: 'no-supervisor', message: this.message, stateDir: this.stateDir };
  }
}

/** The supervisor refused a request (an unknown instance, a bad manifest on reload): its facts kept as fields. */
export class ControlRequestError extends SupervisorError {
  override readonly name = 'ControlRequestError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly facts: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
  toJSON() {
    return { error: 'request', ...this.facts, message: this.message };
  }
}

/** One supervisor per state folder: another one already runs there. */
export class AlreadyRunningError extends SupervisorError {
  readonly exitCode = exitCodes.operationFailed;
  override readonly name = 'AlreadyRunningError';
  constructor(
    readonly pid: number,
    readonly stateDir: string,
  ) {
    super(
      `a supervisor is already running for ${stateDir} (pid ${pid}). Use it, or stop it with: wso2-supervisor down`,
    );
  }
  toJSON() {
    return { error: 'already-running', message: this.message, pid: this.pid, stateDir: this.stateDir };
  }
}

/** `up -d` started a daemon that did not come up: why, and where its own output went. */
export class DaemonStartError extends SupervisorError {
  readonly exitCode = exitCodes.operationFailed;
  override readonly name = 'DaemonStartError';
  constructor(
    readonly why: string,
    readonly outputFile: string,
    readonly lastLines: string,
  ) {
    super(`the supervisor did not come up (${why}); ${outputFile} ends:\n${lastLines}`);
  }
  toJSON() {
    return { error: 'daemon-start', message: this.message, why: this.why, outputFile: this.outputFile };
  }
}

/**
 * The supervisor went away, or stopped answering, while a request was in flight: what happened, whether the
 * request may have been carried out, and whether another supervisor answers now. Exit 4, as when none runs.
 */
export class SupervisorGoneError extends SupervisorError {
  readonly exitCode = exitCodes.noSupervisor;
  override readonly name = 'SupervisorGoneError';
  constructor(
    readonly stateDir: string,
    readonly request: string,
    readonly how: 'went-away' | 'not-answering',
    readonly waitedMs: number,
    readonly nowRunning: number | undefined,
  ) {
    const what =
      how === 'went-away'
        ? `the supervisor went away while handling "${request}"`
        : `the supervisor did not answer "${request}" for ${Math.round(waitedMs / 1000)} s (frozen, or overloaded)`;
    const now =
      nowRunning === undefined
        ? 'No supervisor answers now.'
        : `A supervisor (pid ${nowRunning}) answers now.`;
    super(
      `${what}; it may or may not have been carried out. ${now} See where things stand with: wso2-supervisor status`,
    );
  }
  toJSON() {
    return {
      error: 'supervisor-gone',
      message: this.message,
      stateDir: this.stateDir,
      request: this.request,
      how: this.how,
      nowRunning: this.nowRunning ?? null,
    };
  }
}

/** The fleet cannot be exported as planned: offsets the planner could not give, or names a target cannot hold. */
export class ExportError extends SupervisorError {
  override readonly name = 'ExportError';
  constructor(
    readonly reason: 'plan' | 'names',
    readonly problems: readonly string[],
    readonly exitCode: ExitCode = reason === 'plan' ? exitCodes.portsUnavailable : exitCodes.usage,
  ) {
    super(`cannot export the fleet:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  toJSON() {
    return { error: 'export', reason: this.reason, message: this.message, problems: this.problems };
  }
}

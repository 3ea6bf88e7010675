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

import { exitCodes, SupervisorError } from '../errors.js';
import { printDiagnostic, printJson } from './print.js';

/**
 * Turns any error into an exit code and one clear paragraph (stderr), or one JSON document (stdout) with
 * `--json`. Only an unexpected internal error shows a stack, and only with WSO2_SUPERVISOR_DEBUG set.
 */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof SupervisorError) {
    if (json) printJson({ ok: false, ...error.toJSON() });
    else printDiagnostic(error.message);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) printJson({ ok: false, error: 'internal', message });
  else {
    printDiagnostic(`wso2-supervisor failed unexpectedly: ${message}`);
    if (process.env.WSO2_SUPERVISOR_DEBUG) printDiagnostic(String((error as Error)?.stack));
    else printDiagnostic('Set WSO2_SUPERVISOR_DEBUG=1 for details, and please report it.');
  }
  return exitCodes.operationFailed;
}

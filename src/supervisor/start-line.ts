import { bindFailure, type Product } from '../products/product.js';
import type { ReadinessPlan } from './readiness-plan.js';

/** What one line of a starting instance's output means for its start. */
export type StartLineVerdict =
  | { readonly kind: 'ready-line' }
  /** A listener that announces its bind has bound this port. */
  | { readonly kind: 'listener'; readonly port: number }
  /** WSO2 logs a BindException and carries on without the port: the start has failed all the same. */
  | { readonly kind: 'bind-failure' }
  | { readonly kind: 'start-failure'; readonly line: string }
  | { readonly kind: 'nothing' };

/** The supervisor's own lines in an instance's captured output start with this. */
export const markerPrefix = '[wso2-supervisor]';

/** Judges one output line of a start (pure): the ready line, a bind failure, another start failure, or nothing. */
export function judgeStartLine(line: string, product: Product, readiness: ReadinessPlan): StartLineVerdict {
  if (line.startsWith(markerPrefix)) return { kind: 'nothing' };
  if (bindFailure.test(line)) return { kind: 'bind-failure' };
  if (product.startFailures.some((re) => re !== bindFailure && re.test(line)))
    return { kind: 'start-failure', line: line.trim() };
  if (readiness.line?.test(line)) return { kind: 'ready-line' };
  const listener = product.listenerLine?.exec(line);
  if (listener?.[1] !== undefined) return { kind: 'listener', port: Number(listener[1]) };
  return { kind: 'nothing' };
}

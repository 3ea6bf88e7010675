import type { InstanceConfig } from '../manifest/instance-config.js';
import { portSet, productOf } from '../products/catalog.js';
import type { HealthCheck } from '../products/product.js';
import type { Answer } from '../state/instance-record.js';

/** How to tell that an instance is ready, and then that it stays healthy. */
export interface ReadinessPlan {
  /** A line of output to wait for first (probing before it hurts WSO2's internal listeners). */
  readonly line?: RegExp;
  /** Then a URL that must answer 200 (and, when given, with a body matching `body`). */
  readonly url?: string;
  readonly body?: RegExp;
  /**
   * Ports whose listener announces its bind (Carbon 5's netty listeners, which fail silently): ready needs
   * each one's line, and no planned port may be held by another process once the ready line is seen.
   */
  readonly listeners?: readonly number[];
  /** Or ports that must all accept connections. */
  readonly ports?: readonly number[];
  /** What to check while running: a URL answering 200, or ports accepting connections. */
  readonly liveness?: { readonly url: string } | { readonly ports: readonly number[] };
}

export function readinessPlan(config: InstanceConfig, offset: number): ReadinessPlan {
  const product = productOf(config.product);
  const ports = portSet(product, offset);
  const planned = ports.map((p) => p.port);
  const announced = ports.filter((p) => p.announced).map((p) => p.port);
  const listeners = product.listenerLine && announced.length > 0 ? { listeners: announced } : {};
  const override = config.readiness;
  if (override === undefined) {
    const { body } = product.readiness;
    return {
      line: product.readyLine,
      url: healthUrl(product.readiness, offset),
      ...(body && { body }),
      ...listeners,
      liveness: { url: healthUrl(product.liveness, offset) },
    };
  }
  if ('log' in override) return { line: new RegExp(override.log) };
  // Probing only after the ready line holds for overrides too: early requests hurt MI's internal listeners.
  if ('ports' in override)
    return { line: product.readyLine, ports: planned, ...listeners, liveness: { ports: planned } };
  const url = override.http.replace(/\{port:(\d+)\}/g, (_, base: string) => String(Number(base) + offset));
  return { line: product.readyLine, url, ...listeners, liveness: { url } };
}

/** Whether a readiness answer means ready: 200, with the expected body when the plan names one (pure). */
export function isReadyAnswer(answer: Answer, plan: ReadinessPlan): boolean {
  return answer.status === 200 && (plan.body === undefined || plan.body.test(answer.body ?? ''));
}

function healthUrl(check: HealthCheck, offset: number): string {
  return `${check.scheme}://127.0.0.1:${check.portBase + offset}${check.path}`;
}

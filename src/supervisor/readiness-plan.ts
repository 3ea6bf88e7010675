import type { InstanceConfig } from '../manifest/instance-config.js';
import { portSet, productOf } from '../products/catalog.js';
import type { HealthCheck } from '../products/product.js';

/** How to tell that an instance is ready, and then that it stays healthy. */
export interface ReadinessPlan {
  /** A line of output to wait for first (probing before it hurts WSO2's internal listeners). */
  readonly line?: RegExp;
  /** Then a URL that must answer 200. */
  readonly url?: string;
  /** Or ports that must all accept connections. */
  readonly ports?: readonly number[];
  /** What to check while running: a URL answering 200, or ports accepting connections. */
  readonly liveness?: { readonly url: string } | { readonly ports: readonly number[] };
}

export function readinessPlan(config: InstanceConfig, offset: number): ReadinessPlan {
  const product = productOf(config.product);
  const planned = portSet(product, offset).map((p) => p.port);
  const override = config.readiness;
  if (override === undefined) {
    return {
      line: product.readyLine,
      url: healthUrl(product.readiness, offset),
      liveness: { url: healthUrl(product.liveness, offset) },
    };
  }
  if ('log' in override) return { line: new RegExp(override.log) };
  // Probing only after the ready line holds for overrides too: early requests hurt MI's internal listeners.
  if ('ports' in override) return { line: product.readyLine, ports: planned, liveness: { ports: planned } };
  const url = override.http.replace(/\{port:(\d+)\}/g, (_, base: string) => String(Number(base) + offset));
  return { line: product.readyLine, url, liveness: { url } };
}

function healthUrl(check: HealthCheck, offset: number): string {
  return `${check.scheme}://127.0.0.1:${check.portBase + offset}${check.path}`;
}

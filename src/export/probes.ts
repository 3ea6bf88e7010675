import type { InstanceConfig } from '../manifest/instance-config.js';
import type { ProductId } from '../products/product.js';
import { readinessPlan } from '../supervisor/readiness-plan.js';
import type { ExportedInstance, ExportProbe } from './model.js';

/**
 * The port a startup probe checks over TCP, at offset 0: what WSO2's own charts use (scale-out.md §3, ports.md):
 * MI's HTTPS pass-through 8243 (wso2/helm-mi `mi-deployment.yaml`, `nc -z localhost 8243+offset`), API-M's
 * HTTPS servlet 9443 (wso2/helm-apim all-in-one, TCP 9443+offset). For the Carbon 5 runtimes the HTTP netty
 * listener, where `/health` answers (carbon5.md; helm-si checks a netty listener too, its HTTPS one).
 */
const startupPortBase: Readonly<Record<ProductId, number>> = {
  mi: 8243,
  apim: 9443,
  si: 9090,
  'si-tooling': 9387,
  'ei-analytics': 9090,
};

/**
 * Readiness, liveness and startup checks of an instance at its frozen offset, from the supervisor's own
 * readiness plan (the same URLs `up` probes). A `readiness.log` override has no counterpart outside the
 * supervisor: the product's own health check stands in for it, and the renderers say so.
 */
export function exportProbes(config: InstanceConfig, offset: number): ExportedInstance['probes'] {
  const { readiness: _, ...withoutOverride } = config;
  const own = readinessPlan(withoutOverride, offset);
  const planned =
    config.readiness !== undefined && 'log' in config.readiness ? own : readinessPlan(config, offset);
  const readiness = probeOf(planned.url, planned.ports) ?? (probeOf(own.url, own.ports) as ExportProbe);
  const liveness = planned.liveness ?? own.liveness;
  const alive =
    liveness === undefined
      ? undefined
      : 'url' in liveness
        ? probeOf(liveness.url)
        : probeOf(undefined, liveness.ports);
  return {
    readiness,
    liveness: alive ?? readiness,
    startup: { port: startupPortBase[config.product] + offset },
  };
}

export function readinessSource(config: InstanceConfig): ExportedInstance['readinessFrom'] {
  const override = config.readiness;
  if (override === undefined) return 'product';
  return 'log' in override ? 'log' : 'ports' in override ? 'ports' : 'http';
}

function probeOf(url: string | undefined, ports?: readonly number[]): ExportProbe | undefined {
  if (ports !== undefined) return { kind: 'tcp', ports };
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  const scheme = parsed.protocol === 'https:' ? 'https' : 'http';
  const port = parsed.port === '' ? (scheme === 'https' ? 443 : 80) : Number(parsed.port);
  // URL keeps IPv6 hosts bracketed; a probe's host field wants the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { kind: 'http', url, scheme, host, port, path: `${parsed.pathname}${parsed.search}` };
}

/** Whether a probe's host is this machine's loopback: in a pod or container, the instance's own address. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

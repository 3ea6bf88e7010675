import type { ServerResponse } from 'node:http';
import { portSet } from '../../src/products/catalog.js';
import type { Carbon4Flavour } from './carbon4-flavours.js';
import type { RequestHandler } from './listeners.js';
import type { CarbonLog } from './log.js';

/**
 * HTTP answers of the simulated server: the readiness and liveness checks the catalog names
 * (`product.readiness`, `product.liveness`), a few pages, and 404 for everything else.
 * Readiness answers 500 for `notReadyMs` after the ready line (API-M: APIs not yet deployed; MI: faulty CApps),
 * then 200.
 */
export interface HealthDeps {
  readonly flavour: Carbon4Flavour;
  readonly offset: number;
  readonly notReadyMs: number;
  readonly log: CarbonLog;
  /** Epoch ms of the ready line, undefined before it. */
  readyAt(): number | undefined;
}

export function healthHandler(deps: HealthDeps): RequestHandler {
  const { product } = deps.flavour;
  const nameByPort = new Map(portSet(product, deps.offset).map((p) => [p.port, p] as const));
  const portOf = (base: number) => base + deps.offset;

  return (request, response) => {
    const port = nameByPort.get(request.socket.localPort ?? -1);
    const path = (request.url ?? '/').split('?')[0];
    if (port === undefined) return answer(response, 404, 'text/plain', 'Not Found');
    const readyAt = deps.readyAt();
    if (readyAt === undefined && deps.flavour.latePorts.has(port.name)) {
      // wso2-synapse `MultiListenerServerIODispatch` (PR #1969): a request before start-up completes is logged
      // and its connection dropped.
      deps.log.write({
        level: 'ERROR',
        logger: 'org.apache.synapse.transport.passthru.core.MultiListenerServerIODispatch',
        message:
          `The request to the port ${port.port} cannot be processed further as the Listener has not started ` +
          `yet on port ${port.port}`,
      });
      request.socket.destroy();
      return;
    }
    if (port.port === portOf(product.readiness.portBase) && path === product.readiness.path) {
      const now = Date.now();
      const ready = readyAt !== undefined && now >= readyAt + deps.notReadyMs;
      return answer(response, ready ? 200 : 500, 'application/json', deps.flavour.readinessBody(ready));
    }
    if (port.port === portOf(product.liveness.portBase) && path === product.liveness.path) {
      const type = product.id === 'mi' ? 'application/json' : 'application/xml';
      return answer(response, 200, type, deps.flavour.livenessBody());
    }
    if (path !== undefined && deps.flavour.pages[port.name]?.includes(path)) {
      return answer(
        response,
        200,
        'text/html',
        `<html><body>${product.displayName} (simulated)${path}</body></html>`,
      );
    }
    answer(response, 404, 'text/plain', 'Not Found');
  };
}

function answer(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

import type { ServerResponse } from 'node:http';
import type { HandlerDeps } from './flavour.js';
import type { RequestHandler } from './listeners.js';

/**
 * HTTP answers of a simulated Carbon 5 runtime: `GET /health` on the netty listeners → 200
 * `{"status":"healthy"}`, no credentials, as soon as the listener serves (carbon-analytics
 * `HealthApiServiceImpl`); SI Tooling's editor page at `/editor`; 404 for anything else, the Store Query API's
 * listeners included. Readiness is not answered 500 first: the listener is simply not bound yet
 * (Flavour.lateListenersLagReady).
 */
export function carbon5Handler(deps: HandlerDeps, editor: boolean): RequestHandler {
  const byNumber = new Map(deps.config.ports.map((p) => [p.port, p] as const));
  return (request, response) => {
    const port = byNumber.get(request.socket.localPort ?? -1);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (port?.announced === true) {
      if (path === '/health' && request.method === 'GET') {
        return answer(response, 200, 'application/json', '{"status":"healthy"}');
      }
      if (editor && port.scheme === 'http' && (path === '/editor' || path.startsWith('/editor/'))) {
        return answer(
          response,
          200,
          'text/html',
          '<html><body>Streaming Integrator Tooling (simulated)</body></html>',
        );
      }
    }
    answer(response, 404, 'text/plain', 'Not Found');
  };
}

function answer(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

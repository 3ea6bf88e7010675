import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { EffectivePort } from '../../src/products/catalog.js';

/**
 * One listening socket of the simulated server, on 0.0.0.0 like the real transports (the start scripts pass
 * `-Djava.net.preferIPv4Stack=true`). `http` ports answer HTTP, `https` ports TLS with the home's self-signed
 * certificate, `tcp` ports accept and hold connections without speaking.
 */
export interface Listener {
  readonly port: EffectivePort;
  /** Stops listening, drops open connections and resolves once the port is released. */
  close(): Promise<void>;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface ListenOptions {
  /** PEM key and certificate for `https` ports; without them those ports accept plain TCP. */
  readonly tls: { readonly key: string; readonly cert: string } | undefined;
  /** Answers requests on `http` / `https` ports. */
  readonly handler: RequestHandler;
}

export type ListenResult =
  | { readonly ok: true; readonly listener: Listener }
  | { readonly ok: false; readonly error: NodeJS.ErrnoException };

export function listen(port: EffectivePort, options: ListenOptions): Promise<ListenResult> {
  const server = serverFor(port, options);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // a peer that resets is its own business, not a crash of the server
  });
  const listener: Listener = {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error }));
    server.once('listening', () => resolve({ ok: true, listener }));
    try {
      server.listen({ port: port.port, host: '0.0.0.0' });
    } catch (error) {
      // An out-of-range port (offset too large) throws at once, as `new ServerSocket(65536)` does in Java.
      resolve({ ok: false, error: error as NodeJS.ErrnoException });
    }
  });
}

function serverFor(port: EffectivePort, options: ListenOptions): Server {
  if (port.scheme === 'http') return createHttpServer(options.handler);
  if (port.scheme === 'https' && options.tls !== undefined) {
    return createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, options.handler);
  }
  return createTcpServer();
}

import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Cuts off a connection that has not sent its request's head within `headMs` of connecting (or of its
 * previous answer, on a kept-alive connection), or the rest of the request within `requestMs`: a slow or
 * stuck client never holds the supervisor up.
 *
 * Node enforces `headersTimeout` and `requestTimeout` only when it checks its connections, on a timer of
 * `connectionsCheckingInterval` that runs while the server listens: at 1 s, it woke an idle daemon every
 * second for nothing (30 of the 90 wake-ups in 30 s idle, measured with strace). These timers exist only
 * while a connection does. Node's own check stays, at its default 30 s, behind them.
 */
export function cutOffSlowClients(server: Server, headMs: number, requestMs: number): void {
  const timers = new Map<Socket, NodeJS.Timeout>();
  const arm = (socket: Socket, ms: number) => {
    clearTimeout(timers.get(socket));
    timers.set(
      socket,
      setTimeout(() => socket.destroy(), ms),
    );
  };
  const disarm = (socket: Socket) => {
    clearTimeout(timers.get(socket));
    timers.delete(socket);
  };
  server.on('connection', (socket: Socket) => {
    arm(socket, headMs);
    socket.once('close', () => disarm(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    // A request without a body is whole once its head is: a long answer (a log stream) is then never cut.
    const length = request.headers['content-length'];
    const body =
      request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    if (!body || request.complete) disarm(socket);
    else {
      arm(socket, requestMs);
      request.once('end', () => disarm(socket));
    }
    // A kept-alive connection's next request has `headMs` again, from this answer on.
    response.once('finish', () => {
      if (!socket.destroyed) arm(socket, headMs);
    });
  });
}

import type { ServerResponse } from 'node:http';

/** What a stream may hold unsent: a browser that cannot keep up is disconnected (EventSource reconnects). */
const maxUnsentBytes = 1024 * 1024;
/** A comment this often keeps proxies (ssh -L is one) from closing an idle stream. */
const heartbeatMs = 15_000;

/**
 * One server-sent-events response. Every event's data is one line of JSON, so no text from an instance's
 * output can end an event early or forge another one.
 */
export class EventStream {
  private readonly heartbeat: NodeJS.Timeout;
  readonly closed: Promise<void>;

  constructor(
    private readonly response: ServerResponse,
    headers: Readonly<Record<string, string>>,
  ) {
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.flushHeaders();
    this.heartbeat = setInterval(() => this.write(':\n\n'), heartbeatMs);
    this.closed = new Promise((resolve) => {
      const closed = () => {
        clearInterval(this.heartbeat);
        resolve();
      };
      // The page may have gone while the stream was being set up (its 'close' then came already).
      if (response.destroyed) closed();
      else response.once('close', closed);
    });
  }

  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  close(): void {
    this.response.end();
  }

  private write(text: string): void {
    if (this.response.destroyed || this.response.writableEnded) return;
    if (this.response.writableLength > maxUnsentBytes) this.response.destroy();
    else this.response.write(text);
  }
}

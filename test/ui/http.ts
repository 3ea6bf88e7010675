import http from 'node:http';

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One plain HTTP request to the ui process, with any Host header (fetch() would not send a foreign one),
 * over TCP on 127.0.0.1 or over a Unix socket. `untilMs`: a stream (server-sent events) is read that
 * long, or until `enough` says so, and then closed.
 */
export function ask(
  target: { port: number } | { socketPath: string },
  method: string,
  path: string,
  headers: Record<string, string> = {},
  options: { body?: string; untilMs?: number; enough?: (body: string) => boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const where =
      'port' in target ? { host: '127.0.0.1', port: target.port } : { socketPath: target.socketPath };
    const request = http.request({ ...where, method, path, headers, agent: false }, (response) => {
      let body = '';
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        response.destroy();
      };
      if (options.untilMs !== undefined) timer = setTimeout(finish, options.untilMs);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (options.enough?.(body)) finish();
      });
      response.on('end', finish);
      response.on('error', () => finish());
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

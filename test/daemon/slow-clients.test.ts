import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cutOffSlowClients } from '../../src/daemon/slow-clients.js';

/** A real HTTP server on an ephemeral port, with short limits: 300 ms for the head, 600 ms for a body. */
async function server(handler: http.RequestListener): Promise<{ port: number; close(): void }> {
  const s = http.createServer(handler);
  cutOffSlowClients(s, 300, 600);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  return { port, close: () => s.close() };
}

/** Connects, writes `text`, and resolves how long the server kept the connection, and what it answered. */
function hold(port: number, text: string, timeoutMs: number): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    const done = () => resolve({ ms: Date.now() - started, answer });
    socket.on('close', done);
    socket.on('error', () => {});
    setTimeout(() => socket.destroy(), timeoutMs);
  });
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('slow clients', () => {
  it('cuts off a connection that sends no whole head in time, and one whose body never ends', async () => {
    const s = await server((request, response) => {
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    servers.push(s);
    const silent = await hold(s.port, '', 5_000);
    expect(silent.ms).toBeGreaterThanOrEqual(250);
    expect(silent.ms).toBeLessThan(3_000);
    const dribbling = await hold(s.port, 'POST /x HTTP/1.1\r\nHost: h\r\nX-Slow: ', 5_000);
    expect(dribbling.ms).toBeLessThan(3_000);
    const shortBody = await hold(
      s.port,
      'POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc',
      5_000,
    );
    expect(shortBody.ms).toBeGreaterThanOrEqual(550);
    expect(shortBody.ms).toBeLessThan(3_000);
    expect(shortBody.answer).toBe('');
  });

  it('never cuts a long answer to a request without a body (a log stream)', async () => {
    const s = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => {
        response.write(`line ${++n}\n`);
        if (n === 12) {
          clearInterval(timer);
          response.end();
        }
      }, 100);
    });
    servers.push(s);
    const stream = await hold(
      s.port,
      'GET /v1/logs/x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
      10_000,
    );
    // 1.2 s of answer, twice the body limit and four times the head limit: every line came.
    expect(stream.answer).toContain('line 12\n');
  });
});

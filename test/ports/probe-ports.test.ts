import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probePorts } from '../../src/ports/probe-ports.js';
import { freeOffset } from '../helpers/free-offset.js';
import { closeServer, listenOn } from '../helpers/listen.js';

async function listenOnHost(port: number, host: string): Promise<Server | undefined> {
  const server = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, host, () => resolve(true));
  });
  return ok ? server : undefined;
}

describe('port prober', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closeServer));
  });

  it('finds a port held by a real listener busy, names this process as its holder, and the rest free', async () => {
    const offset = await freeOffset('mi');
    const [held, free] = [8280 + offset, 8243 + offset];
    servers.push(await listenOn(held));
    const results = await probePorts([held, free]);
    expect(results.get(free)).toEqual({ free: true });
    const status = results.get(held);
    expect(status?.free).toBe(false);
    if (process.platform === 'linux') {
      expect(status).toMatchObject({ holder: { pid: process.pid } });
      expect(status && !status.free && status.holder?.command).toMatch(/node/);
    }
  });

  it.each(['127.0.0.1', '0.0.0.0', '::', '::1'])('sees a listener bound to %s only as busy', async (host) => {
    const offset = await freeOffset('mi');
    const server = await listenOnHost(9191 + offset, host);
    if (server === undefined) return; // this host has no such address (no IPv6): nothing to clash with
    servers.push(server);
    expect((await probePorts([9191 + offset])).get(9191 + offset)?.free).toBe(false);
  });

  it('probes many ports with a bound on concurrency and answers for every one', async () => {
    const offset = await freeOffset('apim');
    const ports = Array.from({ length: 40 }, (_, k) => 20_000 + ((offset + k * 7) % 30_000));
    const results = await probePorts(ports, 4);
    expect([...results.keys()].sort()).toEqual([...new Set(ports)].sort());
  });
});

import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findPortHolders } from '../../src/ports/port-holders.js';

// The holder is found whichever table lists the socket, including when the other family has no TCP
// socket at all and its table is skipped (port-holders.ts reads /proc/net/sockstat{,6} first).
describe.runIf(process.platform === 'linux')('findPortHolders', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  const listen = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      servers.push(server);
      server.once('error', reject);
      server.listen({ host, port: 0, ipv6Only: host === '::1' }, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });

  it.each(['127.0.0.1', '0.0.0.0', '::', '::1'])(
    'names this process as the holder of a port on %s',
    async (host) => {
      const port = await listen(host);
      const holders = await findPortHolders([port]);
      expect(holders.get(port)?.pid).toBe(process.pid);
    },
  );

  it('finds an IPv4 and an IPv6 listener in one look', async () => {
    const [v4, v6] = [await listen('127.0.0.1'), await listen('::1')];
    const holders = await findPortHolders([v4, v6]);
    expect([holders.get(v4)?.pid, holders.get(v6)?.pid]).toEqual([process.pid, process.pid]);
  });

  it('no longer names this process once its listener is closed', async () => {
    const port = await listen('127.0.0.1');
    await new Promise((resolve) => servers.splice(0)[0]?.close(resolve));
    expect((await findPortHolders([port])).get(port)?.pid).not.toBe(process.pid);
  });
});

import { appendFile, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestDown } from '../../src/daemon/control-client.js';
import type { LogRecord } from '../../src/daemon/control-protocol.js';
import { followInstanceLog, type LogStream } from '../../src/daemon/log-follow-client.js';
import { serve } from '../../src/daemon/serve.js';
import { ControlRequestError } from '../../src/errors.js';
import { loadManifest } from '../../src/manifest/load.js';
import { planFleet } from '../../src/process/plan-fleet.js';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { useDaemonFolder } from '../helpers/daemon-folder.js';
import { waitForStatus } from '../helpers/daemon-status.js';
import { waitFor } from '../helpers/wait-for.js';

/** Lines of a stream as they come. */
function collect(): { lines: string[]; onRecord: (record: LogRecord) => void } {
  const lines: string[] = [];
  return { lines, onRecord: (record) => 'line' in record && lines.push(record.line) };
}

/** A raw GET on the control socket: the status and body of whatever it answers first. */
function rawGet(socketPath: string, route: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path: route, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      })
      .on('error', reject);
  });
}

/** The daemon's GET /v1/logs/<name> stream, in-process, over its real socket (control-protocol.ts). */
describe("the supervisor's log stream", () => {
  const t = useDaemonFolder('log-stream');

  it('streams the last lines, then each appended one; from the end, only new ones; from a byte, all after it', async () => {
    await simMiFleetIn(t, 'log-stream', [{ name: 'one' }]);
    const manifest = await loadManifest(path.join(t.root, 'instances.json'));
    const supervisor = await serve({ manifest, plan: await planFleet(manifest), terminal: false });
    const streams: LogStream[] = [];
    try {
      const { stateDir } = manifest;
      await waitForStatus(stateDir, (s) => s.instances.one?.machine.state === 'running');
      const file = path.join(stateDir, 'logs', 'one.log');
      const written = (await readFile(file, 'utf8')).split('\n').slice(0, -1);
      expect(written.length).toBeGreaterThan(3);

      const backlog = collect();
      streams.push(await followInstanceLog(stateDir, 'one', { lines: 3 }, backlog.onRecord));
      const fresh = collect();
      streams.push(await followInstanceLog(stateDir, 'one', {}, fresh.onRecord));
      const whole = collect();
      streams.push(await followInstanceLog(stateDir, 'one', { from: 0 }, whole.onRecord));
      await waitFor('the last 3 lines', () => backlog.lines.length === 3);
      expect(backlog.lines).toEqual(written.slice(-3));

      await appendFile(file, 'appended by the test\n');
      await waitFor('the appended line in every stream', () =>
        [backlog, fresh, whole].every((s) => s.lines.at(-1) === 'appended by the test'),
      );
      expect(backlog.lines).toEqual([...written.slice(-3), 'appended by the test']);
      expect(fresh.lines).toEqual(['appended by the test']);
      expect(whole.lines.slice(0, written.length)).toEqual(written);
    } finally {
      for (const stream of streams) stream.close();
      await requestDown(manifest.stateDir);
      await supervisor.finished;
    }
  });

  it('refuses names that are no instance’s and bad queries, bounds its streams, frees them when clients go, and ends them on down', async () => {
    await simMiFleetIn(t, 'log-stream', [{ name: 'one', autostart: false }]);
    const manifest = await loadManifest(path.join(t.root, 'instances.json'));
    const supervisor = await serve({ manifest, plan: await planFleet(manifest), terminal: false });
    const { stateDir } = manifest;
    const socket = path.join(stateDir, 'supervisor.sock');
    const open: LogStream[] = [];
    try {
      const refused = await followInstanceLog(stateDir, 'ghost', {}, () => {}).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ControlRequestError);
      expect((refused as ControlRequestError).toJSON()).toMatchObject({
        kind: 'unknown-instance',
        names: ['ghost'],
        known: ['one'],
      });
      for (const route of [
        '/v1/logs/..%2F..%2Fstate.json',
        '/v1/logs/../state.json',
        '/v1/logs/',
        '/v1/logs/one/x',
        '/v1/logs/supervisor',
      ])
        expect((await rawGet(socket, route)).status, route).toBe(404);
      for (const query of ['lines=1001', 'lines=-1', 'lines=x', 'from=-5', 'lines=1&from=2', 'follow=1'])
        expect((await rawGet(socket, `/v1/logs/one?${query}`)).status, query).toBe(400);

      for (let k = 0; k < 32; k++) open.push(await followInstanceLog(stateDir, 'one', {}, () => {}));
      const busy = await followInstanceLog(stateDir, 'one', {}, () => {}).catch((e: unknown) => e);
      expect((busy as ControlRequestError).toJSON()).toMatchObject({ kind: 'busy' });
      for (const stream of open.splice(0)) {
        stream.close();
        await stream.ended;
      }
      // The daemon lets go of each stream its client closed: a new one is accepted.
      await waitFor('a stream accepted again', async () => {
        const again = await followInstanceLog(stateDir, 'one', {}, () => {}).catch(() => undefined);
        if (again !== undefined) open.push(again);
        return again !== undefined;
      });
      const last = open[0] as LogStream;
      await requestDown(stateDir);
      await last.ended;
    } finally {
      for (const stream of open) stream.close();
      await requestDown(stateDir).catch(() => undefined);
      await supervisor.finished;
    }
  });
});

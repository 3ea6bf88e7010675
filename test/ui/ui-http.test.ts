import { readFileSync } from 'node:fs';
import { appendFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { useDaemonFolder } from '../helpers/daemon-folder.js';
import { waitFor } from '../helpers/wait-for.js';
import { ask } from './http.js';
import { addressOf, startUi, type UiProcess } from './ui-process.js';

const secret = 's3cr3t';

/** The sockets listening on `port`, as /proc/net/tcp and tcp6 list them: `address:port` in hex. */
function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // local_address is field 1, st (0A: LISTEN) field 3
      .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => fields[1] as string),
  );
}

/** `wso2-supervisor ui` over plain HTTP, against a real daemon of simulated MIs (issue 20). */
describe('wso2-supervisor ui over plain HTTP', () => {
  const folder = useDaemonFolder('ui-http');
  const uis: UiProcess[] = [];
  afterEach(async () => {
    for (const ui of uis.splice(0)) await ui.stop();
  });

  it('listens on 127.0.0.1 only, and refuses without the token (401), a foreign Host (421), a change without its header or from another origin (403), a GET to an action (405)', async () => {
    await simMiFleetIn(folder, 'ui-http', [{ name: 'one', env: { FOO_PASSWORD: secret } }]);
    const up = await folder.cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    const ui = startUi(folder.root);
    uis.push(ui);
    const { port, token } = await addressOf(ui);
    const host = { host: `127.0.0.1:${port}` };

    expect(listenersOn(port)).toEqual([`0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`]);
    const uiFile = path.join(folder.root, 'state', 'ui.json');
    expect((await stat(uiFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(uiFile, 'utf8'))).toMatchObject({ token, pid: ui.child.pid });

    // 401: no token, a wrong one, a wrong cookie; nothing served, not even the script.
    for (const [route, headers] of [
      ['/', host],
      ['/app.js', host],
      ['/api/status', host],
      ['/?token=wrong', host],
      // One character off (never the token itself, whatever its last character is).
      [`/?token=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, host],
      ['/api/status', { ...host, cookie: `wso2ui_${port}=${token.slice(1)}` }],
    ] as const)
      expect((await ask({ port }, 'GET', route, headers)).status, route).toBe(401);

    // The token is exchanged for an HttpOnly, SameSite=Strict cookie, and leaves the URL.
    const exchanged = await ask({ port }, 'GET', `/?token=${token}`, host);
    expect(exchanged.status).toBe(303);
    expect(exchanged.headers.location).toBe('/');
    expect(exchanged.headers['set-cookie']).toEqual([
      `wso2ui_${port}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    ]);
    const cookie = { ...host, cookie: `wso2ui_${port}=${token}` };
    const page = await ask({ port }, 'GET', '/', cookie);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(Object.keys(page.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);

    // 421: another name (DNS rebinding) or another port, even with the right cookie or token.
    for (const foreign of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `localhost.evil.example:${port}`,
    ]) {
      expect((await ask({ port }, 'GET', '/', { ...cookie, host: foreign })).status, foreign).toBe(421);
      expect((await ask({ port }, 'GET', `/?token=${token}`, { host: foreign })).status, foreign).toBe(421);
    }
    expect((await ask({ port }, 'GET', '/', { ...cookie, host: `localhost:${port}` })).status).toBe(200);

    // A change: POST only, with the header and the page's own Origin.
    const change = { ...cookie, 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` };
    const body = JSON.stringify({ name: 'one' });
    expect((await ask({ port }, 'POST', '/api/restart', change, { body })).status).toBe(403);
    const withHeader = { ...change, 'x-requested-by': 'wso2-supervisor-ui' };
    expect(
      (
        await ask(
          { port },
          'POST',
          '/api/restart',
          { ...withHeader, origin: 'http://evil.example' },
          { body },
        )
      ).status,
    ).toBe(403);
    const { origin: _origin, ...noOrigin } = withHeader;
    expect((await ask({ port }, 'POST', '/api/restart', noOrigin, { body })).status).toBe(403);
    for (const action of ['start', 'stop', 'restart']) {
      const got = await ask({ port }, 'GET', `/api/${action}`, cookie);
      expect(got.status, action).toBe(405);
      expect(got.headers.allow).toBe('POST');
    }
    expect((await ask({ port }, 'GET', '/api/status', cookie)).body).toMatch(/"state":"running"/);
    // None of these changed anything: the instance still runs its first run.
    const status = JSON.parse((await folder.cli(['status', '--json'])).stdout) as {
      instances: { restarts: number; state: string }[];
    };
    expect(status.instances[0]).toMatchObject({ state: 'running', restarts: 0 });

    // A right change is carried out, and answered with where the instance ended up.
    const started = await ask({ port }, 'POST', '/api/start', withHeader, { body });
    expect(started.status).toBe(200);
    expect(JSON.parse(started.body)).toMatchObject({
      ok: true,
      instances: [{ name: 'one', state: 'running' }],
    });
    const unknown = await ask({ port }, 'POST', '/api/start', withHeader, { body: '{"name":"ghost"}' });
    expect(unknown.status).toBe(404);

    // Ctrl-C: the page goes, with its token file; the supervisor carries on.
    expect(await ui.stop()).toBe(0);
    await expect(stat(uiFile)).rejects.toThrow();
    expect(listenersOn(port)).toEqual([]);
  });

  it('serves no environment value: not in the page, its script, the JSON, the events, a log or an answer', async () => {
    await simMiFleetIn(folder, 'ui-http', [{ name: 'one', env: { FOO_PASSWORD: secret } }]);
    const up = await folder.cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    // The supervisor has the variable: `describe` names it (and only names it).
    const described = await folder.cli(['describe', 'one', '--json']);
    expect(JSON.parse(described.stdout).environment.manifest).toContain('FOO_PASSWORD');
    const ui = startUi(folder.root);
    uis.push(ui);
    const { port, token } = await addressOf(ui);
    const cookie = { host: `127.0.0.1:${port}`, cookie: `wso2ui_${port}=${token}` };
    const change = { ...cookie, origin: `http://127.0.0.1:${port}`, 'x-requested-by': 'wso2-supervisor-ui' };

    const served: string[] = [];
    for (const route of ['/', '/app.js', '/app.css', '/api/status'])
      served.push((await ask({ port }, 'GET', route, cookie)).body);
    const events = await ask({ port }, 'GET', '/events', cookie, {
      untilMs: 30_000,
      enough: (body) => (body.match(/^event: status$/gm) ?? []).length >= 2,
    });
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(events.body).toMatch(/"name":"one"/);
    served.push(events.body);
    const log = path.join(folder.root, 'state', 'logs', 'one.log');
    const marker = 'a line the page must show';
    const logEvents = ask({ port }, 'GET', '/events/log/one', cookie, {
      untilMs: 30_000,
      enough: (body) => body.includes(marker),
    });
    await appendFile(log, `${marker}\n`);
    const logBody = (await logEvents).body;
    expect(logBody).toMatch(/^event: ready$/m);
    expect(logBody).toContain(marker);
    served.push(logBody);
    served.push((await ask({ port }, 'POST', '/api/restart', change, { body: '{"name":"one"}' })).body);
    served.push((await ask({ port }, 'GET', '/api/status', cookie)).body);

    expect(served.join('\n')).not.toContain(secret);
    expect(served.join('\n')).not.toContain('FOO_PASSWORD');
  });

  it('refuses a non-loopback --listen without --force, and serves on a 0600 Unix socket with --socket', async () => {
    await simMiFleetIn(folder, 'ui-http', [{ name: 'one', autostart: false }]);
    const refused = await folder.cli(['ui', '--listen', '0.0.0.0']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/not a loopback address.*--force/s);

    const socketPath = path.join(folder.root, 'ui.sock');
    const ui = startUi(folder.root, ['--socket', socketPath]);
    uis.push(ui);
    await waitFor('the ui socket', () => /ssh -L 8080:/.test(ui.output()));
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
    const token = /\/\?token=([A-Za-z0-9_-]{43})/.exec(ui.output())?.[1] as string;
    // Forwarded by ssh -L to some port of the user's machine: the Host is a loopback name, any port.
    const host = { host: 'localhost:8080' };
    expect((await ask({ socketPath }, 'GET', '/', host)).status).toBe(401);
    expect((await ask({ socketPath }, 'GET', `/?token=${token}`, { host: 'evil.example:8080' })).status).toBe(
      421,
    );
    const exchanged = await ask({ socketPath }, 'GET', `/?token=${token}`, host);
    expect(exchanged.status).toBe(303);
    const page = await ask({ socketPath }, 'GET', '/', { ...host, cookie: `wso2ui=${token}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<table id="fleet">');
    // No supervisor runs here: the page says so (and keeps asking).
    const status = await ask({ socketPath }, 'GET', '/api/status', { ...host, cookie: `wso2ui=${token}` });
    expect(JSON.parse(status.body)).toMatchObject({
      supervised: false,
      problem: expect.stringMatching(/no supervisor/),
    });
    expect(await ui.stop()).toBe(0);
    await expect(stat(socketPath)).rejects.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { judge } from '../../src/ui/gate.js';
import { listenPlan } from '../../src/ui/listen-options.js';
import {
  cookieValue,
  hostAllowed,
  isLoopbackAddress,
  originAllowed,
  parseHost,
  tokensEqual,
} from '../../src/ui/security.js';

const token = 'k'.repeat(43);
const config = {
  token,
  port: 41234,
  hostNames: ['localhost', '127.0.0.1', '[::1]'],
  cookieName: 'wso2ui_41234',
};
const cookie = `other=1; wso2ui_41234=${token}`;
const asked = (method: string, url: string, headers: Record<string, string> = {}) =>
  judge({ method, url, headers: { host: '127.0.0.1:41234', ...headers } }, config);
const action = { cookie, 'x-requested-by': 'wso2-supervisor-ui', origin: 'http://127.0.0.1:41234' };

describe('the checks of the ui process', () => {
  it('accepts a Host header only for a loopback name with its own port', () => {
    expect(hostAllowed('127.0.0.1:41234', 41234)).toBe(true);
    expect(hostAllowed('LOCALHOST:41234', 41234)).toBe(true);
    expect(hostAllowed('[::1]:41234', 41234)).toBe(true);
    expect(hostAllowed('127.0.0.1:41235', 41234)).toBe(false);
    expect(hostAllowed('127.0.0.1', 41234)).toBe(false);
    expect(hostAllowed('evil.example:41234', 41234)).toBe(false);
    expect(hostAllowed('localhost.evil.example:41234', 41234)).toBe(false);
    expect(hostAllowed('127.0.0.1.nip.io:41234', 41234)).toBe(false);
    expect(hostAllowed(undefined, 41234)).toBe(false);
    expect(hostAllowed('localhost:8080', undefined)).toBe(true); // on a Unix socket, forwarded to any port
    expect(hostAllowed('evil.example:8080', undefined)).toBe(false);
    expect(parseHost('[::1]:99999')).toBeUndefined();
  });

  it('accepts an Origin only when it is the page’s own', () => {
    expect(originAllowed('http://127.0.0.1:41234', '127.0.0.1:41234')).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:41234')).toBe(false);
    expect(originAllowed('http://127.0.0.1:41235', '127.0.0.1:41234')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:41234')).toBe(false);
    expect(originAllowed(undefined, '127.0.0.1:41234')).toBe(false);
  });

  it('compares tokens whatever their length, and never accepts an empty one', () => {
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual(`${token}x`, token)).toBe(false);
    expect(tokensEqual('', token)).toBe(false);
    expect(tokensEqual('', '')).toBe(false);
    expect(cookieValue(cookie, 'wso2ui_41234')).toBe(token);
    expect(cookieValue('wso2ui_41234x=1', 'wso2ui_41234')).toBeUndefined();
  });

  it('tells loopback addresses from others', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', 'localhost'])
      expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '192.168.1.10', '::ffff:10.0.0.1', 'example.com'])
      expect(isLoopbackAddress(a), a).toBe(false);
  });
});

describe('the gate of the ui process', () => {
  it('refuses a foreign Host with 421 before anything else, the token included', () => {
    expect(
      judge({ method: 'GET', url: `/?token=${token}`, headers: { host: 'evil.example:41234' } }, config),
    ).toMatchObject({ kind: 'refuse', status: 421 });
  });

  it('exchanges a right token for an HttpOnly, SameSite=Strict cookie and a redirect without it', () => {
    expect(asked('GET', `/?token=${token}`)).toEqual({
      kind: 'exchange',
      location: '/',
      cookie: `wso2ui_41234=${token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    // Wherever the crafted path points, the redirect goes to the page.
    expect(asked('GET', `/.//evil.example/?token=${token}`)).toMatchObject({ location: '/' });
  });

  it('answers 401 without a token, with a wrong one, and with a wrong cookie', () => {
    for (const verdict of [
      asked('GET', '/'),
      asked('GET', '/?token=wrong'),
      asked('GET', `/?token=${token}x`),
      asked('GET', '/api/status', { cookie: 'wso2ui_41234=wrong' }),
      asked('GET', '/api/status', { cookie: `wso2ui_41235=${token}` }),
      asked('POST', `/api/restart?token=${token}`, action),
    ])
      expect(verdict).toMatchObject({ kind: 'refuse', status: 401 });
  });

  it('serves the page and its streams with the cookie, by GET only', () => {
    expect(asked('GET', '/', { cookie })).toEqual({ kind: 'pass', route: { kind: 'page' } });
    expect(asked('GET', '/events/log/one', { cookie })).toEqual({
      kind: 'pass',
      route: { kind: 'log', name: 'one' },
    });
    expect(asked('GET', '/events/log/..%2Fstate', { cookie })).toMatchObject({ status: 404 });
    expect(asked('POST', '/api/status', action)).toMatchObject({ status: 405, allow: 'GET' });
    expect(asked('GET', '/nowhere', { cookie })).toMatchObject({ status: 404 });
  });

  it('takes a change only by POST with the custom header and the page’s own Origin', () => {
    expect(asked('POST', '/api/restart', action)).toEqual({
      kind: 'pass',
      route: { kind: 'action', action: 'restart' },
    });
    expect(asked('GET', '/api/restart', { cookie })).toMatchObject({ status: 405, allow: 'POST' });
    expect(asked('POST', '/api/restart', { ...action, 'x-requested-by': '' })).toMatchObject({ status: 403 });
    expect(asked('POST', '/api/restart', { ...action, origin: 'http://evil.example' })).toMatchObject({
      status: 403,
    });
    const { origin: _origin, ...withoutOrigin } = action;
    expect(asked('POST', '/api/restart', withoutOrigin)).toMatchObject({ status: 403 });
  });
});

describe('where `ui` listens', () => {
  it('is 127.0.0.1 on a free port by default, a Unix socket with --socket', () => {
    expect(listenPlan({})).toMatchObject({ listen: { kind: 'tcp', address: '127.0.0.1', port: 0 } });
    expect(listenPlan({ port: '8080', listen: 'localhost' })).toMatchObject({
      listen: { address: '127.0.0.1', port: 8080 },
      urlHost: '127.0.0.1',
    });
    expect(listenPlan({ socket: '/tmp/ui.sock' })).toMatchObject({ listen: { kind: 'socket' } });
  });

  it('refuses a non-loopback address unless forced, and then answers to its name', () => {
    expect(() => listenPlan({ listen: '0.0.0.0' })).toThrow(/not a loopback address.*--force/);
    expect(() => listenPlan({ listen: '192.168.1.10' })).toThrow(/--force/);
    expect(listenPlan({ listen: '192.168.1.10', force: true })).toMatchObject({
      extraHostNames: ['192.168.1.10'],
    });
    expect(() => listenPlan({ port: '70000' })).toThrow(/--port/);
    expect(() => listenPlan({ socket: '/tmp/ui.sock', port: '1' })).toThrow(/--socket/);
  });
});

import type { IncomingHttpHeaders } from 'node:http';
import { type Route, routeOf } from './routes.js';
import {
  actionHeader,
  actionHeaderValue,
  cookieValue,
  hostAllowed,
  originAllowed,
  tokensEqual,
} from './security.js';

/** What the gate knows of this server: its token, its port (none on a Unix socket), the host names it answers to. */
export interface GateConfig {
  readonly token: string;
  readonly port: number | undefined;
  readonly hostNames: readonly string[];
  readonly cookieName: string;
}

export type Verdict =
  | { readonly kind: 'pass'; readonly route: Route }
  /** The right token in the URL: 303 to the page without it, with the cookie that replaces it. */
  | { readonly kind: 'exchange'; readonly location: string; readonly cookie: string }
  | {
      readonly kind: 'refuse';
      readonly status: 401 | 403 | 404 | 405 | 421;
      readonly message: string;
      readonly allow?: string;
    };

interface Asked {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Judges a request before anything is served, in this order: the Host (421, against DNS rebinding), the
 * token or its cookie (401; a right token in the URL is exchanged for the cookie), the route (404, 405),
 * and for a state change a custom header and a same-origin Origin (403). Pure: the server applies it.
 */
export function judge(asked: Asked, config: GateConfig): Verdict {
  const host = asked.headers.host;
  if (!hostAllowed(host, config.port, config.hostNames))
    return { kind: 'refuse', status: 421, message: 'this server answers only to its loopback address' };
  const url = new URL(asked.url ?? '/', 'http://ui.invalid');
  const offered = url.searchParams.get('token');
  if (offered !== null) {
    if (asked.method !== 'GET' || !tokensEqual(offered, config.token)) return unauthorized;
    // HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it. The redirect (always to
    // the page: never anywhere a crafted path could name) takes the token out of the address bar, the
    // history and any Referer.
    const cookie = `${config.cookieName}=${config.token}; HttpOnly; SameSite=Strict; Path=/`;
    return { kind: 'exchange', location: '/', cookie };
  }
  if (!tokensEqual(cookieValue(asked.headers.cookie, config.cookieName) ?? '', config.token))
    return unauthorized;
  const routing = routeOf(asked.method, url.pathname);
  if ('status' in routing) {
    if (routing.status === 404) return { kind: 'refuse', status: 404, message: 'not found' };
    return { kind: 'refuse', status: 405, message: `use ${routing.allow}`, allow: routing.allow };
  }
  if (routing.route.kind === 'action') {
    if (asked.headers[actionHeader] !== actionHeaderValue)
      return { kind: 'refuse', status: 403, message: `a change needs the ${actionHeader} header` };
    if (!originAllowed(asked.headers.origin, host))
      return { kind: 'refuse', status: 403, message: "a change must come from this server's own page" };
  }
  return { kind: 'pass', route: routing.route };
}

const unauthorized: Verdict = {
  kind: 'refuse',
  status: 401,
  message:
    'open the address wso2-supervisor ui printed (with its token), or the one in ui.json in the state folder',
};

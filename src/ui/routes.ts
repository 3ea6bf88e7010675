import { type ControlAction, controlActions } from '../daemon/control-protocol.js';
import { isInstanceName } from '../manifest/instance-name.js';

/**
 * What the ui process serves: one page, its script and style, the fleet as JSON and as a stream of
 * server-sent events, an instance's log as a stream, and the three actions, by POST only. GET never changes
 * anything.
 */
export type Route =
  | { readonly kind: 'page' | 'script' | 'style' | 'icon' | 'status' | 'events' }
  | { readonly kind: 'log'; readonly name: string }
  | { readonly kind: 'action'; readonly action: ControlAction };

/** A route, or why there is none: 404, or 405 with the method the path takes. */
export type Routing = { route: Route } | { status: 404 } | { status: 405; allow: 'GET' | 'POST' };

const getRoutes: Readonly<Record<string, Route>> = {
  '/': { kind: 'page' },
  '/app.js': { kind: 'script' },
  '/app.css': { kind: 'style' },
  '/favicon.ico': { kind: 'icon' },
  '/api/status': { kind: 'status' },
  '/events': { kind: 'events' },
};

export function routeOf(method: string | undefined, pathname: string): Routing {
  const action = /^\/api\/(\w+)$/.exec(pathname)?.[1] as ControlAction | undefined;
  if (action !== undefined && controlActions.includes(action))
    return method === 'POST' ? { route: { kind: 'action', action } } : { status: 405, allow: 'POST' };
  const log = /^\/events\/log\/([^/]+)$/.exec(pathname)?.[1];
  const route =
    log === undefined ? getRoutes[pathname] : isInstanceName(log) ? { kind: 'log', name: log } : undefined;
  if (route === undefined) return { status: 404 };
  return method === 'GET' ? { route: route as Route } : { status: 405, allow: 'GET' };
}

import { hostname, networkInterfaces } from 'node:os';
import { UsageError } from '../errors.js';
import { hostName, isLoopbackAddress } from './security.js';
import type { UiListen } from './server.js';

/** The options of `wso2-supervisor ui` that say where it listens. */
export interface ListenOptions {
  readonly port?: string | undefined;
  readonly listen?: string | undefined;
  readonly force?: boolean | undefined;
  readonly socket?: string | undefined;
}

/** Where to listen, and the host names (besides the loopback ones) the Host header may carry. */
export interface ListenPlan {
  readonly listen: UiListen;
  readonly extraHostNames: readonly string[];
  /** The host of the printed address. */
  readonly urlHost: string;
}

/**
 * Normalises the listen options once: 127.0.0.1 and a free port by default; a non-loopback `--listen`
 * only with `--force` (anyone who can reach it then meets only the token); `--socket` instead of TCP.
 */
export function listenPlan(options: ListenOptions): ListenPlan {
  if (options.socket !== undefined) {
    if (options.port !== undefined || options.listen !== undefined)
      throw new UsageError('--socket serves on a Unix socket: it takes no --port or --listen.');
    return { listen: { kind: 'socket', path: options.socket }, extraHostNames: [], urlHost: 'localhost' };
  }
  const port = Number(options.port ?? '0');
  if (!/^\d{1,5}$/.test(options.port ?? '0') || port > 65535)
    throw new UsageError(`--port must be a port number (0 to 65535), not "${options.port}".`);
  const address =
    options.listen === undefined || options.listen === 'localhost' ? '127.0.0.1' : options.listen;
  const loopback = isLoopbackAddress(address);
  if (!loopback && options.force !== true)
    throw new UsageError(
      `--listen ${address} is not a loopback address: anyone who can reach it could try the page. ` +
        'Prefer the default (127.0.0.1) or --socket with ssh -L; add --force to listen there anyway.',
    );
  const wildcard = address === '0.0.0.0' || address === '::';
  const extraHostNames = loopback ? [hostName(address)] : wildcard ? ownNames() : [hostName(address)];
  return {
    listen: { kind: 'tcp', address, port },
    extraHostNames,
    urlHost: wildcard ? '127.0.0.1' : hostName(address),
  };
}

/** Every name this machine may be reached by: its addresses and its host name. */
function ownNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  return [...addresses.map((a) => hostName(a.address)), hostname().toLowerCase()];
}

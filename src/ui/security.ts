import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The pure checks behind every request to the ui process (gate.ts applies them). Each one answers a known
 * attack on a local web UI: another local user or a web page guessing the token (constant-time compare of
 * 32 random bytes), DNS rebinding (the Host header), cross-site requests (a custom header and the Origin).
 */

/**
 * A state change must carry this header: a cross-site form cannot set one, and a cross-origin fetch() that
 * sets it needs a CORS preflight, which this server never answers.
 */
export const actionHeader = 'x-requested-by';
export const actionHeaderValue = 'wso2-supervisor-ui';

/** The names a browser on this machine uses for the loopback interface, as a Host header spells them. */
export const loopbackHostNames: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** A Host header's name (lower case; an IPv6 address keeps its brackets) and port, if it is well formed. */
export function parseHost(host: string): { name: string; port: number | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host.toLowerCase());
  if (match === null) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { name: match[1] as string, port };
}

/**
 * Whether a request's Host header names this server: one of `names` (loopback ones, by default) with the
 * port it listens on. A page of an attacker's site whose name was made to resolve to 127.0.0.1 (DNS
 * rebinding) sends its own name, and is refused (421). `port` undefined: any port (served on a Unix
 * socket, reached through a forwarded port this process cannot know).
 */
export function hostAllowed(
  host: string | undefined,
  port: number | undefined,
  names: readonly string[] = loopbackHostNames,
): boolean {
  const parsed = host === undefined ? undefined : parseHost(host);
  if (parsed === undefined || !names.includes(parsed.name)) return false;
  return port === undefined ? true : (parsed.port ?? 80) === port;
}

/** A state change must come from the page itself: its Origin is `http://` and the Host it was sent to. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  return (
    origin !== undefined && host !== undefined && origin.toLowerCase() === `http://${host.toLowerCase()}`
  );
}

/**
 * Compares a token in constant time. Both sides are hashed first, so that the comparison takes as long
 * whatever the length or content of what was sent.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** Whether an address to listen on is on the loopback interface (127.0.0.0/8, ::1, localhost). */
export function isLoopbackAddress(address: string): boolean {
  if (address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  if (isIP(address) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(address);
  return false;
}

/** How an address is written as a Host header's name: an IPv6 address in brackets. */
export function hostName(address: string): string {
  return isIP(address) === 6 ? `[${address.toLowerCase()}]` : address.toLowerCase();
}

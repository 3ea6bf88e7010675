import type { Writable } from 'node:stream';
import type { Manifest } from '../manifest/instance-config.js';
import type { Plan } from '../ports/planner.js';

/**
 * `up -d` has loaded the manifest and planned the fleet before it starts the daemon; it hands both over on
 * the daemon's stdin, so the daemon starts its first launch without reading, validating and planning it
 * all again (one plan, not two: ~70 ms of a fleet's start). Every launch still checks its ports first.
 */
export interface HandOff {
  readonly manifest: Manifest;
  readonly plan: Plan;
}

export function writeHandOff(stdin: Writable, handOff: HandOff): void {
  stdin.on('error', () => {}); // a daemon that died at once is reported by daemonize
  stdin.end(JSON.stringify(handOff));
}

/** What `up -d` handed over, or undefined (nothing, or not a hand-off: the daemon then plans itself). */
export async function readHandOff(input: NodeJS.ReadableStream): Promise<HandOff | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  try {
    const handOff = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<HandOff>;
    const fits = Array.isArray(handOff.manifest?.instances) && Array.isArray(handOff.plan?.instances);
    return fits ? (handOff as HandOff) : undefined;
  } catch {
    return undefined;
  }
}

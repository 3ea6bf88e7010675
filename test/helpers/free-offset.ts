import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { probePorts } from '../../src/ports/probe-ports.js';
import { isRunning } from '../../src/process/proc-stat.js';
import { portSet, productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';

/**
 * Ports handed out to the test files running now, one file per port holding its test process's pid. A
 * port free at the moment of the check may be one another file planned and is about to bind (an instance
 * still waiting for its dependencies, or in backoff): only a reservation keeps parallel files apart.
 */
const reservations = path.join(tmpdir(), 'wso2-supervisor-test-ports');
const held = new Set<string>();
/** Random draws before giving up: a wide span on a busy machine meets other files' ports often. */
const attempts = 200;

/**
 * An offset O such that the port sets of the given products at O, O+1, ... O+span-1 are free right now and
 * reserved for this test file until it ends (test/helpers/setup.ts): a manifest using these offsets only
 * (`offsets: { min: O, max: O + span - 1 }`) never meets another test file. Drawn at random, keeping every
 * port between 17000 and 32767: above the well-known services, below Linux's ephemeral range (32768-60999),
 * where an outgoing connection could take a planned port between this check and the bind.
 */
export async function freeOffset(products: ProductId | readonly ProductId[], span = 1): Promise<number> {
  const specs = (typeof products === 'string' ? [products] : products).map(productOf);
  let reserved = 0;
  let lastBusy = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    const offset = 12_000 + Math.floor(Math.random() * (20_500 - 12_000 - span));
    const ports = new Set<number>();
    for (let k = 0; k < span; k++)
      for (const p of specs) for (const e of portSet(p, offset + k)) ports.add(e.port);
    if (!reserve(ports)) {
      reserved++;
      continue;
    }
    const statuses = await probePorts(ports);
    if ([...statuses.values()].every((status) => status.free)) return offset;
    for (const [port, status] of statuses) {
      if (status.free) continue;
      const holder = status.holder ? `held by pid ${status.holder.pid} (${status.holder.command})` : 'busy';
      lastBusy = `port ${port} ${holder}`;
    }
    for (const port of ports) release(fileOf(port));
  }
  const names = specs.map((p) => p.id).join(', ');
  throw new Error(
    `no free offset found for ${names} (span ${span}) after ${attempts} attempts: ${reserved} met another test's reservation; last busy: ${lastBusy || 'none'}`,
  );
}

/**
 * Reserves exactly `offset` for the product (a test of its default offset), waiting (bounded) while
 * another test file holds those ports or a process listens on them; throws when they stay taken, so the
 * test fails and says why rather than passing or skipping unchecked.
 */
export async function reserveOffset(product: ProductId, offset: number, timeoutMs = 60_000): Promise<void> {
  const ports = new Set(portSet(productOf(product), offset).map((p) => p.port));
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (reserve(ports)) {
      if ([...(await probePorts(ports)).values()].every((status) => status.free)) return;
      for (const port of ports) release(fileOf(port));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the ports of ${product} at offset ${offset} (${[...ports].join(', ')}) stayed taken`);
}

/** Gives back every port this test process reserved. */
export function releaseOffsets(): void {
  for (const file of held) release(file);
}

const fileOf = (port: number) => path.join(reservations, String(port));

/** Reserves all the ports or none. */
function reserve(ports: Iterable<number>): boolean {
  mkdirSync(reservations, { recursive: true });
  const taken: string[] = [];
  for (const port of ports) {
    if (!claim(fileOf(port))) {
      for (const file of taken) release(file);
      return false;
    }
    taken.push(fileOf(port));
  }
  return true;
}

function claim(file: string, retry = true): boolean {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    held.add(file);
    return true;
  } catch {
    // Held: by a test process that runs, or left by one that died (then it is taken over). An empty file
    // is one being written right now.
    let owner = '';
    try {
      owner = readFileSync(file, 'utf8');
    } catch {
      return retry && claim(file, false); // released meanwhile
    }
    if (!retry || owner === '' || Number(owner) === process.pid || isRunning(Number(owner))) return false;
    rmSync(file, { force: true });
    return claim(file, false);
  }
}

function release(file: string): void {
  held.delete(file);
  rmSync(file, { force: true });
}

process.on('exit', releaseOffsets);

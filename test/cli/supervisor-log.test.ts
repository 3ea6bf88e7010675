import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { visit } from 'jsonc-parser';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { prettyLineStream } from '../../src/log/pretty-line.js';
import { type SimFleet, simFleet } from '../helpers/sim-fleet.js';

/** The keys that occur twice in one object of a JSON text (jq and Python keep only the last). */
function duplicateKeys(text: string): string[] {
  const open: Set<string>[] = [];
  const twice: string[] = [];
  visit(text, {
    onObjectBegin: () => void open.push(new Set()),
    onObjectEnd: () => void open.pop(),
    onObjectProperty: (key) => {
      const keys = open.at(-1);
      if (keys?.has(key)) twice.push(key);
      keys?.add(key);
    },
  });
  return twice;
}

describe("the supervisor's log", () => {
  let fleet: SimFleet | undefined;
  afterEach(async () => {
    await fleet?.cleanup();
    fleet = undefined;
  });

  it('has one "pid" per line, the supervisor\'s; an instance\'s process is logged as scriptPid', async () => {
    fleet = await simFleet([{ name: 'esb', product: 'mi' }]);
    fleet.fleet.start(['esb']);
    const running = await fleet.until('esb', (s) => s.machine.state === 'running', 60_000);
    const lines = (await readFile(fleet.logFile, 'utf8')).trim().split('\n');
    expect(duplicateKeys('{"pid":1,"a":{"pid":2},"pid":3}')).toEqual(['pid']);
    for (const line of lines) expect(duplicateKeys(line), line).toEqual([]);
    const launched = lines.map((l) => JSON.parse(l)).find((l) => l.event === 'launched');
    expect(launched).toMatchObject({ pid: process.pid, scriptPid: running.pid });
  });

  it('shows each event on one line with local time and zone on a terminal, no epoch milliseconds', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const log = pino({ base: { pid: 1 } }, await prettyLineStream(false, out));
    log.info({
      instance: 'esb',
      event: 'state',
      from: 'starting',
      to: 'running',
      reason: 'ready',
      extra: { a: 1 },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(printed.trimEnd().split('\n')).toHaveLength(1);
    expect(printed).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d{4}\] INFO: esb state starting→running ready/,
    );
    expect(printed).not.toMatch(/\d{13}/);
  });
});

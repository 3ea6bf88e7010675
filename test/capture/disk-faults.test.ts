import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureStatus } from '../../src/capture/capture-status.js';
import { keptFiles, readIfExists, useCaptureTest, waitFor } from './helpers.js';

const t = useCaptureTest();

/** A line every 5 ms until killed, numbered, as a running instance writes now and then. */
const ticker = `let n = 0; setInterval(() => require('fs').writeSync(1, 'tick ' + ++n + '\\n'), 5);`;
/** 8.4 MB as fast as it goes: far more than a pipe holds, so it finishes only if someone drains the pipe. */
const burst = "seq -f 'burst %07g' 1 600000";
const burstBytes = 600_000 * 14;

const ticks = (text: string) => text.split('\n').filter((line) => line.startsWith('tick '));
const statusOf = () => readCaptureStatus(t.log());

/** Tick numbers after the writer's note, checked to follow each other. */
function ticksAfter(note: RegExp, text: string): number[] {
  const at = text.search(note);
  expect(at).toBeGreaterThanOrEqual(0);
  const numbers = ticks(text.slice(at)).map((line) => Number(line.slice(5)));
  expect(numbers.length).toBeGreaterThan(0);
  numbers.forEach((n, i) => {
    if (i > 0) expect(n).toBe((numbers[i - 1] as number) + 1);
  });
  return numbers;
}

describe('capture when the disk fails', () => {
  it('recreates a deleted log file within a second and writes on, nothing lost after it', async () => {
    const capture = await t.capture();
    const instance = t.produceNode(capture.output, ticker);
    capture.release();
    await waitFor('some ticks', () => ticks(readIfExists(t.log())).length >= 20);

    rmSync(t.log());
    const note =
      /\[wso2-supervisor\] capture reopened the log: the file had been deleted, moved or replaced\n/;
    await waitFor('the log recreated, with ticks', () =>
      /reopened[^\n]*\n(tick \d+\n){5}/.test(readIfExists(t.log())),
    );
    process.kill(-instance.pid, 'SIGKILL');
    await capture.finished;

    const text = readFileSync(t.log(), 'utf8');
    expect(text.search(note)).toBe(0);
    ticksAfter(note, text);
    expect(await statusOf()).toMatchObject({ state: 'closed', droppedBytes: 0 });
  });

  it('makes the log folder again when it was removed', async () => {
    const capture = await t.capture();
    const instance = t.produceNode(capture.output, ticker);
    capture.release();
    await waitFor('some ticks', () => ticks(readIfExists(t.log())).length >= 5);

    rmSync(dirname(t.log()), { recursive: true });
    await waitFor('the folder and log made again', () => /reopened[^\n]*\ntick /.test(readIfExists(t.log())));
    expect(statSync(dirname(t.log())).mode & 0o777).toBe(0o700);
    process.kill(-instance.pid, 'SIGKILL');
    await capture.finished;
  });

  it('when the log cannot be opened: says so in its status, drains the pipe, and resumes with the bytes lost', async () => {
    const capture = await t.capture({ maxBytes: 1024 * 1024, files: 3 });
    const instance = t.produceNode(capture.output, ticker);
    await waitFor('some ticks', () => ticks(readIfExists(t.log())).length >= 5);

    // A folder where the log should be stops even root from opening it.
    rmSync(t.log());
    mkdirSync(t.log());
    await waitFor('the status to say failing', async () => (await statusOf())?.state === 'failing');
    const failing = await statusOf();
    expect(failing?.pid).toBe(capture.writerPid());
    expect(failing?.error).toMatch(/^the log could not be opened \(EISDIR: .*app\.log/);

    const flood = t.produce(capture.output, burst);
    expect(await flood.exited).toEqual({ code: 0, signal: null });
    capture.release();

    rmSync(t.log(), { recursive: true });
    const resumed =
      /\[wso2-supervisor\] capture resumed: (\d+) bytes lost while the log could not be opened \(EISDIR/;
    await waitFor('capture to resume', () => /resumed[^\n]*\n(tick \d+\n){3}/.test(readIfExists(t.log())));
    const lost = Number(resumed.exec(readIfExists(t.log()))?.[1]);
    expect(lost).toBeGreaterThanOrEqual(burstBytes);
    const status = await statusOf();
    expect(status).toMatchObject({ state: 'writing', droppedBytes: lost });
    expect(status?.error).toBeUndefined();
    ticksAfter(resumed, readFileSync(t.log(), 'utf8'));

    process.kill(-instance.pid, 'SIGKILL');
    await capture.finished;
  });

  it('when the log cannot be rotated: keeps every file within maxBytes, drops and counts, then rotates and resumes', async () => {
    const maxBytes = 4096;
    const capture = await t.capture({ maxBytes, files: 2 });
    const instance = t.produceNode(capture.output, ticker);
    await waitFor('some ticks', () => ticks(readIfExists(t.log())).length >= 5);

    // A non-empty folder where the rotated file goes: rename() over it fails, for root too.
    mkdirSync(`${t.log()}.1`);
    writeFileSync(join(`${t.log()}.1`, 'keep'), '');
    const flood = t.produce(capture.output, burst);
    expect(await flood.exited).toEqual({ code: 0, signal: null });
    capture.release();
    await waitFor('the status to say failing', async () => (await statusOf())?.state === 'failing');
    expect((await statusOf())?.error).toMatch(/^the log could not be rotated \((EISDIR|ENOTEMPTY|EEXIST)/);
    expect(statSync(t.log()).size).toBeLessThanOrEqual(maxBytes);

    rmSync(`${t.log()}.1`, { recursive: true });
    await waitFor('capture to resume', () => /resumed[^\n]*\n(tick \d+\n){3}/.test(readIfExists(t.log())));
    expect(readFileSync(t.log(), 'utf8')).toMatch(
      /^\[wso2-supervisor\] capture resumed: \d+ bytes lost while the log could not be rotated/,
    );
    expect(keptFiles(t.log())).toHaveLength(2);
    for (const file of keptFiles(t.log())) expect(statSync(file).size).toBeLessThanOrEqual(maxBytes);

    process.kill(-instance.pid, 'SIGKILL');
    await capture.finished;
  });

  it('when the log folder is made read-only (chmod 0500): reports failing through the existing status file, resumes when writable', async ({
    skip,
  }) => {
    skip(
      process.getuid?.() === 0,
      'run as root, whom chmod does not stop: the two tests above fail the disk for root too',
    );
    const folder = dirname(t.log());
    const capture = await t.capture({ maxBytes: 4096, files: 3 });
    const instance = t.produceNode(capture.output, ticker);
    await waitFor('some ticks', () => ticks(readIfExists(t.log())).length >= 5);
    try {
      chmodSync(folder, 0o500);
      const flood = t.produce(capture.output, burst);
      expect(await flood.exited).toEqual({ code: 0, signal: null });
      capture.release();
      await waitFor('the status to say failing', async () => (await statusOf())?.state === 'failing');
      expect((await statusOf())?.error).toMatch(/^the log could not be rotated \(EACCES/);
    } finally {
      chmodSync(folder, 0o700);
    }
    await waitFor('capture to resume', () => /resumed[^\n]*\n(tick \d+\n){3}/.test(readIfExists(t.log())));
    expect(await statusOf()).toMatchObject({ state: 'writing' });
    expect(keptFiles(t.log()).length).toBeLessThanOrEqual(3);
    process.kill(-instance.pid, 'SIGKILL');
    await capture.finished;
  });
});

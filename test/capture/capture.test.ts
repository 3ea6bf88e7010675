import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readCaptureStatus } from '../../src/capture/capture-status.js';
import { logWriterScript } from '../../src/capture/shared-writer.js';
import {
  isAlive,
  keptFiles,
  keptOutput,
  numberedLines,
  procStatFields,
  readIfExists,
  useCaptureTest,
  waitFor,
} from './helpers.js';

const t = useCaptureTest();
const kib = 1024;

describe('output capture through a log writer process', () => {
  it('keeps every byte in order across rotations, each file within maxBytes and cut at a line end', async () => {
    const capture = await t.capture({ maxBytes: 64 * kib, files: 10 });
    // One write per line, as a JVM's println does: then every file can end at a line end.
    const producer = t.produceNode(
      capture.output,
      `for (let n = 1; n <= 50000; n++) require('fs').writeSync(1, 'line ' + String(n).padStart(6, '0') + '\\n');`,
    );
    capture.release();
    expect(await producer.exited).toEqual({ code: 0, signal: null });
    await capture.finished;

    const files = keptFiles(t.log());
    expect(files).toHaveLength(10); // 600,000 bytes in files of at most 65,536
    expect(keptOutput(t.log())).toBe(numberedLines(50_000));
    for (const file of files) {
      expect(statSync(file).size).toBeLessThanOrEqual(64 * kib);
      expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    }
    expect(await readCaptureStatus(t.log())).toMatchObject({ state: 'closed', droppedBytes: 0 });
  });

  it('keeps exactly `files` files, none larger than maxBytes, the newest output last', async () => {
    // seq writes in blocks that do not follow its lines: a file may then begin or end inside a line.
    const capture = await t.capture({ maxBytes: 64 * kib, files: 3 });
    const producer = t.produce(capture.output, "seq -f 'line %06g' 1 50000");
    capture.release();
    await producer.exited;
    await capture.finished;

    const files = keptFiles(t.log());
    expect(files.map((file) => file.slice(t.log().length))).toEqual(['.2', '.1', '']);
    for (const file of files) expect(statSync(file).size).toBeLessThanOrEqual(64 * kib);
    const kept = keptOutput(t.log());
    expect(kept.length).toBeGreaterThan(2 * 64 * kib);
    expect(numberedLines(50_000).endsWith(kept)).toBe(true);
  });

  it('cuts a line longer than a whole file at maxBytes: no file is ever larger', async () => {
    const capture = await t.capture({ maxBytes: 64 * kib, files: 20 });
    // Short lines around lines of 100 and 200 KiB, written in pieces that do not follow the lines.
    const producer = t.produceNode(
      capture.output,
      `const fs = require('fs');
       let text = '';
       for (let n = 0; n < 6000; n++) text += n % 1500 === 7 ? 'L'.repeat((n % 3000 === 7 ? 200 : 100) * 1024) + '\\n' : 'short ' + n + '\\n';
       const bytes = Buffer.from(text);
       for (let at = 0; at < bytes.length; at += 5000) fs.writeSync(1, bytes.subarray(at, at + 5000));`,
    );
    capture.release();
    expect(await producer.exited).toEqual({ code: 0, signal: null });
    await capture.finished;

    const kept = keptOutput(t.log());
    expect(
      kept
        .split('\n')
        .filter((line) => line.startsWith('L'))
        .map((line) => line.length),
    ).toEqual([200 * kib, 100 * kib, 200 * kib, 100 * kib]);
    expect(kept.split('\n').filter((line) => line.startsWith('short'))).toHaveLength(5996);
    for (const file of keptFiles(t.log())) expect(statSync(file).size).toBeLessThanOrEqual(64 * kib);
  });

  it('takes stdout and stderr through one stream, as execa 9 passes it to the instance', async () => {
    const capture = await t.capture();
    const instance = execa('sh', ['-c', 'echo to stdout; echo to stderr >&2; echo to stdout again'], {
      detached: true,
      stdin: 'ignore',
      // A descriptor number, handed to the child as is (execa's types list only streams here).
      stdout: capture.output as unknown as Writable,
      stderr: capture.output as unknown as Writable,
      cleanup: false,
      reject: false,
      buffer: false,
    });
    capture.release();
    expect((await instance).exitCode).toBe(0);
    await capture.finished;
    expect(readFileSync(t.log(), 'utf8')).toBe('to stdout\nto stderr\nto stdout again\n');
  });

  it('runs the writer in a session and process group of its own, which outlives a SIGKILL of the instance group', async () => {
    const capture = await t.capture();
    const instance = t.produce(capture.output, "seq -f 'line %06g' 1 100; exec sleep 600");
    capture.release();
    await waitFor('the instance output in the log', () => readIfExists(t.log()) === numberedLines(100));

    const [, , writerGroup, writerSession] = procStatFields(capture.writerPid()) ?? [];
    const [, , ownGroup, ownSession] = procStatFields(process.pid) ?? [];
    expect(Number(writerGroup)).toBe(capture.writerPid());
    expect(Number(writerSession)).toBe(capture.writerPid());
    expect(writerGroup).not.toBe(ownGroup);
    expect(writerSession).not.toBe(ownSession);
    expect(Number(procStatFields(instance.pid)?.[2])).toBe(instance.pid);

    process.kill(-instance.pid, 'SIGKILL');
    expect(await instance.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The writer was not killed: it read to the end of its input and closed the log itself.
    await capture.finished;
    expect(await readCaptureStatus(t.log())).toMatchObject({ pid: capture.writerPid(), state: 'closed' });
    expect(readFileSync(t.log(), 'utf8')).toBe(numberedLines(100));
  });

  it('reads the pipe while any process holds its write end, and ends the capture once the last holder is gone', async () => {
    const capture = await t.capture();
    const first = t.produce(capture.output, 'echo first');
    const second = t.produce(capture.output, 'exec sleep 600');
    await first.exited;
    await waitFor('the first line in the log', () => readIfExists(t.log()) === 'first\n');
    capture.release();
    const early = await Promise.race([capture.finished.then(() => 'ended'), delay(300).then(() => 'open')]);
    expect(early).toBe('open'); // `second` still holds it
    second.child.kill('SIGKILL');
    await capture.finished;
    expect(await readCaptureStatus(t.log())).toMatchObject({ state: 'closed', droppedBytes: 0 });
    // The writer is the supervisor's, not the instance's: it waits for the next capture.
    expect(isAlive(capture.writerPid())).toBe(true);
  });

  it('serves every capture with one writer process, and a replacement reads every pipe on', async () => {
    const one = await t.capture({ logFile: join(t.folder(), 'logs', 'one.log') });
    const two = await t.capture({ logFile: join(t.folder(), 'logs', 'two.log') });
    expect(two.writerPid()).toBe(one.writerPid());
    const replaced = new Promise((resolve) => two.onReplaced(resolve));
    const script = (name: string) => `for n in $(seq 1 400); do echo "${name} $n"; sleep 0.005; done`;
    const producers = [t.produce(one.output, script('one')), t.produce(two.output, script('two'))];
    await waitFor('both logs begun', () =>
      ['one', 'two'].every((name) => readIfExists(join(t.folder(), 'logs', `${name}.log`)) !== ''),
    );
    const killed = one.writerPid();
    process.kill(killed, 'SIGKILL');
    expect(await replaced).toMatchObject({ oldPid: killed, newPid: one.writerPid() });
    expect(one.writerPid()).not.toBe(killed);
    for (const producer of producers) await producer.exited;
    one.release();
    two.release();
    await Promise.all([one.finished, two.finished]);
    for (const name of ['one', 'two']) {
      const lines = readFileSync(join(t.folder(), 'logs', `${name}.log`), 'utf8')
        .trim()
        .split('\n');
      // At most the one chunk in flight at the kill is lost; the lines after the replacement all arrived.
      expect(lines.at(-1)).toBe(`${name} 400`);
      expect(lines.length).toBeGreaterThan(390);
    }
  });

  it('ends at once a pipe it is asked for that no process holds (the kernel would never say so)', async () => {
    const pipe = join(t.folder(), 'orphan.pipe');
    execFileSync('mkfifo', [pipe]);
    const writer = spawn(process.execPath, [logWriterScript()], { stdio: ['pipe', 'pipe', 'ignore'] });
    const answers: string[] = [];
    writer.stdout.on('data', (chunk: Buffer) => answers.push(...chunk.toString().trim().split('\n')));
    const request = { id: 7, pipe, logFile: join(t.folder(), 'orphan.log'), maxBytes: 4096, files: 2 };
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    try {
      writer.stdin.write(`${JSON.stringify(request)}\n`);
      await waitFor('the pipe ended', () => answers.includes('{"end":[7]}'));
      expect(answers).toEqual(['{"open":7}', '{"end":[7]}']);
      writer.stdin.end(); // its supervisor gone and no pipe left: it exits
      expect(await exited).toBe(0);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it("appends to the previous run's log, and rotates it when the new output would not fit", async () => {
    const earlier = await t.capture({ maxBytes: 4 * kib, files: 3 });
    t.produce(earlier.output, "seq -f 'line %06g' 1 341"); // 4092 bytes
    earlier.release();
    await earlier.finished;

    const later = await t.capture({ maxBytes: 4 * kib, files: 3 });
    t.produce(later.output, "seq -f 'line %06g' 342 400");
    later.release();
    await later.finished;
    expect(keptFiles(t.log()).map((file) => statSync(file).size)).toEqual([4092, 59 * 12]);
    expect(keptOutput(t.log())).toBe(numberedLines(400));
  });
});

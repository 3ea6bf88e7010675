import { appendFileSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followLog, type LogFollower, maxLineBytes } from '../../src/capture/log-tail.js';
import { readLinesFrom, readLogTail } from '../../src/capture/log-tail-read.js';
import { keptFiles, numberedLines, useCaptureTest, waitFor } from './helpers.js';

const t = useCaptureTest();

/** Follows the test's log and collects its lines; stopped after the test's last expectation. */
function follow(options: { fromOffset: number; inode?: number }): { lines: string[]; follower: LogFollower } {
  const lines: string[] = [];
  const follower = followLog(t.log(), { ...options, onLine: (line) => lines.push(line) });
  return { lines, follower };
}

const lineList = (text: string) => text.split('\n').filter((line) => line !== '');
/** One write per line, so that every file of the rotation ends at a line end. */
const writeLines = (from: number, count: number) =>
  `for (let n = ${from}; n < ${from + count}; n++) require('fs').writeSync(1, 'line ' + String(n).padStart(6, '0') + '\\n');`;

describe('following the log', () => {
  it('sees every line in order across rotations, even several between two wake-ups', async () => {
    const capture = await t.capture({ maxBytes: 4096, files: 100 });
    const start = capture.startPosition;
    expect(start).toEqual({ inode: statSync(t.log()).ino, offset: 0 });
    // From the capture's start position: found however far the writer has got before the follow opens it.
    const { lines, follower } = follow({ fromOffset: 0, inode: start?.inode as number });
    const instance = t.produce(capture.output, "seq -f 'line %06g' 1 20000");
    capture.release();
    await instance.exited;
    await capture.finished;
    expect(keptFiles(t.log()).length).toBeGreaterThan(50);
    await waitFor('every line', () => lines.length >= 20_000);
    follower.stop();
    expect(lines).toEqual(lineList(numberedLines(20_000)));
  });

  it('starts at the offset it is given: only the lines written after it', async () => {
    mkdirSync(dirname(t.log()), { recursive: true });
    writeFileSync(t.log(), 'an earlier run\nits last line\n');
    const { lines, follower } = follow({ fromOffset: statSync(t.log()).size });
    const capture = await t.capture();
    t.produce(capture.output, "seq -f 'line %06g' 1 3");
    capture.release();
    await capture.finished;
    await waitFor('three lines', () => lines.length >= 3);
    follower.stop();
    expect(lines).toEqual(['line 000001', 'line 000002', 'line 000003']);
  });

  it('finds an offset that was rotated into name.log.1 before the follow began', async () => {
    mkdirSync(dirname(t.log()), { recursive: true });
    writeFileSync(t.log(), `${'x'.repeat(2999)}\n`);
    const fromOffset = statSync(t.log()).size;
    const capture = await t.capture({ maxBytes: 4096, files: 3 });
    t.produceNode(capture.output, writeLines(1, 200)); // 1,096 bytes still fit, the rest goes to a new file
    capture.release();
    await capture.finished;
    expect(existsSync(`${t.log()}.1`)).toBe(true);

    const { lines, follower } = follow({ fromOffset });
    await waitFor('200 lines', () => lines.length >= 200);
    follower.stop();
    expect(lines).toEqual(lineList(numberedLines(200)));
  });

  it('resumes from position() in the file it was reading, even after that file was rotated', async () => {
    const first = await t.capture({ maxBytes: 4096, files: 5 });
    t.produceNode(first.output, writeLines(1, 100));
    first.release();
    await first.finished;
    const before = follow({ fromOffset: 0 });
    await waitFor('100 lines', () => before.lines.length >= 100);
    before.follower.stop();
    const position = before.follower.position();
    expect(position).toEqual({ inode: statSync(t.log()).ino, offset: 1200 });

    const second = await t.capture({ maxBytes: 4096, files: 5 });
    t.produceNode(second.output, writeLines(101, 600));
    second.release();
    await second.finished;
    expect(statSync(t.log()).ino).not.toBe(position?.inode);

    const after = follow({ fromOffset: position?.offset ?? 0, inode: position?.inode as number });
    await waitFor('600 lines', () => after.lines.length >= 600);
    after.follower.stop();
    expect(after.lines).toEqual(lineList(numberedLines(600, 101)));
  });

  it('cuts a line longer than 64 KiB to its first 64 KiB and goes on with the next', async () => {
    const capture = await t.capture({ maxBytes: 1024 * 1024 });
    const { lines, follower } = follow({ fromOffset: 0 });
    t.produceNode(capture.output, `require('fs').writeSync(1, 'y'.repeat(200000) + '\\nafter\\n')`);
    capture.release();
    await capture.finished;
    await waitFor('two lines', () => lines.length >= 2);
    follower.stop();
    expect(lines.map((line) => line.length)).toEqual([maxLineBytes, 5]);
    expect(lines[1]).toBe('after');
  });

  it('emits nothing more once stopped, even from within onLine', async () => {
    const capture = await t.capture();
    const seen: string[] = [];
    const follower = followLog(t.log(), {
      fromOffset: 0,
      onLine: (line) => {
        seen.push(line);
        follower.stop();
      },
    });
    t.produce(capture.output, "seq -f 'line %06g' 1 1000");
    capture.release();
    await capture.finished;
    await waitFor('a line', () => seen.length > 0);
    expect(seen).toEqual(['line 000001']);
  });
});

describe('the tail of the log', () => {
  it('spans the end of name.log.1 when name.log is shorter than asked for, leaving out a cut first line', async () => {
    mkdirSync(dirname(t.log()), { recursive: true });
    writeFileSync(`${t.log()}.1`, 'a1\na2\na3\n');
    writeFileSync(t.log(), 'b1\nb2');
    expect(readLogTail(t.log(), 1000)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(readLogTail(t.log(), 8)).toEqual(['a3', 'b1', 'b2']); // 3 bytes of name.log.1: "a3\n"
    expect(readLogTail(t.log(), 7)).toEqual(['b1', 'b2']); // "3\n" is the end of a cut line
    expect(readLogTail(t.log(), 3)).toEqual(['b2']);
  });

  it('reads what a writer rotated just before the end', async () => {
    const capture = await t.capture({ maxBytes: 4096, files: 3 });
    t.produceNode(capture.output, writeLines(1, 350)); // 4,200 bytes: 341 lines fill name.log.1, 9 go on in name.log
    capture.release();
    await capture.finished;
    expect(statSync(t.log()).size).toBe(9 * 12);
    expect(readLogTail(t.log(), 240)).toEqual(lineList(numberedLines(20, 331)));
  });

  it('leaves name.log.1 unread when name.log has a line that `since` says the wanted lines start at', async () => {
    mkdirSync(dirname(t.log()), { recursive: true });
    writeFileSync(`${t.log()}.1`, 'a1\na2\n');
    writeFileSync(t.log(), 'b1\nSTART\nb2\n');
    const since = (line: string) => line === 'START';
    expect(readLogTail(t.log(), 1000, since)).toEqual(['b1', 'START', 'b2']);
    writeFileSync(t.log(), 'b1\nb2\n');
    expect(readLogTail(t.log(), 1000, since)).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('is empty when there is no log yet', () => {
    expect(readLogTail(t.log(), 1000)).toEqual([]);
  });

  it('is what name.log.1 holds when a folder stands where name.log should be (found by the chaos run)', async () => {
    mkdirSync(t.log(), { recursive: true });
    writeFileSync(`${t.log()}.1`, 'a1\na2\n');
    expect(readLogTail(t.log(), 1000)).toEqual(['a1', 'a2']);
  });

  it('is, read from a position, the lines from there when the live log still holds them within the limit', () => {
    mkdirSync(dirname(t.log()), { recursive: true });
    writeFileSync(t.log(), 'old1\nold2\n');
    const launchedAt = { inode: statSync(t.log()).ino, offset: 10 };
    appendFileSync(t.log(), 'START\nrun1\nrun2\nEND\n');
    expect(readLinesFrom(t.log(), launchedAt, 1000)).toEqual(['START', 'run1', 'run2', 'END']);
    // More than the limit since then, or another file than the one the position is in: the tail is read.
    expect(readLinesFrom(t.log(), launchedAt, 10)).toBeUndefined();
    renameSync(t.log(), `${t.log()}.1`);
    writeFileSync(t.log(), 'run3\n');
    expect(readLinesFrom(t.log(), launchedAt, 1000)).toBeUndefined();
    expect(readLinesFrom(`${t.log()}.1`, launchedAt, 1000)).toEqual(['START', 'run1', 'run2', 'END']);
  });
});

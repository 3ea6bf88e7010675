import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { F_GETPIPE_SZ } from '../../src/capture/pipe-size.js';
import { keptOutput, numberedLines, readIfExists, useCaptureTest, waitFor } from './helpers.js';

const t = useCaptureTest();

/** The pipe's size as the kernel reports it, asked through a descriptor of our own (read-write: never blocks). */
function pipeBytes(pipe: string): number {
  const script = `use Fcntl; sysopen(my $p, $ARGV[0], O_RDWR | O_NONBLOCK) or die "$!"; print fcntl($p, ${F_GETPIPE_SZ}, 0) + 0`;
  return Number(execFileSync('perl', ['-e', script, pipe], { encoding: 'utf8' }));
}

/** The status flags of the writer's descriptor of `pipe`, from /proc/<pid>/fdinfo (octal). */
function writerFlags(writerPid: number, pipe: string): number {
  const fds = join('/proc', String(writerPid), 'fd');
  const fd = readdirSync(fds).find((entry) => readIfLink(join(fds, entry)) === pipe);
  if (fd === undefined) throw new Error(`the writer ${writerPid} does not hold ${pipe}`);
  const info = readFileSync(join('/proc', String(writerPid), 'fdinfo', fd), 'utf8');
  return Number.parseInt(/^flags:\s+(\d+)$/m.exec(info)?.[1] ?? '', 8);
}

const readIfLink = (path: string) => {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
};

const O_NONBLOCK = 0o4000;

describe('the pipe of an instance that writes fast', () => {
  it('is enlarged to 1 MiB, the writer still reads it without blocking, and a quiet pipe keeps 64 KiB', async () => {
    const busy = await t.capture({ maxBytes: 64 << 20 });
    const quiet = await t.capture({ logFile: join(t.folder(), 'logs', 'quiet.log') });
    const busyPipe = `${t.log()}.pipe`;
    const quietPipe = join(t.folder(), 'logs', 'quiet.log.pipe');
    expect(pipeBytes(busyPipe)).toBe(64 * 1024);

    // 4 MiB in writes of 1 MiB: the writer finds the pipe full at its reads.
    const count = 400_000;
    const busyProducer = t.produceNode(
      busy.output,
      `const fs = require('fs'); let text = ''; for (let n = 1; n <= ${count}; n++) { text += 'line ' + String(n).padStart(6, '0') + '\\n'; if (text.length >= 1 << 20) { fs.writeSync(1, text); text = ''; } } fs.writeSync(1, text);`,
    );
    const quietProducer = t.produce(quiet.output, "seq -f 'line %06g' 1 10");
    expect((await busyProducer.exited).code).toBe(0);
    await quietProducer.exited;

    await waitFor('the busy pipe to hold 1 MiB', () => pipeBytes(busyPipe) === 1 << 20);
    await waitFor('every busy line in its log', () => keptOutput(t.log()).length === count * 12);
    expect(keptOutput(t.log())).toBe(numberedLines(count));
    expect(writerFlags(busy.writerPid(), busyPipe) & O_NONBLOCK).toBe(O_NONBLOCK);

    // The writer reads on: a line written after the enlargement, and the quiet pipe's lines, arrive.
    busy.mark('after the enlargement');
    await waitFor('the mark in the log', () => readIfExists(t.log()).endsWith('after the enlargement\n'));
    await waitFor(
      'the quiet lines',
      () => readIfExists(join(t.folder(), 'logs', 'quiet.log')) === numberedLines(10),
    );
    expect(pipeBytes(quietPipe)).toBe(64 * 1024);
  });
  it('ends with every line when the pipe ends while the writer rests after a burst', async () => {
    const busy = await t.capture({ maxBytes: 64 << 20 });
    // Bursts of 256 KiB with pauses: the writer empties the pipe, rests, and the last one ends it.
    const count = 200_000;
    const producer = t.produceNode(
      busy.output,
      `const fs = require('fs'); let text = ''; for (let n = 1; n <= ${count}; n++) { text += 'line ' + String(n).padStart(6, '0') + '\\n'; if (text.length >= 1 << 18) { fs.writeSync(1, text); text = ''; Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); } } fs.writeSync(1, text);`,
    );
    expect((await producer.exited).code).toBe(0);
    busy.release();
    await busy.finished;
    expect(keptOutput(t.log())).toBe(numberedLines(count));
    expect(busy.isRunning()).toBe(false);
  });
});

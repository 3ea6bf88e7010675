import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { RotatingLog } from './rotating-log.js';

/**
 * The log writer: `node log-writer.js <logFile> <maxBytes> <files> [<pipe>]`. One per instance, like s6-log or
 * multilog. The instance's stdout and stderr are the write end of a pipe whose only reader is this process,
 * not the supervisor: a slow, crashed or restarted supervisor never blocks the instance nor loses its output,
 * and the supervisor follows the file instead (the same way for instances it re-adopts). It exits at the end
 * of the input, once every process holding the write end is gone.
 *
 * Why a synchronous loop and a hand-written rotation rather than a library: the stream-based rotators
 * (rotating-file-stream, pino-roll) run at about the speed of a bare Node pipe-to-file stream, 340-365 MB/s
 * here, and the target is 500 MB/s. readSync into one 1 MiB buffer and writeSync of it does no allocation,
 * no event loop turn and no copy beyond the kernel's: 200 MB in 10 MB x 5 files went through at 770-970 MB/s
 * here. It is started per instance run, so it imports nothing but node:fs and its two small neighbours.
 * A SIGKILL between a read and its write loses that one chunk (what was in the pipe at that instant): the
 * pipe keeps everything not yet read, for the writer the supervisor starts in its place.
 */

const chunkBytes = 1 << 20;

function main(args: readonly string[]): number {
  const [logFile, maxBytesText, filesText, pipe] = args;
  const maxBytes = Number(maxBytesText);
  const files = Number(filesText);
  if (
    !logFile ||
    !Number.isSafeInteger(maxBytes) ||
    maxBytes < 1 ||
    !Number.isSafeInteger(files) ||
    files < 1
  ) {
    process.stderr.write('usage: log-writer.js <logFile> <maxBytes >= 1> <files >= 1> [<pipe>]\n');
    return 2;
  }
  const log = new RotatingLog({ logFile, maxBytes, files });
  // The instance's named pipe, read-only: its input ends once no process holds it open for writing.
  const input = pipe ? openSync(pipe, 'r') : openInput();
  // Tells whoever started it that the pipe is open (they must not let go of it before), then lets go.
  try {
    writeSync(1, 'open\n');
    closeSync(1);
  } catch {
    // Nobody listens: nothing to tell.
  }
  const buffer = Buffer.allocUnsafe(chunkBytes);
  for (let length = read(input, buffer); length > 0; length = read(input, buffer)) log.append(buffer, length);
  log.close();
  return 0;
}

/**
 * fd 0 may have been left non-blocking by whoever made it, which turns readSync into a spin on EAGAIN;
 * opening /dev/stdin again gives a new, blocking file description of the same pipe. A socket (Node's
 * `stdio: 'pipe'` is a socketpair) cannot be opened that way, but libuv hands it to the child blocking.
 */
function openInput(): number {
  try {
    return openSync('/dev/stdin', 'r');
  } catch {
    return 0;
  }
}

/** Bytes read into `buffer`; 0 at the end of the input (or on an error reading it, which ends it too). */
function read(fd: number, buffer: Buffer): number {
  let idleMs = 1;
  for (;;) {
    try {
      return readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EINTR') continue;
      if (code !== 'EAGAIN') return 0;
      // Still non-blocking after all: wait without spinning, a little longer each time while it is idle.
      Atomics.wait(idleWait, 0, 0, idleMs);
      idleMs = Math.min(idleMs * 2, 50);
    }
  }
}

const idleWait = new Int32Array(new SharedArrayBuffer(4));

process.exitCode = main(process.argv.slice(2));

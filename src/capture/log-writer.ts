import { constants, openSync, readSync, writeSync } from 'node:fs';
import { type OnReadOpts, Socket, type SocketConstructorOpts } from 'node:net';
import { defaultPipeBytes, enlargePipe } from './pipe-size.js';
import { RotatingLog } from './rotating-log.js';
import {
  type CaptureRequest,
  encode,
  lineSplitter,
  parseRequest,
  type WriterEvent,
} from './writer-protocol.js';

/**
 * The log writer: `node log-writer.js`, one process for all of a supervisor's instances (like s6-log, but
 * shared: a Node process costs ~40 MB and ~40 ms of CPU to start, and 20 of them at once on 2 cores held a
 * fleet's start back by a second). The supervisor asks it on stdin to capture an instance's named pipe into
 * its log (writer-protocol.ts); the writer, not the supervisor, is in the data path, so a slow, crashed or
 * restarted supervisor never blocks an instance nor loses its output. A pipe ends once every process
 * holding it for writing is gone (the supervisor holds it while the instance is supervised); the writer
 * exits once its stdin has ended (its supervisor is gone) and every pipe it reads has ended.
 *
 * Reading: the kernel says when a pipe has data (a non-blocking socket handle on it, so one idle pipe never
 * holds the others up); libuv reads it into one 64 KiB buffer (`onread`), on and on while its reads fill the
 * buffer (32 at most a wake-up) and back to epoll at a short one, and each chunk is written with writeSync:
 * no allocation, no copy beyond the kernel's. A hand-written rotation rather than a library: the
 * stream-based rotators (rotating-file-stream, pino-roll) ran at a bare pipe-to-file stream's speed
 * (340-365 MB/s here), short of the goal. A SIGKILL between a read and its write loses that one chunk: the
 * pipes keep everything not yet read, for the writer the supervisor starts in its place.
 */

interface Reader {
  readonly pipe: string;
  readonly fd: number;
  readonly socket: Socket;
  readonly log: RotatingLog;
  /** The requests this pipe answers. */
  readonly ids: number[];
  ended: boolean;
  /** Asked to hold more than 64 KiB (pipe-size.ts), once it first filled up. */
  enlarged: boolean;
  /** Holds more than 64 KiB now: only then may the writer rest (restIfBusy). */
  roomy: boolean;
  /** Bytes read since the pipe was last found empty. */
  burst: number;
}

const readers = new Map<string, Reader>();
/**
 * 64 KiB: the writer's CPU for 200 MiB from a JVM writing as fast as it can (bench-peers' producer,
 * 65,000-byte writes) went ~430 -> ~350 ms against the 1 MiB buffer and a read loop of our own after each
 * callback that this replaces. The JVM alone with the writer took 467 ms against 512 (448 into a file of
 * its own; medians of 10 interleaved runs); under a whole supervisor no change showed (8 interleaved runs,
 * 582 -> 598 ms, within the noise). A smaller buffer stays in the core's cache between the read and the
 * write, and libuv's loop ends at a short read where ours ended each wake-up with an EAGAIN, which Node
 * throws as an exception (~16 us).
 */
const buffer = Buffer.allocUnsafe(64 * 1024);
let controlOpen = true;

function capture(request: CaptureRequest): void {
  const known = readers.get(request.pipe);
  if (known !== undefined) {
    known.ids.push(request.id);
    tell({ open: request.id });
    return;
  }
  let fd: number;
  try {
    // Non-blocking: opening a pipe nobody writes to any more must not hang the writer (it ends at once).
    fd = openSync(request.pipe, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    tell({ end: [request.id] });
    return;
  }
  const { logFile, maxBytes, files } = request;
  // libuv reads straight into the one buffer, no allocation per chunk (Node's `onread`, instead of 'data'
  // events): the writer's peak RSS copying 200 MB went from ~75 MB to ~48 MB here.
  const onread: OnReadOpts = {
    buffer,
    callback: (length) => {
      keep(reader, length);
      return restIfBusy(reader, length);
    },
  };
  const options: SocketConstructorOpts & { onread: OnReadOpts } = {
    fd,
    readable: true,
    writable: false,
    onread,
  };
  const socket = new Socket(options);
  const reader: Reader = {
    pipe: request.pipe,
    fd,
    socket,
    log: new RotatingLog({ logFile, maxBytes, files }),
    ids: [request.id],
    ended: false,
    enlarged: false,
    roomy: false,
    burst: 0,
  };
  readers.set(request.pipe, reader);
  socket.on('end', () => finish(reader));
  socket.on('error', () => finish(reader));
  tell({ open: request.id });
  // Opened while no process held it for writing, the kernel never reports its end unless one comes
  // (fs/pipe.c suppresses the hang-up until a writer is seen): a read says so now, ending it at once.
  drain(reader);
}

/** A wake-up that found at least this much had a busy instance behind it. */
const busyBurstBytes = 64 * 1024;
/** How long the writer rests after emptying a busy pipe; the pipe (1 MiB once enlarged) fills meanwhile. */
const restMs = 1;

/**
 * After a read that emptied an enlarged pipe (a short read) at the end of a busy burst, the writer stops
 * reading for a millisecond (false: Node pauses the socket). An instance writing as fast as it can otherwise
 * wakes the writer at each write into the empty pipe, and the kernel, told by the pipe that the writer wakes
 * for the producer's sake, runs it on the producer's core: under the supervisor, a 200 MiB spew like
 * bench-peers' had the JVM preempted by the writer 45-692 times, and took ~550 ms instead of ~440 when it
 * was 300 or more (perf sched). Woken by its timer instead, the writer runs on the other core and reads
 * what came meanwhile in one go. A quiet instance's lines are read at once, as before, and a pipe of 64
 * KiB (perl missing, or the kernel's limit reached) is never rested on: it would fill within the rest.
 */
function restIfBusy(reader: Reader, length: number): boolean {
  if (!reader.roomy) return true;
  reader.burst += length;
  if (length === buffer.length) return true;
  const busy = reader.burst >= busyBurstBytes;
  reader.burst = 0;
  if (!busy) return true;
  setTimeout(() => {
    if (!reader.ended) reader.socket.resume();
  }, restMs);
  return false;
}

/** Reads what the pipe holds at its opening, until it is empty (EAGAIN) or has ended. */
function drain(reader: Reader): void {
  while (!reader.ended) {
    let length: number;
    try {
      length = readSync(reader.fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EINTR') continue;
      if (code !== 'EAGAIN') finish(reader);
      return;
    }
    if (length === 0) {
      finish(reader);
      return;
    }
    keep(reader, length);
  }
}

/**
 * Writes what was read into the log. A read that took half the pipe's 64 KiB or more found an instance
 * writing faster than the writer's wake-ups: its pipe is enlarged (pipe-size.ts), once.
 */
function keep(reader: Reader, length: number): void {
  reader.log.append(buffer, length);
  if (length >= defaultPipeBytes / 2 && !reader.enlarged) {
    reader.enlarged = true;
    enlargePipe(reader.fd, () => {
      reader.roomy = true;
    });
  }
}

function finish(reader: Reader): void {
  if (reader.ended) return;
  reader.ended = true;
  readers.delete(reader.pipe);
  reader.socket.destroy();
  reader.log.close();
  tell({ end: reader.ids });
  exitWhenDone();
}

/** To the supervisor; nobody may listen any more (it was killed), which changes nothing here. */
function tell(event: WriterEvent): void {
  if (!controlOpen) return;
  try {
    writeSync(1, encode(event));
  } catch {
    // The supervisor is gone: the pipes are read on all the same.
  }
}

function exitWhenDone(): void {
  if (!controlOpen && readers.size === 0) process.exit(0);
}

process.stdin.on(
  'data',
  lineSplitter((line) => {
    const request = parseRequest(line);
    if (request !== undefined) capture(request);
  }),
);
const controlEnded = () => {
  controlOpen = false;
  exitWhenDone();
};
process.stdin.on('end', controlEnded);
process.stdin.on('error', controlEnded);

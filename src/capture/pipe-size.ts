import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * A pipe holds 64 KiB unless asked for more (fcntl F_SETPIPE_SZ), which Node cannot do. With 64 KiB, an
 * instance that writes fast and the log writer take turns at every 64 KiB: 200 MiB in 65,000-byte writes
 * went through the writer at 431-521 MB/s here, and at 850-891 MB/s with this (3 runs each), the two then
 * working on two cores at once.
 *
 * So the fcntl is made by `perl`, which every Debian system has (perl-base is Essential), given the pipe
 * as its descriptor 3: a process of ~4 ms, once per pipe, and only for a pipe found half full or more at
 * a read (log-writer.ts): a quiet instance's pipe keeps its 64 KiB and costs no process at a fleet's start.
 * Without perl, or past the user's pipe-memory limit (/proc/sys/fs/pipe-user-pages-soft), the pipe keeps
 * 64 KiB: slower, nothing lost. The kernel gives a pipe pages only as data fills them, so a larger pipe
 * costs memory only while full.
 */

/** F_LINUX_SPECIFIC_BASE (1024) + 7, from Linux's include/uapi/linux/fcntl.h. */
export const F_SETPIPE_SZ = 1031;
/** F_LINUX_SPECIFIC_BASE (1024) + 8. */
export const F_GETPIPE_SZ = 1032;

/** The size asked for: 1 MiB, or less where the system allows less (an unprivileged process may not pass it). */
const wantedBytes = Math.min(1 << 20, systemMaxBytes());

/** The pipe size's own default, Linux's PIPE_DEF_BUFFERS (16) pages of 4 KiB. */
export const defaultPipeBytes = 64 * 1024;

const setSize = 'open(my $p, "<&=", 3) or exit 1; fcntl($p, $ARGV[0] + 0, $ARGV[1] + 0) or exit 2';

let perlMissing = false;

/**
 * Asks, without waiting, that the pipe open as `fd` in this process hold `wantedBytes`; `enlarged` is called
 * once it does (not when perl is missing or the kernel refused).
 */
export function enlargePipe(fd: number, enlarged: () => void = () => {}): void {
  if (perlMissing || wantedBytes <= defaultPipeBytes) return;
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn('perl', ['-e', setSize, String(F_SETPIPE_SZ), String(wantedBytes)], {
      // Descriptor 3, not 0-2: libuv clears O_NONBLOCK on a child's standard descriptors only, and that
      // flag belongs to the open file the writer shares with perl (its reads must never block).
      stdio: ['ignore', 'ignore', 'ignore', fd],
    });
  } catch {
    return; // fd was closed meanwhile: the pipe has ended
  }
  child.on('error', () => {
    perlMissing = true;
  });
  child.on('exit', (code) => {
    if (code === 0) enlarged();
  });
}

function systemMaxBytes(): number {
  try {
    return Number.parseInt(readFileSync('/proc/sys/fs/pipe-max-size', 'utf8'), 10) || defaultPipeBytes;
  } catch {
    return defaultPipeBytes;
  }
}

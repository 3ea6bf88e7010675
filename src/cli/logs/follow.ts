import { followLog, type LogPosition } from '../../capture/log-tail.js';

/** A log to follow, from where its tail was read (none: from the start of the file once it appears). */
export interface FollowedLog {
  readonly file: string;
  readonly from: LogPosition | undefined;
  readonly onLine: (line: string) => void;
}

/** Prints new lines of every log until SIGINT or SIGTERM (or stdout closes, as under `head`). */
export function followLogs(logs: readonly FollowedLog[]): Promise<void> {
  return new Promise((resolve) => {
    const followers = logs.map(({ file, from, onLine }) =>
      followLog(file, {
        fromOffset: from?.offset ?? 0,
        ...(from !== undefined && { inode: from.inode }),
        onLine,
      }),
    );
    // The followers' own timers and watchers do not keep the process alive: this does.
    const alive = setInterval(() => {}, 1 << 30);
    const stop = () => {
      for (const follower of followers) follower.stop();
      clearInterval(alive);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stdout.once('error', stop);
  });
}

import { exitCodes } from '../errors.js';

/**
 * Output into a pipe whose reader went away (`plan | head -1`) ends the command quietly, as any Unix tool
 * does, instead of an unhandled EPIPE with a stack trace.
 */
export function exitQuietlyOnEpipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? exitCodes.ok);
    });
  }
}

import { readFile } from 'node:fs/promises';

/** Polls a condition until it holds; rejects with `what` on timeout. For files, where no event exists. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function fileMatches(file: string, pattern: RegExp): () => Promise<boolean> {
  return async () => pattern.test(await readFile(file, 'utf8').catch(() => ''));
}

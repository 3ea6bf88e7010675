/**
 * What the supervisor and its log writer say to each other, one JSON document per line: the supervisor asks
 * the writer (on its stdin) to capture a pipe into a log; the writer answers (on its stdout) once it has the
 * pipe open, and once the pipe has ended (every process holding it for writing is gone) and its log is closed.
 * Ids, not pipe paths, name requests: one pipe may be asked for again (a reload hands an instance over) while
 * its earlier request is ending.
 */
export interface CaptureRequest {
  readonly id: number;
  /** The instance's named pipe. */
  readonly pipe: string;
  readonly logFile: string;
  readonly maxBytes: number;
  readonly files: number;
}

export type WriterEvent = { readonly open: number } | { readonly end: readonly number[] };

export const encode = (message: CaptureRequest | WriterEvent): string => `${JSON.stringify(message)}\n`;

/** Splits a byte stream into lines, handing each complete one to `onLine`. */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line !== '') onLine(line);
  };
}

/** A request line, or undefined when it is not one (the writer ignores it). */
export function parseRequest(line: string): CaptureRequest | undefined {
  try {
    const r = JSON.parse(line) as Partial<CaptureRequest>;
    const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 1;
    if (typeof r.pipe !== 'string' || typeof r.logFile !== 'string') return undefined;
    if (!Number.isSafeInteger(r.id) || !count(r.maxBytes) || !count(r.files)) return undefined;
    return r as CaptureRequest;
  } catch {
    return undefined;
  }
}

/** An event line, or undefined when it is not one. */
export function parseEvent(line: string): WriterEvent | undefined {
  try {
    const e = JSON.parse(line) as { open?: unknown; end?: unknown };
    if (Number.isSafeInteger(e.open)) return { open: e.open as number };
    if (Array.isArray(e.end) && e.end.every((id) => Number.isSafeInteger(id)))
      return { end: e.end as number[] };
    return undefined;
  } catch {
    return undefined;
  }
}

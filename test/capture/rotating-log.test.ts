import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RotatingLog } from '../../src/capture/rotating-log.js';
import { keptFiles, keptOutput, useCaptureTest } from './helpers.js';

const t = useCaptureTest();

/** Lines (some longer than a whole file), as whole-line chunks or cut anywhere. */
const output = fc.record({
  maxBytes: fc.integer({ min: 8, max: 300 }),
  files: fc.integer({ min: 1, max: 5 }),
  lines: fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 400 }), { maxLength: 60 }),
  chunking: fc.oneof(
    fc.constant('whole lines' as const),
    fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 20 }),
  ),
});

function feed(logFile: string, maxBytes: number, files: number, chunks: readonly Buffer[]): void {
  const log = new RotatingLog({ logFile, maxBytes, files, now: () => 0 });
  for (const chunk of chunks) log.append(chunk, chunk.length);
  log.close();
}

/** Whole lines a few at a time, or pieces of the given sizes in turn. */
function chunksOf(lines: readonly string[], chunking: 'whole lines' | readonly number[]): Buffer[] {
  if (chunking === 'whole lines') return lines.map((line, i) => Buffer.from(`${line}\n`.repeat(1 + (i % 3))));
  const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(''));
  const chunks: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = chunking[k % chunking.length] as number;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('the rotating log of the writer', () => {
  it('never writes a file larger than maxBytes nor keeps more than `files`, and keeps the newest output whole', () => {
    fc.assert(
      fc.property(output, ({ maxBytes, files, lines, chunking }) => {
        const logFile = join(mkdtempSync(join(t.folder(), 'run-')), 'app.log');
        const chunks = chunksOf(lines, chunking);
        feed(logFile, maxBytes, files, chunks);

        const written = Buffer.concat(chunks).toString();
        const kept = keptFiles(logFile);
        expect(kept.length).toBeLessThanOrEqual(files);
        for (const file of kept) expect(statSync(file).size).toBeLessThanOrEqual(maxBytes);
        expect(written.endsWith(keptOutput(logFile))).toBe(true);
        // Only whole older files are ever dropped.
        if (written.length <= maxBytes) expect(keptOutput(logFile)).toBe(written);
        if (chunking === 'whole lines') {
          // A rotated file ends at a line end, unless a line longer than a file filled it to the limit.
          for (const file of kept.slice(0, -1)) {
            const text = readFileSync(file, 'utf8');
            expect(text.endsWith('\n') || text.length === maxBytes).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('shifts name.log.1 to name.log.2 and so on, the oldest beyond `files` dropped', () => {
    const logFile = join(t.folder(), 'app.log');
    const lines = ['ln1', 'ln2', 'ln3', 'ln4', 'ln5', 'ln6', 'ln7'].map((line) => Buffer.from(`${line}\n`));
    feed(logFile, 8, 3, lines);
    expect(keptFiles(logFile).map((file) => readFileSync(file, 'utf8'))).toEqual([
      'ln3\nln4\n',
      'ln5\nln6\n',
      'ln7\n',
    ]);
    expect(keptFiles(logFile).map((file) => file.slice(logFile.length))).toEqual(['.2', '.1', '']);
  });

  it('with `files` 1, starts the one file again instead of keeping a rotated one', () => {
    const logFile = join(t.folder(), 'app.log');
    feed(logFile, 10, 1, [Buffer.from('one\ntwo\n'), Buffer.from('three\n')]);
    expect(keptFiles(logFile)).toEqual([logFile]);
    expect(readFileSync(logFile, 'utf8')).toBe('three\n');
  });
});

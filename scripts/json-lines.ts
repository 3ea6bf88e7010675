import { readFileSync } from 'node:fs';

/**
 * Each line of a JSON-lines file that parses: the simulator's stamp files, the supervisor's pino log. A
 * line being appended may not parse yet, and a file not yet made reads as empty. For tests and benchmarks.
 */
export function readJsonLines<T = Record<string, unknown>>(file: string): T[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as T];
    } catch {
      return [];
    }
  });
}

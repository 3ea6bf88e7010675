import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes rendered files into a folder (made if missing), replacing files of the same names. Mode 0644: the
 * artefacts hold no secret (secret-looking values are never written).
 */
export async function writeFiles(folder: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const target = path.join(folder, name);
    await writeFile(target, text, { mode: 0o644 });
    written.push(target);
  }
  return written;
}

/** Human output to stdout; `--json` output is one document, and nothing else, on stdout. */
export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

export function printDiagnostic(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

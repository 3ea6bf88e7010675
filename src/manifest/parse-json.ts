import { createRequire } from 'node:module';
import type { ParseError } from 'jsonc-parser';
import { ManifestError } from '../errors.js';

const require = createRequire(import.meta.url);

/**
 * JSON.parse, and on a syntax error the line and column of the first fault. V8's own messages do not
 * always give a position, so the faulty text is parsed again with jsonc-parser, which does.
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return syntaxError(text, file, error as SyntaxError);
  }
}

/** Only a broken manifest pays for loading jsonc-parser. */
function syntaxError(text: string, file: string, cause: SyntaxError): never {
  const { parse, printParseErrorCode } = require('jsonc-parser') as typeof import('jsonc-parser');
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // jsonc-parser recurses once per nesting level: some thousands overflow the stack. V8's position then.
  }
  const first = errors[0];
  const position = /at position (\d+)/.exec(cause.message)?.[1];
  const { line, column } = lineAndColumn(text, first?.offset ?? Number(position ?? text.length));
  const what = first ? describeCode(printParseErrorCode(first.error)) : 'it cannot be parsed';
  const problem = {
    path: `line ${line}, column ${column}`,
    message: `not valid JSON: ${what}`,
    hint: 'Fix the syntax there (JSON allows no comments and no trailing commas).',
  };
  throw new ManifestError(file, [problem]);
}

/** `CommaExpected` -> `comma expected`. */
function describeCode(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

import { closest, distance } from 'fastest-levenshtein';
import type * as z from 'zod/mini';
import type { ManifestProblem } from '../errors.js';
import { describeValue, jsonPath, valueAt } from './json-path.js';
import { manifestSchema } from './schema.js';

/** Turns the schema's issues into problems that say where, what was found and what to do. */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], raw: unknown): ManifestProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownKey(issue.path, key));
    return [fromIssue(issue, raw)];
  });
}

function fromIssue(issue: z.core.$ZodIssue, raw: unknown): ManifestProblem {
  const found = valueAt(raw, issue.path);
  const path = jsonPath(issue.path);
  const key = String(issue.path.at(-1) ?? 'value');
  if (found === undefined) {
    return { path, message: `"${key}" is missing`, hint: `Add "${key}".` };
  }
  const message = `${issue.message} (found ${describeValue(found)})`;
  const hint = issue.code === 'custom' ? (issue.params?.hint as string | undefined) : undefined;
  if (hint !== undefined) return { path, message: issue.message, hint };
  switch (issue.code) {
    case 'invalid_value':
      return { path, message, hint: `Use one of: ${issue.values.map((v) => String(v)).join(', ')}.` };
    case 'invalid_format':
      return { path, message, hint: suggestName(found) };
    case 'too_small':
    case 'too_big':
      return { path, message, hint: 'Change the value to fit that limit.' };
    default:
      return { path, message, hint: 'Correct the value (instances.schema.json describes every field).' };
  }
}

function suggestName(found: unknown): string {
  const slug = String(found)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 48);
  return slug ? `Names become file names: try "${slug}".` : 'Names become file names: use e.g. "orders-mi".';
}

function unknownKey(parent: readonly PropertyKey[], key: string): ManifestProblem {
  const allowed = keysAt(parent);
  const guess = allowed.length > 0 ? closest(key, allowed) : undefined;
  const hint =
    guess !== undefined && distance(key, guess) <= Math.max(2, Math.floor(key.length / 3))
      ? `Did you mean "${guess}"?`
      : `Remove it; allowed here: ${allowed.join(', ')}.`;
  return { path: jsonPath([...parent, key]), message: `unknown key ${JSON.stringify(key)}`, hint };
}

/** The keys the schema allows at a path, found by walking the schema itself (no second list to keep). */
function keysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = manifestSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    const def = schema?._zod.def;
    if (def?.type === 'array' && typeof segment === 'number') schema = (def as z.core.$ZodArrayDef).element;
    else if (def?.type === 'object') schema = (def as z.core.$ZodObjectDef).shape[String(segment)];
    else return [];
  }
  const def = unwrap(schema)?._zod.def;
  return def?.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = schema;
  while (current?._zod.def.type === 'optional')
    current = (current._zod.def as z.core.$ZodOptionalDef).innerType;
  return current;
}

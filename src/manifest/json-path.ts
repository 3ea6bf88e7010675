/** `instances[2].restart.policy` from zod-style path segments; the manifest's root is `$`. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(segment))) path += `.${String(segment)}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}

/** The raw value at a path, for "found ..." in a message. */
export function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** A short rendering of a found value: long strings and big objects are cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** JSON.stringify recurses: a value nested some thousands deep overflows the stack, and is only named then. */
function stringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? 'a deeply nested list' : 'a deeply nested object';
  }
}

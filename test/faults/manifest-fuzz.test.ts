import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, makeJdk } from '../../scripts/make-home.js';
import { ManifestError } from '../../src/errors.js';
import { loadManifest } from '../../src/manifest/load.js';
import type { ProductId } from '../../src/products/product.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeManifest } from '../helpers/fake-home.js';
import { serversOf } from '../helpers/processes.js';

/**
 * Fuzzed manifests (issue 11): random JSON, random edits of instances.example.json, random corruption of
 * its text. Whatever comes in, loading ends in a valid manifest or in a ManifestError (exit 2) that says
 * where; never another error (the CLI would call it an internal failure), never a stack trace, and `up`
 * starts nothing. fast-check prints the seed and the shrunk sample of any failure: rerun with that seed.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Segment = string | number;

/** A stack frame as V8 prints it. */
const stackLine = /^\s+at /m;
const where = /^(\$|line \d+, column \d+$)/;

const example = JSON.parse(
  readFileSync(new URL('../../instances.example.json', import.meta.url), 'utf8'),
) as Record<string, Json> & { instances: { name: string; product: ProductId; home: string }[] };

let root = '';
let file = '';
let stamp = '';
let homes: string[] = [];
/** The example as it stands, with simulated homes where it points and a lifecycle stamp to catch a start. */
let base: Record<string, Json> = {};

beforeAll(async () => {
  root = await tempDir('wso2-supervisor-fuzz-');
  stamp = path.join(root, 'lifecycle.stamp');
  const jdk = makeJdk(path.join(root, 'jdk'));
  homes = [];
  for (const instance of example.instances) {
    const made = await makeHome({ product: instance.product, home: path.join(root, instance.home) });
    homes.push(made.home);
  }
  const defaults = example.defaults as Record<string, Json>;
  base = {
    ...example,
    defaults: { ...defaults, env: { JAVA_HOME: jdk.javaHome, WSO2_SIM_LIFECYCLE_STAMP: stamp } },
  };
  file = await writeManifest(root, base);
});

afterAll(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

// ---- samples -------------------------------------------------------------------------------------------

/** Values a schema meets at its edges: bounds, wrong types that look right, path tricks, a NUL. */
const edgeValue = fc.constantFrom<Json>(
  -1,
  -0,
  0.5,
  1e308,
  2 ** 53,
  65535,
  65536,
  604801,
  '',
  ' ',
  'auto',
  '../',
  '/',
  '\u0000',
  'x'.repeat(10_000),
  'A'.repeat(49),
  'on-failure',
  'mi',
  'apim',
  'esb',
  '(',
  'http://[::1',
  true,
  null,
  [],
  {},
  [''],
);
const randomValue = fc.oneof(
  edgeValue,
  fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<Json>,
);
/** Unknown keys, near misses of known ones, and keys that are special in JavaScript. */
const randomKey = fc.oneof(
  fc.constantFrom(
    'dependOn',
    'Name',
    'prodcut',
    'homes',
    'maxRestart',
    'offset ',
    '__proto__',
    'constructor',
  ),
  fc.constantFrom('toString', 'hasOwnProperty', '', '$schema', 'env', 'log', 'http', 'ports'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'retype'; at: number }
  | { kind: 'add-key'; at: number; key: string; value: Json }
  | { kind: 'duplicate'; at: number }
  | { kind: 'nest'; at: number; depth: number };

/** `at` picks a node of the document as it is when the mutation applies (modulo their count). */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: randomValue }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add-key' as const), at: fc.nat(), key: randomKey, value: randomValue }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  // Thousands deep: where recursive code (JSON.stringify, a recursive-descent parser) overflows the stack.
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 5_000, max: 30_000 })),
  }),
);

type Edit =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'overwrite'; at: number; byte: number };

const syntaxBytes = fc
  .constantFrom(
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"',
    '\\',
    '//',
    '/*',
    '\n',
    '\u0000',
    '\ufeff',
    'é',
    'NaN',
    '1e',
  )
  .map((text) => new Uint8Array(Buffer.from(text)));
/** Byte edits, so that invalid UTF-8 comes in too. */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.oneof(syntaxBytes, fc.uint8Array({ minLength: 1, maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('overwrite' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
);

interface Sample {
  readonly kind: 'document' | 'mutated' | 'corrupted';
  readonly text: string | Uint8Array;
}

const mutated = fc
  .array(mutation, { minLength: 1, maxLength: 4 })
  .map((mutations): Sample => ({ kind: 'mutated', text: serialize(mutations.reduce(mutate, clone(base))) }));
const sample: fc.Arbitrary<Sample> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc
      .jsonValue({ stringUnit: 'binary' })
      .map((doc) => ({ kind: 'document' as const, text: JSON.stringify(doc) })),
  },
  { weight: 3, arbitrary: mutated },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof(fc.constant(undefined), mutated), fc.array(edit, { minLength: 1, maxLength: 3 }))
      .map(([start, edits]): Sample => {
        const text = Buffer.from(start?.text ?? serialize(clone(base)));
        return { kind: 'corrupted', text: edits.reduce(corrupt, new Uint8Array(text)) };
      }),
  },
);

// ---- applying mutations and edits ----------------------------------------------------------------------

const clone = (doc: Record<string, Json>): Json => structuredClone(doc);

/** Every node's path, the root first. */
function paths(node: Json, at: Segment[] = []): Segment[][] {
  const found = [at];
  if (Array.isArray(node)) for (const [k, child] of node.entries()) found.push(...paths(child, [...at, k]));
  else if (node !== null && typeof node === 'object')
    for (const [key, child] of Object.entries(node)) found.push(...paths(child, [...at, key]));
  return found;
}

function nodeAt(doc: Json, at: readonly Segment[]): Json {
  let node = doc;
  for (const segment of at) node = (node as Record<Segment, Json>)[segment] as Json;
  return node;
}

/** An own property even for "__proto__", as JSON.parse makes it. */
function put(parent: Json, key: Segment, value: Json): void {
  if (Array.isArray(parent) && typeof key === 'number') parent[key] = value;
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Deeply nested values are written as text: JSON.stringify itself would overflow making them. */
const deep = new Map<string, number>();

function mutate(doc: Json, change: Mutation): Json {
  const all = paths(doc);
  const at = all[change.at % all.length] as Segment[];
  const node = nodeAt(doc, at);
  const key = at.at(-1);
  const parent = key === undefined ? undefined : nodeAt(doc, at.slice(0, -1));
  const replace = (value: Json): Json => {
    if (parent === undefined || key === undefined) return value;
    put(parent, key, value);
    return doc;
  };
  switch (change.kind) {
    case 'delete':
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else if (parent !== undefined && key !== undefined) delete (parent as Record<string, Json>)[key];
      return doc;
    case 'replace':
      return replace(change.value);
    case 'retype':
      return replace(retype(node));
    case 'add-key':
      if (node !== null && typeof node === 'object' && !Array.isArray(node))
        put(node, change.key, change.value);
      else if (Array.isArray(node)) node.push(change.value);
      return doc;
    case 'duplicate':
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 0, structuredClone(node));
      else if (Array.isArray(node) && node.length > 0) node.push(structuredClone(node[0] as Json));
      return doc;
    case 'nest': {
      const token = `\u0001nest-${deep.size}`;
      deep.set(token, change.depth);
      return replace(token);
    }
  }
}

/** The same content in another JSON type: "12" for 12, a list for an object, and so on. */
function retype(node: Json): Json {
  if (typeof node === 'number') return String(node);
  if (typeof node === 'string') return /^-?\d+(\.\d+)?$/.test(node) ? Number(node) : [node];
  if (typeof node === 'boolean') return String(node);
  if (node === null) return 0;
  if (Array.isArray(node)) return Object.fromEntries(node.map((v, k) => [String(k), v]));
  return Object.values(node);
}

function serialize(doc: Json): string {
  return JSON.stringify(doc, null, 2).replace(/"\\u0001nest-\d+"/g, (token) => {
    const depth = deep.get(JSON.parse(token) as string) ?? 1;
    return `${'['.repeat(depth)}0${']'.repeat(depth)}`;
  });
}

function corrupt(text: Uint8Array, change: Edit): Uint8Array {
  const at = change.at % (text.length + 1);
  const bytes = Buffer.from(text);
  switch (change.kind) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.length)]);
    case 'overwrite':
      if (at < bytes.length) bytes[at] = change.byte;
      return bytes;
  }
}

// ---- the properties ------------------------------------------------------------------------------------

/** Loads the manifest file; anything but success or a clear ManifestError fails the property. */
async function outcome(): Promise<'valid' | 'invalid'> {
  let error: unknown;
  try {
    await loadManifest(file);
    return 'valid';
  } catch (caught) {
    error = caught;
  }
  // Any other error is a bug: the CLI would report "failed unexpectedly" and exit 1.
  if (!(error instanceof ManifestError))
    throw new Error(`not a ManifestError: ${(error as Error)?.stack ?? String(error)}`);
  expect(error.exitCode).toBe(2);
  expect(error.message).toMatch(/ is invalid \(\d+ problems?\):\n/);
  expect(error.message).not.toMatch(stackLine);
  expect(error.problems.length).toBeGreaterThan(0);
  for (const problem of error.problems) {
    expect(problem.path).toMatch(where);
    expect(problem.message.trim()).not.toBe('');
    expect(problem.hint.trim()).not.toBe('');
  }
  expect(() => JSON.stringify(error.toJSON())).not.toThrow(); // what --json prints
  return 'invalid';
}

/** Where a manifest could have put its state, from its text when it parses. */
function stateDirs(text: string | Uint8Array): string[] {
  const dirs = [path.join(root, '.wso2-supervisor'), path.join(root, String(example.stateDir))];
  try {
    const stateDir = (JSON.parse(Buffer.from(text).toString('utf8')) as { stateDir?: unknown } | null)
      ?.stateDir;
    if (typeof stateDir === 'string' && stateDir !== '') dirs.push(path.resolve(root, stateDir));
  } catch {
    // Not JSON: only the defaults.
  }
  return dirs;
}

describe('fuzzed manifests', () => {
  it('the example as written here is valid (so that mutations start from a valid manifest)', async () => {
    await writeFile(file, serialize(clone(base)));
    expect(await outcome()).toBe('valid');
  });

  it('load as a valid manifest or fail with a ManifestError (exit 2) that says where, never a stack trace', async () => {
    const seen = { valid: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(sample, async ({ text }) => {
        await writeFile(file, text);
        seen[await outcome()]++;
      }),
      { numRuns: 500 },
    );
    // The fuzz is worth something only if most samples are broken, and some mutations stay valid.
    expect(seen.invalid).toBeGreaterThan(250);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it('through the binary: `up` on an invalid manifest exits 2 with the message alone and starts nothing', async () => {
    const listing = () => [readdirSync(root).sort(), readdirSync(path.join(root, '.demo')).sort()];
    await writeFile(file, serialize(clone(base)));
    const before = listing();
    await fc.assert(
      fc.asyncProperty(sample, async ({ text }) => {
        await writeFile(file, text);
        // Only invalid ones are run: a valid manifest would really start the simulated fleet, and `up` in the
        // foreground would supervise it instead of returning. Validity is judged in-process, same file.
        fc.pre((await outcome()) === 'invalid');
        const result = await runCli(['-f', file, 'up'], { cwd: root });
        expect(result.exitCode, result.stderr).toBe(2);
        expect(result.stderr).toMatch(/ is invalid \(\d+ problems?\):\n {2}(\$|line \d+, column \d+)/);
        expect(result.stderr).not.toMatch(stackLine);
        expect(result.stderr).not.toMatch(/failed unexpectedly/);
        expect(result.stdout).toBe('');
        expect(existsSync(stamp)).toBe(false);
        expect(listing()).toEqual(before);
        for (const dir of stateDirs(text)) expect(existsSync(path.join(dir, 'supervisor.pid'))).toBe(false);
        for (const home of homes) expect(serversOf(home)).toBe(0);
      }),
      // Ten runs of the whole binary: the 500 in-process ones above are the fuzz, these the smoke.
      { numRuns: 10 },
    );
  }, 120_000);
});

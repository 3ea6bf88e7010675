import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The folders of src/, lowest first. A folder may import only from its own layer or lower ones, so the pure
 * core (errors, products, manifest, the planner) never depends on the edges that spawn, persist or print.
 */
const layers: Record<string, number> = {
  'errors.ts': 0,
  'package-root.ts': 0,
  'build-id.ts': 0,
  'code-cache.ts': 0,
  log: 0,
  products: 1,
  manifest: 1,
  ports: 2,
  process: 3,
  capture: 3,
  state: 3,
  supervisor: 4,
  daemon: 5,
  // Exports read the plan and the supervisor's pure readiness plan; only the CLI imports them.
  export: 5,
  // The web page's process: a client of the daemon's socket; only the CLI starts it.
  ui: 6,
  cli: 7,
};

/** Each file under src/ (as `cli/print.ts`) with the src/ files it imports, static, dynamic or type-only. */
type ImportGraph = Map<string, readonly string[]>;

/** The top-level folder of src/ a file belongs to: `cli/commands/up.ts` -> `cli`; `errors.ts` stays itself. */
const folderOf = (file: string): string => file.split('/')[0] ?? file;

/** Every `src/file -> src/target` whose target sits in a higher layer than the file. */
function upwardImports(graph: ImportGraph): string[] {
  const layerOf = (file: string) => layers[folderOf(file)] ?? Number.POSITIVE_INFINITY;
  return [...graph].flatMap(([file, targets]) =>
    targets
      .filter((target) => layerOf(target) > layerOf(file))
      .map((target) => `src/${file} -> src/${target}`),
  );
}

/** Each cycle between folders once, as `state -> supervisor -> state`. */
function folderCycles(graph: ImportGraph): string[] {
  const edges = new Map<string, Set<string>>();
  for (const [file, targets] of graph)
    for (const target of targets) {
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  const cycles = new Map<string, string>();
  for (const [from, tos] of edges)
    for (const to of tos) {
      const back = shortestPath(edges, to, from);
      // The same cycle is found from each of its edges: keep it once, keyed by the folders it passes.
      const key = back && [...new Set(back)].sort().join();
      if (back && key && !cycles.has(key)) cycles.set(key, [from, ...back].join(' -> '));
    }
  return [...cycles.values()];
}

function shortestPath(edges: Map<string, Set<string>>, start: string, goal: string): string[] | undefined {
  const cameFrom = new Map<string, string>([[start, start]]);
  const queue = [start];
  for (let folder = queue.shift(); folder !== undefined; folder = queue.shift()) {
    if (folder === goal) {
      const route = [folder];
      while (route[0] !== start) route.unshift(cameFrom.get(route[0] as string) as string);
      return route;
    }
    for (const next of edges.get(folder) ?? []) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, folder);
      queue.push(next);
    }
  }
  return undefined;
}

/** Reads src/ from disk. TypeScript's own pre-processor finds the specifiers, so comments and strings never count. */
function readImportGraph(srcDir: string): ImportGraph {
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => file.endsWith('.ts'));
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(path.join(srcDir, file), 'utf8'), true, true);
      const targets = importedFiles
        .map((imported) => imported.fileName)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => path.posix.join(path.posix.dirname(file), specifier).replace(/\.js$/, '.ts'));
      return [file, targets];
    }),
  );
}

describe('the folders of src/', () => {
  const graph = readImportGraph(path.resolve(import.meta.dirname, '../../src'));

  it('are each placed in a layer', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect([...new Set([...graph.keys()].map(folderOf))].filter((folder) => !(folder in layers))).toEqual([]);
  });

  it('imports only from its own layer or lower ones', () => {
    expect(upwardImports(graph), 'imports that go to a higher layer').toEqual([]);
  });

  it('import one another without a cycle', () => {
    expect(folderCycles(graph), 'cycles between folders').toEqual([]);
  });
});

describe('the layer checker', () => {
  // A fake src/ so the checks above cannot pass by reading nothing or by finding nothing.
  const fake: ImportGraph = new Map([
    ['ports/planner.ts', ['products/catalog.ts', 'errors.ts']],
    ['ports/plan-fleet.ts', ['state/saved-state.ts']],
    ['state/saved-state.ts', ['process/proc-stat.ts']],
    ['process/proc-stat.ts', ['state/saved-state.ts', 'process/run-tag.ts']],
  ]);

  it('names each import that goes to a higher layer, and only those', () => {
    expect(upwardImports(fake)).toEqual(['src/ports/plan-fleet.ts -> src/state/saved-state.ts']);
  });

  it('names each cycle between folders once, and ignores imports within a folder', () => {
    expect(folderCycles(fake)).toEqual(['state -> process -> state']);
  });
});

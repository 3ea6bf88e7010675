import type { ManifestProblem } from '../errors.js';
import { jsonPath } from './json-path.js';

/**
 * Checks across instances that a per-field schema cannot express. They read the raw manifest leniently,
 * so that they still run, and report, when some other field is invalid: every problem is told at once.
 */

interface RawInstance {
  readonly index: number;
  readonly name: string | undefined;
  readonly dependsOn: readonly unknown[] | undefined;
}

export function rawInstances(raw: unknown): RawInstance[] {
  const list = (raw as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown, index) => {
    const item = (entry ?? {}) as { name?: unknown; dependsOn?: unknown };
    return {
      index,
      name: typeof item.name === 'string' ? item.name : undefined,
      dependsOn: Array.isArray(item.dependsOn) ? item.dependsOn : undefined,
    };
  });
}

export function duplicateNames(instances: readonly RawInstance[]): ManifestProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: ManifestProblem[] = [];
  for (const { index, name } of instances) {
    if (name === undefined) continue;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, index);
    else
      problems.push({
        path: jsonPath(['instances', index, 'name']),
        message: `duplicate name "${name}", already used by ${jsonPath(['instances', first])}`,
        hint: 'Give each instance its own name: it names its log and state files.',
      });
  }
  return problems;
}

export function unknownDependencies(instances: readonly RawInstance[]): ManifestProblem[] {
  const names = new Set(instances.flatMap((i) => (i.name === undefined ? [] : [i.name])));
  const problems: ManifestProblem[] = [];
  for (const { index, name, dependsOn } of instances) {
    dependsOn?.forEach((dependency, k) => {
      if (typeof dependency !== 'string') return;
      const path = jsonPath(['instances', index, 'dependsOn', k]);
      if (dependency === name) {
        problems.push({
          path,
          message: `"${name}" depends on itself`,
          hint: 'Remove this entry.',
        });
      } else if (!names.has(dependency)) {
        problems.push({
          path,
          message: `names "${dependency}", which is not an instance of this manifest`,
          hint: `Use one of: ${[...names].join(', ')}.`,
        });
      }
    });
  }
  return problems;
}

/** Each dependency cycle once, reported at the instance where it is first entered. */
export function dependencyCycles(instances: readonly RawInstance[]): ManifestProblem[] {
  const byName = new Map(instances.flatMap((i) => (i.name === undefined ? [] : [[i.name, i] as const])));
  const edges = (instance: RawInstance) =>
    (instance.dependsOn ?? []).filter(
      (d): d is string => typeof d === 'string' && d !== instance.name && byName.has(d),
    );
  const done = new Set<string>();
  const problems: ManifestProblem[] = [];
  const visit = (instance: RawInstance, trail: string[]): void => {
    const name = instance.name as string;
    const seen = trail.indexOf(name);
    if (seen >= 0) {
      const cycle = [...trail.slice(seen), name];
      const start = byName.get(cycle[0] as string) as RawInstance;
      problems.push({
        path: jsonPath(['instances', start.index, 'dependsOn']),
        message: `dependency cycle ${cycle.join(' -> ')}`,
        hint: 'Remove one dependsOn entry of that cycle.',
      });
      return;
    }
    if (done.has(name)) return;
    for (const dependency of edges(instance)) visit(byName.get(dependency) as RawInstance, [...trail, name]);
    done.add(name);
  };
  for (const instance of byName.values()) visit(instance, []);
  return problems;
}

/** Two instances in one home break each other: WSO2 empties tmp/ and keeps its pid file and logs there. */
export function sharedHomes(homes: readonly { index: number; home: string }[]): ManifestProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: ManifestProblem[] = [];
  for (const { index, home } of homes) {
    const first = firstIndex.get(home);
    if (first === undefined) firstIndex.set(home, index);
    else
      problems.push({
        path: jsonPath(['instances', index, 'home']),
        message: `${home} is also the home of ${jsonPath(['instances', first])}`,
        hint: 'Give each instance its own copy of the product: WSO2 keeps its tmp/, pid file and logs in the home.',
      });
  }
  return problems;
}

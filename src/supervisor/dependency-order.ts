/**
 * The named instances and, transitively, everything they depend on, each after its dependencies (pure):
 * the order in which they can be started.
 */
export function withDependencies(
  dependsOn: ReadonlyMap<string, readonly string[]>,
  names: readonly string[],
): string[] {
  const ordered: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dependency of dependsOn.get(name) ?? []) visit(dependency);
    ordered.push(name);
  };
  for (const name of names) visit(name);
  return ordered;
}

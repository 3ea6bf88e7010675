/** ANSI colours for instance names, in turn (as docker compose gives each service its own). */
const palette = [36, 33, 32, 35, 34, 91, 96, 93, 92, 95, 94];

/**
 * `name | ` before each line, the names padded to one width (as `docker compose logs`); each instance in
 * a colour of its own when `colour` (a terminal, NO_COLOR unset), the line itself left as it is.
 */
export function linePrefixer(names: readonly string[], colour: boolean): (instance: string) => string {
  const width = Math.max(0, ...names.map((name) => name.length));
  return (instance) => {
    const plain = `${instance.padEnd(width)} | `;
    if (!colour) return plain;
    const index = names.indexOf(instance);
    const code = palette[(index < 0 ? 0 : index) % palette.length];
    return `\u001b[${code}m${plain}\u001b[0m`;
  };
}

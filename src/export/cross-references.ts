import type { ExportedInstance, NotCarried } from './model.js';

/**
 * A config file that reaches another instance at `localhost:<port>` works on one host only: in a cluster the
 * other instance is behind its Service name (scale-out.md §3.1). Also, the file goes into a ConfigMap as it
 * is, so a password written in it is there in clear.
 */
export function crossReferences(
  instance: ExportedInstance,
  fleet: readonly ExportedInstance[],
  names: ReadonlyMap<string, string>,
): NotCarried[] {
  const text = instance.config?.text;
  if (text === undefined) return [];
  const found: NotCarried[] = [];
  for (const other of fleet) {
    if (other.name === instance.name) continue;
    for (const port of other.ports) {
      const local = new RegExp(`(?:localhost|127\\.0\\.0\\.1):${port.port}(?!\\d)`);
      if (local.test(text))
        found.push({
          instance: instance.name,
          what: `localhost:${port.port} in ${instance.config?.file}`,
          why: `that is ${other.name}'s ${port.name} port: in the cluster it is ${names.get(other.name)}:${port.port}; edit the ConfigMap`,
        });
    }
  }
  if (/^\s*[\w.]*(password|secret)\w*\s*[=:]/im.test(text))
    found.push({
      instance: instance.name,
      what: `secrets in ${instance.config?.file}`,
      why: 'the file goes into a ConfigMap as it is: move its passwords to a Secret (WSO2 secure vault)',
    });
  return found;
}

import { ExportError } from '../errors.js';

/**
 * Names Kubernetes accepts. An object or Service name is a DNS-1035 label (lowercase letters, digits and `-`,
 * starting with a letter, at most 63); an instance name may hold `_` and start with a digit. A container
 * port's name is an IANA service name: at most 15 characters, a letter among them, no `--`, which the
 * catalog's longer names (`throttle-binary-ssl`) exceed. kubernetes-models' `.validate()` checks neither.
 */
export const dnsLabel = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const ianaServiceName = /^(?=.{1,15}$)(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** The object name of an instance: `_` becomes `-`, a leading digit gets `w-`. */
export function objectName(instance: string): string {
  const dashed = instance.replace(/_/g, '-').replace(/-+$/, '');
  return /^[a-z]/.test(dashed) ? dashed : `w-${dashed}`;
}

/** Object names of every instance, refusing two instances that would share one. */
export function objectNames(instances: readonly string[]): Map<string, string> {
  const names = new Map(instances.map((name) => [name, objectName(name)]));
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const [instance, name] of names) {
    const other = seen.get(name);
    if (other !== undefined)
      clashes.push(`${other} and ${instance} both become the Kubernetes name "${name}": rename one`);
    seen.set(name, instance);
  }
  if (clashes.length > 0) throw new ExportError('names', clashes);
  return names;
}

const shorter: Readonly<Record<string, string>> = {
  throttle: 'thr',
  binary: 'bin',
  websocket: 'ws',
  secure: 'sec',
  internal: 'int',
  management: 'mgmt',
  registry: 'reg',
  servlet: 'svl',
};

/** A port's name, the catalog's when it fits, else its words shortened (`thr-bin-ssl`), else `p<port>`. */
export function portName(catalogName: string, port: number): string {
  if (ianaServiceName.test(catalogName)) return catalogName;
  const short = catalogName
    .split('-')
    .map((word) => shorter[word] ?? word)
    .join('-');
  return ianaServiceName.test(short) ? short : `p${port}`;
}

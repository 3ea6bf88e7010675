import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ConfigInput } from './flavour.js';
import { ServerConfigError } from './server-config.js';

/**
 * A Carbon 5 runtime's `deployment.yaml` as carbon-config hands it to the components (carbon5.md, "Port
 * offset"): read from `<carbon.home>/conf/<wso2.runtime>/deployment.yaml`, then overridden by environment
 * variables and system properties named `<NAMESPACE upper-cased, '.'→'_'>__<FIELD>_<FIELD>…` (upper-case
 * prefix, fields matched case-insensitively, the environment winning; `ConfigProviderImpl.overrideConfigWithSystemVars`).
 * Only what the simulator uses: the offset, the name and id, and the two listener lists. `-DportOffset` is
 * read nowhere.
 */
export interface YamlListener {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
}

/** A listener list, or why its namespace cannot be configured (its component then never starts). */
export type ListenerList = { readonly listeners: readonly YamlListener[] } | { readonly problem: string };

export interface Carbon5Settings {
  readonly file: string;
  /** `wso2.carbon.id` and `name` (the ready line names the server by `name`). */
  readonly id: string | undefined;
  readonly name: string | undefined;
  readonly offset: number;
  readonly offsetSource: 'environment' | 'system property' | 'deployment.yaml' | 'default';
  /** `wso2.transport.http`: the netty listeners msf4j starts (`/health` among their services). */
  readonly transport: ListenerList;
  /** `siddhi.stores.query.api`: the Store Query API's own listeners, which ignore the offset. */
  readonly storeApi: ListenerList;
}

/** No readable `deployment.yaml`: the config provider cannot start, and nothing that needs it does. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

type Section = Record<string, unknown>;
interface Override {
  readonly name: string;
  readonly value: string;
  readonly source: 'environment' | 'system property';
}

export function yamlPath(carbonHome: string, properties: ReadonlyMap<string, string>): string {
  return join(carbonHome, 'conf', properties.get('wso2.runtime') ?? 'server', 'deployment.yaml');
}

/** The yaml as written, or a ConfigFileError. Exported for the JVM, which tells the product by its id. */
export function readYaml(file: string): Section {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigFileError(`Deployment configuration file not found: ${file}`);
  }
  try {
    const document: unknown = parse(text);
    return isSection(document) ? document : {};
  } catch (error) {
    throw new ConfigFileError(`Cannot parse ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function readCarbon5Settings(input: ConfigInput): Carbon5Settings {
  const file = yamlPath(input.carbonHome, input.properties);
  const yaml = readYaml(file);
  const carbon = section(yaml['wso2.carbon']);
  const ports = section(carbon.ports);
  const offsetOverride = overridesOf('wso2.carbon', input).get('PORTS_OFFSET');
  let offset = 0;
  let offsetSource: Carbon5Settings['offsetSource'] = 'default';
  if (offsetOverride !== undefined) {
    offset = integer(offsetOverride.value, offsetOverride.name);
    offsetSource = offsetOverride.source;
  } else if (ports.offset !== undefined) {
    offset = integer(ports.offset, 'wso2.carbon.ports.offset');
    offsetSource = 'deployment.yaml';
  }
  return {
    file,
    id: typeof carbon.id === 'string' ? carbon.id : undefined,
    name: typeof carbon.name === 'string' ? carbon.name : undefined,
    offset,
    offsetSource,
    transport: listenerList('wso2.transport.http', yaml, input),
    storeApi: listenerList('siddhi.stores.query.api', yaml, input),
  };
}

/** A namespace's `listenerConfigurations`, overridden element by element, matched by id. */
function listenerList(namespace: string, yaml: Section, input: ConfigInput): ListenerList {
  const written = section(yaml[namespace]).listenerConfigurations;
  const listeners: YamlListener[] = [];
  for (const [index, item] of (Array.isArray(written) ? written : []).entries()) {
    const element = section(item);
    const port = Number(element.port);
    if (typeof element.id !== 'string' || !Number.isInteger(port)) {
      return {
        problem: `${namespace} listenerConfigurations[${index}] needs a string id and an integer port`,
      };
    }
    listeners.push({
      id: element.id,
      host: typeof element.host === 'string' ? element.host : '0.0.0.0',
      port,
      scheme: element.scheme === 'https' ? 'https' : 'http',
    });
  }
  const byIndex = new Map<number, Map<string, Override>>();
  for (const [field, override] of overridesOf(namespace, input)) {
    const match = /^LISTENERCONFIGURATIONS_(\d+)_(ID|PORT|HOST)$/.exec(field);
    if (match === null) continue;
    const index = Number(match[1]);
    byIndex.set(index, (byIndex.get(index) ?? new Map()).set(match[2] as string, override));
  }
  for (const [index, fields] of [...byIndex].sort(([a], [b]) => a - b)) {
    const id = fields.get('ID')?.value;
    const port = fields.get('PORT');
    if (id === undefined) {
      const names = [...fields.values()].map((o) => o.name).join(', ');
      return {
        problem:
          `${names} set without ${prefixOf(namespace)}__LISTENERCONFIGURATIONS_${index}_ID: ` +
          `list elements of ${namespace} are matched by id`,
      };
    }
    if (port !== undefined && !/^\d+$/.test(port.value.trim())) {
      return { problem: `${port.name}=${JSON.stringify(port.value)} is not a port number` };
    }
    const at = listeners.findIndex((l) => l.id === id);
    // An id that matches no element adds one (msf4j's ListenerConfiguration defaults: 0.0.0.0:8080, http).
    const base: YamlListener = listeners[at] ?? { id, host: '0.0.0.0', port: 8080, scheme: 'http' };
    const changed: YamlListener = {
      ...base,
      ...(port === undefined ? {} : { port: Number(port.value) }),
      ...(fields.get('HOST') === undefined ? {} : { host: fields.get('HOST')?.value as string }),
    };
    if (at === -1) listeners.push(changed);
    else listeners[at] = changed;
  }
  return { listeners };
}

const prefixOf = (namespace: string) => namespace.toUpperCase().replaceAll('.', '_');

/** Override variables of a namespace by upper-cased field path; the environment wins over a system property. */
function overridesOf(namespace: string, input: ConfigInput): Map<string, Override> {
  const prefix = `${prefixOf(namespace)}__`;
  const found = new Map<string, Override>();
  for (const [name, value] of input.properties) {
    if (name.startsWith(prefix))
      found.set(name.slice(prefix.length).toUpperCase(), { name, value, source: 'system property' });
  }
  for (const [name, value] of Object.entries(input.env)) {
    if (value !== undefined && name.startsWith(prefix)) {
      found.set(name.slice(prefix.length).toUpperCase(), { name, value, source: 'environment' });
    }
  }
  return found;
}

function integer(value: unknown, what: string): number {
  const text = String(value).trim();
  if (!/^[-+]?\d+$/.test(text)) {
    throw new ServerConfigError(`Cannot convert ${what} value ${JSON.stringify(value)} to an integer`);
  }
  return Number.parseInt(text, 10);
}

function isSection(value: unknown): value is Section {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function section(value: unknown): Section {
  return isSection(value) ? value : {};
}

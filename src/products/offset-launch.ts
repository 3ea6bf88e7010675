import { type EffectivePort, portSet } from './catalog.js';
import type { Product } from './product.js';

/** What a launch adds so that the runtime takes its planned offset and ports. */
export interface OffsetLaunch {
  /** Program arguments, before the manifest's own. */
  readonly args: readonly string[];
  /** Environment set over the manifest's own. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The arguments and environment that put a product at an offset (pure): `-DportOffset=N` for Carbon 4, the
 * config provider's override variable for Carbon 5, plus an id/port pair for every fixed port the offset
 * moved (an id without its port, or a port without its id, would be a configuration error: carbon5.md).
 */
export function offsetLaunch(product: Product, offset: number): OffsetLaunch {
  const setting = product.offsetSetting;
  const env: Record<string, string> = {};
  const args: string[] = [];
  if (setting.kind === 'argument') args.push(`-D${setting.property}=${offset}`);
  else env[setting.variable] = String(offset);
  for (const port of portSet(product, offset)) Object.assign(env, movedPortEnvironment(product, port));
  return { args, env };
}

/** How a port was put where it is, for `plan` and `ports`: the setting that did it. */
export function placementOf(product: Product, port: EffectivePort, offset: number): string {
  if (port.placement === 'fixed') return 'fixed (the runtime ignores the offset)';
  if (port.placement === 'moved') {
    const variables = Object.entries(movedPortEnvironment(product, port));
    return `moved from ${port.base}: ${variables.map(([name, value]) => `${name}=${value}`).join(' ')}`;
  }
  const setting = product.offsetSetting;
  return setting.kind === 'argument' ? `-D${setting.property}=${offset}` : `${setting.variable}=${offset}`;
}

function movedPortEnvironment(product: Product, port: EffectivePort): Record<string, string> {
  const prefix = product.fixedPortOverride?.prefix;
  if (port.placement !== 'moved' || prefix === undefined || port.listener === undefined) return {};
  const { index, id } = port.listener;
  return { [`${prefix}_${index}_ID`]: id, [`${prefix}_${index}_PORT`]: String(port.port) };
}

/** The inherited variables that must not reach an instance of the product (pure). */
export function privateVariables(product: Product, inherited: Readonly<Record<string, unknown>>): string[] {
  const own = product.privateEnvironment;
  if (own === undefined) return [];
  return Object.keys(inherited).filter(
    (name) => own.names.includes(name) || own.prefixes.some((prefix) => name.startsWith(prefix)),
  );
}

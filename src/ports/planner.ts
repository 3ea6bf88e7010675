import type { PortHolder } from '../errors.js';
import { type EffectivePort, maxOffset, portAt, portSet, productOf } from '../products/catalog.js';
import type { Product, ProductId } from '../products/product.js';
import type { ProbeResults } from './port-status.js';

/**
 * The offset planner: a pure function of the instances, the catalog, the offsets of the last run and the
 * probe results. Pinned instances first; then every automatic instance keeps last run's offset while no
 * pin or other kept offset wants its ports (a busy port on the host is waited for, not evaded); then each
 * remaining one, in manifest order, takes the lowest offset from its product's default upward whose whole
 * port set is disjoint from every other instance's and free on the host. Ports not probed yet count as free;
 * `planFleet` probes them and plans again until the plan rests on probed ports only.
 */

export interface PlannerInstance {
  readonly name: string;
  readonly product: ProductId;
  readonly offset: number | 'auto';
  readonly configOffset?: number;
}

export interface PlannerInput {
  readonly instances: readonly PlannerInstance[];
  /** Range searched for automatic offsets. */
  readonly offsets: { readonly min: number; readonly max: number };
  /** Offsets of the last run, by instance name. */
  readonly saved: Readonly<Record<string, number>>;
  readonly probes: ProbeResults;
}

/** Why an instance got its offset. */
export type OffsetReason =
  | { readonly kind: 'pinned' }
  | { readonly kind: 'config' }
  | { readonly kind: 'kept' }
  | { readonly kind: 'default' }
  /** The product's default is below the manifest's `offsets.min`: the lowest free one from there. */
  | { readonly kind: 'lowest'; readonly min: number }
  | {
      readonly kind: 'moved';
      /** The offset it would have had (last run's, or the product default). */
      readonly from: number;
      /** The first port that ruled `from` out. */
      readonly port: number;
      /** Another instance wanting that port, or the host process holding it. */
      readonly blockedBy: { readonly instance: string } | { readonly host: PortHolder | null };
    };

/** `own`: held by this very instance, running under a supervisor. */
export type PortState = 'free' | 'busy' | 'own' | 'unprobed';

export interface PlannedPort extends EffectivePort {
  readonly state: PortState;
  readonly holder?: PortHolder;
}

export interface PlannedInstance {
  readonly name: string;
  readonly product: ProductId;
  readonly offset: number;
  readonly reason: OffsetReason;
  readonly ports: readonly PlannedPort[];
}

export type PlanProblem =
  | {
      readonly kind: 'pins-clash';
      readonly instances: readonly [string, string];
      readonly ports: readonly number[];
    }
  | {
      readonly kind: 'pinned-port-busy';
      readonly instance: string;
      readonly port: number;
      readonly holder?: PortHolder;
    }
  | {
      readonly kind: 'no-free-offset';
      readonly instance: string;
      readonly range: { min: number; max: number };
    };

export interface Plan {
  readonly instances: readonly PlannedInstance[];
  readonly problems: readonly PlanProblem[];
}

export function plan(input: PlannerInput): Plan {
  const claimed = new Map<number, string>();
  const placed = new Map<string, PlannedInstance>();
  const problems: PlanProblem[] = [];
  const claim = (instance: PlannerInstance, offset: number, reason: OffsetReason) => {
    const ports = portSet(productOf(instance.product), offset).map((p) =>
      withState(p, input.probes, instance.name),
    );
    for (const p of ports) if (!claimed.has(p.port)) claimed.set(p.port, instance.name);
    placed.set(instance.name, { name: instance.name, product: instance.product, offset, reason, ports });
  };

  for (const instance of input.instances) {
    const pin = pinOf(instance);
    if (pin === undefined) continue;
    const ports = portSet(productOf(instance.product), pin.offset);
    for (const [other, shared] of clashesWithClaimed(ports, claimed)) {
      problems.push({ kind: 'pins-clash', instances: [other, instance.name], ports: shared });
    }
    claim(instance, pin.offset, pin.reason);
    for (const p of placed.get(instance.name)?.ports ?? []) {
      if (p.state === 'busy')
        problems.push({ kind: 'pinned-port-busy', instance: instance.name, port: p.port, ...holderOf(p) });
    }
  }

  // Offsets given before are what users configure other systems against: each is reserved before any
  // instance is placed anew, and kept while no other instance's pin or kept offset wants its ports. A host
  // process on one of its ports does not move it: the start waits for the port, naming the holder.
  const keptAt = new Map<string, number>();
  for (const instance of input.instances) {
    const kept = pinOf(instance) === undefined ? savedOffsetOf(instance, input) : undefined;
    if (
      kept === undefined ||
      clashesWithClaimed(portSet(productOf(instance.product), kept), claimed).size > 0
    )
      continue;
    claim(instance, kept, { kind: 'kept' });
    keptAt.set(instance.name, kept);
  }

  for (const instance of input.instances) {
    if (pinOf(instance) !== undefined || keptAt.has(instance.name)) continue;
    const product = productOf(instance.product);
    const highest = Math.min(input.offsets.max, maxOffset(product));
    const preferred = savedOffsetOf(instance, input);
    const start = Math.max(product.defaultOffset, input.offsets.min);
    let first: { offset: number; blocker?: Blocker } | undefined;
    let chosen: number | undefined;
    for (const offset of candidates(preferred, start, input.offsets.min, highest)) {
      const blocker = blockerOf(product, offset, claimed, input.probes, instance.name);
      first ??= blocker === undefined ? { offset } : { offset, blocker };
      if (blocker === undefined) {
        chosen = offset;
        break;
      }
    }
    if (chosen === undefined || first === undefined) {
      problems.push({ kind: 'no-free-offset', instance: instance.name, range: input.offsets });
      continue;
    }
    // The first candidate is only passed over when something blocked it.
    const reason: OffsetReason =
      first.blocker === undefined
        ? chosen === preferred
          ? { kind: 'kept' }
          : chosen === product.defaultOffset
            ? { kind: 'default' }
            : { kind: 'lowest', min: input.offsets.min }
        : { kind: 'moved', from: first.offset, ...first.blocker };
    claim(instance, chosen, reason);
  }

  const instances = input.instances.flatMap((i) => {
    const p = placed.get(i.name);
    return p === undefined ? [] : [p];
  });
  return { instances, problems };
}

/** Last run's offset, if it is still inside the manifest's range and the product's. */
function savedOffsetOf(instance: PlannerInstance, input: PlannerInput): number | undefined {
  const saved = input.saved[instance.name];
  const highest = Math.min(input.offsets.max, maxOffset(productOf(instance.product)));
  return saved !== undefined && saved >= input.offsets.min && saved <= highest ? saved : undefined;
}

function pinOf(instance: PlannerInstance): { offset: number; reason: OffsetReason } | undefined {
  if (typeof instance.offset === 'number') return { offset: instance.offset, reason: { kind: 'pinned' } };
  if (instance.configOffset !== undefined)
    return { offset: instance.configOffset, reason: { kind: 'config' } };
  return undefined;
}

/** Last run's offset first, then upward from the default, then the rest of the range below it. */
function* candidates(
  preferred: number | undefined,
  start: number,
  min: number,
  max: number,
): Generator<number> {
  if (preferred !== undefined) yield preferred;
  for (let offset = start; offset <= max; offset++) if (offset !== preferred) yield offset;
  for (let offset = min; offset < Math.min(start, max + 1); offset++) if (offset !== preferred) yield offset;
}

type Blocker = Pick<Extract<OffsetReason, { kind: 'moved' }>, 'port' | 'blockedBy'>;

/** The first port of the product at this offset that another instance claims or the host holds. */
function blockerOf(
  product: Product,
  offset: number,
  claimed: ReadonlyMap<number, string>,
  probes: ProbeResults,
  self: string,
) {
  // The search's hot loop: ports come straight from the catalog, and nothing is allocated until a hit.
  for (const spec of product.ports) {
    const port = portAt(spec, product, offset);
    const owner = claimed.get(port);
    if (owner !== undefined) return { port, blockedBy: { instance: owner } } satisfies Blocker;
    const status = probes.get(port);
    if (status !== undefined && !status.free && status.owner !== self)
      return { port, blockedBy: { host: status.holder ?? null } } satisfies Blocker;
  }
  return undefined;
}

function clashesWithClaimed(ports: readonly EffectivePort[], claimed: ReadonlyMap<number, string>) {
  const byOwner = new Map<string, number[]>();
  for (const { port } of ports) {
    const owner = claimed.get(port);
    if (owner !== undefined) byOwner.set(owner, [...(byOwner.get(owner) ?? []), port]);
  }
  return byOwner;
}

function withState(port: EffectivePort, probes: ProbeResults, self: string): PlannedPort {
  const status = probes.get(port.port);
  if (status === undefined) return { ...port, state: 'unprobed' };
  if (status.free) return { ...port, state: 'free' };
  if (status.owner === self) return { ...port, state: 'own' };
  return { ...port, state: 'busy', ...(status.holder === undefined ? {} : { holder: status.holder }) };
}

function holderOf(port: PlannedPort): { holder?: PortHolder } {
  return port.holder === undefined ? {} : { holder: port.holder };
}

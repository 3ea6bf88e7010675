import { type Random, seeded } from './random.js';

/** The faults the chaos run draws from (issue 21), with how often each is drawn relative to the others. */
export const faultWeights = {
  'kill-jvm': 5,
  'kill-script': 2,
  'kill-writer': 2,
  'kill-daemon': 1,
  'freeze-daemon': 1,
  'port-thief': 2,
  'carbon-restart': 2,
  'crash-before-ready': 1,
  'unwritable-log': 1,
  control: 6,
  reload: 2,
} as const;
export type FaultKind = keyof typeof faultWeights;

export type ControlVerb = 'start' | 'stop' | 'restart';

/** One fault of the schedule: what, when (ms from the start), on which instance (index), for how long. */
export interface Fault {
  readonly at: number;
  readonly kind: FaultKind;
  readonly target: number;
  /** How long a fault with a duration lasts (freeze, thief, unwritable log, crash-before-ready edit). */
  readonly durationMs: number;
  /** For `control`: the verb; for `reload`: which edit (`env` restarts, `retune` must not). */
  readonly variant: string;
  /** Which planned port of the target a thief takes (index into its port set, modulo its size). */
  readonly portIndex: number;
}

/**
 * The whole schedule, drawn from the seed alone (pure): faults at random moments, about `meanGapMs` apart,
 * up to `seconds`. What a fault finds when it fires (a pid, a port) depends on the fleet then; what it is,
 * when, and on which instance does not.
 */
export function drawSchedule(seed: number, seconds: number, instances: number, meanGapMs = 1500): Fault[] {
  const random = seeded(seed);
  const faults: Fault[] = [];
  for (let at = gap(random, meanGapMs); at < seconds * 1000; at += gap(random, meanGapMs)) {
    const kind = weighted(random);
    faults.push({
      at: Math.round(at),
      kind,
      target: random.int(0, instances - 1),
      durationMs: random.int(500, 4000),
      variant:
        kind === 'control'
          ? random.pick<ControlVerb>(['start', 'stop', 'restart'])
          : random.pick(['env', 'retune']),
      portIndex: random.int(0, 31),
    });
  }
  return faults;
}

/** Exponential gaps (a Poisson process), at least 100 ms. */
function gap(random: Random, mean: number): number {
  return Math.max(100, -Math.log(1 - random.next()) * mean);
}

function weighted(random: Random): FaultKind {
  const entries = Object.entries(faultWeights) as [FaultKind, number][];
  let left = random.next() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [kind, weight] of entries) {
    left -= weight;
    if (left < 0) return kind;
  }
  return 'control';
}

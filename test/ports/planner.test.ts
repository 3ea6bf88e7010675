import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlannerInput, type PlannerInstance, plan } from '../../src/ports/planner.js';
import type { PortStatus } from '../../src/ports/port-status.js';
import { maxOffset, productOf } from '../../src/products/catalog.js';
import { productIds } from '../../src/products/product.js';

const noProbes = new Map<number, PortStatus>();
const input = (instances: PlannerInstance[], extra: Partial<PlannerInput> = {}): PlannerInput => ({
  instances,
  offsets: { min: 0, max: 1000 },
  saved: {},
  probes: noProbes,
  ...extra,
});
const offsets = (result: ReturnType<typeof plan>) =>
  Object.fromEntries(result.instances.map((i) => [i.name, i.offset]));

describe('planner', () => {
  it('gives an MI and an API-M at default offsets disjoint port sets', () => {
    const result = plan(
      input([
        { name: 'gw', product: 'apim', offset: 'auto' },
        { name: 'mi', product: 'mi', offset: 'auto' },
      ]),
    );
    expect(offsets(result)).toEqual({ gw: 0, mi: 10 });
    expect(result.problems).toEqual([]);
  });

  it('moves an automatic MI off an API-M pinned at offset 10 (both would want 8290)', () => {
    const result = plan(
      input([
        { name: 'mi', product: 'mi', offset: 'auto' },
        { name: 'gw', product: 'apim', offset: 10 },
      ]),
    );
    expect(offsets(result)).toEqual({ mi: 11, gw: 10 });
    expect(result.instances[0]?.reason).toEqual({
      kind: 'moved',
      from: 10,
      port: 8290,
      blockedBy: { instance: 'gw' },
    });
  });

  it('gives an SI, a Tooling, an EI Analytics, an API-M and an MI disjoint port sets, store API included', () => {
    const result = plan(
      input([
        { name: 'gw', product: 'apim', offset: 'auto' },
        { name: 'mi', product: 'mi', offset: 'auto' },
        { name: 'si', product: 'si', offset: 'auto' },
        { name: 'tooling', product: 'si-tooling', offset: 'auto' },
        { name: 'analytics', product: 'ei-analytics', offset: 'auto' },
      ]),
    );
    expect(result.problems).toEqual([]);
    // SI at 0 would share 9443, 9611 and 9711 with the API-M. EI Analytics: 1 is the SI's, at 2 its moved
    // store API would be the SI's 7071, at 3 its databridge the Tooling's 7614.
    expect(offsets(result)).toEqual({ gw: 0, mi: 10, si: 1, tooling: 3, analytics: 4 });
    const all = result.instances.flatMap((i) => i.ports.map((p) => p.port));
    expect(new Set(all).size).toBe(all.length);
    const analytics = result.instances.find((i) => i.name === 'analytics');
    expect(analytics?.ports.filter((p) => p.placement === 'moved').map((p) => p.port)).toEqual([7073, 7446]);
  });

  it('gives a second SI its own store-API ports, moved with its offset', () => {
    const result = plan(
      input([
        { name: 'si1', product: 'si', offset: 'auto' },
        { name: 'si2', product: 'si', offset: 'auto' },
      ]),
    );
    expect(offsets(result)).toEqual({ si1: 0, si2: 1 });
    const store = (name: string) =>
      result.instances.find((i) => i.name === name)?.ports.filter((p) => p.name.startsWith('store-api'));
    expect(store('si1')?.map((p) => [p.port, p.placement])).toEqual([
      [7070, 'fixed'],
      [7443, 'fixed'],
    ]);
    expect(store('si2')?.map((p) => [p.port, p.placement])).toEqual([
      [7071, 'moved'],
      [7444, 'moved'],
    ]);
  });

  it('moves an SI whose fixed store-API port a host process holds', () => {
    const probes = new Map<number, PortStatus>([[7070, { free: false, holder: { pid: 42, command: 'nc' } }]]);
    const result = plan(input([{ name: 'si', product: 'si', offset: 'auto' }], { probes }));
    expect(result.instances[0]).toMatchObject({
      offset: 1,
      reason: { kind: 'moved', from: 0, port: 7070, blockedBy: { host: { pid: 42 } } },
    });
  });

  it('says "lowest" when offsets.min is above the product default', () => {
    const result = plan(
      input([{ name: 'gw', product: 'apim', offset: 'auto' }], { offsets: { min: 5, max: 9 } }),
    );
    expect(result.instances[0]).toMatchObject({ offset: 5, reason: { kind: 'lowest', min: 5 } });
  });

  it('reports two pins whose port sets intersect, naming both instances and the shared ports', () => {
    const result = plan(
      input([
        { name: 'a', product: 'mi', offset: 0 },
        { name: 'b', product: 'apim', offset: 0 },
      ]),
    );
    expect(result.problems).toEqual([{ kind: 'pins-clash', instances: ['a', 'b'], ports: [8280, 8243] }]);
  });

  it('treats deployment.toml [server] offset as a pin when the manifest gives none', () => {
    const result = plan(input([{ name: 'mi', product: 'mi', offset: 'auto', configOffset: 7 }]));
    expect(result.instances[0]).toMatchObject({ offset: 7, reason: { kind: 'config' } });
    const pinned = plan(input([{ name: 'mi', product: 'mi', offset: 5, configOffset: 7 }]));
    expect(pinned.instances[0]).toMatchObject({ offset: 5, reason: { kind: 'pinned' } });
  });

  it("keeps last run's offset even while a host process holds one of its ports: waited for, not evaded", () => {
    const instances: PlannerInstance[] = [{ name: 'mi', product: 'mi', offset: 'auto' }];
    expect(plan(input(instances, { saved: { mi: 42 } })).instances[0]).toMatchObject({
      offset: 42,
      reason: { kind: 'kept' },
    });
    const probes = new Map<number, PortStatus>([
      [8280 + 42, { free: false, holder: { pid: 7, command: 'nc -l' } }],
    ]);
    const kept = plan(input(instances, { saved: { mi: 42 }, probes }));
    expect(kept.instances[0]).toMatchObject({ offset: 42, reason: { kind: 'kept' } });
    expect(kept.instances[0]?.ports[0]).toMatchObject({ port: 8322, state: 'busy', holder: { pid: 7 } });
    expect(kept.problems).toEqual([]);
  });

  it('reserves every kept offset before moving anyone: an instance pushed off by a new pin takes no kept offset', () => {
    // a kept 900 and b kept 901; a new pin on 900's ports pushes a, which must not take b's 901.
    const instances: PlannerInstance[] = [
      { name: 'pin', product: 'mi', offset: 900 },
      { name: 'a', product: 'mi', offset: 'auto' },
      { name: 'b', product: 'mi', offset: 'auto' },
    ];
    const result = plan(input(instances, { saved: { a: 900, b: 901 }, offsets: { min: 900, max: 910 } }));
    expect(result.instances.find((i) => i.name === 'b')).toMatchObject({
      offset: 901,
      reason: { kind: 'kept' },
    });
    const a = result.instances.find((i) => i.name === 'a');
    expect(a?.offset).not.toBe(901);
    expect(a?.reason).toMatchObject({ kind: 'moved', from: 900, blockedBy: { instance: 'pin' } });
    expect(result.problems).toEqual([]);
  });

  it("keeps a running instance's offset: ports its own process group holds are not a clash for it", () => {
    const instances: PlannerInstance[] = [
      { name: 'mi', product: 'mi', offset: 'auto' },
      { name: 'other', product: 'mi', offset: 'auto' },
    ];
    const held = { free: false, holder: { pid: 42, command: 'java' }, owner: 'mi' } as const;
    const probes = new Map<number, PortStatus>([8322, 8285, 9233, 9196].map((port) => [port, held]));
    const result = plan(input(instances, { saved: { mi: 42, other: 42 }, probes }));
    expect(result.instances[0]).toMatchObject({ offset: 42, reason: { kind: 'kept' } });
    expect(result.instances[0]?.ports.map((p) => p.state)).toEqual(['own', 'own', 'own', 'own']);
    expect(result.instances[1]?.offset).not.toBe(42);
    expect(result.problems).toEqual([]);
  });

  it('moves past a busy port on the host and reports a pinned instance on one', () => {
    const probes = new Map<number, PortStatus>([[9201, { free: false }]]);
    expect(offsets(plan(input([{ name: 'mi', product: 'mi', offset: 'auto' }], { probes })))).toEqual({
      mi: 11,
    });
    const pinned = plan(input([{ name: 'mi', product: 'mi', offset: 10 }], { probes }));
    expect(pinned.problems).toEqual([{ kind: 'pinned-port-busy', instance: 'mi', port: 9201 }]);
  });

  it('reports an instance for which no offset in the range works', () => {
    const result = plan(
      input(
        [
          { name: 'a', product: 'mi', offset: 'auto' },
          { name: 'b', product: 'mi', offset: 'auto' },
        ],
        { offsets: { min: 10, max: 10 } },
      ),
    );
    expect(offsets(result)).toEqual({ a: 10 });
    expect(result.problems).toEqual([{ kind: 'no-free-offset', instance: 'b', range: { min: 10, max: 10 } }]);
  });

  it('never plans a port above 65535, even at the top of the range', () => {
    const result = plan(
      input([{ name: 'gw', product: 'apim', offset: 'auto' }], { offsets: { min: 60000, max: 65535 } }),
    );
    expect(result.problems).toEqual([
      { kind: 'no-free-offset', instance: 'gw', range: { min: 60000, max: 65535 } },
    ]);
  });
});

const instanceArb = fc.record({
  product: fc.constantFrom(...productIds),
  pin: fc.option(fc.integer({ min: 0, max: 300 }), { freq: 3 }),
  saved: fc.option(fc.integer({ min: 0, max: 400 }), { freq: 2 }),
});
const scenarioArb = fc.record({
  instances: fc.array(instanceArb, { minLength: 1, maxLength: 25 }),
  busy: fc.uniqueArray(fc.integer({ min: 5000, max: 12000 }), { maxLength: 60 }),
  min: fc.integer({ min: 0, max: 50 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

function scenarioInput(scenario: Scenario): PlannerInput {
  const instances: PlannerInstance[] = scenario.instances.map((i, k) => ({
    name: `i${k}`,
    product: i.product,
    offset: i.pin ?? 'auto',
  }));
  const saved = Object.fromEntries(
    scenario.instances.flatMap((i, k) => (i.saved === null ? [] : [[`i${k}`, i.saved]])),
  );
  const probes = new Map<number, PortStatus>(scenario.busy.map((port) => [port, { free: false }]));
  return { instances, offsets: { min: scenario.min, max: 2000 }, saved, probes };
}

describe('planner properties', () => {
  it('plans pairwise-disjoint port sets within 0..65535 whenever it reports no clash between pins', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const result = plan(scenarioInput(scenario));
        const owner = new Map<number, string>();
        const pinsClash = result.problems.some((p) => p.kind === 'pins-clash');
        for (const instance of result.instances) {
          for (const { port } of instance.ports) {
            expect(port).toBeGreaterThanOrEqual(0);
            expect(port).toBeLessThanOrEqual(65535);
            if (!pinsClash) expect(owner.get(port), `port ${port}`).toBeUndefined();
            owner.set(port, instance.name);
          }
        }
      }),
    );
  });

  it('honours every pin, gives newly placed instances no busy port, and no instance a port of another', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const planned = scenarioInput(scenario);
        const result = plan(planned);
        const pinned = new Set(planned.instances.filter((i) => i.offset !== 'auto').map((i) => i.name));
        for (const [k, instance] of planned.instances.entries()) {
          const got = result.instances.find((p) => p.name === instance.name);
          if (typeof instance.offset === 'number') expect(got?.offset).toBe(instance.offset);
          else if (got === undefined) {
            expect(result.problems).toContainEqual(
              expect.objectContaining({ kind: 'no-free-offset', instance: `i${k}` }),
            );
          } else {
            // Only a kept offset may hold a busy port (the start waits for it); a new one never does.
            if (got.reason.kind !== 'kept') expect(got.ports.every((p) => p.state !== 'busy')).toBe(true);
            expect(got.offset).toBeLessThanOrEqual(maxOffset(productOf(instance.product)));
            const others = result.instances
              .filter((o) => o.name !== got.name)
              .flatMap((o) => o.ports.map((p) => p.port));
            expect(got.ports.some((p) => others.includes(p.port))).toBe(false);
          }
        }
        expect(pinned.size).toBeLessThanOrEqual(planned.instances.length);
      }),
    );
  });

  it('gives the same plan for the same input', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        expect(plan(scenarioInput(scenario))).toEqual(plan(scenarioInput(scenario)));
      }),
    );
  });

  it('gives an automatic instance its saved offset when nothing else claims or holds those ports', () => {
    fc.assert(
      fc.property(fc.constantFrom(...productIds), fc.integer({ min: 0, max: 1000 }), (product, saved) => {
        const result = plan(input([{ name: 'x', product, offset: 'auto' }], { saved: { x: saved } }));
        expect(result.instances[0]).toMatchObject({ offset: saved, reason: { kind: 'kept' } });
      }),
    );
  });
});

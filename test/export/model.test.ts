import { beforeAll, describe, expect, it } from 'vitest';
import { ExportError, UsageError } from '../../src/errors.js';
import { buildExportModel, dependencyOrder } from '../../src/export/build-model.js';
import { crossReferences } from '../../src/export/cross-references.js';
import { parseImageOptions } from '../../src/export/images.js';
import { objectNames } from '../../src/export/k8s-names.js';
import type { ExportedInstance } from '../../src/export/model.js';
import { awkwardArgument, awkwardValue, type Fleet, hardFleet } from './fleets.js';

describe('the export model', () => {
  let fleet: Fleet;
  const instance = (name: string) => fleet.model.instances.find((i) => i.name === name) as ExportedInstance;
  beforeAll(async () => {
    fleet = await hardFleet({ mi: 'registry.example/mi:4.3.0' });
  });

  it('freezes the pinned offset and the automatic ones the planner gave', () => {
    expect(instance('gateway').offset).toBe(7);
    expect(instance('orders').offset).toBe(10);
    for (const i of fleet.model.instances) expect(Number.isInteger(i.offset)).toBe(true);
    const all = fleet.model.instances.flatMap((i) => i.ports.map((p) => p.port));
    expect(new Set(all).size, 'port sets are disjoint').toBe(all.length);
  });

  it('orders every instance after its dependencies', () => {
    const names = fleet.model.instances.map((i) => i.name);
    expect(names.indexOf('gateway')).toBeLessThan(names.indexOf('orders'));
    expect(names.indexOf('orders')).toBeLessThan(names.indexOf('streams'));
    expect(
      dependencyOrder([
        { name: 'c', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['a'] },
        { name: 'a', dependsOn: [] },
      ]).map((i) => i.name),
    ).toEqual(['a', 'b', 'c']);
  });

  it('puts the offset argument first for Carbon 4 and the offset variables in the env for Carbon 5', () => {
    expect(instance('orders').args).toEqual(['-DportOffset=10', awkwardArgument, '-Dplain=1']);
    const streams = instance('streams');
    expect(streams.args).toEqual([]);
    expect(streams.env.WSO2_CARBON__PORTS_OFFSET).toBe(String(streams.offset));
    expect(streams.env.JAVA_HOME).toBe('/usr/lib/jvm/java-17');
  });

  it('merges defaults.env under the instance env and finds the secret-looking names', () => {
    const orders = instance('orders');
    expect(orders.env).toMatchObject({ JAVA_HOME: '/usr/lib/jvm/java-17', NOTE: awkwardValue });
    expect(orders.secretEnv).toEqual(['DB_PASSWORD']);
  });

  it('probes with the readiness override, its {port:BASE} substituted, and falls back for readiness.log', () => {
    expect(instance('orders').probes.readiness).toMatchObject({
      kind: 'http',
      port: 9201,
      path: '/healthz?full=true',
    });
    expect(instance('orders').probes.startup).toEqual({ port: 8253 });
    expect(instance('gateway').probes.readiness).toMatchObject({ scheme: 'https', port: 9450 });
    expect(instance('gateway').probes.liveness).toMatchObject({
      scheme: 'http',
      port: 9770,
      path: '/services/Version',
    });
    const tools = instance('tools');
    expect(tools.probes.readiness).toEqual({ kind: 'tcp', ports: tools.ports.map((p) => p.port) });
    const batch = instance('batch_1');
    expect(batch.readinessFrom).toBe('log');
    expect(batch.probes.readiness).toMatchObject({
      kind: 'http',
      path: '/healthz',
      port: 9191 + batch.offset,
    });
    expect(instance('streams').probes.readiness).toMatchObject({
      path: '/health',
      port: 9090 + instance('streams').offset,
    });
  });

  it('takes the image given for a product, and says when it assumed one', () => {
    expect(instance('orders').image).toEqual({ ref: 'registry.example/mi:4.3.0', given: true });
    expect(instance('gateway').image.given).toBe(false);
  });

  it('refuses a plan that could not place every instance', () => {
    const plan = {
      instances: [],
      problems: [{ kind: 'no-free-offset', instance: 'a', range: { min: 0, max: 0 } }],
    } as const;
    expect(() =>
      buildExportModel({ manifest: fleet.manifest, plan, configFiles: new Map(), images: {} }),
    ).toThrow(ExportError);
  });

  it('refuses --image keys that are neither a product nor an instance, and two names Kubernetes would merge', () => {
    expect(parseImageOptions(['mi=a:1', 'orders=b:2'], ['orders'])).toEqual({ mi: 'a:1', orders: 'b:2' });
    expect(() => parseImageOptions(['esb=x'], ['orders'])).toThrow(UsageError);
    expect(() => parseImageOptions(['mi'], ['orders'])).toThrow(UsageError);
    expect(() => objectNames(['a_b', 'a-b'])).toThrow(ExportError);
    expect(objectNames(['batch_1', '9lives']).get('9lives')).toBe('w-9lives');
  });

  it("warns when a config file reaches another instance's port on localhost", () => {
    const orders = instance('orders');
    const gateway = {
      ...instance('gateway'),
      config: {
        file: 'repository/conf/deployment.toml',
        text: `url = "https://localhost:${orders.ports[1]?.port}/x"\npassword = "admin"\n`,
      },
    };
    const found = crossReferences(gateway, fleet.model.instances, new Map([['orders', 'orders']]));
    expect(found.map((f) => f.what)).toEqual([
      `localhost:${orders.ports[1]?.port} in repository/conf/deployment.toml`,
      'secrets in repository/conf/deployment.toml',
    ]);
  });
});

import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { Service } from 'kubernetes-models/v1/Service';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { dnsLabel, ianaServiceName } from '../../src/export/k8s-names.js';
import { renderKubernetes } from '../../src/export/kubernetes.js';
import type { ExportedInstance, Rendered } from '../../src/export/model.js';
import { exampleFleet, type Fleet, hardFleet, secretValue } from './fleets.js';

type K8sObject = Deployment | Service | ConfigMap;

/** The objects of a written file, each made again from its YAML by the kubernetes-models class of its kind. */
function objectsOf(text: string): K8sObject[] {
  return parseAllDocuments(text).map((document) => {
    const data = document.toJS() as { kind: string };
    if (data.kind === 'Deployment') return new Deployment(data as never);
    if (data.kind === 'Service') return new Service(data as never);
    if (data.kind === 'ConfigMap') return new ConfigMap(data as never);
    throw new Error(`unexpected kind ${data.kind}`);
  });
}

describe.each([
  ['the example manifest', exampleFleet],
  ['the hard manifest', hardFleet],
])('export kubernetes of %s', (_, make) => {
  let fleet: Fleet;
  let rendered: Rendered;
  const objects = (instance: ExportedInstance) =>
    objectsOf(rendered.files.get(`${instance.name}.yaml`) as string);
  const deploymentOf = (instance: ExportedInstance) =>
    objects(instance).find((o) => o.kind === 'Deployment') as Deployment;
  const containerOf = (instance: ExportedInstance) =>
    deploymentOf(instance).spec?.template.spec?.containers[0] as IContainer;
  beforeAll(async () => {
    fleet = await make();
    rendered = renderKubernetes(fleet.model);
  });

  it('writes objects that each pass kubernetes-models validation', () => {
    for (const instance of fleet.model.instances) {
      const kinds = objects(instance).map((o) => o.kind);
      expect(kinds).toEqual([...(instance.config ? ['ConfigMap'] : []), 'Deployment', 'Service']);
      for (const object of objects(instance)) expect(() => object.validate()).not.toThrow();
    }
  });

  it('names objects and ports as Kubernetes requires, and selects the pods it labels', () => {
    for (const instance of fleet.model.instances) {
      const deployment = deploymentOf(instance);
      expect(deployment.metadata?.name).toMatch(dnsLabel);
      const labels = deployment.spec?.template.metadata?.labels ?? {};
      expect(labels).toMatchObject(deployment.spec?.selector.matchLabels ?? { missing: true });
      const service = objects(instance).find((o) => o.kind === 'Service') as Service;
      expect(labels).toMatchObject(service.spec?.selector ?? { missing: true });
      const names = containerOf(instance).ports?.map((p) => p.name as string) ?? [];
      for (const name of names) expect(name).toMatch(ianaServiceName);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('declares every planned port on the container and the Service', () => {
    for (const instance of fleet.model.instances) {
      const planned = instance.ports.map((p) => p.port);
      expect(containerOf(instance).ports?.map((p) => p.containerPort)).toEqual(planned);
      const service = objects(instance).find((o) => o.kind === 'Service') as Service;
      expect(service.spec?.ports?.map((p) => p.port)).toEqual(planned);
    }
  });

  it('probes startup, readiness and liveness with enough time, and stops gracefully', () => {
    for (const instance of fleet.model.instances) {
      const container = containerOf(instance);
      const startup = container.startupProbe;
      expect(startup?.tcpSocket?.port).toBe(instance.probes.startup.port);
      expect((startup?.periodSeconds ?? 0) * (startup?.failureThreshold ?? 0)).toBeGreaterThanOrEqual(
        instance.startTimeoutSeconds,
      );
      const probe = instance.probes.readiness;
      if (probe.kind === 'http')
        expect(container.readinessProbe?.httpGet).toMatchObject({
          path: probe.path,
          port: probe.port,
          scheme: probe.scheme.toUpperCase(),
        });
      else
        expect(container.readinessProbe?.exec?.command?.join(' ')).toContain(
          `nc -z 127.0.0.1 ${probe.ports[0]}`,
        );
      const spec = deploymentOf(instance).spec?.template.spec;
      expect(spec?.terminationGracePeriodSeconds).toBeGreaterThan(instance.stopTimeoutSeconds);
      expect(container.lifecycle?.preStop?.exec?.command?.join(' ')).toMatch(/bin\/\S+\.sh stop$/);
      expect(deploymentOf(instance).spec?.replicas).toBe(instance.autostart ? 1 : 0);
    }
  });

  it("waits for each dependency's readiness URL through its Service name", () => {
    for (const instance of fleet.model.instances) {
      const waits = deploymentOf(instance).spec?.template.spec?.initContainers ?? [];
      expect(waits.map((w) => w.name)).toEqual(instance.dependsOn.map((d) => `wait-for-${d}`));
      for (const [index, dependency] of instance.dependsOn.entries()) {
        const probe = fleet.model.instances.find((i) => i.name === dependency)?.probes.readiness;
        if (probe?.kind === 'http')
          expect(waits[index]?.command?.join(' ')).toContain(
            `${probe.scheme}://${dependency}:${probe.port}${probe.path}`,
          );
      }
    }
  });

  it('passes the env by value or by Secret reference, never a secret or a host path, and the offset args first', () => {
    for (const instance of fleet.model.instances) {
      const container = containerOf(instance);
      const env = new Map((container.env ?? []).map((e) => [e.name, e]));
      expect(env.has('JAVA_HOME')).toBe(false);
      expect(env.has('JAVA_MEM_OPTS')).toBe(false);
      if ('JAVA_MEM_OPTS' in instance.env)
        expect(env.get('JVM_MEM_OPTS')?.value).toBe(instance.env.JAVA_MEM_OPTS);
      for (const name of instance.secretEnv) expect(env.get(name)?.valueFrom?.secretKeyRef?.key).toBe(name);
      expect(container.args ?? []).toEqual(instance.args);
    }
    for (const text of rendered.files.values()) expect(text).not.toContain(secretValue);
  });
});

describe('the kubernetes checks', () => {
  it('reject an object kubernetes-models finds wrong', () => {
    const bad = new Deployment({
      metadata: { name: 'x' },
      spec: { replicas: 'one' as never, selector: {}, template: {} },
    });
    expect(() => bad.validate()).toThrow(/replicas/);
    // Built through the types, an unknown field does not compile.
    // @ts-expect-error: `replica` is not a field of a DeploymentSpec
    new Deployment({ spec: { replica: 1, selector: {}, template: {} } });
  });

  it('reject names Kubernetes refuses', () => {
    expect('throttle-binary-ssl').not.toMatch(ianaServiceName);
    expect('batch_1').not.toMatch(dnsLabel);
  });
});

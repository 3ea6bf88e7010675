import { createHash } from 'node:crypto';
import path from 'node:path';
import { ExportError } from '../errors.js';
import type { InstanceConfig, Manifest } from '../manifest/instance-config.js';
import { describeProblem } from '../ports/describe-plan.js';
import type { Plan, PlannedInstance } from '../ports/planner.js';
import { productOf } from '../products/catalog.js';
import { offsetLaunch } from '../products/offset-launch.js';
import { type ImageChoices, imageFor } from './images.js';
import type { ConfigFile, ExportedInstance, ExportModel } from './model.js';
import { exportProbes, readinessSource } from './probes.js';
import { secretNames } from './secret-env.js';

export interface ExportInput {
  readonly manifest: Manifest;
  readonly plan: Plan;
  /** Each home's offset config file as read (home-files.ts), by instance name; absent when the home has none. */
  readonly configFiles: ReadonlyMap<string, ConfigFile>;
  readonly images: ImageChoices;
}

/**
 * The export model (pure): every offset frozen as the planner gave it, env and args merged as a launch would
 * merge them, probes from the supervisor's readiness plan, instances in dependency order. A plan that could
 * not place every instance, or clashes between pins, cannot be exported: there would be no port set to freeze.
 * A busy port on this host is no reason to stop: the artefacts are for another one.
 */
export function buildExportModel(input: ExportInput): ExportModel {
  const { manifest, plan } = input;
  const blocking = plan.problems.filter((problem) => problem.kind !== 'pinned-port-busy');
  if (blocking.length > 0)
    throw new ExportError(
      'plan',
      blocking.map((problem) => describeProblem(problem, plan.instances)),
    );
  const planned = new Map(plan.instances.map((p) => [p.name, p]));
  const instances = dependencyOrder(manifest.instances).map((config) =>
    exportedInstance(config, planned.get(config.name) as PlannedInstance, input),
  );
  return { manifestFile: manifest.file, manifestHash: hashOf(manifest, plan), instances };
}

function exportedInstance(
  config: InstanceConfig,
  planned: PlannedInstance,
  input: ExportInput,
): ExportedInstance {
  const product = productOf(config.product);
  const offset = planned.offset;
  const launch = offsetLaunch(product, offset);
  const env = { ...config.env, ...launch.env };
  const configFile = input.configFiles.get(config.name);
  return {
    name: config.name,
    product: config.product,
    displayName: product.displayName,
    home: config.home,
    script: config.script,
    scriptInHome: path.relative(config.home, config.script),
    offset,
    ports: planned.ports.map(({ name, port, scheme, purpose }) => ({ name, port, scheme, purpose })),
    args: [...launch.args, ...config.args],
    env,
    secretEnv: secretNames(env),
    dependsOn: config.dependsOn,
    autostart: config.autostart,
    restart: config.restart,
    startTimeoutSeconds: config.startTimeoutSeconds,
    stopTimeoutSeconds: config.stopTimeoutSeconds,
    ...(config.unhealthyAfterSeconds === undefined
      ? {}
      : { unhealthyAfterSeconds: config.unhealthyAfterSeconds }),
    logs: config.logs,
    probes: exportProbes(config, offset),
    readinessFrom: readinessSource(config),
    ...(configFile === undefined ? {} : { config: configFile }),
    image: imageFor(config.name, config.product, input.images),
  };
}

/** Manifest order, except that each instance comes after its dependencies (the manifest is acyclic). */
export function dependencyOrder<T extends { readonly name: string; readonly dependsOn: readonly string[] }>(
  instances: readonly T[],
): T[] {
  const byName = new Map(instances.map((i) => [i.name, i]));
  const ordered: T[] = [];
  const seen = new Set<string>();
  const visit = (instance: T) => {
    if (seen.has(instance.name)) return;
    seen.add(instance.name);
    for (const dependency of instance.dependsOn) {
      const found = byName.get(dependency);
      if (found !== undefined) visit(found);
    }
    ordered.push(instance);
  };
  for (const instance of instances) visit(instance);
  return ordered;
}

/** Twelve hex digits of the resolved instances and their offsets: the same fleet gives the same digest. */
function hashOf(manifest: Manifest, plan: Plan): string {
  const offsets = plan.instances.map((p) => [p.name, p.offset]);
  const text = JSON.stringify({ instances: manifest.instances, offsets });
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

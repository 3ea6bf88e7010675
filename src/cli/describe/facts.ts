import path from 'node:path';
import type { InstanceConfig } from '../../manifest/instance-config.js';
import { describeHolder, describeReason } from '../../ports/describe-plan.js';
import type { PlannedInstance } from '../../ports/planner.js';
import { portSet, productOf } from '../../products/catalog.js';
import { offsetLaunch, placementOf } from '../../products/offset-launch.js';
import { type ProductId, productIds } from '../../products/product.js';
import type { InstanceSnapshot } from '../../state/instance-record.js';
import { readinessPlan } from '../../supervisor/readiness-plan.js';
import { describeAnswer, describeMachine } from '../../supervisor/wait.js';

/** What `describe` knows of one instance: its manifest entry, its plan, its supervisor's snapshot. */
export interface DescribeInputs {
  readonly name: string;
  readonly stateDir: string;
  readonly supervisorPid: number | undefined;
  readonly config: InstanceConfig | undefined;
  readonly planned: PlannedInstance | undefined;
  readonly snapshot: InstanceSnapshot | undefined;
  /** Whether the snapshot's processes are alive (a live supervisor's word, or checked in /proc). */
  readonly alive: boolean;
  readonly now: number;
}

/**
 * Everything about one instance as one document (the `--json` answer; the text view renders it). Facts
 * come from the snapshot where a run exists (its offset is the one the runtime has), else from the plan.
 */
export function instanceFacts(inputs: DescribeInputs) {
  const { name, config, planned, snapshot, now } = inputs;
  const productId = (config?.product ?? snapshot?.product ?? planned?.product) as ProductId;
  if (!productIds.includes(productId)) throw new Error(`unknown product "${String(productId)}" for ${name}`);
  const product = productOf(productId);
  const offset = snapshot?.offset ?? planned?.offset ?? product.defaultOffset;
  const launch = offsetLaunch(product, offset);
  const running = snapshot?.machine.state === 'running';
  const machine = snapshot?.machine;
  const wait = machine?.wait;
  const readiness = config === undefined ? undefined : readinessPlan(config, offset);
  return {
    name,
    product: { id: productId, name: product.displayName },
    supervised: inputs.supervisorPid !== undefined,
    supervisorPid: inputs.supervisorPid ?? null,
    state: machine?.state ?? 'stopped',
    detail: machine === undefined ? 'not started' : describeMachine(machine, now, snapshot?.health),
    since: machine?.since ?? null,
    home: config?.home ?? null,
    script: config?.script ?? null,
    args: config === undefined ? null : [...launch.args, ...config.args],
    offset,
    offsetWhy: offsetWhy(config, planned, offset, snapshot !== undefined),
    ports: portSet(product, offset).map((port) => {
      const state = planned?.offset === offset ? planned.ports.find((p) => p.name === port.name) : undefined;
      return {
        port: port.port,
        name: port.name,
        purpose: port.purpose,
        scheme: port.scheme,
        urls:
          port.scheme === 'tcp'
            ? []
            : (port.urlPaths ?? []).map((p) => `${port.scheme}://localhost:${port.port}${p}`),
        placement: placementOf(product, port, offset),
        state:
          state === undefined ? null : state.state === 'busy' ? describeHolder(state.holder) : state.state,
      };
    }),
    readiness: {
      readyLine: (readiness ?? { line: product.readyLine }).line?.source ?? null,
      url: readiness?.url ?? null,
      ports: readiness?.ports ?? null,
      liveness: readiness?.liveness ?? null,
      waitingFor: wait === undefined ? null : describeMachine(machine as NonNullable<typeof machine>, now),
      lastAnswer: wait?.kind === 'readiness' ? describeAnswer(wait.answer) : null,
    },
    health:
      snapshot?.health === undefined
        ? null
        : {
            ok: snapshot.health.ok,
            since: snapshot.health.since,
            error: snapshot.health.error ?? null,
            checkedAt: snapshot.health.checkedAt ?? null,
          },
    restart: {
      policy: config?.restart ?? null,
      restartsTotal: machine?.restartsTotal ?? machine?.restarts.length ?? 0,
      restartsInWindow: machine?.restarts.length ?? 0,
      history: machine?.history ?? (machine?.lastExit ? [machine.lastExit] : []),
    },
    pids: {
      script: inputs.alive ? (snapshot?.pid ?? null) : null,
      jvm: inputs.alive ? (snapshot?.jvmPid ?? null) : null,
      logWriter: inputs.alive ? (snapshot?.writerPid ?? null) : null,
      processGroup: inputs.alive ? (snapshot?.pgid ?? null) : null,
    },
    launchedAt: inputs.alive ? (snapshot?.startedAt ?? null) : null,
    readySince: running ? (machine?.readySince ?? null) : null,
    logs: {
      captured: path.join(inputs.stateDir, 'logs', `${name}.log`),
      carbon: config === undefined ? null : path.join(config.home, product.carbonLog),
    },
    environment: {
      manifest: Object.keys(config?.env ?? {}).sort(),
      supervisor: Object.keys(launch.env).sort(),
    },
  };
}

export type InstanceFacts = ReturnType<typeof instanceFacts>;

function offsetWhy(
  config: InstanceConfig | undefined,
  planned: PlannedInstance | undefined,
  offset: number,
  hasRun: boolean,
): string {
  if (planned !== undefined && planned.offset === offset)
    return describeReason(planned.reason, planned.product);
  if (planned !== undefined)
    return `the offset of its current run; the manifest now plans ${planned.offset} (${describeReason(planned.reason, planned.product)}): reload or restart to move it`;
  if (typeof config?.offset === 'number') return 'pinned in the manifest';
  return hasRun ? 'the offset of its last run (the manifest cannot be read: no plan)' : 'unknown';
}

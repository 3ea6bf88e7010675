import type { PortHolder } from '../errors.js';
import { productOf } from '../products/catalog.js';
import { offsetKeyOf, type ProductId } from '../products/product.js';
import type { OffsetReason, PlannedInstance, PlanProblem } from './planner.js';

/** Plain-language renderings of the planner's findings, shared by `plan`, `ports` and `--json`. */

export function describeHolder(holder: PortHolder | null | undefined): string {
  return holder ? `in use by pid ${holder.pid} (${holder.command || 'unknown command'})` : 'in use';
}

export function describeReason(reason: OffsetReason, product: ProductId): string {
  switch (reason.kind) {
    case 'pinned':
      return 'pinned in the manifest';
    case 'config': {
      const config = productOf(product).offsetConfig;
      return `pinned by ${offsetKeyOf(config)} in ${config.file}`;
    }
    case 'kept':
      return 'kept from the last run';
    case 'default':
      return 'product default';
    case 'lowest':
      return `lowest free offset from offsets.min (${reason.min})`;
    case 'moved': {
      const by =
        'instance' in reason.blockedBy
          ? `wanted by ${reason.blockedBy.instance}`
          : describeHolder(reason.blockedBy.host);
      return `moved from ${reason.from}: port ${reason.port} ${by}`;
    }
  }
}

export function describeProblem(problem: PlanProblem, instances: readonly PlannedInstance[]): string {
  switch (problem.kind) {
    case 'pins-clash': {
      const [a, b] = problem.instances;
      return (
        `${a} and ${b} both want port${problem.ports.length > 1 ? 's' : ''} ${problem.ports.join(', ')} ` +
        `at their pinned offsets. Change the offset of one of them, or set it to "auto".`
      );
    }
    case 'pinned-port-busy': {
      const offset = instances.find((i) => i.name === problem.instance)?.offset;
      return (
        `port ${problem.port} of ${problem.instance} (pinned offset ${offset}) is ${describeHolder(problem.holder)}. ` +
        `Stop that process, or give ${problem.instance} another offset.`
      );
    }
    case 'no-free-offset':
      return (
        `no offset from ${problem.range.min} to ${problem.range.max} gives ${problem.instance} a port set that is ` +
        `free and apart from the other instances. Widen "offsets" in the manifest, or free some ports.`
      );
  }
}

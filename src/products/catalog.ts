import { apim } from './apim.js';
import { eiAnalytics } from './ei-analytics.js';
import { mi } from './mi.js';
import type { PortSpec, Product, ProductId } from './product.js';
import { si } from './si.js';
import { siTooling } from './si-tooling.js';

export const catalog: Readonly<Record<ProductId, Product>> = {
  mi,
  apim,
  si,
  'si-tooling': siTooling,
  'ei-analytics': eiAnalytics,
};

export function productOf(id: ProductId): Product {
  return catalog[id];
}

export interface EffectivePort extends PortSpec {
  readonly port: number;
  /**
   * How the port got where it is: `offset`, by the runtime from its offset; `fixed`, where the runtime
   * always binds it; `moved`, a fixed port the supervisor moved through the product's override variables.
   */
  readonly placement: 'offset' | 'fixed' | 'moved';
}

/**
 * Where one port of a product sits at an offset. A fixed port moves by as much as the offset differs from
 * the product's default: at the default it stays where the runtime binds it, and two instances of one
 * product never want the same fixed port (their offsets differ). A pure function of the offset, so the
 * planner's search and a saved offset keep it as they keep every other port.
 */
export function portAt(spec: PortSpec, product: Product, offset: number): number {
  return spec.follows === 'fixed' ? spec.base + offset - product.defaultOffset : spec.base + offset;
}

/** The ports a product opens at an offset, in catalog order. */
export function portSet(product: Product, offset: number): EffectivePort[] {
  return product.ports.map((spec) => {
    const port = portAt(spec, product, offset);
    const placement = spec.follows !== 'fixed' ? 'offset' : port === spec.base ? 'fixed' : 'moved';
    return { ...spec, port, placement };
  });
}

/** Largest offset that keeps every port of the product at or below 65535. */
export function maxOffset(product: Product): number {
  return Math.min(...product.ports.map((spec) => 65535 - portAt(spec, product, 0)));
}

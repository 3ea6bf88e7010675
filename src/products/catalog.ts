import { apim } from './apim.js';
import { mi } from './mi.js';
import type { PortSpec, Product, ProductId } from './product.js';

export const catalog: Readonly<Record<ProductId, Product>> = { mi, apim };

export function productOf(id: ProductId): Product {
  return catalog[id];
}

export interface EffectivePort extends PortSpec {
  readonly port: number;
}

/** The ports a product opens at an offset, in catalog order. */
export function portSet(product: Product, offset: number): EffectivePort[] {
  return product.ports.map((spec) => ({ ...spec, port: spec.base + offset }));
}

/** Largest offset that keeps every port of the product at or below 65535. */
export function maxOffset(product: Product): number {
  return 65535 - Math.max(...product.ports.map((p) => p.base));
}

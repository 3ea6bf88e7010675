import { detectPort } from 'detect-port';
import { portSet, productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';

/**
 * An offset O such that the port sets of the given products at O, O+1, ... O+span-1 are all free right now.
 * Drawn at random from a high range so that test files running in parallel do not meet (every API-M port
 * stays below 65535).
 */
export async function freeOffset(products: ProductId | readonly ProductId[], span = 1): Promise<number> {
  const specs = (typeof products === 'string' ? [products] : products).map(productOf);
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = new Set<number>();
    for (let k = 0; k < span; k++)
      for (const p of specs) for (const e of portSet(p, offset + k)) ports.add(e.port);
    const free = await Promise.all([...ports].map(async (port) => (await detectPort(port)) === port));
    if (free.every(Boolean)) return offset;
  }
  throw new Error(`no free offset found for ${specs.map((p) => p.id).join(', ')} after 50 attempts`);
}

import { detectPort } from 'detect-port';
import { portSet, productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';

/**
 * An offset O such that the port sets of the given products at O, O+1, ... O+span-1 are all free right now.
 * Drawn at random so that test files running in parallel rarely meet, keeping every port between 20000 and
 * 32767: above the well-known services, below Linux's ephemeral range (32768-60999), where an outgoing
 * connection could take a planned port between this check and the bind.
 */
export async function freeOffset(products: ProductId | readonly ProductId[], span = 1): Promise<number> {
  const specs = (typeof products === 'string' ? [products] : products).map(productOf);
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 12_000 + Math.floor(Math.random() * (20_500 - 12_000 - span));
    const ports = new Set<number>();
    for (let k = 0; k < span; k++)
      for (const p of specs) for (const e of portSet(p, offset + k)) ports.add(e.port);
    const free = await Promise.all([...ports].map(async (port) => (await detectPort(port)) === port));
    if (free.every(Boolean)) return offset;
  }
  throw new Error(`no free offset found for ${specs.map((p) => p.id).join(', ')} after 50 attempts`);
}

import { detectPort } from 'detect-port';
import { portSet, productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';

/**
 * An offset whose whole port set is free right now, drawn at random from a high range so that test files
 * running in parallel do not meet (every API-M port stays below 65535).
 */
export async function freeOffset(productId: ProductId, ...others: ProductId[]): Promise<number> {
  const products = [productId, ...others].map(productOf);
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = products.flatMap((p) => portSet(p, offset).map((e) => e.port));
    const free = await Promise.all(ports.map(async (port) => (await detectPort(port)) === port));
    if (free.every(Boolean)) return offset;
  }
  throw new Error(`no free offset found for ${[productId, ...others].join(', ')} after 50 attempts`);
}

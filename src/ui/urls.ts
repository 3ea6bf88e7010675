import { catalog, portSet, productOf } from '../products/catalog.js';
import type { ProductId } from '../products/product.js';

/** A link of the page: what it opens and where. */
export interface InstanceUrl {
  readonly label: string;
  readonly href: string;
}

/**
 * The addresses worth a click on an instance, from the same port set the planner gives it: each HTTP(S)
 * port's URL paths from the product's catalog entry (API-M's Publisher, Developer Portal, Admin and Carbon
 * console; MI's health probes and management API...), on localhost as `ports` prints them.
 */
export function instanceUrls(product: string, offset: number): InstanceUrl[] {
  if (!Object.hasOwn(catalog, product)) return [];
  return portSet(productOf(product as ProductId), offset).flatMap((port) =>
    port.scheme === 'tcp'
      ? []
      : (port.urlPaths ?? []).map((path) => ({
          label: `${path.slice(1)} :${port.port}`,
          href: `${port.scheme}://localhost:${port.port}${path}`,
        })),
  );
}

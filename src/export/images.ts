import { UsageError } from '../errors.js';
import { type ProductId, productIds } from '../products/product.js';
import type { ExportedInstance, NotCarried } from './model.js';

/**
 * Images assumed when `--image` names none: WSO2's Docker Hub repositories (scale-out.md §3.1 names
 * `wso2/wso2am` and `wso2/wso2mi`; the Carbon 5 ones follow wso2/docker-si and wso2/docker-ei). The tag cannot
 * be read from a home, so the export always says which one it assumed.
 */
export const defaultImages: Readonly<Record<ProductId, string>> = {
  mi: 'wso2/wso2mi:4.3.0',
  apim: 'wso2/wso2am:4.3.0',
  si: 'wso2/wso2si:4.3.0',
  'si-tooling': 'wso2/wso2si-tooling:4.2.0',
  'ei-analytics': 'wso2/wso2ei-analytics-server:7.1.0',
};

/** `--image` values by key: a product id, or an instance name (which wins over its product's). */
export type ImageChoices = Readonly<Record<string, string>>;

/** Parses `--image KEY=REF` options; a key must be a product id or an instance name. */
export function parseImageOptions(values: readonly string[], instanceNames: readonly string[]): ImageChoices {
  const choices: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    const key = value.slice(0, at);
    const ref = value.slice(at + 1);
    if (at <= 0 || ref === '')
      throw new UsageError(`--image ${JSON.stringify(value)}: expected PRODUCT=REF or INSTANCE=REF.`);
    if (!(productIds as readonly string[]).includes(key) && !instanceNames.includes(key))
      throw new UsageError(
        `--image ${key}=…: ${key} is neither a product (${productIds.join(', ')}) nor an instance (${instanceNames.join(', ')}).`,
      );
    choices[key] = ref;
  }
  return choices;
}

export function imageFor(name: string, product: ProductId, choices: ImageChoices) {
  const ref = choices[name] ?? choices[product];
  return ref === undefined ? { ref: defaultImages[product], given: false } : { ref, given: true };
}

/** What an export says about an image it had to assume (none given for the instance or its product). */
export function assumedImage(instance: ExportedInstance, at: string): NotCarried[] {
  if (instance.image.given) return [];
  return [
    {
      instance: at,
      what: 'image',
      why: `none given; ${instance.image.ref} assumed: check its version matches the home, or pass --image ${instance.product}=REF`,
    },
  ];
}

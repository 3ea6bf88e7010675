import { readFile } from 'node:fs/promises';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { ManifestProblem } from '../errors.js';
import { offsetKeyOf, type Product } from '../products/product.js';

export type ConfigOffset = { offset: number } | { problem: ManifestProblem } | Record<string, never>;

/**
 * The offset a home's own config file pins: `[server] offset` in MI's and API-M's `deployment.toml` (any
 * value, the line ships commented out), `wso2.carbon.ports.offset` in Carbon 5's `deployment.yaml` (only a
 * value other than the shipped default). Absent file or key: no pin.
 */
export async function readConfigOffset(
  product: Product,
  file: string,
  where: string,
  limit: number,
): Promise<ConfigOffset> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  const { format, key, shipsDefault } = product.offsetConfig;
  let offset: unknown;
  try {
    const parsed: unknown = format === 'toml' ? parseToml(text) : parseYaml(text);
    offset = key.reduce<unknown>((node, k) => (node as Record<string, unknown> | null)?.[k], parsed);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    const what = format.toUpperCase();
    return {
      problem: { path: where, message: `${file} is not valid ${what}: ${reason}`, hint: 'Fix that file.' },
    };
  }
  if (offset === undefined || offset === null) return {};
  // A carbon-config placeholder (`${env:NAME,0}`) is resolved by the runtime, and the supervisor's override
  // wins over it: no pin.
  if (format === 'yaml' && typeof offset === 'string' && offset.trim().startsWith('${')) return {};
  const value = typeof offset === 'bigint' ? Number(offset) : offset;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= limit) {
    return shipsDefault && value === product.defaultOffset ? {} : { offset: value };
  }
  const setting = offsetKeyOf(product.offsetConfig);
  return {
    problem: {
      path: where,
      message: `${file} sets ${setting} = ${String(offset)}, not a whole number from 0 to ${limit}`,
      hint: shipsDefault
        ? `Set it back to ${product.defaultOffset} and let the supervisor choose, or pin a number there.`
        : 'Fix it there, or remove it and let the supervisor choose.',
    },
  };
}

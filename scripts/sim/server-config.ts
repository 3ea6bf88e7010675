import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { Product } from '../../src/products/product.js';

/**
 * The two settings of deployment.toml the simulated MI / API-M honour (Carbon 5: yaml-config.ts), and the offset it runs at.
 * Precedence as in the real runtimes: the `portOffset` system property wins over `[server] offset`
 * (MI `core/internal/Activator.java` reads `System.getProperty("portOffset", configured)`), which wins over
 * the config template's default (MI 10, API-M 0: `carbon.xml.j2` `{{server.offset | default(...)}}`).
 */
export interface ServerConfig {
  readonly offset: number;
  /** Where the offset came from, for the start-up log. */
  readonly offsetSource: 'portOffset' | 'deployment.toml' | 'default';
  /** `[server] hostname`, used in the console URLs (default `localhost`, as shipped). */
  readonly hostname: string;
}

export class ServerConfigError extends Error {
  override readonly name = 'ServerConfigError';
}

export function readServerConfig(
  product: Product,
  carbonHome: string,
  portOffsetProperty: string | undefined,
): ServerConfig {
  const server = readServerTable(join(carbonHome, product.offsetConfig.file));
  const hostname = typeof server.hostname === 'string' ? server.hostname : 'localhost';
  if (portOffsetProperty !== undefined) {
    // Java's Integer.parseInt: an optional sign and digits, nothing else.
    if (!/^[-+]?\d+$/.test(portOffsetProperty.trim())) {
      throw new ServerConfigError(
        `java.lang.NumberFormatException: For input string: "${portOffsetProperty}"`,
      );
    }
    return { offset: Number.parseInt(portOffsetProperty, 10), offsetSource: 'portOffset', hostname };
  }
  if (server.offset !== undefined) {
    if (typeof server.offset !== 'number' || !Number.isInteger(server.offset)) {
      throw new ServerConfigError(
        `[server] offset must be an integer, found ${JSON.stringify(server.offset)}`,
      );
    }
    return { offset: server.offset, offsetSource: 'deployment.toml', hostname };
  }
  return { offset: product.defaultOffset, offsetSource: 'default', hostname };
}

function readServerTable(tomlPath: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(tomlPath, 'utf8');
  } catch {
    return {}; // no deployment.toml: the templates' defaults apply
  }
  try {
    const server = parse(text).server;
    return typeof server === 'object' && server !== null && !Array.isArray(server)
      ? (server as Record<string, unknown>)
      : {};
  } catch (error) {
    // The real config tool refuses to render a broken deployment.toml and the server does not start.
    throw new ServerConfigError(`cannot parse ${tomlPath}: ${(error as Error).message}`);
  }
}

import { join } from 'node:path';
import { type EffectivePort, portSet } from '../../src/products/catalog.js';
import type { Carbon4Flavour } from './carbon4-flavours.js';
import type { Flavour, Opener, RuntimeConfig } from './flavour.js';
import { healthHandler } from './health.js';
import { homeLayout } from './home-layout.js';
import { readServerConfig } from './server-config.js';

/**
 * MI and API-M as the simulated server runs them: the offset from `-DportOffset` or `deployment.toml`
 * (server-config.ts), every port of the catalog at base + offset, each listener's line logged once its bind
 * ended (bound or not) and a taken port's failure after it, the health ports bound last.
 */
export function carbon4(text: Carbon4Flavour): Flavour {
  const { product, latePorts } = text;
  const openEach = async (ports: readonly EffectivePort[], config: RuntimeConfig, open: Opener) => {
    for (const port of ports) {
      const line = text.listenerLine(port, config.offset);
      const opened = await open(port, (outcome) => [
        ...(line === undefined ? [] : [line]),
        ...(outcome === 'busy' ? [text.bindFailure(port)] : []),
      ]);
      if (opened === 'stopped') return;
    }
  };
  return {
    product,
    version: text.version,
    mainClass: text.mainClass,
    layout: homeLayout,
    pidFile: (carbonHome) => join(carbonHome, product.pidFile),
    readConfig: ({ carbonHome, properties }) => {
      const config = readServerConfig(product, carbonHome, properties.get('portOffset'));
      return { offset: config.offset, hostname: config.hostname, ports: portSet(product, config.offset) };
    },
    openEarly: (config, open) =>
      openEach(
        config.ports.filter((p) => !latePorts.has(p.name)),
        config,
        open,
      ),
    openLate: (config, open) =>
      openEach(
        config.ports.filter((p) => latePorts.has(p.name)),
        config,
        open,
      ),
    lateListenersLagReady: false,
    handler: (deps) => healthHandler({ ...deps, flavour: text, offset: deps.config.offset }),
    preamble: text.preamble,
    readyLines: (elapsedMs, config) => text.readyLines(elapsedMs, config.ports, config.hostname),
    shutdownStart: text.shutdownStart,
    shutdownEnd: text.shutdownEnd,
    restartLines: text.restartLines,
  };
}

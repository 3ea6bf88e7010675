import { join } from 'node:path';
import type { EffectivePort } from '../../src/products/catalog.js';
import type { PortSpec, Product, Scheme } from '../../src/products/product.js';
import { carbon5Handler } from './carbon5-health.js';
import { openEarly, openNetty } from './carbon5-transports.js';
import type { ConfigInput, Flavour, RuntimeConfig, Unsatisfied } from './flavour.js';
import { carbon5Layout } from './home-layout.js';
import { info, type LogEvent } from './log.js';
import { ConfigFileError, type ListenerList, readCarbon5Settings } from './yaml-config.js';

/**
 * SI, SI Tooling and EI Analytics 7.1 as the simulated server runs them (../shared/wso2/carbon5.md):
 * - the offset from `WSO2_CARBON__PORTS_OFFSET` (environment, then system property), else
 *   `wso2.carbon.ports.offset`, else 0; it replaces the file's value and `-DportOffset` means nothing;
 * - netty listeners at their `deployment.yaml` port + offset, databridge receivers at base + offset, the Store
 *   Query API at its `deployment.yaml` port as overridden by the `…_LISTENERCONFIGURATIONS_<i>_ID/_PORT` pairs;
 * - no readable `deployment.yaml` (an inherited `RUNTIME`), or a list override without its id: that component
 *   never starts, so the ready line never comes, while the JVM keeps running and warns that it is pending;
 * - `runtime.pid` in `-Dwso2.runtime.path`, no shutdown lines, exit 121 only on request.
 */
export interface Carbon5Facts {
  readonly product: Product;
  readonly version: string;
  /** `wso2.carbon.id` the simulated homes write; the JVM tells the three products apart by it. */
  readonly configId: string;
  /** SI Tooling's web editor (`/editor` on the HTTP listener). */
  readonly editor: boolean;
}

export const launcherMainClass = 'org.wso2.carbon.launcher.Main';
const startupResolver = 'org.wso2.carbon.kernel.internal.startupresolver.StartupOrderResolverUtils';

export function carbon5(facts: Carbon5Facts): Flavour & { readonly configId: string } {
  const { product } = facts;
  return {
    product,
    version: facts.version,
    mainClass: launcherMainClass,
    configId: facts.configId,
    layout: carbon5Layout,
    // carbon-kernel `Main.writePID`: `<wso2.runtime.path>/runtime.pid`.
    pidFile: (carbonHome, properties) => {
      const runtimePath = properties.get('wso2.runtime.path');
      return runtimePath === undefined ? join(carbonHome, product.pidFile) : join(runtimePath, 'runtime.pid');
    },
    readConfig: (input) => readConfig(product, input),
    openEarly,
    openLate: (config, open) => openNetty(config, open, facts.editor),
    lateListenersLagReady: true,
    handler: (deps) => carbon5Handler(deps, facts.editor),
    preamble: (carbonHome, tmpDir) => [
      info(
        'org.wso2.carbon.sim.Launcher',
        `Simulated Carbon 5 runtime (Node.js) for wso2-supervisor tests: carbon.home ${carbonHome}, java.io.tmpdir ${tmpDir}`,
      ),
    ],
    // carbon-kernel `CarbonStartupHandler.logServerStartupTime`: `DecimalFormat("#,##0.000")` of the seconds.
    readyLines: (elapsedMs, config) => [
      info(
        'org.wso2.carbon.kernel.internal.CarbonStartupHandler',
        `${config.serverName ?? product.displayName} started in ${(elapsedMs / 1000).toLocaleString('en-US', {
          minimumFractionDigits: 3,
          maximumFractionDigits: 3,
        })} sec`,
      ),
    ],
    // carbon-kernel 5.3.2 logs nothing at INFO while stopping.
    shutdownStart: () => [],
    shutdownEnd: () => [],
    // The launcher exits 121 when `carbon.server.restart` is set after the framework stopped; nothing logs it.
    restartLines: () => [
      info('org.wso2.carbon.sim.Launcher', 'Simulated restart request (WSO2_SIM_RESTART_AFTER_MS): exit 121'),
    ],
  };
}

function readConfig(product: Product, input: ConfigInput): RuntimeConfig {
  let settings: ReturnType<typeof readCarbon5Settings>;
  try {
    settings = readCarbon5Settings(input);
  } catch (error) {
    if (!(error instanceof ConfigFileError)) throw error;
    const reason = configError('org.wso2.carbon.config.internal.ConfigProviderComponent', error.message);
    return { offset: 0, hostname: 'localhost', ports: [], unsatisfied: pending(reason, 'carbon-runtime') };
  }
  const { offset } = settings;
  const problems: string[] = [];
  const listeners = (list: ListenerList) => {
    if ('listeners' in list) return list.listeners;
    problems.push(list.problem);
    return [];
  };
  const spec = (match: (p: PortSpec) => boolean) => product.ports.find(match);
  const generic = (name: string, base: number, scheme: Scheme) => ({
    name,
    base,
    scheme,
    purpose: `${name} listener`,
  });

  const netty: EffectivePort[] = listeners(settings.transport).map((l) => ({
    ...(spec((p) => p.announced === true && p.scheme === l.scheme) ??
      generic(`http-${l.id}`, l.port, l.scheme)),
    announced: true,
    port: l.port + offset,
    placement: 'offset',
  }));
  const databridge: EffectivePort[] = product.ports
    .filter((p) => p.scheme === 'tcp')
    .map((p) => ({ ...p, port: p.base + offset, placement: 'offset' }));
  const store: EffectivePort[] = listeners(settings.storeApi).map((l) => {
    const known = spec((p) => p.listener?.id === l.id) ?? generic(`store-api-${l.id}`, l.port, l.scheme);
    return { ...known, follows: 'fixed', port: l.port, placement: l.port === known.base ? 'fixed' : 'moved' };
  });
  const reason =
    problems.length === 0
      ? undefined
      : configError('org.wso2.carbon.config.provider.ConfigProviderImpl', problems.join('; '));
  return {
    offset,
    hostname: 'localhost',
    ports: [...netty, ...databridge, ...store],
    ...(settings.name === undefined ? {} : { serverName: settings.name }),
    ...(reason === undefined ? {} : { unsatisfied: pending(reason, 'siddhi-store-query-api') }),
  };
}

const configError = (logger: string, message: string): LogEvent => ({
  level: 'ERROR',
  logger,
  message: 'Error while loading the configuration',
  exception: `org.wso2.carbon.config.ConfigurationException: ${message}`,
});

/** carbon-kernel's pending-capability warning, in its shape (`StartupOrderResolverUtils`). */
const pending = (reason: LogEvent, component: string): Unsatisfied => ({
  reason,
  pending: {
    level: 'WARN',
    logger: startupResolver,
    message: `Startup component ${component} from bundle(org.wso2.carbon.core:5.3.2) is in the pending state: waiting for required capabilities`,
  },
});

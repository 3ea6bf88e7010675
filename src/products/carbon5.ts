import type { PortSpec, Product } from './product.js';

/**
 * What the Carbon 5 (OSGi, `deployment.yaml`) runtimes share: SI, SI Tooling and EI Analytics 7.1 run one
 * launch template (`bin/<name>.sh` → `wso2/server/bin/carbon.sh` → a child JVM). Sources, in
 * ../shared/wso2/carbon5.md, with the commits read:
 * - offset: `wso2.carbon.ports.offset` (carbon-kernel `PortsConfig.java`); `-DportOffset` is read nowhere. It
 *   is set without editing the file through carbon-config's override `WSO2_CARBON__PORTS_OFFSET`
 *   (`ConfigProviderImpl.overrideConfigWithSystemVars`, since v2.1.0; every product here ships ≥ 2.1.16). The
 *   environment is chosen over `-D…`: it wins over a system property, and arguments are split on blanks.
 * - store API ports: `siddhi.stores.query.api` listeners ignore the offset (carbon-analytics `StoresApi.java`).
 *   They are moved with the per-element overrides `…_LISTENERCONFIGURATIONS_<i>_ID` / `_PORT` rather than a
 *   `-Dconfig` overlay: an overlay replaces the whole list, so it would have to copy each HTTPS listener's
 *   keystore settings out of the user's file, and it needs carbon-config 2.1.11. Only a moved port gets the
 *   variables, so an instance at its product's default offset runs exactly as shipped.
 * - ready: `CarbonStartupHandler … <wso2.carbon.name> started in N sec`, the number in the default locale's
 *   `#,##0.000` (`,` possible), the name varying by product and version.
 * - a netty listener prints `HTTP(S) Interface starting on host H and port P` only once bound; a taken main
 *   port is stored, never logged, and the server still prints its ready line (transport-http
 *   `ServerConnectorBootstrap`, `HttpWsServerConnectorFuture.notifyPortBindingError`).
 * - `GET /health` on the HTTP listener → 200 `{"status":"healthy"}`, no credentials (carbon-analytics
 *   `HealthApiServiceImpl.java`).
 * - `CARBON_HOME`, `RUNTIME_HOME`, `RUNTIME` (it picks the config folder), `JAVACMD` and `JAVA_OPTS` are
 *   honoured when inherited (`server.sh`, `carbon.sh`); any `WSO2_CARBON__*`, `WSO2_TRANSPORT_HTTP__*` or
 *   list variable silently overrides the YAML. The manifest's `env` may still set any of them.
 * - no shutdown log line (carbon-kernel 5.3.2 logs nothing at INFO while stopping); the shutdown hook waits
 *   up to 3 minutes for the OSGi framework (`Main.java`, `framework.waitForStop(1000*60*3)`).
 * - EI 6.4/6.5 on JDK 9+: `-Djava.endorsed.dirs` makes the JVM refuse to start while the script exits 0.
 */

const storeApiOverride = 'SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS';

/** The four databridge receivers (carbon-analytics-common thrift and binary receivers): offset-aware. */
export const databridgePorts: readonly PortSpec[] = [
  { base: 7611, name: 'thrift', purpose: 'databridge thrift receiver (TCP)', scheme: 'tcp' },
  { base: 7711, name: 'thrift-ssl', purpose: 'databridge thrift receiver (SSL)', scheme: 'tcp' },
  { base: 9611, name: 'binary', purpose: 'databridge binary receiver (TCP)', scheme: 'tcp' },
  { base: 9711, name: 'binary-ssl', purpose: 'databridge binary receiver (SSL)', scheme: 'tcp' },
];

/** The facts every Carbon 5 runtime here shares; a product file adds its name, script, offset and ports. */
export function carbon5(
  facts: Pick<Product, 'id' | 'displayName' | 'defaultOffset' | 'startScript' | 'ports' | 'refusedHomes'> & {
    /** The netty HTTP listener's port at offset 0, where `/health` answers. */
    readonly httpBase: number;
  },
): Product {
  const health = {
    portBase: facts.httpBase,
    scheme: 'http',
    path: '/health',
    body: /"status"\s*:\s*"healthy"/,
  } as const;
  const { httpBase: _, ...product } = facts;
  return {
    ...product,
    offsetSetting: { kind: 'environment', variable: 'WSO2_CARBON__PORTS_OFFSET' },
    offsetConfig: {
      file: 'conf/server/deployment.yaml',
      format: 'yaml',
      key: ['wso2.carbon', 'ports', 'offset'],
      shipsDefault: true,
    },
    carbonLog: 'wso2/server/logs/carbon.log',
    pidFile: 'wso2/server/runtime.pid',
    fixedPortOverride: { prefix: storeApiOverride },
    privateEnvironment: {
      names: ['CARBON_HOME', 'RUNTIME_HOME', 'RUNTIME', 'JAVACMD', 'JAVA_OPTS'],
      // The namespaces whose overrides move ports: the kernel's offset, the netty listeners, the store API.
      prefixes: ['WSO2_CARBON__', 'WSO2_TRANSPORT_HTTP__', `${storeApiOverride}_`],
    },
    readyLine: /\{org\.wso2\.carbon\.kernel\.internal\.CarbonStartupHandler\} - .+ started in [\d.,]+ sec/,
    listenerLine: /HTTP\(S\) Interface starting on host \S+ and port (\d+)/,
    readiness: health,
    liveness: health,
    shutdownLines: [],
    startFailures: [/Could not create the Java Virtual Machine/],
    stopTimeoutSeconds: 180,
  };
}

import { type EffectivePort, productOf } from '../../src/products/catalog.js';
import type { Product } from '../../src/products/product.js';
import { info, type LogEvent } from './log.js';

/**
 * What each simulated Carbon 4 product (MI, API-M) says and when: its main class, version, log lines and
 * health answers. Ports, health paths, ready and shutdown patterns come from the project's catalog
 * (src/products); this file only supplies the text the catalog's regexes must match, with the real source of
 * each line cited. carbon4.ts turns it into the simulator's Flavour.
 */
export interface Carbon4Flavour {
  readonly product: Product;
  readonly version: string;
  /** The class the start script runs; the simulated JVM recognises the product by it. */
  readonly mainClass: string;
  /** Ports bound last, right before the ready line (everything else is bound at start-up). */
  readonly latePorts: ReadonlySet<string>;
  /** The line logged when a port's listener starts (also logged, as the real ones do, when the bind fails). */
  listenerLine(port: EffectivePort, offset: number): LogEvent | undefined;
  /** What the server logs when a port is already taken; it carries on without the port. */
  bindFailure(port: EffectivePort): LogEvent;
  preamble(carbonHome: string, tmpDir: string): LogEvent[];
  readyLines(elapsedMs: number, ports: readonly EffectivePort[], hostname: string): LogEvent[];
  /** Before the transports close. `bySignal`: the JVM's shutdown hook, not a shutdown from the console. */
  shutdownStart(bySignal: boolean): LogEvent[];
  /** After the transports closed, right before the JVM exits. */
  shutdownEnd(): LogEvent[];
  /** A restart request: the JVM then exits 121 and the start script's loop runs it again. */
  restartLines(): LogEvent[];
  readinessBody(ready: boolean): string;
  livenessBody(): string;
  /** Other pages worth answering 200 on a port, by port name. */
  readonly pages: Readonly<Record<string, readonly string[]>>;
}

const passThroughManager = 'org.apache.synapse.transport.passthru.core.PassThroughListeningIOReactorManager';
const bindException = [
  'java.net.BindException: Address already in use',
  '\tat sun.nio.ch.Net.bind0(Native Method) ~[?:?]',
  '\tat sun.nio.ch.Net.bind(Net.java:555) ~[?:?]',
  '\tat sun.nio.ch.ServerSocketChannelImpl.netBind(ServerSocketChannelImpl.java:337) ~[?:?]',
].join('\n');

/**
 * The pass-through transport's own words on a taken port (issues wso2/product-integrator-mi#249,
 * wso2/api-manager#3124): a WARN with the BindException, then the server goes on to its ready line.
 */
const passThroughBindFailure = (): LogEvent => ({
  level: 'WARN',
  logger: passThroughManager,
  message:
    'System may be unstable: HTTP ListeningIOReactor encountered a checked exception : Address already in use',
  exception: bindException,
});

/** wso2-synapse `PassThroughListeningIOReactorManager.startEndpoint`. */
const passThroughStarted = (name: string, port: number): LogEvent =>
  info(passThroughManager, `Pass-through ${name} Listener started on 0.0.0.0:${port}`);

const carbonCore = 'org.wso2.carbon.core.internal.CarbonCoreActivator';
const restartedBy = (serverName: string, logger: string): LogEvent[] => [
  info(logger, `Gracefully restarting ${serverName}...`),
  // MI `CoreServerInitializer.restart`, carbon-kernel `CarbonServerManager.restart`: then System.exit(121).
  info(logger, 'Starting a new Carbon instance. Current instance will be shutdown'),
  info(logger, 'Halting JVM'),
];

const commonPreamble = (serverName: string, carbonHome: string, tmpDir: string): LogEvent[] => [
  info(carbonCore, `Starting ${serverName}...`),
  info(carbonCore, `Operating System : ${process.platform}, ${process.arch}`),
  info(carbonCore, 'Java VM          : Simulated JVM (Node.js) for wso2-supervisor tests'),
  info(carbonCore, `Carbon Home      : ${carbonHome}`),
  info(carbonCore, `Java Temp Dir    : ${tmpDir}`),
];

const miServer = 'WSO2 Micro Integrator';
const miCore = 'org.wso2.micro.integrator.core.internal.CoreServerInitializer';
const miVersion = '4.3.0';
/** MI's internal API listeners carry the inbound endpoint names of `InboundHttpConstants.java`. */
const miListenerNames: Record<string, string> = {
  http: 'HTTP',
  https: 'HTTPS',
  'internal-http': 'EI_INTERNAL_HTTP_INBOUND_ENDPOINT',
  management: 'EI_INTERNAL_HTTPS_INBOUND_ENDPOINT',
};

export const miFlavour: Carbon4Flavour = {
  product: productOf('mi'),
  version: miVersion,
  mainClass: 'org.wso2.micro.integrator.bootstrap.Bootstrap',
  // `StartupFinalizer.completeInitialization()` -> `EndpointListenerLoader.loadListeners()`: the internal API
  // listeners start last, just before the ready line.
  latePorts: new Set(['internal-http', 'management']),
  listenerLine: (port) => passThroughStarted(miListenerNames[port.name] ?? port.name, port.port),
  bindFailure: passThroughBindFailure,
  preamble: (home, tmp) => commonPreamble(miServer, home, tmp),
  // `StartupFinalizer.printInfo`: `String.format("%.2f")` of the seconds since the JVM started.
  readyLines: (elapsedMs) => [
    info(
      'org.wso2.micro.integrator.initializer.StartupFinalizer',
      `WSO2 Micro Integrator started in ${(elapsedMs / 1000).toFixed(2)} seconds`,
    ),
  ],
  // `CoreServerInitializer.shutdownGracefully` then `shutdown`; "Halting JVM" is DEBUG there, so not shown.
  shutdownStart: () => [info(miCore, `Gracefully shutting down ${miServer}...`)],
  shutdownEnd: () => [info(miCore, 'Micro Integrator Shutdown complete')],
  restartLines: () => restartedBy(miServer, miCore),
  // `probes/ReadinessResource.java`, `LivenessResource.java` (their spacing).
  readinessBody: (ready) =>
    ready
      ? `{"version":"${miVersion}", "update_level":"0", "status" : "ready"}`
      : `{"version":"${miVersion}", "update_level":"0", "status" : "not ready, faulty CAPPs detected", ` +
        `"details" : {"faulty_capps" : ["SimulatedFaultyCApp_1.0.0"]}}`,
  livenessBody: () => '{"server" : "started"}',
  pages: {},
};

const apimServer = 'WSO2 API Manager';
const apimVersion = '4.3.0';
const carbonServerManager = 'org.wso2.carbon.core.init.CarbonServerManager';
const tomcat = 'org.apache.coyote.http11.Http11NioProtocol';
const protocolHandler = (port: EffectivePort) =>
  port.scheme === 'https' ? `["https-jsse-nio-${port.port}"]` : `["http-nio-${port.port}"]`;

/**
 * API-M's start-up lines per port. The pass-through and JMX lines are the real ones (wso2-synapse,
 * carbon-kernel `JMXServerManager`); the broker, binary receiver and WebSocket lines are in our words.
 */
function apimListenerLine(port: EffectivePort, offset: number): LogEvent | undefined {
  switch (port.name) {
    case 'gateway-http':
      return passThroughStarted('HTTP', port.port);
    case 'gateway-https':
      return passThroughStarted('HTTPS', port.port);
    case 'websub':
      return passThroughStarted('WebhookServer', port.port);
    case 'websub-secure':
      return passThroughStarted('SecureWebhookServer', port.port);
    case 'jmx-registry':
      return undefined; // one line names both JMX ports, logged with the server port
    case 'jmx-server':
      return info(
        'org.wso2.carbon.core.init.JMXServerManager',
        `JMX Service URL  : service:jmx:rmi://localhost:${port.port}/jndi/rmi://localhost:${9999 + offset}/jmxrmi`,
      );
    case 'https-servlet':
    case 'http-servlet':
      return info(tomcat, `Starting ProtocolHandler ${protocolHandler(port)}`);
    default:
      return info(
        'org.wso2.carbon.sim.Listener',
        `${port.purpose.charAt(0).toUpperCase()}${port.purpose.slice(1)} listening on 0.0.0.0:${port.port}`,
      );
  }
}

export const apimFlavour: Carbon4Flavour = {
  product: productOf('apim'),
  version: apimVersion,
  mainClass: 'org.wso2.carbon.bootstrap.Bootstrap',
  // Carbon starts the servlet transport's connectors when start-up completes, right before the ready lines.
  latePorts: new Set(['https-servlet', 'http-servlet']),
  listenerLine: apimListenerLine,
  bindFailure: (port) =>
    port.name === 'https-servlet' || port.name === 'http-servlet'
      ? {
          level: 'ERROR',
          logger: tomcat,
          message: `Failed to initialize end point associated with ProtocolHandler ${protocolHandler(port)}`,
          exception: bindException,
        }
      : passThroughBindFailure(),
  preamble: (home, tmp) => commonPreamble(apimServer, home, tmp),
  // carbon-kernel `StartupFinalizerServiceComponent` (whole seconds) and `CarbonUIServiceComponent`.
  readyLines: (elapsedMs, ports, hostname) => {
    const consolePort = ports.find((p) => p.name === 'https-servlet')?.port;
    const consoleBase = `https://${hostname}:${consolePort}`;
    return [
      info(
        'org.wso2.carbon.core.internal.StartupFinalizerServiceComponent',
        `Server           :  ${apimServer}-${apimVersion}`,
      ),
      info(
        'org.wso2.carbon.core.internal.StartupFinalizerServiceComponent',
        `WSO2 Carbon started in ${Math.floor(elapsedMs / 1000)} sec`,
      ),
      info(
        'org.wso2.carbon.ui.internal.CarbonUIServiceComponent',
        `Mgt Console URL  : ${consoleBase}/carbon/`,
      ),
      info(
        'org.wso2.carbon.ui.internal.CarbonUIServiceComponent',
        `API Developer Portal Default Context : ${consoleBase}/devportal`,
      ),
      info(
        'org.wso2.carbon.ui.internal.CarbonUIServiceComponent',
        `API Publisher Default Context : ${consoleBase}/publisher`,
      ),
    ];
  },
  // carbon-kernel `core/init/CarbonServerManager.java`; the hook line only when a signal started the shutdown.
  shutdownStart: (bySignal) => [
    ...(bySignal ? [info(carbonServerManager, 'Shutdown hook triggered....')] : []),
    info(carbonServerManager, `Gracefully shutting down ${apimServer}...`),
  ],
  shutdownEnd: () => [
    info(carbonServerManager, `Shutting down ${apimServer}...`),
    info(carbonServerManager, 'Shutting down OSGi framework...'),
    { ...info(carbonServerManager, 'Shutdown complete'), layout: 'jul' },
    { ...info(carbonServerManager, 'Halting JVM'), layout: 'jul' },
  ],
  restartLines: () => restartedBy(apimServer, carbonServerManager),
  // carbon-apimgt `ServerStartupHealthcheckApiServiceImpl`: 200 with no body once every API is deployed.
  readinessBody: (ready) => (ready ? '' : '{"code":500,"message":"Not all APIs are deployed yet"}'),
  // The Version admin service, answered on the HTTP servlet port (wso2/helm-apim liveness probe).
  livenessBody: () =>
    '<ns:getVersionResponse xmlns:ns="http://version.services.core.carbon.wso2.org">' +
    `<ns:return>${apimServer}-${apimVersion}</ns:return></ns:getVersionResponse>`,
  pages: { 'https-servlet': ['/carbon/', '/publisher', '/devportal', '/admin'] },
};

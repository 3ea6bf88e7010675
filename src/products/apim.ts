import { bindFailure, type Product } from './product.js';

/**
 * WSO2 API Manager 4.x, all-in-one profile. Sources (see ../shared/wso2/ports.md):
 * - ports: docs-apim `reference/default-product-ports.md`, corrected from the product's own config:
 *   8672 (AMQP over SSL, product-apim `resources/conf/default.json`), 8099 / 9021 / 8021 (inbound endpoints
 *   shipped active in `synapse-configs/default/inbound-endpoints/`), JMX 9999 registry / 11111 server
 *   (carbon-kernel `default.json`, the docs swap them). Left out because API-M 4.x never opens them by default:
 *   10389 / 8000 (no embedded LDAP feature in the p2 profile), clustering 45564 / 4000 (clustering off),
 *   thrift 7611 / 7711 (receiver disabled).
 * - default offset 0: carbon-kernel `templates/repository/conf/carbon.xml.j2` `{{server.offset | default('0')}}`.
 * - ready line: carbon-kernel `StartupFinalizerServiceComponent.java` ("WSO2 Carbon started in N sec");
 *   the later `Mgt Console URL` line is not printed by every kernel, so it is not required.
 * - probes: wso2/helm-apim all-in-one deployment: liveness `/services/Version` on 9763, readiness
 *   `/api/am/gateway/v2/server-startup-healthcheck` on 9443 (HTTPS), 200 once every API is deployed
 *   (carbon-apimgt `ServerStartupHealthcheckApiServiceImpl.java`).
 * - shutdown lines: carbon-kernel `core/init/CarbonServerManager.java`.
 * - API-M only warns on an unsupported JDK and starts anyway: not a start failure.
 */
export const apim: Product = {
  id: 'apim',
  displayName: 'WSO2 API Manager',
  defaultOffset: 0,
  startScript: { sh: 'bin/api-manager.sh', bat: 'bin/api-manager.bat' },
  offsetSetting: { kind: 'argument', property: 'portOffset' },
  offsetConfig: {
    file: 'repository/conf/deployment.toml',
    format: 'toml',
    key: ['server', 'offset'],
    shipsDefault: false,
  },
  carbonLog: 'repository/logs/wso2carbon.log',
  pidFile: 'wso2carbon.pid',
  ports: [
    {
      base: 9443,
      name: 'https-servlet',
      purpose: 'HTTPS servlet: management console, Publisher, Developer Portal, Admin',
      scheme: 'https',
      urlPaths: ['/publisher', '/devportal', '/admin', '/carbon'],
    },
    {
      base: 9763,
      name: 'http-servlet',
      purpose: 'HTTP servlet (liveness: /services/Version)',
      scheme: 'http',
      urlPaths: ['/services/Version'],
    },
    { base: 8280, name: 'gateway-http', purpose: 'gateway pass-through HTTP', scheme: 'http' },
    { base: 8243, name: 'gateway-https', purpose: 'gateway pass-through HTTPS', scheme: 'https' },
    { base: 5672, name: 'amqp', purpose: 'internal message broker (AMQP)', scheme: 'tcp' },
    { base: 8672, name: 'amqp-ssl', purpose: 'internal message broker, AMQP over SSL', scheme: 'tcp' },
    { base: 9611, name: 'throttle-binary', purpose: 'throttling events, binary TCP', scheme: 'tcp' },
    { base: 9711, name: 'throttle-binary-ssl', purpose: 'throttling events, binary SSL', scheme: 'tcp' },
    { base: 9099, name: 'websocket', purpose: 'WebSocket gateway (ws)', scheme: 'http' },
    { base: 8099, name: 'websocket-secure', purpose: 'secure WebSocket gateway (wss)', scheme: 'https' },
    { base: 9021, name: 'websub', purpose: 'WebSub/WebHook event receiver (HTTP)', scheme: 'http' },
    { base: 8021, name: 'websub-secure', purpose: 'WebSub/WebHook event receiver (HTTPS)', scheme: 'https' },
    { base: 9999, name: 'jmx-registry', purpose: 'JMX RMI registry', scheme: 'tcp' },
    { base: 11111, name: 'jmx-server', purpose: 'JMX RMI server', scheme: 'tcp' },
  ],
  readyLine: /WSO2 Carbon started in \d+ sec/,
  readiness: { portBase: 9443, scheme: 'https', path: '/api/am/gateway/v2/server-startup-healthcheck' },
  liveness: { portBase: 9763, scheme: 'http', path: '/services/Version' },
  shutdownLines: [/Gracefully shutting down WSO2 API Manager/, /Shutdown complete/, /Halting JVM/],
  startFailures: [bindFailure],
};

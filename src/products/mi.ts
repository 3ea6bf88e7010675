import { bindFailure, type Product } from './product.js';

/**
 * WSO2 Micro Integrator 4.x. Sources (see ../shared/wso2/ports.md):
 * - ports: docs-apim `reference/default-product-ports.md` (MI section); wso2/micro-integrator
 *   `distribution/src/resources/config-tool/default.json` (8280/8243 pass-through, 9191/9154 internal API).
 *   MI 4.x opens exactly these four: no receiver for 8200 in `axis2.xml.j2`, no JMX RMI connector.
 * - default offset 10: `templates/conf/carbon.xml.j2` `{{server.offset | default('10')}}`; an explicit offset
 *   replaces it (docs-mi "changing the default ports": offset 3 gives 8283).
 * - ready line: `StartupFinalizer.java`, `String.format("%.2f")` in the default locale (`,` possible).
 * - probes: `org.wso2.micro.integrator.probes` ReadinessResource (`/healthz`) and LivenessResource
 *   (`/liveness`), HTTP only, on the internal API port; wso2/helm-mi probes the same.
 * - shutdown lines: `core/internal/CoreServerInitializer.java`.
 * - unsupported JDK: `micro-integrator.sh` (4.2+) prints this and exits 0.
 */
export const mi: Product = {
  id: 'mi',
  displayName: 'WSO2 Micro Integrator',
  defaultOffset: 10,
  startScript: { sh: 'bin/micro-integrator.sh', bat: 'bin/micro-integrator.bat' },
  offsetSetting: { kind: 'argument', property: 'portOffset' },
  offsetConfig: {
    file: 'conf/deployment.toml',
    format: 'toml',
    key: ['server', 'offset'],
    shipsDefault: false,
  },
  carbonLog: 'repository/logs/wso2carbon.log',
  pidFile: 'wso2carbon.pid',
  ports: [
    {
      base: 8280,
      name: 'http',
      purpose: 'HTTP pass-through transport (APIs, proxy services)',
      scheme: 'http',
    },
    { base: 8243, name: 'https', purpose: 'HTTPS pass-through transport', scheme: 'https' },
    {
      base: 9191,
      name: 'internal-http',
      purpose: 'internal HTTP API (readiness and liveness probes)',
      scheme: 'http',
      urlPaths: ['/healthz', '/liveness'],
    },
    {
      base: 9154,
      name: 'management',
      purpose: 'HTTPS Management API',
      scheme: 'https',
      urlPaths: ['/management'],
    },
  ],
  readyLine: /WSO2 Micro Integrator started in \d+[.,]\d+ seconds/,
  readiness: { portBase: 9191, scheme: 'http', path: '/healthz' },
  liveness: { portBase: 9191, scheme: 'http', path: '/liveness' },
  shutdownLines: [/Gracefully shutting down WSO2 Micro Integrator/, /Micro Integrator Shutdown complete/],
  startFailures: [bindFailure, /WSO2 MI is supported only between JDK/],
};

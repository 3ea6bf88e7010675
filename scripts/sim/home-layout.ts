import type { ProductId } from '../../src/products/product.js';

/**
 * Files of a simulated home that the catalog (src/products) does not name: shared by the home builder
 * (make-home.ts) and the simulated JVM, all relative to the home. Nothing here may live under `tmp/` if it
 * must survive a start, since the MI / API-M start scripts empty `tmp/` every time.
 */
export interface HomeLayout {
  /** The self-signed pair the HTTPS ports serve (the real server keeps `wso2carbon.jks` in this folder). */
  readonly cert: string;
  readonly key: string;
  readonly logs: string;
  readonly tmp: string;
  /** Marks the one restart (exit 121) of a start-script run that WSO2_SIM_RESTART_AFTER_MS asks for. */
  readonly restartMarker: string;
  /** Under `tmp/` on purpose: it describes the current run only. */
  readonly grandchildPid: string;
}

/** MI and API-M (Carbon 4 layout, `repository/`). */
export const homeLayout = {
  cert: 'repository/resources/security/wso2carbon.pem',
  key: 'repository/resources/security/wso2carbon-key.pem',
  logs: 'repository/logs',
  tmp: 'tmp',
  diagnostics: 'diagnostics-tool/bin/diagnostics.sh',
  restartMarker: 'repository/sim-restart-once',
  grandchildPid: 'tmp/sim-grandchild.pid',
} as const;

/**
 * SI, SI Tooling and EI Analytics (Carbon 5: `resources/security/`, the runtime's files under `wso2/server/`;
 * carbon5.md). Their scripts never empty `tmp/`.
 */
export const carbon5Layout = {
  cert: 'resources/security/wso2carbon.pem',
  key: 'resources/security/wso2carbon-key.pem',
  logs: 'wso2/server/logs',
  tmp: 'tmp',
  /** The runtime's start script, which `bin/server.sh` / `bin/tooling.sh` run. */
  carbonScript: 'wso2/server/bin/carbon.sh',
  restartMarker: 'wso2/server/sim-restart-once',
  grandchildPid: 'tmp/sim-grandchild.pid',
} as const;

export function layoutOf(product: ProductId): HomeLayout {
  return product === 'mi' || product === 'apim' ? homeLayout : carbon5Layout;
}

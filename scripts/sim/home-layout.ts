/**
 * Files of a simulated home that the catalog (src/products) does not name: shared by the home builder
 * (make-home.ts) and the simulated JVM, all relative to the home. Nothing here may live under `tmp/` if it
 * must survive a start, since the start script empties `tmp/` every time.
 */
export const homeLayout = {
  /** The self-signed pair the HTTPS ports serve (the real server keeps `wso2carbon.jks` in this folder). */
  cert: 'repository/resources/security/wso2carbon.pem',
  key: 'repository/resources/security/wso2carbon-key.pem',
  logs: 'repository/logs',
  tmp: 'tmp',
  diagnostics: 'diagnostics-tool/bin/diagnostics.sh',
  /** Marks the one restart (exit 121) of a start-script run that WSO2_SIM_RESTART_AFTER_MS asks for. */
  restartMarker: 'repository/sim-restart-once',
  /** Under `tmp/` on purpose: it describes the current run only. */
  grandchildPid: 'tmp/sim-grandchild.pid',
} as const;

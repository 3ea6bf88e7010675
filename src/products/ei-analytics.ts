import { carbon5, databridgePorts } from './carbon5.js';
import { si } from './si.js';

/**
 * WSO2 EI Analytics 7.1 server (`wso2ei-analytics-7.1.0`, the one MI publishes to): SI 1.1.0's server with
 * the shipped offset 1 (Carbon 5: see carbon5.ts). Sources (../shared/wso2/carbon5.md):
 * - observability-ei v7.1.0 `classic/distribution/src/conf/server/deployment.yaml`: offset 1 over SI's
 *   9090/9443/7611/7711/9611/9711, so 9091/9444/7612/7712/9612/9712; this is the "internal port offset of 1"
 *   of docs-apim `mi-setup/changing_default_ports.md`, replaced like MI's 10. MI publishes to 7612 / 7712.
 * - store API 7070/7443 as in SI, not offset (carbon-analytics `StoresApi.java`).
 * - script `bin/server.sh` (SI 1.1.0's). The dashboard (`bin/portal.sh`) is another runtime, not covered.
 * - EI 6.4–6.6's analytics profile is refused: its msf4j (2.6.4–2.7.3, before 2.7.5) uses the listener ports
 *   as written, so no offset moves them (msf4j `MicroservicesServerSC.java`, commit `45f45d00`), and its
 *   `bin/analytics-worker.sh` never exits when the JVM dies.
 */
export const eiAnalytics = carbon5({
  id: 'ei-analytics',
  displayName: 'WSO2 EI Analytics',
  defaultOffset: 1,
  startScript: { sh: 'bin/server.sh', bat: 'bin/server.bat' },
  httpBase: 9090,
  ports: [
    ...si.ports.filter((p) => p.announced),
    ...databridgePorts,
    ...si.ports.filter((p) => p.follows === 'fixed'),
  ],
  refusedHomes: [
    {
      marker: 'wso2/analytics/bin/worker.sh',
      message:
        "this is an EI 6.x home: its analytics profile's listener ports do not move with any offset (msf4j before 2.7.5)",
      hint: 'Supervise EI Analytics 7.1 (its bin/server.sh), or run the EI 6.x analytics worker outside the supervisor.',
    },
  ],
});

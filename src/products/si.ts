import { carbon5, databridgePorts } from './carbon5.js';

/**
 * WSO2 Streaming Integrator 1.1 and 4.0–4.3 (Carbon 5: see carbon5.ts). Sources (../shared/wso2/carbon5.md):
 * - ports: SI `conf/server/deployment.yaml`; docs-si `ref/configuring-default-ports.md` (7070/7443 listed there
 *   only). 9090 HTTP netty listener id `default`, 9443 HTTPS `msf4j-https`.
 * - default offset 0 (`wso2.carbon.ports.offset: 0` in the shipped file).
 * - script `bin/server.sh` (modules/distribution/carbon-home/bin), byte-identical from 1.1.0 to master.
 */
export const si = carbon5({
  id: 'si',
  displayName: 'WSO2 Streaming Integrator',
  defaultOffset: 0,
  startScript: { sh: 'bin/server.sh', bat: 'bin/server.bat' },
  httpBase: 9090,
  ports: [
    {
      base: 9090,
      name: 'http',
      purpose: 'HTTP listener: REST APIs, /health',
      scheme: 'http',
      urlPaths: ['/health'],
      announced: true,
    },
    {
      base: 9443,
      name: 'https',
      purpose: 'HTTPS listener: REST APIs (Siddhi apps, /siddhi-apps)',
      scheme: 'https',
      urlPaths: ['/health', '/siddhi-apps'],
      announced: true,
    },
    ...databridgePorts,
    {
      base: 7070,
      name: 'store-api',
      purpose: 'Siddhi Store Query API (HTTP)',
      scheme: 'http',
      follows: 'fixed',
      listener: { index: 0, id: 'default' },
    },
    {
      base: 7443,
      name: 'store-api-https',
      purpose: 'Siddhi Store Query API (HTTPS)',
      scheme: 'https',
      follows: 'fixed',
      listener: { index: 1, id: 'msf4j-https' },
    },
  ],
});

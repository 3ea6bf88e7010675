import { carbon5, databridgePorts } from './carbon5.js';

/**
 * WSO2 Streaming Integrator Tooling 4.0–4.2 (Carbon 5: see carbon5.ts; the web editor is gone from 4.3,
 * docs-si 4.3.1 `about-this-release.md`). Sources (../shared/wso2/carbon5.md):
 * - ports: streaming-integrator-tooling `conf/server/deployment.yaml`: HTTP 9387 and HTTPS 9740 as written,
 *   so 9390 / 9743 at the shipped offset; the editor at `/editor` (carbon-analytics `siddhi.editor.core`
 *   `StartupComponent.java`); the store API on 7370, HTTP only, not offset (wso2/product-integrator-si#148).
 *   The databridge receivers ship configured; whether they open is unconfirmed, so they are planned for.
 *   The store API listener's id is taken to be `default`, as in SI's file (unconfirmed for Tooling).
 * - default offset 3 (`wso2.carbon.ports.offset: 3`): the offset replaces it, so offset 0 gives 9387.
 * - script `bin/tooling.sh`.
 */
export const siTooling = carbon5({
  id: 'si-tooling',
  displayName: 'WSO2 Streaming Integrator Tooling',
  defaultOffset: 3,
  startScript: { sh: 'bin/tooling.sh', bat: 'bin/tooling.bat' },
  httpBase: 9387,
  ports: [
    {
      base: 9387,
      name: 'http',
      purpose: 'HTTP listener: the web editor, /health',
      scheme: 'http',
      urlPaths: ['/editor', '/health'],
      announced: true,
    },
    { base: 9740, name: 'https', purpose: 'HTTPS listener', scheme: 'https', announced: true },
    ...databridgePorts,
    {
      base: 7370,
      name: 'store-api',
      purpose: 'Siddhi Store Query API (HTTP)',
      scheme: 'http',
      follows: 'fixed',
      listener: { index: 0, id: 'default' },
    },
  ],
});

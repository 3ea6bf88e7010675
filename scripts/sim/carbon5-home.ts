import { productOf } from '../../src/products/catalog.js';
import type { PortSpec } from '../../src/products/product.js';
import { type Carbon5Id, carbon5Launcher, carbonScript } from './carbon5-script.js';
import { carbon5ConfigId } from './flavours.js';
import { carbon5Layout } from './home-layout.js';

/**
 * The files of a simulated Carbon 5 home (SI, SI Tooling, EI Analytics 7.1), relative to the home, with their
 * text and mode: the launcher (`bin/server.sh` or `bin/tooling.sh`) and its `.bat` stub, the runtime's
 * `wso2/server/bin/carbon.sh`, and `conf/server/deployment.yaml` with what a supervisor touches of it.
 */
export interface HomeFile {
  readonly path: string;
  readonly text: string;
  readonly mode: number;
}

export function carbon5Files(product: Carbon5Id, offset: number | undefined): HomeFile[] {
  const spec = productOf(product);
  return [
    { path: spec.startScript.sh, text: carbon5Launcher(product), mode: 0o755 },
    { path: carbon5Layout.carbonScript, text: carbonScript(product), mode: 0o755 },
    { path: spec.offsetConfig.file, text: deploymentYaml(product, offset), mode: 0o644 },
  ];
}

/**
 * `deployment.yaml` as shipped, cut down: `wso2.carbon` with the product's name and shipped offset (or the
 * user's pin), the netty listeners of `wso2.transport.http` at their written ports (offset added by msf4j), and
 * the Store Query API's listeners (never offset). Sources: SI and Tooling `conf/server/deployment.yaml`,
 * observability-ei v7.1.0 `classic/distribution/src/conf/server/deployment.yaml` (carbon5.md). The `id` values
 * are the simulator's own, so its JVM can tell EI Analytics (named "WSO2 Streaming Integrator" too) from SI.
 */
export function deploymentYaml(product: Carbon5Id, offset: number | undefined): string {
  const spec = productOf(product);
  // EI Analytics 7.1's server is SI 1.1.0 under SI's name (carbon5.md, "Versions").
  const name = product === 'si-tooling' ? 'WSO2 Streaming Integrator Tooling' : 'WSO2 Streaming Integrator';
  const netty = spec.ports.filter((p) => p.announced === true);
  const store = spec.ports.filter((p) => p.listener !== undefined);
  return [
    `# Simulated ${spec.displayName} home (wso2-supervisor scripts/make-home.ts): the parts of the real`,
    '# conf/server/deployment.yaml a supervisor touches.',
    'wso2.carbon:',
    '  type: wso2-carbon',
    `  id: ${carbon5ConfigId(product)}`,
    `  name: ${name}`,
    '  ports:',
    '    # Added to every offset-aware port (netty listeners, databridge receivers); not to the store API.',
    `    offset: ${offset ?? spec.defaultOffset}`,
    '',
    'wso2.transport.http:',
    '  listenerConfigurations:',
    ...netty.flatMap((p) => listener(p.scheme === 'https' ? 'msf4j-https' : 'default', p)),
    '',
    'siddhi.stores.query.api:',
    '  listenerConfigurations:',
    ...store.flatMap((p) => listener(p.listener?.id ?? p.name, p)),
    '',
  ].join('\n');
}

function listener(id: string, port: PortSpec): string[] {
  return [
    `    - id: "${id}"`,
    '      host: "0.0.0.0"',
    `      port: ${port.base}`,
    ...(port.scheme === 'https'
      ? [
          '      scheme: https',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a carbon-config placeholder, written as is
          '      keyStoreFile: "${carbon.home}/resources/security/wso2carbon.jks"',
          '      keyStorePassword: wso2carbon',
          '      certPass: wso2carbon',
        ]
      : []),
  ];
}

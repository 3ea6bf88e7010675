import { productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';
import { carbon4 } from './carbon4.js';
import { apimFlavour, miFlavour } from './carbon4-flavours.js';
import { carbon5, launcherMainClass } from './carbon5.js';
import type { Flavour } from './flavour.js';
import { readYaml, yamlPath } from './yaml-config.js';

/**
 * Every simulated product, and how the simulated JVM tells which one it is running. MI and API-M have a main
 * class each; SI, SI Tooling and EI Analytics share Carbon 5's launcher, and their start scripts pass nothing
 * product-specific, so the JVM reads the home's `deployment.yaml` as the real runtime would, and goes by its
 * `wso2.carbon.id`.
 */
const si = carbon5({ product: productOf('si'), version: '4.3.0', configId: 'wso2-si', editor: false });
const siTooling = carbon5({
  product: productOf('si-tooling'),
  version: '4.2.0',
  configId: 'wso2-si-tooling',
  editor: true,
});
// EI Analytics 7.1.0 is SI 1.1.0's server (observability-ei v7.1.0).
const eiAnalytics = carbon5({
  product: productOf('ei-analytics'),
  version: '7.1.0',
  configId: 'wso2-ei-analytics',
  editor: false,
});
const carbon5Flavours = [si, siTooling, eiAnalytics];

const flavours: Record<ProductId, Flavour> = {
  mi: carbon4(miFlavour),
  apim: carbon4(apimFlavour),
  si,
  'si-tooling': siTooling,
  'ei-analytics': eiAnalytics,
};

export function flavourOf(product: ProductId): Flavour {
  return flavours[product];
}

/** The `wso2.carbon.id` a simulated Carbon 5 home's `deployment.yaml` carries (make-home.ts writes it). */
export function carbon5ConfigId(product: ProductId): string | undefined {
  return carbon5Flavours.find((f) => f.product.id === product)?.configId;
}

/**
 * The product a JVM runs, from its main class and, for Carbon 5, the `wso2.carbon.id` of
 * `<carbon.home>/conf/<wso2.runtime>/deployment.yaml`. A file that cannot be read or names no known id runs
 * as SI, which then fails to read its configuration as the real one would.
 */
export function flavourForLaunch(
  mainClass: string,
  carbonHome: string,
  properties: ReadonlyMap<string, string>,
): Flavour | undefined {
  if (mainClass !== launcherMainClass) return Object.values(flavours).find((f) => f.mainClass === mainClass);
  let id: unknown;
  try {
    const carbon = readYaml(yamlPath(carbonHome, properties))['wso2.carbon'];
    id = typeof carbon === 'object' && carbon !== null ? (carbon as Record<string, unknown>).id : undefined;
  } catch {
    id = undefined;
  }
  return carbon5Flavours.find((f) => f.configId === id) ?? si;
}

/** The real diagnostics tool's main class (`diagnostics-tool/bin/diagnostics.sh`, MI / API-M 4.3+). */
export const diagnosticsMainClass = 'org.wso2.diagnostics.DiagnosticsApp';

/** Carbon 5's install-jars tool, which `bin/server.sh` / `bin/tooling.sh` run before the server. */
export const toolExecutorMainClass = 'org.wso2.carbon.tools.CarbonToolExecutor';

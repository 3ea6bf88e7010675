import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeHome } from '../../scripts/make-home.js';
import { buildExportModel } from '../../src/export/build-model.js';
import { readConfigFiles } from '../../src/export/home-files.js';
import type { ImageChoices } from '../../src/export/images.js';
import type { ExportModel } from '../../src/export/model.js';
import type { Manifest } from '../../src/manifest/instance-config.js';
import { loadManifest } from '../../src/manifest/load.js';
import { planFleet } from '../../src/process/plan-fleet.js';
import type { ProductId } from '../../src/products/product.js';
import { tempDir } from '../helpers/fake-home.js';

/** The two fleets every export test renders: the repository's example, and one that uses every hard case. */
export interface Fleet {
  readonly root: string;
  readonly manifestFile: string;
  readonly manifest: Manifest;
  readonly model: ExportModel;
}

/** Every port free: the plan, and so the artefacts, do not depend on what this host runs. */
const allFree = async (ports: readonly number[]) =>
  new Map(ports.map((port) => [port, { free: true as const }]));

/** A value that systemd, Compose and YAML each treat specially: blanks, specifiers, variables, quotes. */
export const awkwardValue = `a  b %h 100% $HOME \${X} "double" 'single' back\\slash; no`;
export const awkwardArgument = '-Dgreeting=hello world $PATH 50%';
export const secretValue = 'pa55-s3cret-value';

/** A pinned and automatic offsets, a chain gateway <- orders <- streams, Carbon 5, overrides, a secret. */
export const hardManifest = {
  defaults: { env: { JAVA_HOME: '/usr/lib/jvm/java-17' }, stopTimeoutSeconds: 45 },
  instances: [
    { name: 'gateway', product: 'apim', home: 'homes/gateway', offset: 7, restart: { policy: 'never' } },
    {
      name: 'orders',
      product: 'mi',
      home: 'homes/orders',
      dependsOn: ['gateway'],
      args: [awkwardArgument, '-Dplain=1'],
      env: { NOTE: awkwardValue, DB_PASSWORD: secretValue, JAVA_MEM_OPTS: '-Xms512m -Xmx2g' },
      readiness: { http: 'http://127.0.0.1:{port:9191}/healthz?full=true' },
      restart: { policy: 'always', maxRestarts: 3, windowSeconds: 120, backoff: { initialSeconds: 4 } },
      unhealthyAfterSeconds: 60,
    },
    { name: 'streams', product: 'si', home: 'homes/streams', dependsOn: ['orders'], startTimeoutSeconds: 95 },
    {
      name: 'tools',
      product: 'si-tooling',
      home: 'homes/tools',
      autostart: false,
      readiness: { ports: true },
    },
    { name: 'batch_1', product: 'mi', home: 'homes/batch_1', readiness: { log: 'Batch ready' } },
  ],
};

export async function hardFleet(images: ImageChoices = {}): Promise<Fleet> {
  const root = await tempDir('wso2-export-hard-');
  for (const instance of hardManifest.instances)
    await makeHome({ product: instance.product as ProductId, home: path.join(root, instance.home) });
  return fleetAt(root, hardManifest, images);
}

export async function exampleFleet(images: ImageChoices = {}): Promise<Fleet> {
  const root = await tempDir('wso2-export-example-');
  const example = JSON.parse(
    await readFile(path.resolve(import.meta.dirname, '../../instances.example.json'), 'utf8'),
  ) as { $schema?: string; instances: { home: string; product: ProductId }[] };
  delete example.$schema;
  for (const instance of example.instances)
    await makeHome({ product: instance.product, home: path.join(root, instance.home) });
  return fleetAt(root, example, images);
}

async function fleetAt(root: string, document: unknown, images: ImageChoices): Promise<Fleet> {
  const manifestFile = path.join(root, 'instances.json');
  await writeFile(manifestFile, JSON.stringify(document, null, 2));
  const manifest = await loadManifest(manifestFile);
  const plan = await planFleet(manifest, { prober: allFree });
  const configFiles = await readConfigFiles(manifest);
  return { root, manifestFile, manifest, model: buildExportModel({ manifest, plan, configFiles, images }) };
}

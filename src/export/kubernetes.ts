import { configVolumeUnconfirmed } from './container-paths.js';
import { crossReferences } from './cross-references.js';
import { assumedImage } from './images.js';
import { secretName } from './k8s-container.js';
import { objectNames } from './k8s-names.js';
import { instanceObjects } from './k8s-objects.js';
import type { ExportedInstance, ExportModel, NotCarried, Rendered } from './model.js';
import { supervisorOnly } from './supervisor-only.js';
import { yamlStream } from './yaml-text.js';

/**
 * Plain manifests, one file per instance (ConfigMap, Deployment, Service), and a Dockerfile per instance for
 * what the home holds beyond its config (scale-out.md §3.1). The objects are validated by kubernetes-models
 * in the tests; `kubectl apply -f DIR` takes the folder.
 */
export function renderKubernetes(model: ExportModel): Rendered {
  const names = objectNames(model.instances.map((i) => i.name));
  const files = new Map<string, string>();
  const notCarried: NotCarried[] = [...supervisorOnly(model), ...fleetLosses];
  for (const instance of model.instances) {
    const objects = instanceObjects(instance, model, names);
    const documents = [objects.configMap, objects.deployment, objects.service].flatMap((o) =>
      o ? [o.toJSON()] : [],
    );
    files.set(`${instance.name}.yaml`, yamlStream(documents));
    files.set(`${instance.name}.Dockerfile`, dockerfile(instance));
    notCarried.push(...objects.notCarried, ...instanceLosses(instance, names.get(instance.name) as string));
    notCarried.push(
      ...configVolumeUnconfirmed(instance),
      ...crossReferences(instance, model.instances, names),
    );
  }
  return { files, notCarried };
}

/** An image with the home's CApps and jars: the `home` cannot become an image by itself (scale-out.md §3.1). */
function dockerfile(instance: ExportedInstance): string {
  return [
    `# ${instance.name}: what the home holds beyond its config (CApps, extra jars) belongs in an image built FROM`,
    `# the product's, as docker-apim's apim-with-mi/dockerfiles/mi/Dockerfile does; then use it with --image.`,
    `FROM ${instance.image.ref}`,
    instance.product === 'mi'
      ? '# COPY carbonapps/ $WSO2_SERVER_HOME/repository/deployment/server/carbonapps/'
      : '# COPY <files> $WSO2_SERVER_HOME/<their folder in the home>/',
    '',
  ].join('\n');
}

const fleetLosses: readonly NotCarried[] = [
  {
    what: 'restart limits (maxRestarts, windowSeconds, backoff)',
    why: 'the kubelet restarts with its own CrashLoopBackOff and never gives up',
  },
  {
    what: 'log rotation (logs.maxBytes, logs.files)',
    why: "output goes to the container log: the cluster's job",
  },
  { what: 'dependencies after start', why: 'init containers wait for a dependency once, when a pod starts' },
];

function instanceLosses(instance: ExportedInstance, objectName: string): NotCarried[] {
  const at = instance.name;
  const losses: NotCarried[] = [];
  if (instance.secretEnv.length > 0)
    losses.push({
      instance: at,
      what: `env ${instance.secretEnv.join(', ')}`,
      why: `secret-looking: read from the Secret ${secretName(objectName)}, not written; create it: kubectl create secret generic ${secretName(objectName)} ${instance.secretEnv.map((n) => `--from-literal=${n}=…`).join(' ')}`,
    });
  // A WSO2 config file usually holds keystore, admin and database passwords: a ConfigMap is not secret.
  if (instance.config !== undefined && /password|secret/i.test(instance.config.text))
    losses.push({
      instance: at,
      what: instance.config.file,
      why: 'holds passwords, and goes into a ConfigMap in clear: move them to a Secret (WSO2 secure vault, or env placeholders) before applying',
    });
  losses.push(...assumedImage(instance, at));
  return losses;
}

import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { configKey, configVolumeName, mainContainer, waitContainers } from './k8s-container.js';
import { portName } from './k8s-names.js';
import type { ExportedInstance, ExportModel, NotCarried } from './model.js';

export const partOf = 'wso2-fleet';

/** The Kubernetes objects of one instance, built through kubernetes-models' types (an unknown field fails tsc). */
export interface InstanceObjects {
  readonly configMap?: ConfigMap;
  readonly deployment: Deployment;
  readonly service: Service;
  readonly notCarried: readonly NotCarried[];
}

/**
 * A Deployment, a ClusterIP Service with the same named ports, and a ConfigMap of the home's config file
 * mounted where WSO2's entrypoints copy it from (scale-out.md §3.1). `replicas: 0` when `autostart` is false;
 * `Recreate` for API-M, as WSO2 does; a grace period 10 s past `stopTimeoutSeconds`.
 */
export function instanceObjects(
  instance: ExportedInstance,
  model: ExportModel,
  names: ReadonlyMap<string, string>,
): InstanceObjects {
  const name = names.get(instance.name) as string;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': partOf };
  const metadata = {
    name,
    labels: { ...labels, 'app.kubernetes.io/component': instance.product },
    annotations: {
      'wso2-supervisor/offset': String(instance.offset),
      'wso2-supervisor/product': instance.product,
      'wso2-supervisor/manifest-hash': model.manifestHash,
    },
  };
  const { container, notCarried } = mainContainer(instance, name);
  const initContainers = waitContainers(instance, model.instances, names);
  const configMap =
    instance.config === undefined
      ? undefined
      : new ConfigMap({
          metadata: { name, labels: metadata.labels },
          data: { [configKey(instance.config.file)]: instance.config.text },
        });
  const deployment = new Deployment({
    metadata,
    spec: {
      replicas: instance.autostart ? 1 : 0,
      ...(instance.product === 'apim' ? { strategy: { type: 'Recreate' } } : {}),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: metadata.labels, annotations: metadata.annotations },
        spec: {
          ...(initContainers.length > 0 ? { initContainers } : {}),
          containers: [container],
          terminationGracePeriodSeconds: instance.stopTimeoutSeconds + 10,
          ...(configMap === undefined ? {} : { volumes: [{ name: configVolumeName, configMap: { name } }] }),
        },
      },
    },
  });
  const service = new Service({
    metadata: { name, labels: metadata.labels },
    spec: {
      type: 'ClusterIP',
      selector: labels,
      ports: instance.ports.map((p) => {
        const port = portName(p.name, p.port);
        return { name: port, port: p.port, targetPort: port, protocol: 'TCP' };
      }),
    },
  });
  return { ...(configMap === undefined ? {} : { configMap }), deployment, service, notCarried };
}

import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { productOf } from '../products/catalog.js';
import { containerEnv } from './container-env.js';
import { containerConfigPath, serverHome } from './container-paths.js';
import { portName } from './k8s-names.js';
import { k8sProbes } from './k8s-probes.js';
import type { ExportedInstance, NotCarried } from './model.js';
import { waitCommand } from './probe-commands.js';

/** The image the init containers wait with: busybox has `wget` and `nc` (scale-out.md §3.1). */
export const waitImage = 'busybox:1.36';
export const configVolumeName = 'wso2-config';
export const secretName = (objectName: string) => `${objectName}-env`;

/**
 * The instance's container: the offset's arguments then the manifest's (the image's entrypoint hands `"$@"` to
 * the script), the container env, every planned port under its catalog name, WSO2's probes, and a preStop
 * that runs the script's `stop` (helm-apim does; helm-mi has none, so MI was SIGKILLed after the grace period:
 * F3). `stop` is accepted by the Carbon 4 and Carbon 5 scripts alike (ports.md, carbon5.md).
 */
export function mainContainer(
  instance: ExportedInstance,
  objectName: string,
): { container: IContainer; notCarried: NotCarried[] } {
  const env = containerEnv(instance);
  const plain: IEnvVar[] = Object.entries(env.plain).map(([name, value]) => ({ name, value }));
  const secret: IEnvVar[] = env.secret.map((name) => ({
    name,
    valueFrom: { secretKeyRef: { name: secretName(objectName), key: name } },
  }));
  const container: IContainer = {
    name: instance.product,
    image: instance.image.ref,
    ...(instance.args.length > 0 ? { args: [...instance.args] } : {}),
    ...(plain.length + secret.length > 0 ? { env: [...plain, ...secret] } : {}),
    ports: instance.ports.map((p) => ({
      name: portName(p.name, p.port),
      containerPort: p.port,
      protocol: 'TCP',
    })),
    ...k8sProbes(instance),
    lifecycle: {
      preStop: {
        exec: { command: ['sh', '-c', `${serverHome}/${productOf(instance.product).startScript.sh} stop`] },
      },
    },
    ...(instance.config === undefined
      ? {}
      : {
          volumeMounts: [
            {
              name: configVolumeName,
              mountPath: containerConfigPath(instance.config.file),
              subPath: configKey(instance.config.file),
              readOnly: true,
            },
          ],
        }),
  };
  return { container, notCarried: [...env.notCarried] };
}

/** The ConfigMap key of a config file: its base name. */
export function configKey(file: string): string {
  return file.split('/').at(-1) ?? file;
}

/**
 * One init container per dependency, polling the dependency's readiness URL through its Service name: an open
 * port is not enough (API-M opens 9443 long before its APIs are deployed; scale-out.md §3.1).
 */
export function waitContainers(
  instance: ExportedInstance,
  dependencies: readonly ExportedInstance[],
  names: ReadonlyMap<string, string>,
): IContainer[] {
  return dependencies
    .filter((dependency) => instance.dependsOn.includes(dependency.name))
    .map((dependency) => {
      const service = names.get(dependency.name) as string;
      return {
        name: `wait-for-${service}`.slice(0, 63).replace(/-+$/, ''),
        image: waitImage,
        command: ['sh', '-c', waitCommand(dependency.probes.readiness, 'wget', service)],
      };
    });
}

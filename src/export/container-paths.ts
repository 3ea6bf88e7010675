import path from 'node:path';
import type { ExportedInstance, NotCarried } from './model.js';

/**
 * Where WSO2's images take configuration: each entrypoint copies `/home/wso2carbon/wso2-config-volume/` over
 * the product's home before starting it (scale-out.md §3.1; wso2/helm-mi, helm-apim, docker-apim), so a file
 * mounted there at its path relative to the home replaces the image's own.
 */
export const configVolume = '/home/wso2carbon/wso2-config-volume';

export function containerConfigPath(fileInHome: string): string {
  return path.posix.join(configVolume, fileInHome);
}

/** The image's home, as WSO2's images export it (`WSO2_SERVER_HOME`; helm-si's entrypoint runs from it). */
export const serverHome = '$WSO2_SERVER_HOME';

/**
 * WSO2's MI and API-M entrypoints copy the config volume (scale-out.md §3.1); for the Carbon 5 images that is
 * unconfirmed (carbon5.md only shows their entrypoint running `bin/server.sh "$@"`), so the export says so.
 */
export function configVolumeUnconfirmed(instance: ExportedInstance): NotCarried[] {
  if (instance.config === undefined || instance.product === 'mi' || instance.product === 'apim') return [];
  return [
    {
      instance: instance.name,
      what: `${instance.config.file} in ${configVolume}`,
      why: 'that a Carbon 5 image copies the config volume into its home is unconfirmed: check, or build an image with the file',
    },
  ];
}

import path from 'node:path';
import { containerEnv } from './container-env.js';
import { configVolumeUnconfirmed, containerConfigPath } from './container-paths.js';
import { assumedImage } from './images.js';
import type { ExportedInstance, ExportModel, NotCarried, Rendered } from './model.js';
import { checkCommand } from './probe-commands.js';
import { supervisorOnly } from './supervisor-only.js';
import { yamlText } from './yaml-text.js';

export const composeFile = 'compose.yaml';

/** Healthcheck period: `interval × retries ≈ unhealthyAfterSeconds` (scale-out.md §3.3). */
const intervalSeconds = 10;

/**
 * One Compose file, a service per instance (scale-out.md §3.3): the planned ports published on 127.0.0.1 at
 * the same numbers, a healthcheck on the readiness URL, `depends_on` with `service_healthy`, `restart:
 * unless-stopped` (F5: the script exits 0, so `on-failure` never fires), json-file rotation from `logs`.
 * No top-level `name:` or `version:`: Debian's docker-compose 1.29 rejects the one, v2 ignores the other.
 */
export function renderCompose(model: ExportModel): Rendered {
  const notCarried: NotCarried[] = [...supervisorOnly(model), ...fleetLosses];
  const services: Record<string, unknown> = {};
  for (const instance of model.instances) {
    const env = containerEnv(instance);
    notCarried.push(...env.notCarried, ...configVolumeUnconfirmed(instance), ...instanceLosses(instance));
    services[instance.name] = service(instance, env.plain, env.secret);
  }
  const document = {
    'x-wso2-supervisor': { manifest: model.manifestFile, manifestHash: model.manifestHash },
    services,
  };
  return { files: new Map([[composeFile, yamlText(document)]]), notCarried };
}

function service(
  instance: ExportedInstance,
  plain: Readonly<Record<string, string>>,
  secret: readonly string[],
): Record<string, unknown> {
  const retries = Math.max(1, Math.round((instance.unhealthyAfterSeconds ?? 30) / intervalSeconds));
  const environment: Record<string, string | null> = {
    // tini (init: true) passes a stop's TERM to the whole group, JVM included: the entrypoint shell, PID 1,
    // would drop it (F3; tini's TINI_KILL_PROCESS_GROUP, as its -g).
    TINI_KILL_PROCESS_GROUP: '1',
    ...Object.fromEntries(Object.entries(plain).map(([name, value]) => [name, dollars(value)])),
    // No value: Compose takes it from the environment `docker-compose up` runs in.
    ...Object.fromEntries(secret.map((name) => [name, null])),
  };
  return {
    image: instance.image.ref,
    init: true,
    ...(instance.args.length > 0 ? { command: instance.args.map(dollars) } : {}),
    environment,
    ports: instance.ports.map((p) => `127.0.0.1:${p.port}:${p.port}`),
    ...(instance.config === undefined
      ? {}
      : {
          volumes: [
            `${path.join(instance.home, instance.config.file)}:${containerConfigPath(instance.config.file)}:ro`,
          ],
        }),
    healthcheck: {
      test: ['CMD-SHELL', dollars(checkCommand(instance.probes.readiness, 'curl-or-wget'))],
      interval: `${intervalSeconds}s`,
      timeout: '5s',
      retries,
      start_period: `${instance.startTimeoutSeconds}s`,
    },
    ...(instance.dependsOn.length > 0
      ? {
          depends_on: Object.fromEntries(
            instance.dependsOn.map((dependency) => [dependency, { condition: 'service_healthy' }]),
          ),
        }
      : {}),
    restart: instance.restart.policy === 'never' ? 'no' : 'unless-stopped',
    stop_grace_period: `${instance.stopTimeoutSeconds}s`,
    logging: {
      driver: 'json-file',
      options: {
        'max-size': `${Math.ceil(instance.logs.maxBytes / 1024)}k`,
        'max-file': String(instance.logs.files),
      },
    },
    ...(instance.autostart ? {} : { profiles: ['manual'] }),
  };
}

/** Compose interpolates `$NAME` in every value: `$$` is a literal dollar. */
function dollars(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

const fleetLosses: readonly NotCarried[] = [
  {
    what: 'restart limits (maxRestarts, windowSeconds, backoff)',
    why: 'Docker restarts with its own fixed backoff and never gives up',
  },
  {
    what: 'health while running (unhealthyAfterSeconds)',
    why: 'plain Docker only marks a container unhealthy; it does not restart it',
  },
  {
    what: 'log rotation by rename',
    why: "json-file rotates docker's own copy of the output by size (max-size, max-file)",
  },
  {
    what: 'the home',
    why: 'a container runs its image; only the config file is mounted. CApps and extra jars need an image built FROM it',
  },
];

function instanceLosses(instance: ExportedInstance): NotCarried[] {
  const at = instance.name;
  const losses: NotCarried[] = instance.secretEnv.map((name) => ({
    instance: at,
    what: `env ${name}`,
    why: `secret-looking: its value is not written; export ${name} in the shell that runs docker-compose up`,
  }));
  losses.push(...assumedImage(instance, at));
  return losses;
}

import path from 'node:path';
import { productOf } from '../products/catalog.js';
import type { ExportedInstance, ExportModel, NotCarried, Rendered } from './model.js';
import { waitCommand } from './probe-commands.js';
import { supervisorOnly } from './supervisor-only.js';
import { commandLine, environmentAssignment, specifierSafe } from './systemd-quote.js';

/** Where a unit reads its secret-looking variables: a root-owned 0600 file the operator writes. */
export const secretEnvDir = '/etc/wso2-supervisor';
export const fleetTarget = 'wso2-fleet.target';
export const unitName = (instance: string) => `wso2-${instance}.service`;

export interface SystemdOptions {
  /** `User=` of every unit: who owns the homes. */
  readonly user: string;
}

/**
 * One unit per instance plus `wso2-fleet.target` (scale-out.md §3.2, verified with `systemd-analyze verify`):
 * the script in the foreground under `Type=simple` (no `forking` on WSO2's stale pid file: F4), an
 * `ExecStartPost` readiness gate so `After=` a dependency means after it is ready, `KillMode=control-group`
 * (F6: `mixed` would SIGKILL the JVM once the shell died), `Restart=always` for any restarting policy (F5).
 */
export function renderSystemd(model: ExportModel, options: SystemdOptions): Rendered {
  const files = new Map<string, string>();
  const notCarried: NotCarried[] = [...supervisorOnly(model), ...fleetLosses];
  for (const instance of model.instances) {
    files.set(unitName(instance.name), unitText(instance, model, options));
    notCarried.push(...instanceLosses(instance));
  }
  files.set(fleetTarget, targetText(model));
  return { files, notCarried };
}

function unitText(instance: ExportedInstance, model: ExportModel, options: SystemdOptions): string {
  const dependencies = instance.dependsOn.map(unitName);
  const restarts = instance.restart.policy !== 'never';
  const lines = [
    `# ${instance.name}: ${instance.displayName} at offset ${instance.offset}, from ${model.manifestFile} (${model.manifestHash}).`,
    `# Ports: ${instance.ports.map((p) => `${p.port} ${p.name}`).join(', ')}.`,
    '[Unit]',
    `Description=${specifierSafe(`${instance.displayName} ${instance.name} (offset ${instance.offset})`)}`,
    `PartOf=${fleetTarget}`,
    `After=${['network-online.target', ...dependencies].join(' ')}`,
    'Wants=network-online.target',
    ...(dependencies.length > 0 ? [`Requires=${dependencies.join(' ')}`] : []),
    // More than maxRestarts restarts in the window fail the instance: that is maxRestarts + 1 starts.
    `StartLimitIntervalSec=${instance.restart.windowSeconds}`,
    `StartLimitBurst=${instance.restart.maxRestarts + 1}`,
    '',
    '[Service]',
    'Type=simple',
    `User=${specifierSafe(options.user)}`,
    `WorkingDirectory=${specifierSafe(instance.home)}`,
    ...environmentLines(instance),
    `ExecStart=${commandLine(['/bin/sh', instance.script, ...instance.args])}`,
    `ExecStartPost=${commandLine(['/bin/sh', '-c', waitCommand(instance.probes.readiness, 'curl')])}`,
    `TimeoutStartSec=${instance.startTimeoutSeconds}`,
    `TimeoutStopSec=${instance.stopTimeoutSeconds}`,
    'KillMode=control-group',
    // The shell ends with 143 when the TERM of a stop reaches it: a clean stop, not a failure.
    'SuccessExitStatus=143',
    `Restart=${restarts ? 'always' : 'no'}`,
    `RestartSec=${instance.restart.backoff.initialSeconds}`,
    ...(instance.autostart ? ['', '[Install]', `WantedBy=${fleetTarget}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `CARBON_HOME` for the Carbon 4 scripts (ports.md: an inherited one points the script at another home);
 * never for Carbon 5, whose CARBON_HOME is the runtime folder its script derives itself (carbon5.ts). The
 * manifest's own env wins. Secret-looking variables come from the instance's env file.
 */
function environmentLines(instance: ExportedInstance): string[] {
  const ownHome = productOf(instance.product).privateEnvironment?.names.includes('CARBON_HOME') !== true;
  const env = { ...(ownHome ? { CARBON_HOME: instance.home } : {}), ...instance.env };
  const lines = Object.entries(env)
    .filter(([name]) => !instance.secretEnv.includes(name))
    .map(([name, value]) => `Environment=${environmentAssignment(name, value)}`);
  if (instance.secretEnv.length > 0) lines.push(`EnvironmentFile=${secretEnvFile(instance.name)}`);
  return lines;
}

export const secretEnvFile = (instance: string) => path.posix.join(secretEnvDir, `${instance}.env`);

function targetText(model: ExportModel): string {
  const units = model.instances.filter((i) => i.autostart).map((i) => unitName(i.name));
  return [
    `# The fleet of ${model.manifestFile} (${model.manifestHash}). Copy the units to /etc/systemd/system, then:`,
    `#   systemctl daemon-reload && systemctl enable --now ${fleetTarget} ${units.join(' ')}`,
    '[Unit]',
    `Description=${specifierSafe(`WSO2 fleet of ${path.basename(model.manifestFile)}`)}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

const fleetLosses: readonly NotCarried[] = [
  {
    what: 'exponential backoff',
    why: 'RestartSec= is a fixed delay (restart.backoff.initialSeconds); systemd 252 (Debian 12) knows no RestartSteps= or RestartMaxDelaySec=',
  },
  {
    what: 'log rotation (logs.maxBytes, logs.files)',
    why: "output goes to the journal, rotated by journald's own settings",
  },
  {
    what: 'health while running (liveness, unhealthyAfterSeconds)',
    why: 'WatchdogSec= needs sd_notify, which the JVM does not send: a hung instance is not restarted',
  },
  {
    what: 'readiness gate tools',
    why: 'ExecStartPost waits with curl (nc -z for readiness.ports): the host needs them',
  },
];

function instanceLosses(instance: ExportedInstance): NotCarried[] {
  const losses: NotCarried[] = [];
  const at = instance.name;
  if (instance.restart.policy === 'on-failure')
    losses.push({
      instance: at,
      what: 'restart.policy on-failure',
      why: 'written Restart=always: the script exits 0 on a crash, so on-failure would never restart; a shutdown from the Carbon console restarts too',
    });
  for (const name of instance.secretEnv)
    losses.push({
      instance: at,
      what: `env ${name}`,
      why: `secret-looking: its value is not written; put ${name}=… in ${secretEnvFile(at)} (mode 0600)`,
    });
  return losses;
}

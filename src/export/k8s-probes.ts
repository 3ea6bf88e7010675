import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ExportedInstance, ExportProbe } from './model.js';
import { checkCommand } from './probe-commands.js';
import { isLoopback } from './probes.js';

/** How often the kubelet probes; thresholds are counted in these periods. */
export const periodSeconds = 10;

/**
 * Probes as WSO2's charts set them (scale-out.md §3.1; wso2/helm-mi, wso2/helm-apim): a TCP startup probe
 * whose `periodSeconds × failureThreshold` covers `startTimeoutSeconds`, readiness on the readiness URL,
 * liveness on the liveness URL failing after about `unhealthyAfterSeconds`. `readiness.ports` becomes one
 * `nc -z` per port, as helm-si and docker-ei check their ports.
 */
export function k8sProbes(instance: ExportedInstance): {
  startupProbe: IProbe;
  readinessProbe: IProbe;
  livenessProbe: IProbe;
} {
  const { startup, readiness, liveness } = instance.probes;
  return {
    startupProbe: {
      tcpSocket: { port: startup.port },
      periodSeconds,
      failureThreshold: Math.max(1, Math.ceil(instance.startTimeoutSeconds / periodSeconds)),
    },
    readinessProbe: { ...action(readiness), periodSeconds, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: {
      ...action(liveness),
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold: Math.max(1, Math.round((instance.unhealthyAfterSeconds ?? 30) / periodSeconds)),
    },
  };
}

function action(probe: ExportProbe): Pick<IProbe, 'httpGet' | 'exec'> {
  if (probe.kind === 'tcp') return { exec: { command: ['sh', '-c', checkCommand(probe, 'curl-or-wget')] } };
  return {
    httpGet: {
      path: probe.path,
      port: probe.port,
      scheme: probe.scheme === 'https' ? 'HTTPS' : 'HTTP',
      // Loopback on this host is the pod's own address there: the kubelet's default host, the pod IP.
      ...(isLoopback(probe.host) ? {} : { host: probe.host }),
    },
  };
}

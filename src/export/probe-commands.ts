import type { ExportProbe } from './model.js';
import { isLoopback } from './probes.js';
import { shellWord } from './systemd-quote.js';

/**
 * Shell commands that run a probe where no kubelet does it: systemd's readiness gate, Compose's healthcheck,
 * the init containers that wait for a dependency. `curl` on a VM (scale-out.md §3.2), `wget` in busybox
 * (§3.1), either in a WSO2 image (MI images may lack curl: §3.3); `nc -z` for ports, as WSO2's charts do.
 */
export type HttpTool = 'curl' | 'wget' | 'curl-or-wget';

/** The probe's URL with `host` in place of a loopback host (a dependency seen through its Service name). */
export function urlAt(probe: Extract<ExportProbe, { kind: 'http' }>, host: string | undefined): string {
  if (host === undefined || !isLoopback(probe.host)) return probe.url;
  return `${probe.scheme}://${host}:${probe.port}${probe.path}`;
}

/** One check, exit 0 when it passes. Self-signed certificates are accepted, as the supervisor accepts them. */
export function checkCommand(probe: ExportProbe, tool: HttpTool, host?: string): string {
  if (probe.kind === 'tcp')
    return probe.ports.map((port) => `nc -z ${shellWord(host ?? '127.0.0.1')} ${port}`).join(' && ');
  const url = shellWord(urlAt(probe, host));
  const curl = `curl -ksf --max-time 5 -o /dev/null ${url}`;
  const wget = `wget -q -T 5 --no-check-certificate -O /dev/null ${url}`;
  return tool === 'curl' ? curl : tool === 'wget' ? wget : `${curl} || ${wget}`;
}

/** Waits until the check passes, trying every 2 s. */
export function waitCommand(probe: ExportProbe, tool: HttpTool, host?: string): string {
  return `until ${checkCommand(probe, tool, host)}; do sleep 2; done`;
}

import type { ExportModel, NotCarried } from './model.js';

/**
 * What only the supervisor does, so no target carries it (scale-out.md §3, ports.md "What these facts mean"):
 * it judges WSO2's scripts by what they print and hold, not by their exit status.
 */
const fleetWide: readonly NotCarried[] = [
  {
    what: 'BindException detection',
    why: 'a WSO2 runtime logs java.net.BindException for a taken port and starts anyway; only the supervisor reads its output',
  },
  {
    what: 'port ownership after ready',
    why: 'the supervisor checks every planned port is held by the instance once ready; no target can',
  },
  {
    what: 'exit classification',
    why: 'the start script exits 0 however the JVM ended; the supervisor tells a crash from a shutdown by the last lines, a target only sees 0',
  },
];

/** The fleet-wide list, plus the instances whose `readiness.log` falls back to the product's health check. */
export function supervisorOnly(model: ExportModel): NotCarried[] {
  const logReadiness = model.instances
    .filter((instance) => instance.readinessFrom === 'log')
    .map((instance) => ({
      instance: instance.name,
      what: 'readiness.log',
      why: "a log line cannot be waited for outside the supervisor; the product's own health check is used",
    }));
  return [...fleetWide, ...logReadiness];
}

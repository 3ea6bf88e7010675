import { existsSync } from 'node:fs';

/** Which manifest to read: `-f FILE`, else ./instances.json, else $WSO2_SUPERVISOR_MANIFEST (contract). */
export function locateManifest(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) return explicit;
  if (existsSync('instances.json')) return 'instances.json';
  return env.WSO2_SUPERVISOR_MANIFEST || 'instances.json';
}

import path from 'node:path';
import { makeHome, makeJdk } from '../../scripts/make-home.js';
import type { DaemonFolder } from './daemon-folder.js';
import { tempDir, writeManifest } from './fake-home.js';
import { freeOffset } from './free-offset.js';

/** An instance of a test's manifest: its name and any settings of its own (dependsOn, env, ...). */
export interface Member {
  readonly name: string;
  readonly [setting: string]: unknown;
}

/**
 * A simulated MI home per member, a fake JDK, and a manifest in a fresh folder with offsets reserved for
 * the calling test file alone (free-offset.ts); returns the base offset.
 */
export async function simMiFleetIn(
  folder: DaemonFolder,
  label: string,
  members: readonly Member[],
  defaults: Record<string, unknown> = {},
): Promise<number> {
  folder.root = await tempDir(`wso2-supervisor-${label}-`);
  const jdk = makeJdk(path.join(folder.root, 'jdk'));
  for (const { name } of members) await makeHome({ product: 'mi', home: path.join(folder.root, name) });
  const base = await freeOffset('mi', members.length + 4);
  await writeManifest(folder.root, {
    stateDir: 'state',
    offsets: { min: base, max: base + members.length + 3 },
    defaults: {
      stopTimeoutSeconds: 10,
      restart: { backoff: { initialSeconds: 0.1, maxSeconds: 0.5 } },
      ...defaults,
      env: { JAVA_HOME: jdk.javaHome },
    },
    instances: members.map((m) => ({ product: 'mi', home: m.name, ...m })),
  });
  return base;
}

import { describe, expect, it } from 'vitest';
import { builtInDefaults, type InstanceConfig, type Manifest } from '../../src/manifest/instance-config.js';
import type { Plan } from '../../src/ports/planner.js';
import { launchDigest } from '../../src/supervisor/launch-digest.js';
import { diffReload } from '../../src/supervisor/reload-diff.js';

const config = (name: string, extra: Partial<InstanceConfig> = {}): InstanceConfig => ({
  name,
  product: 'mi',
  home: `/opt/${name}`,
  script: `/opt/${name}/bin/micro-integrator.sh`,
  offset: 'auto',
  dependsOn: [],
  args: [],
  env: {},
  autostart: true,
  restart: builtInDefaults.restart,
  startTimeoutSeconds: 300,
  stopTimeoutSeconds: 60,
  logs: builtInDefaults.logs,
  ...extra,
});
const manifest = (instances: InstanceConfig[]): Manifest => ({
  file: '/x/instances.json',
  stateDir: '/x/state',
  offsets: builtInDefaults.offsets,
  instances,
});
const plan = (offsets: Record<string, number>): Plan => ({
  instances: Object.entries(offsets).map(([name, offset]) => ({
    name,
    product: 'mi',
    offset,
    reason: { kind: 'kept' },
    ports: [],
  })),
  problems: [],
});
const current = (c: InstanceConfig, offset: number, running?: string) => ({
  name: c.name,
  config: c,
  offset,
  running: running ?? launchDigest(c, offset),
});

describe('what a reload does to each instance', () => {
  it('restarts only what the JVM sees: environment, arguments, offset; retunes the rest', () => {
    const diff = diffReload(
      [
        current(config('env'), 10),
        current(config('args'), 11),
        current(config('moved'), 12),
        current(config('policy'), 13),
        current(config('same'), 14),
        current(config('gone'), 15),
      ],
      manifest([
        config('env', { env: { A: '1' } }),
        config('args', { args: ['-Dx=1'] }),
        config('moved'),
        config('policy', {
          restart: { ...builtInDefaults.restart, maxRestarts: 1 },
          startTimeoutSeconds: 30,
        }),
        config('same'),
        config('new'),
      ]),
      plan({ env: 10, args: 11, moved: 20, policy: 13, same: 14, new: 16 }),
    );
    expect(diff).toEqual({
      added: ['new'],
      removed: ['gone'],
      changed: ['env', 'args', 'moved'],
      retuned: ['policy'],
      unchanged: ['same'],
    });
  });

  it('restarts a run launched before an edit the supervisor never read (adopted with an old digest)', () => {
    const diff = diffReload(
      [current(config('a'), 10, 'digest-of-old-launch')],
      manifest([config('a')]),
      plan({ a: 10 }),
    );
    expect(diff.changed).toEqual(['a']);
  });
});

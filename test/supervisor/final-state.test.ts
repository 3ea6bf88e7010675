import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSimFleet } from '../helpers/sim-fleet.js';

describe("the supervisor's last state", () => {
  const { fleetOf } = useSimFleet();

  it('is not written over by a change that comes after it (its stoppedAt stays)', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi' }]);
    const file = path.join(s.manifest.stateDir, 'state.json');
    await s.fleet.flush(true);
    const final = JSON.parse(readFileSync(file, 'utf8'));
    expect(final.supervisor.stoppedAt).toEqual(expect.any(String));
    s.runner('mi').emit('change'); // as a log writer's exit would, on the supervisor's way out
    await s.fleet.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(final);
  });
});

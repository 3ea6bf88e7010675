import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ChangeCount } from '../../src/daemon/change-count.js';

describe('ChangeCount: a status follower is answered at the next change, not by polling', () => {
  it('answers at once when the fleet changed since what the follower saw', async () => {
    const fleet = new EventEmitter();
    const changes = new ChangeCount(fleet);
    fleet.emit('change');
    fleet.emit('change');
    expect(changes.count).toBe(2);
    await changes.after(1, 60_000); // would time the test out if it waited
  });

  it('answers at the next change, and every follower waiting then', async () => {
    const fleet = new EventEmitter();
    const changes = new ChangeCount(fleet);
    const answered: string[] = [];
    const one = changes.after(0, 60_000).then(() => answered.push('one'));
    const two = changes.after(0, 60_000).then(() => answered.push('two'));
    await Promise.resolve();
    expect(answered).toEqual([]);
    fleet.emit('change');
    await Promise.all([one, two]);
    expect(answered).toEqual(['one', 'two']);
  });

  it('answers after the timeout when nothing changes', async () => {
    const changes = new ChangeCount(new EventEmitter());
    const started = performance.now();
    await changes.after(0, 20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    expect(changes.count).toBe(0);
  });
});

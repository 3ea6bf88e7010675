import { describe, expect, it } from 'vitest';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { type StateDocument, useDaemonFolder } from '../helpers/daemon-folder.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A daemon killed or frozen while a CLI request is in flight: the CLI says what happened and exits 4, as
 * for "no supervisor running", never "failed unexpectedly ... please report it", and never hangs.
 */
describe('a supervisor that goes away mid-request', () => {
  const t = useDaemonFolder('daemon-gone');

  it('kill -9 while a start waits for readiness: exit 4, saying the start may or may not have happened', async () => {
    await simMiFleetIn(t, 'daemon-gone', [{ name: 'slow', env: { WSO2_SIM_STARTUP_DELAY_MS: '5000' } }], {
      autostart: false,
    });
    expect((await t.cli(['up', '-d'])).exitCode).toBe(0);
    const daemon = t.readState<StateDocument>()?.supervisor.pid as number;
    const start = t.cli(['start', 'slow']);
    await waitFor(
      'slow to be starting',
      () => t.readState<StateDocument>()?.instances.slow?.pgid !== undefined,
    );
    process.kill(daemon, 'SIGKILL');
    const result = await start;
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(4);
    expect(String(result.stderr)).toMatch(
      /^the supervisor went away while handling "POST start"; it may or may not have been carried out\. No supervisor answers now\. See where things stand with: wso2-supervisor status$/m,
    );
    expect(String(result.stderr)).not.toMatch(/unexpectedly|report it|ECONNRESET|hang up/);
  });

  it('a frozen daemon (SIGSTOP): status gives up within seconds with exit 4 and says so, never hangs', async () => {
    await simMiFleetIn(t, 'daemon-gone', [{ name: 'a' }], { autostart: false });
    expect((await t.cli(['up', '-d'])).exitCode).toBe(0);
    const daemon = t.readState<StateDocument>()?.supervisor.pid as number;
    process.kill(daemon, 'SIGSTOP');
    try {
      const started = Date.now();
      const status = await t.cli(['status', '--json']);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(status.exitCode, `${status.stdout}${status.stderr}`).toBe(4);
      expect(JSON.parse(String(status.stdout))).toMatchObject({
        ok: false,
        error: 'supervisor-gone',
        how: 'not-answering',
        request: 'GET status',
      });
    } finally {
      process.kill(daemon, 'SIGCONT');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { portSet, productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';
import { freeOffset } from '../helpers/free-offset.js';
import { canBind, canConnect, get, isAlive, recordedPid, useSimulator, waitFor } from './harness.js';

const sim = useSimulator();
const mi = productOf('mi');

const allFree = async (ports: { port: number }[]) =>
  (await Promise.all(ports.map((p) => canBind(p.port)))).every(Boolean);

/** Each pattern matches a line, in this order. */
function expectInOrder(output: string, patterns: readonly RegExp[]): void {
  let from = 0;
  for (const pattern of patterns) {
    const at = output.slice(from).search(pattern);
    expect(at, `${pattern} after offset ${from} in:\n${output}`).toBeGreaterThanOrEqual(0);
    from += at + 1;
  }
}

describe('shutdown of the simulated runtimes', () => {
  it.each(['mi', 'apim'] as ProductId[])(
    '%s: SIGTERM to the JVM prints the graceful-shutdown lines, releases every port, and the script exits 0',
    async (id) => {
      const product = productOf(id);
      const offset = await freeOffset(id);
      const home = await sim.home(id);
      const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
      await run.waitForLine(product.readyLine);
      const jvm = recordedPid(home) as number;
      process.kill(jvm, 'SIGTERM');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expectInOrder(run.output(), product.shutdownLines);
      if (id === 'apim') expect(run.output()).toContain('Shutdown hook triggered....');
      expect(isAlive(jvm)).toBe(false);
      expect(await allFree(portSet(product, offset))).toBe(true);
    },
  );

  it('exits the JVM with 143 after SIGTERM, as a real JVM does after its shutdown hooks', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const jvm = sim.java([
      `-Dcarbon.home=${home.home}`,
      'org.wso2.micro.integrator.bootstrap.Bootstrap',
      `-DportOffset=${offset}`,
    ]);
    await jvm.waitForLine(mi.readyLine);
    process.kill(jvm.pid, 'SIGTERM');
    expect(await jvm.exited).toEqual({ code: 143, signal: null });
  });

  it('SIGTERM to the whole group ends the shell at once while the JVM still holds its ports (WSO2_SIM_SHUTDOWN_DELAY_MS)', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, {
      args: [`-DportOffset=${offset}`],
      env: { WSO2_SIM_SHUTDOWN_DELAY_MS: '1500' },
    });
    await run.waitForLine(mi.readyLine);
    const jvm = recordedPid(home) as number;
    process.kill(-run.pid, 'SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isAlive(jvm)).toBe(true);
    expect(await canConnect(8280 + offset)).toBe(true);
    await waitFor('the JVM to finish its shutdown', () => !isAlive(jvm));
    expect(await allFree(portSet(mi, offset))).toBe(true);
  });

  it('with WSO2_SIM_IGNORE_SIGTERM, the JVM shrugs off SIGTERM and only SIGKILL ends it', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`], env: { WSO2_SIM_IGNORE_SIGTERM: '1' } });
    await run.waitForLine(mi.readyLine);
    const jvm = recordedPid(home) as number;
    process.kill(jvm, 'SIGTERM');
    // Answering a request proves the signal has been handled (and ignored) by the single-threaded JVM.
    expect((await get(`http://127.0.0.1:${9191 + offset}/healthz`)).status).toBe(200);
    expect(isAlive(jvm)).toBe(true);
    expect(run.output()).not.toMatch(mi.shutdownLines[0] as RegExp);
    process.kill(jvm, 'SIGKILL');
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it.each(['mi', 'apim'] as ProductId[])(
    '%s: WSO2_SIM_CONSOLE_SHUTDOWN_AFTER_MS shuts down gracefully with no signal; the JVM exits 0',
    async (id) => {
      const product = productOf(id);
      const offset = await freeOffset(id);
      const home = await sim.home(id);
      const env = { WSO2_SIM_CONSOLE_SHUTDOWN_AFTER_MS: '100' };
      const run = sim.start(home, { args: [`-DportOffset=${offset}`], env });
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expectInOrder(run.output(), [product.readyLine, ...product.shutdownLines]);
      expect(run.output()).not.toContain('Shutdown hook triggered');

      const jvm = sim.java(
        [`-Dcarbon.home=${home.home}`, productMainClass[id] as string, `-DportOffset=${offset}`],
        env,
      );
      expect(await jvm.exited).toEqual({ code: 0, signal: null });
    },
  );
});

const productMainClass: Partial<Record<ProductId, string>> = {
  mi: 'org.wso2.micro.integrator.bootstrap.Bootstrap',
  apim: 'org.wso2.carbon.bootstrap.Bootstrap',
};

import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { supervisorStatus } from '../../src/daemon/control-client.js';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { useDaemonFolder } from '../helpers/daemon-folder.js';
import { tempDir } from '../helpers/fake-home.js';
import { addressOf, startUi, type UiProcess } from './ui-process.js';

/** Debian's Chromium (`apt-get install chromium`, as .ci/run does): nothing downloads a browser of its own. */
const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
/** Screenshots kept after the run (the test's folder goes when it passes). */
const artefacts = path.join(tmpdir(), 'wso2-supervisor-artefacts');
/** The README's picture: written when missing, or refreshed with WSO2_SUPERVISOR_UPDATE_DOCS=1. */
const readmeShot = path.resolve(import.meta.dirname, '../../docs/ui.png');

/** What the test reads of the page (run in the browser; this TypeScript project has no DOM library). */
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
  getElementById(id: string): { textContent: string | null } | null;
};

/** MI's links at an offset (products/mi.ts): the internal API's probes and the management API. */
const miLinks = (offset: number) => [
  `http://localhost:${9191 + offset}/healthz`,
  `http://localhost:${9191 + offset}/liveness`,
  `https://localhost:${9154 + offset}/management`,
];

/** The page of `wso2-supervisor ui` in a real browser, against a real daemon of simulated MIs (issue 20). */
describe('wso2-supervisor ui in Chromium', () => {
  const folder = useDaemonFolder('ui-browser');
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('shows a row per instance with its planned URLs, restarts one through starting to running, and follows its log within 2 s', async () => {
    expect(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install chromium`).toBe(true);
    await simMiFleetIn(folder, 'ui-browser', [
      { name: 'orders', env: { FOO_PASSWORD: 's3cr3t', WSO2_SIM_LOG_EVERY_MS: '2000' } },
      // Its start takes 3 s, so that `starting` stays on the page for a few of its one-second updates.
      { name: 'billing', env: { WSO2_SIM_STARTUP_DELAY_MS: '3000' } },
    ]);
    const up = await folder.cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    const stateDir = path.join(folder.root, 'state');
    const status = await supervisorStatus(stateDir);
    const ui: UiProcess = startUi(folder.root);
    cleanups.push(() => ui.stop());
    const { url, token } = await addressOf(ui);

    const profile = await tempDir('wso2-supervisor-chromium-');
    cleanups.push(() => rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
    const context: BrowserContext = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1440, height: 820 },
    });
    cleanups.push(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));

    // The token is exchanged for the cookie, and gone from the address bar.
    await page.goto(`${url}/?token=${token}`);
    expect(page.url()).toBe(`${url}/`);
    await page.waitForFunction(() => document.querySelectorAll('#fleet tbody tr').length === 2, undefined, {
      timeout: 30_000,
    });
    const names = await page
      .locator('#fleet tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    expect(names.sort()).toEqual(['billing', 'orders']);
    for (const name of ['orders', 'billing']) {
      const hrefs = await page
        .locator(`tr[data-name="${name}"] td.urls a`)
        .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      expect(hrefs, name).toEqual(miLinks(status?.instances[name]?.offset as number));
    }

    // Restart: the row shows the instance starting, then running again, as another run.
    const stateIs = (name: string, state: string, timeout: number) =>
      page.waitForFunction(
        ([n, want]) => document.querySelector(`tr[data-name="${n}"] td.state`)?.textContent === want,
        [name, state],
        { timeout },
      );
    await stateIs('billing', 'running', 30_000);
    await page.click('tr[data-name="billing"] button[data-action="restart"]');
    await stateIs('billing', 'starting', 60_000);
    await stateIs('billing', 'running', 60_000);
    const after = await supervisorStatus(stateDir);
    expect(after?.instances.billing?.machine.state).toBe('running');
    expect(after?.instances.billing?.jvmPid).not.toBe(status?.instances.billing?.jvmPid);

    // The log pane follows the selected instance: a line appended to its captured log shows within 2 s.
    await page.click('tr[data-name="orders"] td.name');
    await page.waitForSelector('#log[data-following="orders"]', { timeout: 30_000 });
    const marker = `appended by the browser test ${Date.now()}`;
    const appended = Date.now();
    await appendFile(path.join(stateDir, 'logs', 'orders.log'), `${marker}\n`);
    await page.waitForFunction(
      (text) => document.getElementById('log-lines')?.textContent?.includes(text),
      marker,
      {
        timeout: 2_000,
      },
    );
    console.log(`a line appended to the log showed in the page after ${Date.now() - appended} ms`);

    expect(await page.content()).not.toContain('s3cr3t');
    expect(problems).toEqual([]);
    await mkdir(artefacts, { recursive: true });
    const shot = path.join(artefacts, 'ui.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
    if (!existsSync(readmeShot) || process.env.WSO2_SUPERVISOR_UPDATE_DOCS === '1')
      await copyFile(shot, readmeShot);
  });
});

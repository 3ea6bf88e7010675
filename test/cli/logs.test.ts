import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../helpers/cli.js';
import { fakeHome, tempDir, writeManifest } from '../helpers/fake-home.js';
import { waitFor } from '../helpers/wait-for.js';

const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => `line ${from + k}`);
const text = (...list: string[]) => list.map((line) => `${line}\n`).join('');

const stateLine = JSON.stringify({
  level: 30,
  time: '2025-01-01T10:00:00.000Z',
  pid: 4242,
  instance: 'esb',
  event: 'state',
  from: 'starting',
  to: 'running',
  msg: 'state',
});

describe('wso2-supervisor logs', () => {
  let root: string;
  let logDir: string;
  const followers: { kill(signal: NodeJS.Signals): boolean }[] = [];

  beforeEach(async () => {
    root = await tempDir();
    logDir = path.join(root, 'state', 'logs');
    await mkdir(logDir, { recursive: true });
    await writeManifest(root, {
      stateDir: 'state',
      instances: [
        { name: 'esb', product: 'mi', home: 'esb' },
        { name: 'gw', product: 'apim', home: 'gw' },
      ],
    });
  });

  afterEach(() => {
    for (const follower of followers.splice(0)) follower.kill('SIGKILL');
  });

  /** Starts a following CLI; its stdout so far is `output()`. */
  function startFollowing(args: string[]) {
    const child = execa(process.execPath, [cliPath, ...args], {
      cwd: root,
      reject: false,
      env: { NO_COLOR: '1' },
    });
    followers.push(child);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    return { child, output: () => stdout };
  }

  it("prints the last N lines of an instance's captured output, the supervisor's marker lines included", async () => {
    await writeFile(path.join(logDir, 'esb.log'), text(...lines(1, 100), '[wso2-supervisor] run ended'));
    const result = await runCli(['logs', 'esb', '-n', '3'], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(text('line 99', 'line 100', '[wso2-supervisor] run ended').trimEnd());
  });

  it('reaches back into the rotated file when the live one holds fewer lines than asked', async () => {
    await writeFile(path.join(logDir, 'esb.log.1'), text(...lines(1, 5)));
    await writeFile(path.join(logDir, 'esb.log'), text(...lines(6, 7)));
    const result = await runCli(['logs', 'esb', '-n', '4'], { cwd: root });
    expect(result.stdout.split('\n')).toEqual(lines(4, 7));
  });

  it('gives one JSON document with the instance, the file and the lines under --json', async () => {
    await writeFile(path.join(logDir, 'gw.log'), text(...lines(1, 60)));
    const result = await runCli(['--json', 'logs', 'gw'], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      instance: 'gw',
      file: path.join(logDir, 'gw.log'),
      lines: lines(11, 60),
    });
  });

  it('follows appended lines, also across a rotation by rename, and exits 0 on SIGTERM', async () => {
    const live = path.join(logDir, 'esb.log');
    await writeFile(live, text(...lines(1, 3)));
    const { child, output } = startFollowing(['logs', 'esb', '-f', '-n', '2']);
    await waitFor('the last two lines', () => output().includes('line 3\n'));
    await appendFile(live, text('line 4'));
    await waitFor('an appended line', () => output().includes('line 4\n'));
    await appendFile(live, text('line 5'));
    await rename(live, `${live}.1`);
    await writeFile(live, text('line 6'));
    await waitFor('the line after the rotation', () => output().includes('line 6\n'));
    expect(output()).toBe(text(...lines(2, 6)));
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('follows as JSON lines of instance and line under --json', async () => {
    const live = path.join(logDir, 'gw.log');
    await writeFile(live, text('line 1'));
    const { child, output } = startFollowing(['--json', 'logs', 'gw', '--follow']);
    await waitFor('the first line', () => output().includes('\n'));
    await appendFile(live, text('line 2'));
    await waitFor('the appended line', () => output().split('\n').length === 3);
    const printed = output()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(printed).toEqual([
      { instance: 'gw', line: 'line 1' },
      { instance: 'gw', line: 'line 2' },
    ]);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(0);
  });

  it("prints the supervisor's pino JSON lines as they are when stdout is no terminal, and follows them", async () => {
    const file = path.join(logDir, 'supervisor.log');
    await writeFile(file, text(stateLine));
    const once = await runCli(['logs', '--supervisor'], { cwd: root });
    expect(once.exitCode).toBe(0);
    expect(once.stdout).toBe(stateLine);
    const { child, output } = startFollowing(['--json', 'logs', '--supervisor', '--follow']);
    await waitFor('the first event', () => output().includes('\n'));
    await appendFile(file, text('{"level":40,"event":"down","signal":"SIGTERM"}', 'not json'));
    await waitFor('both appended lines', () => output().split('\n').length === 4);
    expect(output()).toBe(
      text(stateLine, '{"level":40,"event":"down","signal":"SIGTERM"}', '{"line":"not json"}'),
    );
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it("shows the instance's own Carbon log from its home under --carbon", async () => {
    const home = await fakeHome(root, 'gw', 'apim');
    await fakeHome(root, 'esb', 'mi');
    await mkdir(path.join(home, 'repository', 'logs'), { recursive: true });
    await writeFile(
      path.join(home, 'repository', 'logs', 'wso2carbon.log'),
      text('INFO {Carbon} started', 'ready'),
    );
    await writeFile(path.join(logDir, 'gw.log'), text('captured, not Carbon'));
    const result = await runCli(['--json', 'logs', 'gw', '--carbon', '-n', '1'], { cwd: root });
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout) as { instance: string; file: string; lines: string[] };
    expect(document.lines).toEqual(['ready']);
    expect(document.file.endsWith(path.join('gw', 'repository', 'logs', 'wso2carbon.log'))).toBe(true);
    const missing = await runCli(['logs', 'esb', '--carbon'], { cwd: root });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('wso2carbon.log does not exist');
  });

  it('rejects an unknown instance with exit 2, naming the known ones', async () => {
    const result = await runCli(['logs', 'nope'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no instance named "nope"; known: esb, gw.');
  });

  it('takes the names from state.json when there is no manifest', async () => {
    await rm(path.join(root, 'instances.json'));
    await writeFile(path.join(root, 'state', 'state.json'), JSON.stringify({ instances: { esb: {} } }));
    await writeFile(path.join(logDir, 'esb.log'), text('line 1'));
    const result = await runCli(['--state-dir', 'state', 'logs', 'esb'], { cwd: root });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'line 1' });
    expect((await runCli(['--state-dir', 'state', 'logs', 'gw'], { cwd: root })).exitCode).toBe(2);
  });

  it('says so with exit 1 when the instance has no log yet', async () => {
    const result = await runCli(['logs', 'esb'], { cwd: root });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `${path.join(logDir, 'esb.log')} does not exist (esb has not been started yet)`,
    );
  });

  it.each([
    [['esb', '--supervisor']],
    [['--supervisor', '--carbon']],
    [['esb', '-n', '0']],
    [['esb', '-n', 'ten']],
  ])('rejects logs %j as a usage error (exit 2)', async (args) => {
    await writeFile(path.join(logDir, 'esb.log'), text('line 1'));
    const result = await runCli(['logs', ...args], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
  });
});

import { appendFile, mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linePrefixer } from '../../src/cli/logs/prefix.js';
import { parseSince } from '../../src/cli/logs/since.js';
import { cliPath, runCli } from '../helpers/cli.js';
import { tempDir, writeManifest } from '../helpers/fake-home.js';
import { waitFor } from '../helpers/wait-for.js';

const text = (...list: string[]) => list.map((line) => `${line}\n`).join('');
/** A line as MI's console pattern writes it: `[yyyy-MM-dd HH:mm:ss,SSS]` local time first. */
const mi = (time: string, message: string) => `[2025-06-01 ${time},000]  INFO {Main} - ${message}`;

describe('wso2-supervisor logs without a name (every instance)', () => {
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
        { name: 'gateway', product: 'apim', home: 'gateway' },
      ],
    });
  });

  afterEach(() => {
    for (const follower of followers.splice(0)) follower.kill('SIGKILL');
  });

  it('interleaves every instance by the times its lines carry, prefixed "name | " padded to one width', async () => {
    await writeFile(
      path.join(logDir, 'esb.log'),
      text(mi('10:00:01', 'esb one'), '\tat a stack line', mi('10:00:03', 'esb two')),
    );
    await writeFile(
      path.join(logDir, 'gateway.log'),
      text(
        mi('10:00:02', 'gw one'),
        `[wso2-supervisor] ${new Date(2025, 5, 1, 10, 0, 4).toISOString()} gateway: launched`,
      ),
    );
    const result = await runCli(['logs'], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `esb     | ${mi('10:00:01', 'esb one')}`,
      'esb     | \tat a stack line',
      `gateway | ${mi('10:00:02', 'gw one')}`,
      `esb     | ${mi('10:00:03', 'esb two')}`,
      expect.stringMatching(/^gateway \| \[wso2-supervisor\] .* gateway: launched$/),
    ]);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('keeps the last N lines of each instance with -n, and only lines from --since on', async () => {
    await writeFile(path.join(logDir, 'esb.log'), text(mi('09:00:00', 'old'), mi('11:00:00', 'new esb')));
    await writeFile(path.join(logDir, 'gateway.log'), text(mi('08:00:00', 'gw a'), mi('08:30:00', 'gw b')));
    const last = await runCli(['logs', '-n', '1'], { cwd: root });
    expect(last.stdout).toBe(`gateway | ${mi('08:30:00', 'gw b')}\nesb     | ${mi('11:00:00', 'new esb')}`);
    const since = await runCli(['logs', '--since', '2025-06-01 10:00'], { cwd: root });
    expect(since.exitCode).toBe(0);
    expect(since.stdout).toBe(`esb     | ${mi('11:00:00', 'new esb')}`);
    // Lines with no time at all: the file's last change says whether they can be that recent.
    await writeFile(path.join(logDir, 'gateway.log'), text('no time here'));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(path.join(logDir, 'gateway.log'), hourAgo, hourAgo);
    expect((await runCli(['logs', 'gateway', '--since', '10m'], { cwd: root })).stdout).toBe('');
    expect((await runCli(['logs', 'gateway', '--since', '2h'], { cwd: root })).stdout).toBe('no time here');
    expect((await runCli(['logs', '--since', 'yesterday-ish'], { cwd: root })).exitCode).toBe(2);
  });

  it('gives JSON lines of instance, line and time under --json', async () => {
    await writeFile(path.join(logDir, 'esb.log'), text(mi('10:00:01', 'esb one')));
    await writeFile(path.join(logDir, 'gateway.log'), text('untimed'));
    const result = await runCli(['--json', 'logs'], { cwd: root });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual({
      instance: 'esb',
      line: mi('10:00:01', 'esb one'),
      time: new Date(2025, 5, 1, 10, 0, 1).toISOString(),
    });
    expect(lines).toContainEqual({ instance: 'gateway', line: 'untimed', time: null });
  });

  it('with -f -n 0 prints only the lines still to come, of every instance, and exits 0 on SIGTERM', async () => {
    await writeFile(path.join(logDir, 'esb.log'), text('esb before'));
    const child = execa(process.execPath, [cliPath, 'logs', '-f', '-n', '0'], {
      cwd: root,
      reject: false,
      env: { NO_COLOR: '1' },
    });
    followers.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // gateway.log does not exist yet: it is followed from its first line once it appears.
    await waitFor('the follower to start', async () => {
      await appendFile(path.join(logDir, 'esb.log'), text('esb after'));
      return output.includes('esb after');
    });
    await writeFile(path.join(logDir, 'gateway.log'), text('gateway first'));
    await waitFor('the new instance log', () => output.includes('gateway | gateway first'));
    expect(output).not.toContain('esb before');
    expect(output).toMatch(/^esb {5}\| esb after$/m);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('colours each instance on a terminal only, and reads durations and times for --since', () => {
    const coloured = linePrefixer(['a', 'bb'], true);
    const esc = String.fromCharCode(27);
    expect(coloured('a').startsWith(`${esc}[`)).toBe(true);
    expect(coloured('a').endsWith(`a  | ${esc}[0m`)).toBe(true);
    expect(coloured('a')).not.toBe(coloured('bb').replace('bb', 'a '));
    expect(linePrefixer(['a', 'bb'], false)('a')).toBe('a  | ');
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseSince('10m', now)).toBe(now - 600_000);
    expect(parseSince('1h30m', now)).toBe(now - 5_400_000);
    expect(parseSince('2025-06-01T10:00:00Z', now)).toBe(Date.parse('2025-06-01T10:00:00Z'));
    expect(parseSince('2025-06-01 10:00', now)).toBe(new Date(2025, 5, 1, 10, 0).getTime());
  });
});

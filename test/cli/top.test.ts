import { appendFileSync, existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { useDaemonFolder } from '../helpers/daemon-folder.js';

interface Listed {
  name: string;
  state: string;
  offset: number;
  pid: number | null;
  restarts: number;
}

/**
 * A terminal of its own: tmux on a private socket (never the user's server), no configuration file, killed
 * after each test. tmux must be installed: without it these tests fail, they do not skip.
 */
class Tmux {
  readonly socket = `wso2-top-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  async run(...args: string[]): Promise<string> {
    const result = await execa('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { reject: false });
    if (result.exitCode !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
    return String(result.stdout);
  }

  screen(): Promise<string> {
    return this.run('capture-pane', '-p', '-t', 'top');
  }

  /** Polls the screen until it matches; fails with the last screen. */
  async waitForScreen(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    return poll(
      `the screen to match ${pattern}`,
      () => this.screen(),
      (s) => pattern.test(s),
      timeoutMs,
    );
  }

  async kill(): Promise<void> {
    await execa('tmux', ['-L', this.socket, 'kill-server'], { reject: false });
  }
}

/** Polls `read` every 200 ms until `done` holds; on timeout, the last value read goes into the error. */
async function poll<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last:\n${value}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The first child of a process ('' while it has none). */
function childOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0] ?? '';
  } catch {
    return '';
  }
}

function cmdlineOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** The inodes of the TCP sockets (IPv4 and IPv6, any state) that the process holds open. */
function tcpSocketsOf(pid: number): string[] {
  const held = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const target = (() => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) held.add(inode);
  }
  const tcp = ['tcp', 'tcp6'].flatMap((table) =>
    readFileSync(`/proc/${pid}/net/${table}`, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[9])
      .filter((inode): inode is string => inode !== undefined),
  );
  return tcp.filter((inode) => held.has(inode));
}

describe('wso2-supervisor top, in a terminal (tmux) against a running daemon of simulated MIs', () => {
  const folder = useDaemonFolder('top');
  const tmux = new Tmux();
  afterEach(() => tmux.kill());

  const listed = async (): Promise<Listed[]> => {
    const status = await folder.cli(['status', '--json']);
    return (JSON.parse(String(status.stdout)) as { instances: Listed[] }).instances;
  };

  it('shows every instance with state, offset and URLs, restarts one with r, follows its log with l, opens no TCP socket, and q restores the screen', async () => {
    await simMiFleetIn(folder, 'top', [{ name: 'one' }, { name: 'two' }]);
    const up = await folder.cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    const before = await listed();
    const twoBefore = before.find((i) => i.name === 'two') as Listed;
    expect(twoBefore.state).toBe('running');

    // The shell stays after top (tmux 3.3 may leave a pane's own process unreaped, without its status),
    // keeping the terminal as top left it, and notes top's exit status in a file.
    const exitFile = path.join(folder.root, 'top-exit-status');
    const top = `cd '${folder.root}'; NO_COLOR=1 '${process.execPath}' '${cliPath}' top; echo $? > '${exitFile}'; exec sleep 600`;
    await tmux.run('new-session', '-d', '-s', 'top', '-x', '120', '-y', '30', top);
    const shell = Number((await tmux.run('display-message', '-p', '-t', 'top', '#{pane_pid}')).trim());
    // Until the child has exec'd the CLI: in the middle of an exec its cmdline reads empty (seen under load).
    const pid = Number(
      await poll(
        'top to be started',
        async () => childOf(shell),
        (child) => child !== '' && cmdlineOf(child).includes(`${cliPath}\0top`),
        30_000,
      ),
    );

    // Every instance: its row with state and offset, and its management API and health URLs at that offset.
    for (const { name, offset } of before) {
      const screen = await tmux.waitForScreen(
        new RegExp(`^[> ] ${name}\\s+(mi\\s+)?running\\s+${offset}\\s+\\d+`, 'm'),
      );
      expect(screen).toContain(`https://localhost:${9154 + offset}/management`);
      expect(screen).toContain(`http://localhost:${9191 + offset}/healthz`);
    }
    expect(await tmux.screen()).toMatch(/^> one /m);

    // Down to two, then r: the supervisor restarts it (a new JVM), and the screen says so once it settled.
    await tmux.run('send-keys', '-t', 'top', 'Down');
    await tmux.waitForScreen(/^> two /m);
    await tmux.run('send-keys', '-t', 'top', 'r');
    await tmux.waitForScreen(/restart two: asked/);
    const twoAfter = await poll(
      'two to run again in a new JVM',
      async () => (await listed()).find((i) => i.name === 'two') as Listed,
      (two) => two.state === 'running' && two.pid !== null && two.pid !== twoBefore.pid,
      120_000,
    );
    expect(twoAfter.restarts).toBeGreaterThanOrEqual(twoBefore.restarts);
    await tmux.waitForScreen(/restart two: done, two running/, 120_000);
    expect((await listed()).find((i) => i.name === 'one')?.pid).toBe(
      before.find((i) => i.name === 'one')?.pid,
    );

    // x asks first: any key but y leaves the instance running.
    await tmux.run('send-keys', '-t', 'top', 'x');
    await tmux.waitForScreen(/Stop two\? y stops it/);
    await tmux.run('send-keys', '-t', 'top', 'n');
    await tmux.waitForScreen(/Not stopping two\./);
    expect((await listed()).find((i) => i.name === 'two')?.state).toBe('running');

    // l: a pane following two's captured output shows a line appended after it opened.
    await tmux.run('send-keys', '-t', 'top', 'l');
    await tmux.waitForScreen(/captured output of two \(l or Esc closes\): .*two\.log/);
    const marker = `top-test-marker-${Date.now()}`;
    appendFileSync(path.join(folder.root, 'state', 'logs', 'two.log'), `${marker}\n`);
    await tmux.waitForScreen(new RegExp(marker));

    // Its only sockets are Unix ones (the supervisor's control socket): no TCP listener, no TCP at all.
    expect(tcpSocketsOf(pid)).toEqual([]);

    // q: exit 0, the alternate screen left, nothing of the view on the terminal.
    await tmux.run('send-keys', '-t', 'top', 'q');
    const status = await poll(
      'top to exit',
      async () => (existsSync(exitFile) ? readFileSync(exitFile, 'utf8') : ''),
      (text) => text.endsWith('\n'),
      30_000,
    );
    expect(status.trim()).toBe('0');
    expect((await tmux.run('display-message', '-p', '-t', 'top', '#{alternate_on}')).trim()).toBe('0');
    const after = await tmux.screen();
    expect(after).not.toContain('wso2-supervisor top');
    expect(after).not.toMatch(/^[> ] (one|two) /m);
    expect(after).not.toContain(marker);
  }, 300_000);

  it('says that no supervisor runs, keeps trying, and shows the fleet once one is up', async () => {
    await simMiFleetIn(folder, 'top-none', [{ name: 'solo' }]);
    const top = `cd '${folder.root}' && NO_COLOR=1 exec '${process.execPath}' '${cliPath}' top`;
    await tmux.run('new-session', '-d', '-s', 'top', '-x', '80', '-y', '24', top);
    await tmux.waitForScreen(/No supervisor runs for .*state/);
    await tmux.waitForScreen(/Trying again every second/);
    const up = await folder.cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    await tmux.waitForScreen(/^> solo\s+(mi\s+)?running\s+\d+/m);
    await tmux.run('send-keys', '-t', 'top', 'q');
  }, 300_000);
});

import { describe, expect, it } from 'vitest';
import { readOnlyCommands, suggestReadOnly } from '../../src/cli/suggest.js';
import { runCli } from '../helpers/cli.js';

const stateChanging = ['up', 'down', 'start', 'stop', 'restart', 'reload'];

describe('wso2-supervisor help, aliases and typo suggestions', () => {
  it('exits 0 for help and help COMMAND, printing the help', async () => {
    const help = await runCli(['help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Usage: wso2-supervisor/);
    expect(help.stdout).toMatch(/describe\|show/);
    const logs = await runCli(['help', 'logs']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(/Usage: wso2-supervisor logs/);
    expect(logs.stdout).toMatch(/--since <WHEN>/);
    const show = await runCli(['help', 'show']);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toMatch(/Usage: wso2-supervisor describe\|show/);
  });

  it.each(['ps', 'ls', 'list'])('takes %s as status', async (alias) => {
    const result = await runCli(['help', alias]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Usage: wso2-supervisor status\|ps/);
  });

  it('suggests show for shw, and never a command that changes state', async () => {
    const shw = await runCli(['shw']);
    expect(shw.exitCode).toBe(2);
    expect(shw.stderr).toContain("unknown command 'shw'");
    expect(shw.stderr).toContain('Did you mean show?');
    for (const typo of ['stp', 'strat', 'dwn', 'rstart', 'relod', 'upp', 'stopp']) {
      const result = await runCli([typo]);
      expect(result.exitCode, typo).toBe(2);
      for (const verb of stateChanging) expect(result.stderr, typo).not.toContain(`Did you mean ${verb}?`);
    }
  });

  it('proposes only read-only commands, whatever is typed', () => {
    expect(suggestReadOnly('stat')).toBe('status');
    expect(suggestReadOnly('desc')).toBe('describe');
    expect(suggestReadOnly('lgos')).toBe('logs');
    for (const typo of ['stop', 'start', 'restart', 'reload', 'down', 'up', 'sop', 'strt', 'don', 'x'])
      expect([undefined, ...readOnlyCommands]).toContain(suggestReadOnly(typo));
  });
});

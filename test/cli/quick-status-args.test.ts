import { describe, expect, it } from 'vitest';
import { bundleFor } from '../../src/cli/launcher.js';
import { parseQuickStatus, userArguments } from '../../src/cli/quick-status-args.js';

const plain = { file: undefined, stateDir: undefined, json: false, name: undefined };

/** The command lines the small status bundle takes, and those it leaves to the whole command line. */
describe('a plain status command line', () => {
  it.each([
    [['status'], plain],
    [['ps'], plain],
    [['ls', 'mi-01'], { ...plain, name: 'mi-01' }],
    [['list', '--json'], { ...plain, json: true }],
    [['-f', 'a.json', '--json', 'status'], { ...plain, file: 'a.json', json: true }],
    [['--file=a.json', 'status', 'one'], { ...plain, file: 'a.json', name: 'one' }],
    // A global option wins over the command's own, as commander's optsWithGlobals gives; within one, the last.
    [['--state-dir', 's', 'status', '--state-dir=t'], { ...plain, stateDir: 's' }],
    [['-f', 'a.json', 'status', '--file', 'b.json'], { ...plain, file: 'a.json' }],
    [['-f', 'a.json', '-f', 'b.json', 'status', '-f', 'c.json'], { ...plain, file: 'b.json' }],
    [['status', '-f', 'a.json', '-f', 'b.json'], { ...plain, file: 'b.json' }],
    [['status', 'status'], { ...plain, name: 'status' }],
  ])('reads %j', (args, expected) => {
    expect(parseQuickStatus(args)).toEqual(expected);
    expect(bundleFor(['node', 'bin.js', ...args], [])).toBe('status.cjs');
  });

  it.each([
    [[]],
    [['up']],
    [['help', 'status']],
    [['status', '--help']],
    [['status', '-h']],
    [['--version']],
    [['status', 'one', 'two']],
    [['status', '--bogus']],
    [['status', '--json=yes']],
    [['status', '--']],
    [['-fa.json', 'status']],
    [['-f']],
    [['status', '-f']],
    [['status', '-f', '--json']],
    [['status', '--file=']],
    [['statuss']],
    [['one', 'status']],
  ])('leaves %j to the whole command line', (args) => {
    expect(parseQuickStatus(args)).toBeUndefined();
    expect(bundleFor(['node', 'bin.js', ...args], [])).toBe('cli.cjs');
  });

  it('finds the arguments after a script, and after node -e as commander does', () => {
    expect(userArguments(['node', 'bin.js', 'status'], [])).toEqual(['status']);
    expect(userArguments(['node', 'status'], ['-e', 'x'])).toEqual(['status']);
    expect(userArguments(['node', 'status'], ['--print', 'x'])).toEqual(['status']);
    // Required from `node -e` with `validate status`: the whole command line's, as commander reads it.
    expect(bundleFor(['node', 'validate', 'status'], ['-e', 'x'])).toBe('cli.cjs');
    expect(bundleFor(['node', 'status'], ['-e', 'x'])).toBe('status.cjs');
  });
});

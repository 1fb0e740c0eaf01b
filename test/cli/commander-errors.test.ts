/** commander's own errors (a mistyped option, command or missing argument) are one `lifeline:` line too. */
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError } from '../helpers/cli.js';

describe('a mistake on the command line', () => {
  const cases: Array<[string[], RegExp]> = [
    [['analyze', 'x.db', '--bogus'], /^lifeline: unknown option '--bogus'$/],
    [['analyze'], /^lifeline: missing required argument 'capture'$/],
    [['anlyze', 'x.db'], /^lifeline: unknown command 'anlyze' \(did you mean analyze\?\)$/],
    [['export', 'x.db', '--to'], /^lifeline: option '--to <format\|seconds>' argument missing$/],
    [['report', 'x.db', '--svg'], /^lifeline: option '--svg <dir>' argument missing$/],
  ];
  for (const [args, line] of cases)
    it(`lifeline ${args.join(' ')}: one line, exit 2`, () => {
      const r = cli(args);
      expect(expectOneLineError(r)).toMatch(line);
      expect(r.status).toBe(2);
    });

  it('--help and --version still print to stdout and exit 0', () => {
    const h = cli(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^Usage: lifeline/);
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

/** A filter or window that selects nothing of the capture is a mistake said in one line, not a table of zeros. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError, ROOT } from '../helpers/cli.js';

const RING = path.join(ROOT, 'fixtures/ring.db');

describe('a selection that matches nothing', () => {
  it('--tid, --pid and --comm of no thread: analyze (table and JSON) and report say so', () => {
    for (const args of [
      ['analyze', RING, '--tid', '99999999'],
      ['analyze', RING, '--pid', '99999999', '--json'],
      ['analyze', RING, '--comm', 'no-such-program-xyz'],
      ['report', RING, '--pid', '99999999', '-o', '/tmp/lifeline-no-match.html'],
    ])
      expect(expectOneLineError(cli(args)), args.join(' ')).toMatch(/^lifeline: no thread of the capture matched --/);
  });

  it('a window that starts after the capture ends', () => {
    expect(expectOneLineError(cli(['analyze', RING, '--from', '999']))).toMatch(
      /^lifeline: the time window starts at 999 s, after the capture's end \(0\.\d{3} s\)$/,
    );
  });

  it.skipIf(process.getuid?.() !== 0 && process.env.CI !== 'true')(
    'record --pid of no running process, writing nothing',
    () => {
      const out = '/tmp/lifeline-no-such-pid.db';
      expect(expectOneLineError(cli(['record', '--pid', '99999999', '-o', out, '-d', '1']))).toMatch(
        /^lifeline: no process 99999999 is running/,
      );
      expect(existsSync(out)).toBe(false);
    },
  );

  it('a filter that matches still answers', () => {
    const r = cli(['analyze', RING, '--comm', 'ring-']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ring-0 /m);
  });

  it('report -o DIR and --svg FILE: one line, before the replay', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-report-dir-'));
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'mine');
    expect(expectOneLineError(cli(['report', RING, '-o', dir]))).toMatch(
      /^lifeline: cannot write the report: .* is a directory$/,
    );
    expect(expectOneLineError(cli(['report', RING, '--svg', file, '-o', path.join(dir, 'r.html')]))).toMatch(
      /^lifeline: cannot write the charts as SVG into .*a-file: it is not a directory/,
    );
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect(existsSync(path.join(dir, 'r.html'))).toBe(false);
  });
});

/** The "written to PATH" lines print a hostile path inert (escaped), never raw to the terminal. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli.js';

describe('a path with control characters in an output line', () => {
  it('export and report name it escaped', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'lifeline-paths-')), 'red\u001b[31m\u202e');
    mkdirSync(dir);
    const ring = path.join(ROOT, 'fixtures/ring.db');
    for (const [cmd, file] of [
      ['export', 'x.pftrace'],
      ['report', 'x.html'],
    ] as const) {
      const r = cli([cmd, ring, '-o', path.join(dir, file)]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('red\\x1b[31m\\u202e');
      expect(r.stdout).not.toMatch(/[\u001b\u202e]/);
    }
  });
});

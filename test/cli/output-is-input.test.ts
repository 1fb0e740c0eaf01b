/** An output is never an input: report and export refuse to write over the capture they read. */
import { copyFileSync, linkSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectOneLineError, ROOT } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-in-out-'));

describe('an output that is the capture being read', () => {
  for (const name of ['ring.db', 'sleeper-stress.arrow']) {
    it(`is refused by report and export, by its own path, a symlink or a hard link (${name})`, () => {
      const cap = path.join(tmp, name);
      copyFileSync(path.join(ROOT, 'fixtures', name), cap);
      const before = readFileSync(cap);
      const link = path.join(tmp, `link-${name}`);
      const hard = path.join(tmp, `hard-${name}`);
      symlinkSync(cap, link);
      linkSync(cap, hard);
      for (const out of [cap, link, hard, path.join(tmp, '.', name)]) {
        expect(expectOneLineError(cli(['report', cap, '-o', out]))).toMatch(/it is the capture being read/);
        expect(expectOneLineError(cli(['export', cap, '--to', 'perfetto', '-o', out]))).toMatch(
          /it is the capture being read/,
        );
      }
      expect(readFileSync(cap).equals(before)).toBe(true);
      // another file is fine
      expect(cli(['export', cap, '-o', path.join(tmp, `${name}.pftrace`)]).status).toBe(0);
    }, 60_000);
  }
});

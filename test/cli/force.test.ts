/**
 * report and export keep an existing output unless --force is given (as record keeps a capture):
 * refused in one line with the file untouched; with --force replaced, but never by the input.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, expectOneLineError, ROOT } from '../helpers/cli.js';
import { canRecord } from '../helpers/root.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-force-'));
const ring = path.join(ROOT, 'fixtures/ring.db');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const commands = [
  { cmd: 'report', file: 'out.html', args: [], written: /^<!doctype html>/i, defaultPath: 'reports/ring.html' },
  {
    cmd: 'export',
    file: 'out.pftrace',
    args: ['--to', 'perfetto'],
    written: null,
    defaultPath: 'reports/ring.pftrace',
  },
] as const;

describe('an existing output of report and export', () => {
  for (const { cmd, file, args, written, defaultPath } of commands) {
    it(`${cmd} -o FILE: refused without --force, the file kept; replaced with it`, () => {
      const out = path.join(tmp, file);
      writeFileSync(out, 'precious');
      const refused = cli([cmd, ring, ...args, '-o', out]);
      expect(expectOneLineError(refused)).toBe(`lifeline: ${out} already exists (use --force to overwrite it)`);
      expect(refused.status).toBe(1);
      expect(readFileSync(out, 'utf8')).toBe('precious');

      const forced = cli([cmd, ring, ...args, '-o', out, '--force']);
      expect(forced.status, forced.stderr).toBe(0);
      const now = readFileSync(out);
      expect(now.toString('latin1')).not.toBe('precious');
      expect(now.length).toBeGreaterThan(1000);
      if (written) expect(now.toString('utf8')).toMatch(written);
      // run again with --force: the same output, replaced again
      expect(cli([cmd, ring, ...args, '-o', out, '--force']).status).toBe(0);
    }, 60_000);

    it(`${cmd} to its default path (reports/): refused without --force, replaced with it`, () => {
      const cwd = path.join(tmp, `default-${cmd}`);
      mkdirSync(path.join(cwd, 'reports'), { recursive: true });
      const out = path.join(cwd, defaultPath);
      writeFileSync(out, 'precious');
      expect(expectOneLineError(cli([cmd, ring, ...args], { cwd }))).toMatch(/already exists \(use --force/);
      expect(readFileSync(out, 'utf8')).toBe('precious');
      const forced = cli([cmd, ring, ...args, '--force'], { cwd });
      expect(forced.status, forced.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).not.toBe('precious');
    }, 60_000);

    it(`${cmd} --force never writes over the capture it reads`, () => {
      const cap = path.join(tmp, `in-${cmd}.db`);
      copyFileSync(ring, cap);
      const before = readFileSync(cap);
      expect(expectOneLineError(cli([cmd, cap, ...args, '-o', cap, '--force']))).toMatch(
        /it is the capture being read/,
      );
      expect(readFileSync(cap).equals(before)).toBe(true);
    }, 60_000);

    // a 16 KiB tmpfs (mounting needs root): the output (55 KB or more) does not fit
    it.skipIf(!canRecord)(
      `${cmd} --force onto a full disk: one line, the file it was to replace kept`,
      () => {
        const full = path.join(tmp, `full-${cmd}`);
        mkdirSync(full);
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', full]);
        try {
          const out = path.join(full, file);
          writeFileSync(out, 'precious');
          expect(expectOneLineError(cli([cmd, ring, ...args, '-o', out, '--force']))).toBe(
            `lifeline: cannot write ${out}: no space left on the device`,
          );
          expect(readFileSync(out, 'utf8')).toBe('precious');
          expect(readdirSync(full)).toEqual([file]);
        } finally {
          execFileSync('umount', [full]);
        }
      },
      60_000,
    );

    it(`${cmd} --help mentions --force`, () => {
      const r = cli([cmd, '--help']);
      expect(r.stdout).toMatch(/--force\s+overwrite an existing/);
    });
  }
});

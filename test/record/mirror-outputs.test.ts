/**
 * `record --mirror`: both outputs (the capture and its mirror) are checked before either is
 * created. A mirror that cannot be written is named by its path, and leaves no capture behind
 * to block the next run.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, expectOneLineError } from '../helpers/cli.js';
import { canRecord, mustRecord, skipReason } from '../helpers/root.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-mirror-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('record --mirror, outputs checked first', () => {
  it('a mirror in a missing directory: one line naming the mirror, no capture left', () => {
    const out = path.join(dir, 'a.db');
    const mirror = path.join(dir, 'missing', 'a.arrow');
    const r = cli(['record', '-o', out, '--mirror', mirror, '--duration', '0.5']);
    expect(expectOneLineError(r)).toBe(
      `lifeline: cannot write the mirror ${mirror}: directory ${path.dirname(mirror)} does not exist`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a mirror that exists: refused without --force, both files as they were', () => {
    const out = path.join(dir, 'b.db');
    const mirror = path.join(dir, 'b.arrow');
    writeFileSync(mirror, 'precious');
    const r = cli(['record', '-o', out, '--mirror', mirror, '--duration', '0.5']);
    expect(expectOneLineError(r)).toBe(`lifeline: ${mirror} already exists (use --force to overwrite it)`);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(mirror, 'utf8')).toBe('precious');
    rmSync(mirror);
  });

  it('a mirror that is the capture itself is refused', () => {
    const out = path.join(dir, 'c.db');
    const r = cli(['record', '-o', out, '--mirror', path.join(dir, '.', 'c.db'), '--duration', '0.5']);
    expect(expectOneLineError(r)).toMatch(/cannot write the mirror to .*c\.db: it is the capture itself/);
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!canRecord && !mustRecord)(
    `after a refused mirror, the same -o records (${skipReason})`,
    () => {
      const out = path.join(dir, 'd.db');
      expectOneLineError(
        cli(['record', '-o', out, '--mirror', path.join(dir, 'nope', 'd.arrow'), '--duration', '0.5']),
      );
      const mirror = path.join(dir, 'd.arrow');
      const r = cli(['record', '-o', out, '--mirror', mirror, '--duration', '0.5']);
      expect(r.status, r.stderr).toBe(0);
      for (const f of [out, mirror]) {
        const info = cli(['info', '--json', f]);
        expect(info.status, info.stderr).toBe(0);
        expect((JSON.parse(info.stdout) as { complete: boolean }).complete).toBe(true);
      }
    },
    60_000,
  );
});

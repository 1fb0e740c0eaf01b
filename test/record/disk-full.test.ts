/**
 * A disk that fills up while recording (a 2 MiB tmpfs, as root): one `lifeline:` line that says
 * so, a non-zero exit, the workload and its children ended, and the capture up to then readable.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, expectOneLineError, ROOT } from '../helpers/cli.js';
import { canRecord, mustRecord, skipReason } from '../helpers/root.js';

const PINGPONG = path.join(ROOT, 'build/workloads/ll-pingpong');
const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-full-'));
let mounted = false;

beforeAll(() => {
  if (!canRecord) return;
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
  mounted = true;
});
afterAll(() => {
  if (mounted) execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!canRecord && !mustRecord)(`record onto a disk that fills up (${skipReason})`, () => {
  for (const format of ['sqlite', 'arrow'] as const) {
    it(`${format}: one line, exit 1, the workload ended, the capture up to then readable`, () => {
      const out = path.join(dir, `full.${format === 'arrow' ? 'arrow' : 'db'}`);
      // ping-pong over pipes for far longer than 2 MiB of events last; its child ("ll-pong")
      // would block forever once its parent is gone: the whole tree must be ended
      const r = cli(['record', '-f', format, '-o', out, '--', PINGPONG, '1000000000'], { timeoutMs: 60_000 });
      expect(r.status, `exited by itself: ${r.stderr}`).toBe(1);
      const line = expectOneLineError(r);
      const m =
        /^lifeline: cannot write (.+): the disk is full; recording stopped, the capture up to then is readable \(([\d,]+) events\)$/.exec(
          line,
        );
      expect(m, line).not.toBeNull();
      expect(m![1]).toBe(out);
      const kept = Number(m![2]!.replace(/,/g, ''));
      expect(kept).toBeGreaterThan(1000);

      const pids = r.stdout.trim().split(/\s+/).map(Number);
      expect(pids.length, `ll-pingpong prints its two pids: ${r.stdout}`).toBe(2);
      for (const pid of pids) expect(alive(pid), `workload process ${pid} still running`).toBe(false);

      const info = cli(['info', '--json', out]);
      expect(info.status, info.stderr).toBe(0);
      expect(info.stderr).toBe('');
      const j = JSON.parse(info.stdout) as { complete: boolean; events: number; command: string[] };
      expect(j.complete).toBe(false);
      expect(j.events).toBe(kept);
      expect(j.command).toEqual([PINGPONG, '1000000000']);
      // what was read is the recording: the workload's own threads are in it
      const analysis = cli(['analyze', '--json', out, '--comm', '^ll-p(i|o)ng$']);
      expect(analysis.status, analysis.stderr).toBe(0);
      const threads = (JSON.parse(analysis.stdout) as { threads: { tid: number }[] }).threads.map((t) => t.tid);
      for (const pid of pids) expect(threads).toContain(pid);

      for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
    }, 90_000);
  }

  it('a --mirror on the full disk: the line names the mirror; the capture beside it is finished, complete', () => {
    const out = path.join(os.tmpdir(), `lifeline-full-main-${process.pid}.db`);
    const mirror = path.join(dir, 'mirror.arrow');
    try {
      const r = cli(['record', '-o', out, '--mirror', mirror, '--', PINGPONG, '1000000000'], { timeoutMs: 60_000 });
      expect(r.status, r.stderr).toBe(1);
      expect(expectOneLineError(r)).toMatch(
        new RegExp(`^lifeline: cannot write ${mirror}: the disk is full; recording stopped, the capture up to then`),
      );
      for (const pid of r.stdout.trim().split(/\s+/).map(Number)) expect(alive(pid)).toBe(false);
      const main = JSON.parse(cli(['info', '--json', out]).stdout) as { complete: boolean; events: number };
      const part = JSON.parse(cli(['info', '--json', mirror]).stdout) as { complete: boolean; events: number };
      expect(main.complete).toBe(true);
      expect(part.complete).toBe(false);
      // the capture holds everything the mirror kept, and the batch the mirror could not take
      expect(main.events).toBeGreaterThan(part.events);
    } finally {
      for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
      rmSync(out, { force: true });
    }
  }, 90_000);

  it('a capture that cannot even start on a full disk: one line, nothing left behind', () => {
    const filler = path.join(dir, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      // dd stops at ENOSPC: the disk is now full
    }
    for (const format of ['sqlite', 'arrow'] as const) {
      const out = path.join(dir, `start.${format}`);
      const r = cli(['record', '-f', format, '-o', out, '--duration', '1']);
      expect(expectOneLineError(r)).toBe(`lifeline: cannot write ${out}: the disk is full`);
      expect(readdirSync(dir)).toEqual(['filler']);
    }
    rmSync(filler);
  }, 60_000);
});

/**
 * The figures of `npm run bench:attribution` (docs/accuracy.md), guarded: each workload of the
 * bench, with fewer loops, recorded by `perf sched record` and `lifeline record` at the same time
 * and judged by the bench's own code (bench/attribution/) against the known answer. lifeline must
 * name the right waker (its cause) for nearly every wakeup; `perf sched timehist -w` must name the
 * task that was on the CPU (the naive view), which is wrong where an interrupt did the waking.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureWorkload, type Measured } from '../../bench/attribution/measure.js';
import { WORKLOADS } from '../../bench/attribution/workloads.js';
import { ROOT } from '../helpers/cli.js';
import { mustRecord, skipRecording, skipReason } from '../helpers/root.js';

const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v "${cmd}"`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = ['perf', 'stress', 'prometheus', 'prometheus-node-exporter'].filter((c) => !has(c));
const skip = skipRecording || (missing.length > 0 && !mustRecord);
const why = skipRecording
  ? skipReason
  : missing.length > 0
    ? `missing ${missing.join(', ')} (scripts/setup.sh installs them)`
    : 'root';

/**
 * Per workload: lifeline's least share of right answers, and perf's bounds. perf names the task on
 * the CPU: right in task context (pipes, futexes) and where the on-CPU task raised the softirq
 * itself (loopback TCP); wrong for timers and the disk, where it names whoever was interrupted.
 */
const EXPECT: Record<string, { lifeline: number; perfAtLeast?: number; perfAtMost?: number }> = {
  'nanosleep + stress': { lifeline: 0.98, perfAtMost: 0.02 },
  'pipe ping-pong': { lifeline: 0.99, perfAtLeast: 0.99 },
  'futex token ring': { lifeline: 0.98, perfAtLeast: 0.98 },
  'TCP echo (loopback)': { lifeline: 0.95, perfAtLeast: 0.95 },
  // perf's share here depends on which task the disk's interrupt happens to cut: a kworker doing
  // the I/O passes as the disk (seen: 4% and 84% on two runs)
  'fsync on disk': { lifeline: 0.95 },
  timerfd: { lifeline: 0.98, perfAtMost: 0.9 },
  'prometheus + node_exporter + stress': { lifeline: 0.95 },
};

const share = (n: number, m: Measured): number => n / m.wakeups;
const show = (m: Measured): string => JSON.stringify(m);

describe.skipIf(skip)(`bench:attribution figures (${why})`, () => {
  it('has an expectation for every workload of the bench', () => {
    expect(Object.keys(EXPECT).sort()).toEqual(WORKLOADS.map((w) => w.name).sort());
  });

  for (const w of WORKLOADS) {
    it(`${w.name}: lifeline names the known waker, perf names the task on the CPU`, async () => {
      const e = EXPECT[w.name]!;
      // under build/: on the disk (the fsync workload; a temporary directory may be tmpfs)
      mkdirSync(path.join(ROOT, 'build'), { recursive: true });
      const dir = mkdtempSync(path.join(ROOT, 'build', 'test-attribution-'));
      try {
        const m = await measureWorkload(w, dir, 0.2);
        expect(m.wakeups, show(m)).toBeGreaterThanOrEqual(5);
        // lifeline misses no wakeup that perf saw (a few may fall at the edges of the recordings).
        // The other way does not hold: on a quiet machine perf's timehist lacks some interrupt
        // wakeups of threads woken from an idle CPU (timerfd, fsync: up to a third of them), which
        // lifeline recorded; the bench prints that count (docs/accuracy.md).
        expect(m.onlyPerf, show(m)).toBeLessThanOrEqual(0.02 * m.wakeups + 4);
        expect(share(m.lifeline, m), show(m)).toBeGreaterThanOrEqual(e.lifeline);
        // perf's waker is the task current at sched_waking: the naive view, wakeup for wakeup
        expect(Math.abs(m.perf - m.naive), show(m)).toBeLessThanOrEqual(0.01 * m.wakeups + 1);
        if (e.perfAtLeast !== undefined) expect(share(m.perf, m), show(m)).toBeGreaterThanOrEqual(e.perfAtLeast);
        if (e.perfAtMost !== undefined) expect(share(m.perf, m), show(m)).toBeLessThanOrEqual(e.perfAtMost);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});

/** ResultParts.reasonStacks: a result that does not print the sleep reasons' stacks does not build them, and keeps their totals. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import type { SleepReason } from '../../src/analyze/types.js';
import type { EventRow } from '../../src/capture/event-batch.js';
import { Kind } from '../../src/format/index.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { comm, R, S, sw, us, wake } from '../helpers/sched-events.js';

const stack = (id: number, frames: string): EventRow => ({
  ts: us(0),
  kind: Kind.STACK,
  cpu: 0,
  flags: 0,
  tid: id,
  tid2: 0,
  a: 0,
  b: 0,
  c: 0,
  name: frames,
});

// a sleeper naps in do_nanosleep twice and in pipe_read once; the waker wakes it from pipe_write
const rows: EventRow[] = [
  comm(100, 100, 'sleeper'),
  comm(200, 200, 'waker'),
  stack(1, '__schedule;schedule;do_nanosleep;hrtimer_nanosleep'),
  stack(2, '__schedule;schedule;pipe_read;vfs_read'),
  stack(3, 'try_to_wake_up;autoremove_wake_function;__wake_up_common;pipe_write'),
  sw(1, 0, 0, 100, R),
  { ...sw(5, 0, 100, 200, S), stack: 1 },
  { ...wake(25, 0, 100, 200), stack: 3 },
  sw(26, 0, 200, 100, S),
  { ...sw(30, 0, 100, 200, S), stack: 1 },
  { ...wake(40, 0, 100, 200), stack: 3 },
  sw(41, 0, 200, 100, S),
  { ...sw(45, 0, 100, 200, S), stack: 2 },
  { ...wake(95, 0, 100, 200), stack: 3 },
  sw(96, 0, 200, 100, S),
];

describe('ResultParts.reasonStacks', () => {
  it('false: each reason keeps its totals, without stacks or wakers; the rest of the result is the same', async () => {
    const full = await analyze(memoryCapture(rows), {});
    const lean = await analyze(memoryCapture(rows), { parts: { reasonStacks: false } });
    const sleeper = (a: typeof full) => a.result.threads.find((t) => t.comm === 'sleeper')!;
    const reasons = sleeper(full).sleepReasons!;
    // the ground truth: two nanosleeps of 20 and 10 µs, one pipe read of 50 µs, all woken from pipe_write
    expect(reasons.map((r) => [r.reason, r.count, r.ns])).toEqual([
      ['pipe_read', 1, 50_000],
      ['do_nanosleep', 2, 30_000],
    ]);
    expect(reasons.map((r) => r.wakers.map((w) => [w.frame, w.count]))).toEqual([
      [['pipe_write', 1]],
      [['pipe_write', 2]],
    ]);
    expect(reasons.every((r) => r.stacks.length === 1)).toBe(true);
    const leanReasons = sleeper(lean).sleepReasons!;
    expect(leanReasons).toEqual(reasons.map((r) => ({ ...r, stacks: [], wakers: [] })));
    // every other field of every row, the waker counts included, is the same
    const strip = (a: typeof full) =>
      JSON.stringify(a.result, (k, v: unknown) =>
        k === 'sleepReasons' ? (v as SleepReason[]).map((r) => ({ ...r, stacks: [], wakers: [] })) : v,
      );
    expect(strip(lean)).toBe(strip(full));
    const proc = lean.result.processes.find((p) => p.comm === 'sleeper')!;
    expect(proc.sleepReasons!.map((r) => [r.reason, r.count, r.stacks.length, r.wakers.length])).toEqual([
      ['pipe_read', 1, 0, 0],
      ['do_nanosleep', 2, 0, 0],
    ]);
  });
});

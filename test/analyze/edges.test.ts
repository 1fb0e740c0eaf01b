import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { CommReason } from '../../src/format/index.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { formatTable } from '../../src/analyze/output/format-table.js';
import { msg } from '../../src/messages.js';
import { comm, DEAD, exit, fork, R, S, sw, us, wake, wakeNew } from '../helpers/sched-events.js';

describe('capture starting and ending mid-state', () => {
  const P = 10; // running when the capture starts
  const Q = 20; // sleeping when the capture starts
  const U = 30; // runnable when the capture starts
  const rows = [
    comm(P, P, 'p'),
    comm(Q, Q, 'q'),
    comm(U, U, 'u'),
    wake(50, 1, Q, 0),
    sw(60, 1, 0, Q),
    sw(80, 1, Q, 0, S),
    sw(100, 0, P, 0, S),
    sw(200, 1, 0, U),
    sw(250, 1, U, 0, S),
    wake(300, 0, P, 0),
    sw(310, 0, 0, P), // p runs until the capture ends at 1000 µs
  ];
  const meta = { endNs: us(1000) };

  it('counts the run time of partial slices but not the slices, sleeps or bursts', async () => {
    const { result } = await analyze(memoryCapture(rows, meta), {});
    const p = result.threads.find((t) => t.tid === P)!;
    expect(p.runNs).toBe(100_000 + 690_000);
    expect(p.slices).toBe(0);
    expect(p.bursts).toBe(0);
    expect(p.sleeps).toBe(1);
    expect(p.sleepNs.total).toBe(200_000);
    expect(p.runqDelayNs.max).toBe(10_000);
    expect(result.capture.durationNs).toBe(1_000_000);
  });

  it('counts a wakeup whose sleep began before the capture, but not that sleep', async () => {
    const { result } = await analyze(memoryCapture(rows, meta), {});
    const q = result.threads.find((t) => t.tid === Q)!;
    expect(q.wakeups).toBe(1);
    expect(q.sleeps).toBe(0);
    expect(q.runqDelayNs.mean).toBe(10_000);
    expect(q.slices).toBe(1);
    expect(q.bursts).toBe(1);
    expect(q.meanBurstRunNs).toBe(20_000);
  });

  it('counts a slice seen whole but no burst or run-queue delay without the wakeup', async () => {
    const { result } = await analyze(memoryCapture(rows, meta), {});
    const u = result.threads.find((t) => t.tid === U)!;
    expect(u.slices).toBe(1);
    expect(u.runNs).toBe(50_000);
    expect(u.bursts).toBe(0);
    expect(u.runqDelayNs.max).toBe(0);
  });
});

describe('tid reuse after exit', () => {
  const T = 4242;
  const PARENT = 1;
  const rows = [
    comm(PARENT, PARENT, 'init'),
    comm(T, T, 'old'),
    sw(10, 0, T, 0, S),
    wake(20, 0, T, 0),
    sw(30, 0, 0, T),
    exit(35, T, T),
    sw(40, 0, T, 0, R, true), // preempted while exiting: still the same thread
    sw(45, 0, 0, T),
    sw(50, 0, T, 0, DEAD),
    fork(100, T, PARENT, T, PARENT),
    comm(T, T, 'new', 100, CommReason.FORK),
    wakeNew(101, 1, T, PARENT),
    sw(110, 0, 0, T),
    sw(150, 0, T, 0, S),
  ];

  it('reports two identities with their own names and numbers', async () => {
    const { result } = await analyze(memoryCapture(rows), {});
    const same = result.threads.filter((t) => t.tid === T).sort((a, b) => (a.generation ?? 0) - (b.generation ?? 0));
    expect(same.map((t) => [t.comm, t.generation])).toEqual([
      ['old', 0],
      ['new', 1],
    ]);
    const [old, young] = same as [(typeof same)[0], (typeof same)[0]];
    expect(old.runNs).toBe(10_000 + 10_000 + 5_000);
    expect(old.slices).toBe(2);
    expect(old.bursts).toBe(1);
    expect(old.meanSlicesPerBurst).toBe(2);
    expect(young.runNs).toBe(40_000);
    expect(young.wakeups).toBe(1);
    expect(young.wakers).toEqual([{ source: { kind: 'task', tid: PARENT, tgid: PARENT, comm: 'init' }, count: 1 }]);
    expect(young.runqDelayNs.mean).toBe(9_000);
    expect(young.sleeps).toBe(0);
    expect(young.uncertain).toBe(false);
    expect(old.uncertain).toBe(false);
  });
});

describe('lost events', () => {
  const A = 50;
  const B = 60;
  it('flags a thread switched out while believed asleep, and keeps its numbers clean', async () => {
    const rows = [
      comm(A, A, 'a'),
      comm(B, B, 'b'),
      sw(10, 0, A, B, S), // a sleeps
      // lost: the waking of a and its switch-in on cpu 1
      sw(50, 1, A, 0, S), // a switches out again
      wake(80, 0, A, B),
      sw(90, 1, 0, A),
      sw(100, 1, A, 0, S),
    ];
    const { result } = await analyze(memoryCapture(rows, { lost: 3 }), {});
    const a = result.threads.find((t) => t.tid === A)!;
    expect(a.uncertain).toBe(true);
    expect(a.sleeps).toBe(1); // only 50 → 80, not 10 → 80
    expect(a.sleepNs.total).toBe(30_000);
    expect(a.slices).toBe(1); // the slice that ended at 50 has no known start
    expect(a.runNs).toBe(10_000 + 10_000);
    expect(a.bursts).toBe(1);
    expect(result.threads.find((t) => t.tid === B)!.uncertain).toBe(false);
    expect(result.capture.lost).toBe(3);
  });

  it('flags a thread switched in on one cpu while running on another', async () => {
    const rows = [
      comm(A, A, 'a'),
      comm(B, B, 'b'),
      wake(5, 0, A, 0),
      sw(10, 0, 0, A),
      // lost: a switching out on cpu 0 (and b taking over there)
      sw(30, 1, 0, A),
      sw(40, 1, A, 0, S),
      sw(60, 0, B, 0, S), // cpu 0 now shows b leaving, which it never saw arrive
    ];
    const { result } = await analyze(memoryCapture(rows, { lost: 2 }), {});
    const a = result.threads.find((t) => t.tid === A)!;
    expect(a.uncertain).toBe(true);
    expect(a.slices).toBe(1);
    expect(a.runNs).toBe(10_000); // only 30 → 40: the stay on cpu 0 has no known end
    expect(a.bursts).toBe(0);
    const b = result.threads.find((t) => t.tid === B)!;
    expect(b.uncertain).toBe(true);
    expect(b.runNs).toBe(0);
  });

  it('counts the contradictions, and says so when no event was counted lost (the kernel did not emit one)', async () => {
    // The capture of a kernel that never emitted a's switch-out on cpu 0 (meta.lost = 0): cpu 0
    // shows b leaving, which it never saw arrive.
    const rows = [comm(A, A, 'a'), comm(B, B, 'b'), wake(5, 0, A, 0), sw(10, 0, 0, A), sw(60, 0, B, 0, S)];
    const analysis = await analyze(memoryCapture(rows, { lost: 0 }), {});
    // a: running on cpu 0 when b left it; b: left a cpu it was not on
    expect(analysis.result.capture.contradictions).toBe(2);
    expect(analysis.result.threads.filter((t) => t.uncertain).map((t) => t.tid)).toEqual([A, B]);
    const table = formatTable(analysis);
    expect(table).toContain(`note: ${msg.diagContradictions(2)}`);
    expect(table).not.toContain('LOST');
    // a capture without contradictions says nothing
    const clean = await analyze(memoryCapture([comm(A, A, 'a'), wake(5, 0, A, 0), sw(10, 0, 0, A)], { lost: 0 }), {});
    expect(clean.result.capture.contradictions).toBe(0);
    expect(formatTable(clean)).not.toContain('contradictions of a thread');
  });
});

/**
 * The critical path's walk: exact segments on a hand-built sequence whose scheduling is known to the
 * microsecond, and the one property every path has — its segments tile the interval — on every
 * fixture capture at its longest bursts and at random intervals.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analyze/index.js';
import type { CriticalPath, PathQuery } from '../../../src/analyze/index.js';
import { openCapture } from '../../../src/capture/index.js';
import { memoryCapture } from '../../helpers/memory-capture.js';
import { Ctx } from '../../../src/format/index.js';
import {
  armHrtimer,
  comm,
  D,
  expire,
  irq,
  irqName,
  R,
  raise,
  S,
  softirq,
  sw,
  sym,
  wake,
} from '../../helpers/sched-events.js';
import { ROOT } from '../../helpers/recorded.js';

const A = 100;
const B = 200;
const C = 300;
const US = 1000;

/**
 * A (cpu 0) wakes B at 10 µs and sleeps at 12; B waits on cpu 1 behind C (a hog running since 1)
 * until C is preempted at 30, runs until it wakes A at 50, sleeps at 52; A waits for cpu 0 (idle)
 * until 55, runs until 60 and sleeps.
 */
function rows() {
  return [
    comm(A, A, 'client'),
    comm(B, B, 'server'),
    comm(C, C, 'hog'),
    sw(1, 1, B, C, S),
    sw(2, 0, 0, A),
    wake(10, 0, B, A, { targetCpu: 1 }),
    sw(12, 0, A, 0, S),
    sw(30, 1, C, B, R, true),
    wake(50, 1, A, B, { targetCpu: 0 }),
    sw(52, 1, B, C, S),
    sw(55, 0, 0, A),
    sw(60, 0, A, 0, S),
    sw(70, 1, C, 0, R, true),
  ];
}

async function pathsOf(q: PathQuery): Promise<CriticalPath[]> {
  return (await analyze(memoryCapture(rows()), { path: q })).path ?? [];
}

const brief = (p: CriticalPath) =>
  p.segments.map((s) => ({
    from: s.start / US,
    to: s.end / US,
    tid: s.thread.tid,
    state: s.state,
    ...(s.holder ? { holder: s.holder.comm } : {}),
    ...(s.preempted !== undefined ? { preempted: s.preempted } : {}),
    depth: s.depth,
  }));

describe('the path of a hand-built request', () => {
  it('goes from the client’s sleep into the server that woke it, charging the server’s wait to the hog', async () => {
    const [p] = await pathsOf({ tid: A, longest: 1 });
    expect(p!.chosen).toEqual({ kind: 'burst', burst: 1, bursts: 1 });
    expect([p!.startNs / US, p!.endNs / US]).toEqual([12, 60]);
    expect(brief(p!)).toEqual([
      { from: 12, to: 30, tid: B, state: 'runnable', holder: 'hog', preempted: false, depth: 1 },
      { from: 30, to: 50, tid: B, state: 'running', depth: 1 },
      { from: 50, to: 55, tid: A, state: 'runnable', preempted: false, depth: 0 },
      { from: 55, to: 60, tid: A, state: 'running', depth: 0 },
    ]);
    expect(p!.segments[0]!.label).toBe('waiting for CPU 1 behind task hog 300 (woken)');
    expect(p!.segments[2]!.label).toBe('waiting for CPU 0, no task on it (woken)');
    expect(p!.summary).toEqual([
      { label: 'server 200 running', ns: 20 * US },
      { label: 'server 200 waiting for CPU behind hog 300', ns: 18 * US },
      // equal times keep their order on the path
      { label: 'client 100 waiting for CPU with no task on it', ns: 5 * US },
      { label: 'client 100 running', ns: 5 * US },
    ]);
    expect(p!.byThread.map((t) => [t.thread.tid, t.ns, t.byState.running, t.byState.runnable])).toEqual([
      [B, 38 * US, 20 * US, 18 * US],
      [A, 10 * US, 5 * US, 5 * US],
    ]);
  });

  it('stops at the depth limit with the rest of the sleep as one segment naming its cause', async () => {
    const [p] = await pathsOf({ tid: A, longest: 1, maxDepth: 0 });
    expect(p!.truncated).toBe(true);
    expect(brief(p!)[0]).toEqual({ from: 12, to: 50, tid: A, state: 'sleeping', depth: 0 });
    expect(p!.segments[0]!.wait).toBe('depth');
    expect(p!.segments[0]!.label).toBe('woken by task server 200, not followed (depth limit)');
  });

  it('says where a thread’s state is not known instead of guessing, and an explicit interval is tiled too', async () => {
    const [p] = await pathsOf({ tid: A, fromNs: 0, toNs: 60 * US });
    expect(p!.chosen).toEqual({ kind: 'interval' });
    // A was first seen switching in at 2 µs: before that, unknown; then it ran until it slept at 12
    expect(brief(p!).slice(0, 2)).toEqual([
      { from: 0, to: 2, tid: A, state: 'unknown', depth: 0 },
      { from: 2, to: 12, tid: A, state: 'running', depth: 0 },
    ]);
    expect(p!.segments.reduce((n, s) => n + s.end - s.start, 0)).toBe(60 * US);
  });

  it('preemption is told apart from a wakeup', async () => {
    // C's wait after its preemption at 30, behind B
    const [p] = await pathsOf({ tid: C, fromNs: 30 * US, toNs: 52 * US });
    expect(brief(p!)).toEqual([
      { from: 30, to: 52, tid: C, state: 'runnable', holder: 'server', preempted: true, depth: 0 },
    ]);
  });
});

describe('the path of a hand-built wait for the disk', () => {
  const W = 500;
  const H = 600;
  const BLOCK = 4;
  /**
   * W sleeps in D at 10 µs on CPU 0; the disk interrupts CPU 1 (irq 36, 40–42), raising BLOCK, which
   * runs there 45–48 and wakes W at 46; W waits for CPU 0 (idle) until 50, runs until 60.
   */
  const rows = () => [
    comm(W, W, 'writer'),
    comm(H, H, 'hog'),
    irqName(36, 'virtio1-req.0'),
    sw(1, 1, 0, H),
    sw(2, 0, 0, W),
    sw(10, 0, W, 0, D),
    ...irq(40, 42, 1, 36).flatMap((r, i) =>
      i === 0 ? [r, raise(41, 1, BLOCK, H, { ctx: Ctx.HARDIRQ, id: 36 })] : [r],
    ),
    ...softirq(45, 48, 1, BLOCK).flatMap((r, i) =>
      i === 0 ? [r, wake(46, 1, W, H, { ctx: Ctx.SOFTIRQ, id: BLOCK, targetCpu: 0 })] : [r],
    ),
    sw(50, 0, 0, W),
    sw(60, 0, W, 0, S),
    sw(70, 1, H, 0, R, true),
  ];

  it('waits for the device, then its interrupt, the softirq pending and the softirq that woke it', async () => {
    const [p] = (await analyze(memoryCapture(rows()), { path: { tid: W, longest: 1 } })).path!;
    expect([p!.startNs / US, p!.endNs / US]).toEqual([10, 60]);
    expect(
      p!.segments.map((s) => [s.start / US, s.end / US, s.state, s.cpu ?? null, s.wait ?? s.interrupt ?? null]),
    ).toEqual([
      [10, 40, 'sleeping', null, 'device'],
      [40, 42, 'interrupt', 1, 'irq 36 virtio1-req.0'],
      [42, 45, 'sleeping', null, 'pending'],
      [45, 46, 'interrupt', 1, 'BLOCK'],
      [46, 50, 'runnable', 0, null],
      [50, 60, 'running', 0, null],
    ]);
    expect(p!.segments[0]!.label).toBe('waiting for device irq 36 virtio1-req.0');
    expect(p!.segments[0]!.sleep).toBe('D');
    expect(p!.segments[2]!.label).toBe('waiting for softirq BLOCK, raised by hardirq irq 36 virtio1-req.0');
    // the hog on CPU 1 is never blamed: it was only interrupted
    expect(p!.segments.some((s) => s.thread.tid === H || s.holder?.tid === H)).toBe(false);
  });
});

describe('the path of a hand-built wait for a timer another thread armed', () => {
  const ARM = 700;
  const RD = 800;
  const TIMER = 0xabc;
  /**
   * The reader sleeps at 4 µs on CPU 0; the armer (CPU 1) arms a timer at 5 for it and sleeps at 8;
   * the timer's interrupt (35–37 on CPU 0) wakes the reader at 36; it runs 40–45 on the idle CPU 0.
   */
  const rows = () => [
    comm(ARM, ARM, 'armer'),
    comm(RD, RD, 'reader'),
    sym(7, 'timerfd_tmrproc'),
    sw(2, 1, 0, ARM),
    sw(2, 0, 0, RD),
    sw(4, 0, RD, 0, S),
    armHrtimer(5, 1, TIMER, ARM, 7, 30),
    sw(8, 1, ARM, 0, S),
    ...irq(35, 37, 0, 1, true).flatMap((r, i) =>
      i === 0
        ? [r, expire(36, 0, TIMER, 7), wake(36, 0, RD, 0, { ctx: Ctx.HARDIRQ, sysvec: true, id: 1, sym: 7 })]
        : [r],
    ),
    sw(40, 0, 0, RD),
    sw(45, 0, RD, 0, S),
  ];

  it('is pending from the armer’s last run to the expiry, and in the armer before that', async () => {
    const [p] = (await analyze(memoryCapture(rows()), { path: { tid: RD, longest: 1 } })).path!;
    expect([p!.startNs / US, p!.endNs / US]).toEqual([4, 45]);
    expect(p!.segments.map((s) => [s.start / US, s.end / US, s.thread.tid, s.state, s.depth])).toEqual([
      [4, 8, ARM, 'running', 1],
      [8, 35, RD, 'sleeping', 0],
      [35, 36, RD, 'interrupt', 0],
      [36, 37, RD, 'interrupt', 0],
      [37, 40, RD, 'runnable', 0],
      [40, 45, RD, 'running', 0],
    ]);
    expect(p!.segments[1]!.wait).toBe('pending');
    expect(p!.segments[1]!.label).toBe('waiting for hardirq local_timer/timerfd_tmrproc, armed by task armer 700');
    expect(p!.segments[2]!.interrupt).toBe('local_timer/timerfd_tmrproc');
  });
});

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectTiles(p: CriticalPath, why: string): void {
  expect(p.segments.length, why).toBeGreaterThan(0);
  expect(p.segments[0]!.start, why).toBe(p.startNs);
  expect(p.segments[p.segments.length - 1]!.end, why).toBe(p.endNs);
  for (let i = 1; i < p.segments.length; i++) expect(p.segments[i]!.start, why).toBe(p.segments[i - 1]!.end);
  for (const s of p.segments) expect(s.end, why).toBeGreaterThan(s.start);
  expect(
    p.segments.reduce((n, s) => n + (s.end - s.start), 0),
    why,
  ).toBe(p.endNs - p.startNs);
  expect(
    p.byThread.reduce((n, t) => n + t.ns, 0),
    why,
  ).toBe(p.endNs - p.startNs);
}

const FIXTURES = readdirSync(path.join(ROOT, 'fixtures'))
  .filter((f) => f.endsWith('.db') || f.endsWith('.arrow'))
  .map((f) => path.join(ROOT, 'fixtures', f));

describe('every path tiles its interval (property)', () => {
  it('there are fixtures to check', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(3);
  });

  it.each(FIXTURES.map((f) => [path.basename(f), f]))(
    '%s: the longest bursts of the busiest thread and random intervals of random threads',
    async (_name, file) => {
      const cap = await openCapture(file);
      try {
        const busiest = await analyze(cap, { path: { longest: 20, quiet: true } });
        expect(busiest.path!.length).toBeGreaterThan(0);
        for (const p of busiest.path!) expectTiles(p, `${file} busiest burst ${JSON.stringify(p.chosen)}`);
        const duration = busiest.result.capture.durationNs;
        const tids = busiest.result.threads.map((t) => t.tid);
        const next = rng(tids.length * 7919 + duration);
        for (let k = 0; k < 6; k++) {
          const tid = tids[Math.floor(next() * tids.length)]!;
          const intervals = Array.from({ length: 8 }, () => {
            const x = Math.floor(next() * duration);
            const y = Math.floor(next() * duration);
            return { fromNs: Math.min(x, y), toNs: Math.max(x, y) + 1 };
          });
          intervals.push({ fromNs: 0, toNs: duration });
          const a = await analyze(cap, { path: { tid, intervals } });
          expect(a.path!.length).toBe(intervals.length);
          for (const [i, p] of a.path!.entries()) {
            expect([p.startNs, p.endNs]).toEqual([intervals[i]!.fromNs, intervals[i]!.toNs]);
            expectTiles(p, `${file} tid ${tid} ${JSON.stringify(intervals[i])}`);
          }
        }
      } finally {
        cap.close();
      }
    },
    60_000,
  );
});

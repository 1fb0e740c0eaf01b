import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import type { ThreadMetrics } from '../../src/analyze/types.js';
import type { EventRow } from '../../src/capture/event-batch.js';
import { Flag, Kind } from '../../src/format/index.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { comm, D, IDLE_I, R, S, sw, wake } from '../helpers/sched-events.js';

async function threads(rows: EventRow[]): Promise<Map<number, ThreadMetrics>> {
  const { result } = await analyze(memoryCapture(rows), {});
  return new Map(result.threads.map((t) => [t.tid, t]));
}

describe('ping-pong between two processes', () => {
  const A = 300;
  const B = 400;
  function rows(rounds: number): EventRow[] {
    const out = [comm(A, A, 'ping'), comm(B, B, 'pong')];
    for (let k = 0; k < rounds; k++) {
      const t = 100 * k;
      out.push(wake(t + 10, 0, B, A), sw(t + 15, 1, 0, B), sw(t + 20, 0, A, 0, S));
      out.push(wake(t + 40, 1, A, B), sw(t + 45, 0, 0, A), sw(t + 50, 1, B, 0, S));
    }
    return out;
  }

  it('each is the other one’s only waker, nothing is reattributed', async () => {
    const { result } = await analyze(memoryCapture(rows(5)), {});
    const a = result.threads.find((t) => t.tid === A)!;
    const b = result.threads.find((t) => t.tid === B)!;
    expect(a.wakers).toEqual([{ source: { kind: 'task', tid: B, tgid: B, comm: 'pong' }, count: 5 }]);
    expect(b.wakers).toEqual([{ source: { kind: 'task', tid: A, tgid: A, comm: 'ping' }, count: 5 }]);
    expect(a.reattributed + b.reattributed).toBe(0);
    // A: first sleep starts at 20 µs; 5 wakeups, 4 complete sleeps after the first (the first started at 20 too).
    expect(a.sleeps).toBe(5);
    expect(a.sleepNs.mean).toBe(20_000);
    expect(b.sleeps).toBe(4); // B's first wakeup ended a sleep whose start was not seen
    expect(b.sleepNs.mean).toBe(60_000);
    expect(a.runqDelayNs.mean).toBe(5_000);
    expect(b.runqDelayNs.mean).toBe(5_000);
    expect(b.bursts).toBe(5);
    expect(b.meanBurstRunNs).toBe(35_000);
    expect(result.processes.find((p) => p.tgid === A)!.wakers).toEqual([
      { source: { kind: 'task', tgid: B, comm: 'pong' }, count: 5 },
    ]);
    expect(result.edges).toHaveLength(2);
  });
});

describe('preemption', () => {
  const X = 500;
  const Y = 600;
  const Z = 700;
  const rows = [
    comm(X, X, 'x'),
    comm(Y, Y, 'y'),
    comm(Z, Z, 'z'),
    wake(100, 0, X, Y), // y (running since the start) wakes x
    sw(110, 0, Y, X, S), // x in after 10 µs
    wake(140, 0, Z, X), // x wakes z
    sw(150, 0, X, Z, R, true), // z preempts x
    sw(170, 0, Z, X, S), // x back after 20 µs
    sw(200, 0, X, 0, S), // x sleeps: one burst of 40 + 30 µs in 2 slices
  ];

  it('splits a burst into two slices and measures the delay after preemption apart', async () => {
    const x = (await threads(rows)).get(X)!;
    expect(x.bursts).toBe(1);
    expect(x.meanSlicesPerBurst).toBe(2);
    expect(x.meanBurstRunNs).toBe(70_000);
    expect(x.slices).toBe(2);
    expect(x.meanSliceNs).toBe(35_000);
    expect(x.runqDelayNs).toEqual({ mean: 10_000, p95: 10_000, max: 10_000 });
    expect(x.preemptDelayNs).toEqual({ mean: 20_000, p95: 20_000, max: 20_000 });
    expect(x.preemptions).toBe(1);
  });

  it('treats a switch-out in state 0 without the preempt flag (a yield) as runnable too', async () => {
    const yielded = rows.map((r) => (r.ts === rows[6]!.ts ? { ...r, flags: 0 } : r));
    const x = (await threads(yielded)).get(X)!;
    expect(x.meanSlicesPerBurst).toBe(2);
    expect(x.preemptions).toBe(1);
  });
});

describe('sleep states', () => {
  const T = 800;
  const rows = [
    comm(T, T, 't'),
    sw(10, 0, T, 0, D), // D for 90 µs
    wake(100, 0, T, 0),
    sw(105, 0, 0, T),
    sw(110, 0, T, 0, S), // S for 190 µs
    wake(300, 0, T, 0),
    sw(305, 0, 0, T),
    sw(310, 0, T, 0, IDLE_I), // TASK_IDLE for 390 µs: counted as S
    wake(700, 0, T, 0),
    sw(705, 0, 0, T),
    sw(710, 0, T, 0, 0x102), // TASK_KILLABLE: D for 290 µs
    wake(1000, 0, T, 0),
  ];

  it('counts S (with I) and D apart', async () => {
    const t = (await threads(rows)).get(T)!;
    expect(t.sleeps).toBe(4);
    expect(t.sleepsS).toBe(2);
    expect(t.sleepsD).toBe(2);
    expect(t.sleepNs.total).toBe(90_000 + 190_000 + 390_000 + 290_000);
    expect(t.sleepNs.max).toBe(390_000);
    expect(t.sleepNs.p50).toBe(190_000);
    expect(t.reattributed).toBe(0);
    expect(t.wakers).toEqual([{ source: { kind: 'task', tid: 0, tgid: 0, comm: 'swapper' }, count: 4 }]);
  });
});

describe('spurious (ON_RQ) wakings', () => {
  const T = 900;
  const W = 901;
  it('end no sleep when the thread is still runnable, and count apart from wakeups', async () => {
    const rows = [
      comm(T, T, 't'),
      comm(W, W, 'w'),
      wake(20, 1, T, W, { extra: Flag.ON_RQ }), // t still running on cpu 0: its state is set back to R
      sw(30, 0, T, 0, R), // so it leaves the CPU runnable
      sw(40, 0, 0, T),
      sw(50, 0, T, 0, S),
      wake(150, 1, T, W),
      sw(160, 0, 0, T),
    ];
    const t = (await threads(rows)).get(T)!;
    expect(t.spuriousWakeups).toBe(1);
    expect(t.wakeups).toBe(1);
    expect(t.sleeps).toBe(1);
    expect(t.sleepNs.total).toBe(100_000);
    expect(t.wakers).toEqual([{ source: { kind: 'task', tid: W, tgid: W, comm: 'w' }, count: 1 }]);
    expect(t.runqDelayNs.max).toBe(10_000);
  });

  it('still end a sleep when the switch-out won the race with the waker (flag read before the lock)', async () => {
    const rows = [
      comm(T, T, 't'),
      comm(W, W, 'w'),
      sw(50, 0, T, 0, S),
      wake(80, 1, T, W, { extra: Flag.ON_RQ }), // asleep per its switch-out: a real wakeup
      sw(90, 0, 0, T),
      wake(100, 1, T, W, { extra: Flag.ON_RQ }), // on its CPU when woken ...
      sw(103, 0, T, 0, S), // ... yet it switches out asleep: the waking above ended that at once
      sw(110, 0, 0, T),
    ];
    const t = (await threads(rows)).get(T)!;
    expect(t.uncertain).toBeFalsy();
    expect(t.sleeps).toBe(1);
    expect(t.sleepNs.total).toBe(30_000);
    expect(t.slices).toBe(1); // 90 → 103 (the first stay began before the capture)
  });
});

describe('wakeup sources', () => {
  const T = 1000;
  const C = 1001;
  it('names device irqs, softirqs with callbacks, nmi and unsure contexts', async () => {
    const { irqName, sym, armHrtimer, expire } = await import('../helpers/sched-events.js');
    const rows = [
      comm(T, T, 't'),
      comm(C, C, 'cur'),
      irqName(24, 'virtio0-input.0'),
      sym(3, 'process_timeout'),
      sw(1, 0, T, 0, S),
      wake(10, 1, T, C, { ctx: 1, id: 24 }),
      sw(11, 0, 0, T),
      { ...armHrtimer(11, 0, 0x42, T, 3, 8), kind: Kind.TIMER_START }, // schedule_timeout's timer, armed by t
      sw(12, 0, T, 0, S),
      { ...expire(20, 1, 0x42, 3, C), flags: 2, b: 1 }, // in the TIMER softirq
      wake(20, 1, T, C, { ctx: 2, id: 1, sym: 3 }),
      sw(21, 0, 0, T),
      sw(22, 0, T, 0, S),
      wake(30, 1, T, C, { ctx: 3 }),
      sw(31, 0, 0, T),
      sw(32, 0, T, 0, S),
      wake(40, 1, T, C, { ctx: 1, extra: Flag.UNSURE }),
      sw(41, 0, 0, T),
      sw(42, 0, T, 0, S),
      wake(50, 1, T, 0, { ctx: 1, sysvec: true, id: 2 }), // reschedule IPI on an idle cpu
    ];
    const t = (await threads(rows)).get(T)!;
    const names = t.wakers.map((w) => `${w.source.kind}:${w.source.name ?? ''}`).sort();
    expect(names).toEqual([
      'hardirq:irq 24 virtio0-input.0',
      'hardirq:reschedule',
      'nmi:nmi',
      'softirq:TIMER/process_timeout',
      'unknown:context unsure',
    ]);
    // Interrupts while `cur` ran, caused by someone else: irq 24 (itself), TIMER (t's own timer),
    // nmi (itself). Not the unsure one, not the idle one.
    expect(t.reattributed).toBe(3);
    expect(t.unknownCause).toBe(1);
  });
});

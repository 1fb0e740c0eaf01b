/**
 * Causes from hand-built event sequences: what a softirq raise or a timer arming makes of a
 * wakeup, and what happens when the raise or the arming was not seen (lost, or before the
 * capture started): the cause is unknown, counted, never guessed.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { formatChain } from '../../src/analyze/detail/chain.js';
import type { Analysis } from '../../src/analyze/types.js';
import { Ctx } from '../../src/format/index.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { thread } from '../helpers/thread-of.js';
import {
  armHrtimer,
  comm,
  expire,
  irq,
  irqName,
  raise,
  softirq,
  sw,
  sym,
  wake,
  hrtimerWake,
} from '../helpers/sched-events.js';

const NET_RX = 3;
const BLOCK = 4;
const SIRQ = { ctx: Ctx.SOFTIRQ };

const names = [
  comm(10, 10, 'sender'),
  comm(20, 20, 'receiver'),
  comm(30, 30, 'bystander'),
  comm(40, 40, 'writer'),
  comm(50, 50, 'armer'),
  comm(60, 60, 'reader'),
  irqName(24, 'nvme0q1'),
  sym(5, 'timerfd_tmrproc'),
];

async function run(rows: Parameters<typeof memoryCapture>[0]): Promise<Analysis> {
  return analyze(memoryCapture([...names, ...rows]), { detail: true });
}

describe('the cause of a softirq wakeup', () => {
  it('is the task that raised NET_RX and ran it itself: not reattributed, counted as the naive view being right', async () => {
    const a = await run([
      sw(0, 1, 0, 20),
      sw(5, 1, 20, 0, 1), // receiver sleeps in recv()
      sw(10, 0, 0, 10),
      raise(20, 0, NET_RX, 10), // sender's send() raised NET_RX…
      ...softirq(21, 30, 0, NET_RX), // …and ran it at bh-enable
      wake(25, 0, 20, 10, { ...SIRQ, id: NET_RX, targetCpu: 1 }),
    ]);
    const r = thread(a, 20);
    expect(r.wakeups).toBe(1);
    expect(r.reattributed).toBe(0);
    expect(r.onCpuCause).toBe(1);
    expect(r.unknownCause).toBe(0);
    expect(r.wakers).toEqual([
      {
        source: { kind: 'softirq', name: 'NET_RX' },
        cause: { kind: 'task', tid: 10, tgid: 10, comm: 'sender' },
        count: 1,
      },
    ]);
    expect(a.result.edges).toContainEqual({
      from: { kind: 'task', tid: 10, tgid: 10, comm: 'sender' },
      via: { kind: 'softirq', name: 'NET_RX' },
      to: { tid: 20, tgid: 20, comm: 'receiver' },
      count: 1,
    });
    expect(formatChain(a.detail, 20)).toContain('woken by task sender 10 via softirq NET_RX (on cpu: sender 10)');
  });

  it('is the device interrupt that raised BLOCK, whoever was on the CPU: reattributed', async () => {
    const a = await run([
      sw(0, 1, 0, 40),
      sw(5, 1, 40, 0, 2), // writer waits for the disk (D)
      sw(10, 0, 0, 30),
      ...irq(20, 22, 0, 24), // the disk's interrupt interrupts the bystander…
      raise(21, 0, BLOCK, 30, { ctx: Ctx.HARDIRQ, id: 24 }), // …and raises BLOCK
      ...softirq(22, 30, 0, BLOCK),
      wake(25, 0, 40, 30, { ...SIRQ, id: BLOCK, targetCpu: 1 }),
    ]);
    const w = thread(a, 40);
    expect(w.reattributed).toBe(1);
    expect(w.onCpuCause).toBe(0);
    expect(w.wakers[0]!.cause).toEqual({ kind: 'hardirq', name: 'irq 24 nvme0q1' });
    expect(a.result.edges.find((e) => e.to.tid === 40)?.from).toEqual({ kind: 'hardirq', name: 'irq 24 nvme0q1' });
    expect(formatChain(a.detail, 40)).toContain(
      'woken by softirq BLOCK raised by hardirq irq 24 nvme0q1 (on cpu: bystander 30)',
    );
  });

  it('is unknown when no raise was seen before the run (lost, or raised before the capture started)', async () => {
    const a = await run([
      sw(0, 1, 0, 20),
      sw(5, 1, 20, 0, 1),
      sw(10, 0, 0, 30),
      ...softirq(21, 30, 0, NET_RX), // raised before the capture: no SOFTIRQ_RAISE
      wake(25, 0, 20, 30, { ...SIRQ, id: NET_RX, targetCpu: 1 }),
      sw(40, 1, 0, 20),
      sw(45, 1, 20, 0, 1),
      raise(50, 0, NET_RX, 30),
      ...softirq(51, 55, 0, NET_RX), // this run consumes the raise…
      ...softirq(60, 70, 0, NET_RX), // …and this one's raise was lost
      wake(65, 0, 20, 30, { ...SIRQ, id: NET_RX, targetCpu: 1 }),
      sw(70, 1, 0, 20),
      sw(75, 1, 20, 0, 1),
      raise(78, 0, BLOCK, 30),
      wake(80, 0, 20, 30, { ...SIRQ, id: BLOCK, targetCpu: 1 }), // a softirq whose entry was not seen
    ]);
    const r = thread(a, 20);
    expect(r.wakeups).toBe(3);
    expect(r.unknownCause).toBe(3);
    expect(r.reattributed).toBe(0);
    expect(r.onCpuCause).toBe(0);
    expect(r.wakers).toEqual([
      {
        source: { kind: 'softirq', name: 'NET_RX' },
        cause: { kind: 'unknown', name: 'softirq raise not seen' },
        count: 2,
      },
      {
        source: { kind: 'softirq', name: 'BLOCK' },
        cause: { kind: 'unknown', name: 'softirq raise not seen' },
        count: 1,
      },
    ]);
    // an unknown cause names no one: the edge stays on what ran the wakeups
    expect(a.result.edges.find((e) => e.to.tid === 20)?.from).toEqual({ kind: 'softirq', name: 'NET_RX' });
    expect(a.result.unknownCause).toBe(3);
  });

  it('names the last of several different raisers, and counts it', async () => {
    const a = await run([
      sw(0, 1, 0, 20),
      sw(5, 1, 20, 0, 1),
      sw(10, 0, 0, 10),
      raise(12, 0, NET_RX, 10),
      sw(14, 0, 10, 30, 1),
      raise(16, 0, NET_RX, 30),
      ...softirq(20, 30, 0, NET_RX),
      wake(25, 0, 20, 30, { ...SIRQ, id: NET_RX, targetCpu: 1 }),
    ]);
    const r = thread(a, 20);
    expect(r.severalRaisers).toBe(1);
    expect(r.onCpuCause).toBe(1);
    expect(r.wakers[0]!.cause).toEqual({ kind: 'task', tid: 30, tgid: 30, comm: 'bystander' });
  });
});

describe('the cause of a timer wakeup', () => {
  it('is the thread that armed the timer, not the thread it wakes nor the one on the CPU', async () => {
    const TIMER = 0x1234;
    const a = await run([
      sw(0, 1, 0, 60),
      sw(5, 1, 60, 0, 1), // reader sleeps in read(timerfd)
      sw(10, 0, 0, 50),
      armHrtimer(12, 0, TIMER, 50, 5, 1000), // armer arms it…
      sw(15, 0, 50, 30, 1), // …and sleeps; a bystander runs
      ...irq(1010, 1020, 0, 1, true),
      expire(1011, 0, TIMER, 5, 30),
      hrtimerWake(1012, 0, 60, 30, 5),
    ]);
    const r = thread(a, 60);
    expect(r.wakers).toEqual([
      {
        source: { kind: 'hardirq', name: 'local_timer/timerfd_tmrproc' },
        cause: { kind: 'task', tid: 50, tgid: 50, comm: 'armer' },
        count: 1,
      },
    ]);
    expect(r.reattributed).toBe(1);
    expect(a.result.edges.find((e) => e.to.tid === 60)?.from).toEqual({
      kind: 'task',
      tid: 50,
      tgid: 50,
      comm: 'armer',
    });
  });

  it('is unknown when the timer was armed before the capture or its expiry was lost', async () => {
    const a = await run([
      sw(0, 1, 0, 60),
      sw(5, 1, 60, 0, 1),
      sw(10, 0, 0, 30),
      ...irq(1010, 1020, 0, 1, true),
      expire(1011, 0, 0x999, 5, 30), // armed before the capture
      hrtimerWake(1012, 0, 60, 30, 5),
      sw(1100, 1, 0, 60),
      sw(1105, 1, 60, 0, 1),
      ...irq(2010, 2020, 0, 1, true),
      hrtimerWake(2012, 0, 60, 30, 5), // its TIMER_EXPIRE lost: not the previous timer's armer
    ]);
    const r = thread(a, 60);
    expect(r.unknownCause).toBe(2);
    expect(r.reattributed).toBe(0);
    expect(r.wakers[0]!.cause).toEqual({ kind: 'unknown', name: 'timer arming not seen' });
  });
});

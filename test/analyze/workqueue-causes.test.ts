/**
 * Workqueue causes from hand-built event sequences: a wakeup run by a kworker inside a work item
 * is caused by whoever queued the item (a task, a device interrupt, a timer's armer, the cause of
 * the item that queued it), its source is the kworker running the item's function, and the naive
 * view (the kworker) counts as wrong; outside an item the kworker is its own cause.
 */
import { describe, expect, it } from 'vitest';
import { analyze, LiveAnalysis, wakerLabel } from '../../src/analyze/index.js';
import { formatChain } from '../../src/analyze/detail/chain.js';
import type { Analysis } from '../../src/analyze/types.js';
import { batchFromRows } from '../../src/capture/event-batch.js';
import { Ctx } from '../../src/format/index.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { thread } from '../helpers/thread-of.js';
import {
  armTimer,
  comm,
  expireInSoftirq,
  irq,
  irqName,
  queueWork,
  runWork,
  softirq,
  sw,
  sym,
  T0,
  wake,
} from '../helpers/sched-events.js';

const WRITER = 40;
const READER = 60;
const KWORKER = 70;
const KWORKER2 = 71;
const BYSTANDER = 30;
const ARMER = 50;
const FLUSH = 7;
const TIMER_FN = 8;
const VMSTAT = 9;
const W1 = 0xabc1;
const W2 = 0xabc2;

const names = [
  comm(WRITER, WRITER, 'writer'),
  comm(READER, READER, 'reader'),
  comm(KWORKER, KWORKER, 'kworker/u8:1'),
  comm(KWORKER2, KWORKER2, 'kworker/0:1'),
  comm(BYSTANDER, BYSTANDER, 'bystander'),
  comm(ARMER, ARMER, 'armer'),
  irqName(24, 'nvme0q1'),
  sym(FLUSH, 'flush_to_ldisc'),
  sym(TIMER_FN, 'delayed_work_timer_fn'),
  sym(VMSTAT, 'vmstat_update'),
];

const task = (tid: number, name: string) => ({ kind: 'task', tid, tgid: tid, comm: name });
const kworker = (work?: string) => ({ ...task(KWORKER, 'kworker/u8:1'), ...(work ? { work } : {}) });

async function run(rows: Parameters<typeof memoryCapture>[0]): Promise<Analysis> {
  return analyze(memoryCapture([...names, ...rows]), { detail: true });
}

/** The reader sleeps on cpu 1 at t0 (running from t0 - 5). */
const readerSleeps = (t0: number) => [sw(t0 - 5, 1, 0, READER), sw(t0, 1, READER, 0)];

describe('the cause of a wakeup run by a kworker', () => {
  it('is the task that queued the item, through the kworker running its function; after the item the kworker is its own cause', async () => {
    const a = await run([
      ...readerSleeps(5),
      sw(10, 0, 0, WRITER),
      queueWork(12, 0, W1, WRITER, FLUSH), // a write to a pty master queues flush_to_ldisc…
      wake(13, 0, KWORKER, WRITER), // …and wakes an idle worker
      sw(15, 0, WRITER, KWORKER),
      ...runWork(16, 30, 0, W1, KWORKER, FLUSH),
      wake(20, 0, READER, KWORKER, { targetCpu: 1 }), // the worker, in the item, wakes the reader
      sw(31, 0, KWORKER, 0),
      ...readerSleeps(40),
      sw(45, 0, 0, KWORKER),
      wake(50, 0, READER, KWORKER, { targetCpu: 1 }), // outside any item: the worker's own wakeup
      sw(55, 0, KWORKER, 0),
    ]);
    const r = thread(a, READER);
    // (a tie: in the order of their identities)
    expect(r.wakers).toEqual([
      { source: kworker(), count: 1 },
      { source: kworker('flush_to_ldisc'), cause: task(WRITER, 'writer'), count: 1 },
    ]);
    expect(r.reattributed).toBe(1);
    expect(r.onCpuCause).toBe(0);
    expect(r.unknownCause).toBe(0);
    expect(wakerLabel(r.wakers[1]!)).toBe('task writer 40 via task kworker/u8:1 70 running flush_to_ldisc');
    expect(a.result.edges).toContainEqual({
      from: task(WRITER, 'writer'),
      via: kworker('flush_to_ldisc'),
      to: { tid: READER, tgid: READER, comm: 'reader' },
      count: 1,
    });
    // the process graph links writer to reader too
    expect((a.result.processEdges ?? []).some((e) => e.from.tgid === WRITER && e.to.tgid === READER)).toBe(true);
    expect(formatChain(a.detail, READER)).toContain(
      'woken by task writer 40 via task kworker/u8:1 70 running flush_to_ldisc',
    );
    // the worker itself was woken by the writer, in task context: no cause of another kind
    expect(thread(a, KWORKER).wakers).toEqual([{ source: task(WRITER, 'writer'), count: 1 }]);
  });

  it('is the device interrupt that queued the item, whoever was on the CPU', async () => {
    const a = await run([
      ...readerSleeps(5),
      sw(10, 0, 0, BYSTANDER),
      ...irq(100, 110, 0, 24),
      queueWork(105, 0, W1, BYSTANDER, VMSTAT, { ctx: Ctx.HARDIRQ, id: 24 }),
      sw(120, 0, BYSTANDER, KWORKER, 0, true),
      ...runWork(121, 130, 0, W1, KWORKER, VMSTAT),
      wake(125, 0, READER, KWORKER, { targetCpu: 1 }),
    ]);
    const r = thread(a, READER);
    expect(r.wakers).toEqual([
      { source: kworker('vmstat_update'), cause: { kind: 'hardirq', name: 'irq 24 nvme0q1' }, count: 1 },
    ]);
    expect(wakerLabel(r.wakers[0]!)).toBe(
      'task kworker/u8:1 70 running vmstat_update queued by hardirq irq 24 nvme0q1',
    );
    expect(r.reattributed).toBe(1);
  });

  it('is the armer of the timer whose callback queued the item (delayed work)', async () => {
    const TMR = 0x5151;
    const a = await run([
      ...readerSleeps(5),
      sw(8, 0, 0, ARMER),
      armTimer(10, 0, TMR, ARMER, TIMER_FN), // queue_delayed_work arms a timer…
      sw(12, 0, ARMER, BYSTANDER),
      ...softirq(1000, 1020, 0, 1), // …whose callback, in the TIMER softirq, queues the item
      expireInSoftirq(1005, 0, TMR, TIMER_FN, BYSTANDER),
      queueWork(1006, 0, W1, BYSTANDER, VMSTAT, { ctx: Ctx.SOFTIRQ, id: 1 }),
      sw(1030, 0, BYSTANDER, KWORKER, 0, true),
      ...runWork(1031, 1040, 0, W1, KWORKER, VMSTAT),
      wake(1035, 0, READER, KWORKER, { targetCpu: 1 }),
    ]);
    const r = thread(a, READER);
    expect(r.wakers).toEqual([{ source: kworker('vmstat_update'), cause: task(ARMER, 'armer'), count: 1 }]);
    expect(r.reattributed).toBe(1);
  });

  it('goes through an item queued by another item to the first queuer', async () => {
    const a = await run([
      ...readerSleeps(5),
      sw(10, 0, 0, WRITER),
      queueWork(12, 0, W1, WRITER, FLUSH),
      sw(15, 0, WRITER, KWORKER),
      ...runWork(16, 30, 0, W1, KWORKER, FLUSH),
      queueWork(20, 0, W2, KWORKER, VMSTAT), // the first item queues a second one
      sw(31, 0, KWORKER, KWORKER2),
      ...runWork(32, 40, 0, W2, KWORKER2, VMSTAT),
      wake(35, 0, READER, KWORKER2, { targetCpu: 1 }),
    ]);
    const r = thread(a, READER);
    expect(r.wakers).toEqual([
      { source: { ...task(KWORKER2, 'kworker/0:1'), work: 'vmstat_update' }, cause: task(WRITER, 'writer'), count: 1 },
    ]);
  });

  it('of a flush barrier (inserted without a queueing event) is the cause of the item it ran behind', async () => {
    const BARRIER = 11;
    const a = await run([
      sym(BARRIER, 'wq_barrier_func'),
      ...readerSleeps(5), // the reader sleeps in flush_work, waiting for the writer's item
      sw(10, 0, 0, WRITER),
      queueWork(12, 0, W1, WRITER, FLUSH),
      sw(15, 0, WRITER, KWORKER),
      ...runWork(16, 20, 0, W1, KWORKER, FLUSH),
      ...runWork(21, 25, 0, W2, KWORKER, BARRIER),
      wake(23, 0, READER, KWORKER, { targetCpu: 1 }),
    ]);
    expect(thread(a, READER).wakers).toEqual([
      { source: kworker('wq_barrier_func'), cause: task(WRITER, 'writer'), count: 1 },
    ]);
  });

  it('is unknown when the queueing was not seen (before the capture, or lost)', async () => {
    const a = await run([
      ...readerSleeps(5),
      sw(10, 0, 0, KWORKER),
      ...runWork(16, 30, 0, W1, KWORKER, FLUSH),
      wake(20, 0, READER, KWORKER, { targetCpu: 1 }),
    ]);
    const r = thread(a, READER);
    expect(r.wakers).toEqual([
      { source: kworker('flush_to_ldisc'), cause: { kind: 'unknown', name: 'work queueing not seen' }, count: 1 },
    ]);
    expect(r.unknownCause).toBe(1);
    expect(r.reattributed).toBe(0);
  });

  it('of a BH workqueue item, run in a softirq, is its queuer', async () => {
    const TASKLET = 6;
    const a = await run([
      ...readerSleeps(5),
      sw(10, 0, 0, WRITER),
      queueWork(12, 0, W1, WRITER, FLUSH),
      sw(15, 0, WRITER, BYSTANDER),
      ...softirq(200, 220, 0, TASKLET),
      ...runWork(205, 215, 0, W1, BYSTANDER, FLUSH, { ctx: Ctx.SOFTIRQ, id: TASKLET }),
      wake(210, 0, READER, BYSTANDER, { ctx: Ctx.SOFTIRQ, id: TASKLET, targetCpu: 1 }),
    ]);
    const r = thread(a, READER);
    expect(r.wakers).toEqual([
      { source: { kind: 'softirq', name: 'TASKLET' }, cause: task(WRITER, 'writer'), count: 1 },
    ]);
    expect(r.reattributed).toBe(1);
  });
});

describe('workqueue causes live (serve)', () => {
  it('survive an epoch change while the worker is inside the item', () => {
    const live = new LiveAnalysis(T0, 2);
    live.feed(
      batchFromRows([
        ...names,
        ...readerSleeps(5),
        comm(99, 99, 'gone'),
        sw(7, 0, 0, 99),
        sw(9, 0, 99, WRITER, 0x80), // a thread that dies: freed at the rotation, indices move
        sw(10, 0, WRITER, 0, 1),
        sw(11, 0, 0, WRITER),
        queueWork(12, 0, W1, WRITER, FLUSH),
        sw(15, 0, WRITER, KWORKER),
        ...runWork(16, 30, 0, W1, KWORKER, FLUSH).slice(0, 1),
      ]),
    );
    live.rotate();
    live.feed(batchFromRows([wake(20, 0, READER, KWORKER, { targetCpu: 1 })]));
    const [r] = live.threadMetrics((tid) => tid === READER);
    expect(r!.wakers).toEqual([{ source: kworker('flush_to_ldisc'), cause: task(WRITER, 'writer'), count: 1 }]);
  });
});

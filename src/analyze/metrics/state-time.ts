/**
 * Time per state (running, runnable, sleeping S, blocked D) per thread: the
 * stays the engine closes, plus, when `asOf` is set (live use), the part of
 * the current stay up to it. A thread carried over by Engine.handOver counts
 * its current stay only from the hand-over (`startAt`): the modules it left
 * had already counted the part before.
 */
import { St, type StCode } from '../engine/codes.js';
import { Columns } from '../engine/columns.js';
import type { Metric } from '../engine/metric.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { ProcessMetrics, ThreadMetrics } from '../types.js';

interface StateTimes {
  running: number;
  runnable: number;
  sleeping: number;
  blocked: number;
}

const RUNNING = 0;
const RUNNABLE = 1;
const SLEEPING = 2;
const BLOCKED = 3;
/** From when this module counts the thread's current stay (NaN: from its start). */
const FLOOR = 4;
const STRIDE = 5;

function column(st: number): number {
  switch (st) {
    case St.RUNNING:
      return RUNNING;
    case St.RUNNABLE:
      return RUNNABLE;
    case St.SLEEP_S:
      return SLEEPING;
    case St.SLEEP_D:
      return BLOCKED;
    default:
      return -1;
  }
}

export class StateTime implements Metric {
  private readonly acc = new Columns(STRIDE);
  /** Count open stays up to this time (ns, absolute); NaN: closed stays only. */
  asOf = NaN;

  constructor(private readonly threads: ThreadTable) {}

  addThread(): void {
    const row = this.acc.push();
    this.acc.data[row * STRIDE + FLOOR] = NaN;
  }

  /** The thread's current stay counts from `ts` on. */
  startAt(th: number, ts: number): void {
    this.acc.data[th * STRIDE + FLOOR] = ts;
  }

  interval(th: number, state: StCode, start: number, end: number): void {
    const col = column(state);
    const at = th * STRIDE;
    const floor = this.acc.data[at + FLOOR]!;
    this.acc.data[at + FLOOR] = NaN;
    if (col < 0) return;
    const from = floor === floor && floor > start ? floor : start;
    if (end > from) this.acc.data[at + col]! += end - from;
  }

  private add(th: number, out: StateTimes): void {
    const d = this.acc.data;
    const at = th * STRIDE;
    out.running += d[at + RUNNING]!;
    out.runnable += d[at + RUNNABLE]!;
    out.sleeping += d[at + SLEEPING]!;
    out.blocked += d[at + BLOCKED]!;
    const now = this.asOf;
    if (now !== now) return;
    const since = this.threads.since[th]!;
    const col = column(this.threads.recs[th]!.st);
    if (col < 0 || since !== since) return;
    const floor = d[at + FLOOR]!;
    const from = floor === floor && floor > since ? floor : since;
    if (now <= from) return;
    if (col === RUNNING) out.running += now - from;
    else if (col === RUNNABLE) out.runnable += now - from;
    else if (col === SLEEPING) out.sleeping += now - from;
    else out.blocked += now - from;
  }

  fillThread(th: number, out: ThreadMetrics): void {
    this.fillProcess([th], out);
  }

  fillProcess(ths: readonly number[], out: ThreadMetrics | ProcessMetrics): void {
    const t = { running: 0, runnable: 0, sleeping: 0, blocked: 0 };
    for (const th of ths) this.add(th, t);
    out.runningNs = t.running;
    out.runnableNs = t.runnable;
    out.sleepingNs = t.sleeping;
    out.blockedNs = t.blocked;
    out.stateNs = t.running + t.runnable + t.sleeping + t.blocked;
  }
}

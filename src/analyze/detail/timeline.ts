/** The state timeline of each thread (detail): running (cpu), runnable, sleeping, blocked, dead. */
import { timelineState, type StCode } from '../engine/codes.js';
import { atMs, busiestThreads, COLLECT_FACTOR } from './detail-budget.js';
import type { Metric, ResultContext } from '../engine/metric.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { AnalysisDetail, StateInterval } from '../types.js';

export class Timeline implements Metric {
  private readonly th: number[] = [];
  private readonly state: StCode[] = [];
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly cpu: number[] = [];
  private stoppedAt = NaN;

  constructor(
    private readonly threads: ThreadTable,
    private readonly max: number,
  ) {}

  interval(th: number, state: StCode, start: number, end: number, cpu: number): void {
    if (this.th.length >= this.max * COLLECT_FACTOR) {
      if (this.stoppedAt !== this.stoppedAt) this.stoppedAt = end;
      return;
    }
    this.th.push(th);
    this.state.push(state);
    this.start.push(start);
    this.end.push(end);
    this.cpu.push(cpu);
  }

  fillDetail(keep: (th: number) => boolean, ctx: ResultContext, out: AnalysisDetail): void {
    const counts = new Map<number, number>();
    for (const th of this.th) if (keep(th)) counts.set(th, (counts.get(th) ?? 0) + 1);
    let take = keep;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total > this.max) {
      const pick = busiestThreads(counts, this.max);
      take = (th) => pick.keep.has(th);
      out.reduced.push(
        `intervals: kept the ${pick.keep.size} busiest of ${counts.size} threads (${pick.keptItems} of ${total} intervals)`,
      );
    }
    if (this.stoppedAt === this.stoppedAt) {
      out.reduced.push(`intervals: none collected after ${atMs(this.stoppedAt - ctx.startNs)} (collection limit)`);
    }
    const intervals: StateInterval[] = [];
    for (let i = 0; i < this.th.length; i++) {
      const th = this.th[i]!;
      const state = timelineState(this.state[i]!);
      if (state === null || !take(th)) continue;
      const iv: StateInterval = {
        tid: this.threads.recs[th]!.tid,
        start: this.start[i]! - ctx.startNs,
        end: this.end[i]! - ctx.startNs,
        state,
      };
      if (state === 'running') iv.cpu = this.cpu[i]!;
      intervals.push(iv);
    }
    intervals.sort((a, b) => a.start - b.start || a.tid - b.tid);
    out.intervals = intervals;
  }
}

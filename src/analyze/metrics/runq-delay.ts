/**
 * Run-queue delay: from the waking (or the preemption) to the next
 * switch-in, kept apart: runqDelayNs after wakeups, preemptDelayNs after
 * preemptions.
 */
import { Rq, type RqCause } from '../engine/codes.js';
import { DistSet, type DistSummary } from './histogram.js';
import type { Metric } from '../engine/metric.js';
import { delayStats } from './stats.js';
import type { ProcessMetrics, ThreadMetrics } from '../types.js';

export class RunqDelay implements Metric {
  /** Two distributions per thread, side by side: 2·th after wakeups, 2·th + 1 after preemptions. */
  private readonly dist = new DistSet();

  addThread(): void {
    this.dist.push();
    this.dist.push();
  }

  runqDelay(th: number, cause: RqCause, ns: number): void {
    this.dist.add(cause === Rq.WAKEUP ? 2 * th : 2 * th + 1, ns);
  }

  fillThread(th: number, out: ThreadMetrics): void {
    write(this.dist.summary(2 * th), this.dist.summary(2 * th + 1), out);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    write(this.dist.summaryOf(ths.map((th) => 2 * th)), this.dist.summaryOf(ths.map((th) => 2 * th + 1)), out);
  }
}

function write(wake: DistSummary, preempt: DistSummary, out: ThreadMetrics | ProcessMetrics): void {
  out.runqDelayNs = delayStats(wake);
  out.preemptDelayNs = delayStats(preempt);
  out.preemptions = preempt.count;
  out.runqWaits = wake.count;
  out.runqWaitNs = wake.total;
  out.preemptWaitNs = preempt.total;
}

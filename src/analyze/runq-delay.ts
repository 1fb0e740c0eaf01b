/**
 * Run-queue delay: from the waking (or the preemption) to the next
 * switch-in, kept apart: runqDelayNs after wakeups, preemptDelayNs after
 * preemptions.
 */
import { Rq, type RqCause } from './codes.js';
import { Distribution } from './histogram.js';
import type { Metric } from './metric.js';
import { delayStats, merged } from './stats.js';
import type { ProcessMetrics, ThreadMetrics } from './types.js';

class RunqAcc {
  readonly afterWakeup = new Distribution();
  readonly afterPreempt = new Distribution();
}

export class RunqDelay implements Metric {
  private readonly acc: RunqAcc[] = [];

  addThread(): void {
    this.acc.push(new RunqAcc());
  }

  runqDelay(th: number, cause: RqCause, start: number, end: number): void {
    const a = this.acc[th]!;
    (cause === Rq.WAKEUP ? a.afterWakeup : a.afterPreempt).add(end - start);
  }

  fillThread(th: number, out: ThreadMetrics): void {
    const a = this.acc[th]!;
    out.runqDelayNs = delayStats(a.afterWakeup);
    out.preemptDelayNs = delayStats(a.afterPreempt);
    out.preemptions = a.afterPreempt.count;
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    const preempt = merged(ths.map((th) => this.acc[th]!.afterPreempt));
    out.runqDelayNs = delayStats(merged(ths.map((th) => this.acc[th]!.afterWakeup)));
    out.preemptDelayNs = delayStats(preempt);
    out.preemptions = preempt.count;
  }
}

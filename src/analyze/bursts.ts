/** Bursts: from the first switch-in after a wakeup to the next switch-out into sleep. */
import type { Metric } from './metric.js';
import type { ProcessMetrics, ThreadMetrics } from './types.js';

class BurstAcc {
  count = 0;
  runNs = 0;
  slices = 0;
}

export class Bursts implements Metric {
  private readonly acc: BurstAcc[] = [];

  addThread(): void {
    this.acc.push(new BurstAcc());
  }

  burst(th: number, _start: number, _end: number, runNs: number, slices: number): void {
    const a = this.acc[th]!;
    a.count++;
    a.runNs += runNs;
    a.slices += slices;
  }

  fillThread(th: number, out: ThreadMetrics): void {
    write(this.acc[th]!, out);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    const sum = new BurstAcc();
    for (const th of ths) {
      const a = this.acc[th]!;
      sum.count += a.count;
      sum.runNs += a.runNs;
      sum.slices += a.slices;
    }
    write(sum, out);
  }
}

function write(a: BurstAcc, out: ThreadMetrics | ProcessMetrics): void {
  out.bursts = a.count;
  out.meanBurstRunNs = a.count === 0 ? 0 : a.runNs / a.count;
  out.meanSlicesPerBurst = a.count === 0 ? 0 : a.slices / a.count;
}

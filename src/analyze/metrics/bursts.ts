/** Bursts: from the first switch-in after a wakeup to the next switch-out into sleep. */
import { Columns } from '../engine/columns.js';
import type { BurstFact, Metric } from '../engine/metric.js';
import type { ProcessMetrics, ThreadMetrics } from '../types.js';

/** Fields per thread. */
const COUNT = 0;
const RUN_NS = 1;
const SLICES = 2;

export class Bursts implements Metric {
  private readonly acc = new Columns(4);

  addThread(): void {
    this.acc.push();
  }

  burst(th: number, { runNs, slices }: BurstFact): void {
    const d = this.acc.data;
    const i = th * 4;
    d[i + COUNT]!++;
    d[i + RUN_NS]! += runNs;
    d[i + SLICES]! += slices;
  }

  fillThread(th: number, out: ThreadMetrics): void {
    write(this.acc.get(th, COUNT), this.acc.get(th, RUN_NS), this.acc.get(th, SLICES), out);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let count = 0;
    let runNs = 0;
    let slices = 0;
    for (const th of ths) {
      count += this.acc.get(th, COUNT);
      runNs += this.acc.get(th, RUN_NS);
      slices += this.acc.get(th, SLICES);
    }
    write(count, runNs, slices, out);
  }
}

function write(count: number, runNs: number, slices: number, out: ThreadMetrics | ProcessMetrics): void {
  out.bursts = count;
  out.meanBurstRunNs = count === 0 ? 0 : runNs / count;
  out.meanSlicesPerBurst = count === 0 ? 0 : slices / count;
  out.burstRunNs = runNs;
  out.burstSlices = slices;
}

/** Run time and slices: switch-in to switch-out. */
import type { Metric } from './metric.js';
import type { ProcessMetrics, ThreadMetrics } from './types.js';

class SliceAcc {
  runNs = 0;
  slices = 0;
  sliceNs = 0;
}

export class Slices implements Metric {
  private readonly acc: SliceAcc[] = [];

  addThread(): void {
    this.acc.push(new SliceAcc());
  }

  run(th: number, ns: number): void {
    this.acc[th]!.runNs += ns;
  }

  slice(th: number, _cpu: number, start: number, end: number): void {
    const a = this.acc[th]!;
    a.slices++;
    a.sliceNs += end - start;
  }

  runNs(th: number): number {
    return this.acc[th]!.runNs;
  }

  fillThread(th: number, out: ThreadMetrics): void {
    write(this.acc[th]!, out);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    const sum = new SliceAcc();
    for (const th of ths) {
      const a = this.acc[th]!;
      sum.runNs += a.runNs;
      sum.slices += a.slices;
      sum.sliceNs += a.sliceNs;
    }
    write(sum, out);
  }
}

function write(a: SliceAcc, out: ThreadMetrics | ProcessMetrics): void {
  out.runNs = a.runNs;
  out.slices = a.slices;
  out.meanSliceNs = a.slices === 0 ? 0 : a.sliceNs / a.slices;
}

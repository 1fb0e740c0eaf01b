/** Run time and slices: switch-in to switch-out. */
import { Columns } from '../engine/columns.js';
import type { Metric } from '../engine/metric.js';
import type { ProcessMetrics, ThreadMetrics } from '../types.js';

/** Fields per thread. */
const RUN_NS = 0;
const SLICES = 1;
const SLICE_NS = 2;

export class Slices implements Metric {
  private readonly acc = new Columns(4);

  addThread(): void {
    this.acc.push();
  }

  run(th: number, ns: number): void {
    this.acc.data[th * 4 + RUN_NS]! += ns;
  }

  slice(th: number, _cpu: number, ns: number): void {
    const d = this.acc.data;
    const i = th * 4;
    d[i + SLICES]!++;
    d[i + SLICE_NS]! += ns;
  }

  runNs(th: number): number {
    return this.acc.get(th, RUN_NS);
  }

  fillThread(th: number, out: ThreadMetrics): void {
    write(this.acc.get(th, RUN_NS), this.acc.get(th, SLICES), this.acc.get(th, SLICE_NS), out);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let runNs = 0;
    let slices = 0;
    let sliceNs = 0;
    for (const th of ths) {
      runNs += this.acc.get(th, RUN_NS);
      slices += this.acc.get(th, SLICES);
      sliceNs += this.acc.get(th, SLICE_NS);
    }
    write(runNs, slices, sliceNs, out);
  }
}

function write(runNs: number, slices: number, sliceNs: number, out: ThreadMetrics | ProcessMetrics): void {
  out.runNs = runNs;
  out.slices = slices;
  out.meanSliceNs = slices === 0 ? 0 : sliceNs / slices;
}

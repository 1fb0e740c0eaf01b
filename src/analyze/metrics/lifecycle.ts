/** Forks, execs and exits per thread (summed per process). */
import { Columns } from '../engine/columns.js';
import type { Metric } from '../engine/metric.js';
import type { ProcessMetrics, ThreadMetrics } from '../types.js';

const FORKS = 0;
const EXECS = 1;
const EXITS = 2;
const STRIDE = 4;

export class Lifecycle implements Metric {
  private readonly acc = new Columns(STRIDE);

  addThread(): void {
    this.acc.push();
  }

  fork(th: number): void {
    this.acc.data[th * STRIDE + FORKS]!++;
  }

  exec(th: number): void {
    this.acc.data[th * STRIDE + EXECS]!++;
  }

  exit(th: number): void {
    this.acc.data[th * STRIDE + EXITS]!++;
  }

  fillThread(th: number, out: ThreadMetrics): void {
    out.forks = this.acc.get(th, FORKS);
    out.execs = this.acc.get(th, EXECS);
    out.exits = this.acc.get(th, EXITS);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let forks = 0;
    let execs = 0;
    let exits = 0;
    for (const th of ths) {
      forks += this.acc.get(th, FORKS);
      execs += this.acc.get(th, EXECS);
      exits += this.acc.get(th, EXITS);
    }
    out.forks = forks;
    out.execs = execs;
    out.exits = exits;
  }
}

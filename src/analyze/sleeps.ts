/** Sleeps: switch-out into S (or I) / D until the waking that ends them. */
import { Sleep, type SleepKind } from './codes.js';
import { Columns } from './columns.js';
import { DistSet, type DistSummary } from './histogram.js';
import type { Metric } from './metric.js';
import { durationStats } from './stats.js';
import type { ProcessMetrics, ThreadMetrics } from './types.js';

/** Fields per thread: sleeps in S, sleeps in D. */
const S = 0;
const D = 1;

export class Sleeps implements Metric {
  private readonly acc = new Columns(2);
  /** Sleep lengths, one distribution per thread. */
  private readonly ns = new DistSet();

  addThread(): void {
    this.acc.push();
    this.ns.push();
  }

  sleep(th: number, kind: SleepKind, start: number, end: number): void {
    this.acc.data[th * 2 + (kind === Sleep.S ? S : D)]!++;
    this.ns.add(th, end - start);
  }

  count(th: number): number {
    return this.acc.get(th, S) + this.acc.get(th, D);
  }

  fillThread(th: number, out: ThreadMetrics): void {
    write(this.acc.get(th, S), this.acc.get(th, D), this.ns.summary(th), out);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let s = 0;
    let d = 0;
    for (const th of ths) {
      s += this.acc.get(th, S);
      d += this.acc.get(th, D);
    }
    write(s, d, this.ns.summaryOf(ths), out);
  }
}

function write(s: number, d: number, ns: DistSummary, out: ThreadMetrics | ProcessMetrics): void {
  out.sleeps = s + d;
  out.sleepsS = s;
  out.sleepsD = d;
  out.sleepNs = durationStats(ns);
}

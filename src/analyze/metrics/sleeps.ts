/** Sleeps: switch-out into S (or I) / D until the waking that ends them. */
import { Sleep, type SleepKind } from '../engine/codes.js';
import { Columns } from '../engine/columns.js';
import { DistSet, type DistSummary } from './histogram.js';
import type { Metric } from '../engine/metric.js';
import { durationStats } from './stats.js';
import type { ProcessMetrics, ThreadMetrics } from '../types.js';

/** Fields per thread: sleeps in S, sleeps in D, time asleep in S, in D. */
const S = 0;
const D = 1;
const S_NS = 2;
const D_NS = 3;
const STRIDE = 4;

export class Sleeps implements Metric {
  private readonly acc = new Columns(STRIDE);
  /** Sleep lengths, one distribution per thread. */
  private readonly ns = new DistSet();

  addThread(): void {
    this.acc.push();
    this.ns.push();
  }

  sleep(th: number, kind: SleepKind, ns: number): void {
    const at = th * STRIDE;
    if (kind === Sleep.S) {
      this.acc.data[at + S]!++;
      this.acc.data[at + S_NS]! += ns;
    } else {
      this.acc.data[at + D]!++;
      this.acc.data[at + D_NS]! += ns;
    }
    this.ns.add(th, ns);
  }

  count(th: number): number {
    return this.acc.get(th, S) + this.acc.get(th, D);
  }

  fillThread(th: number, out: ThreadMetrics): void {
    write(this.acc.get(th, S), this.acc.get(th, D), this.ns.summary(th), out);
    out.sleepSNs = this.acc.get(th, S_NS);
    out.sleepDNs = this.acc.get(th, D_NS);
    out.asleepNs = out.sleepSNs + out.sleepDNs;
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let s = 0;
    let d = 0;
    let sNs = 0;
    let dNs = 0;
    for (const th of ths) {
      s += this.acc.get(th, S);
      d += this.acc.get(th, D);
      sNs += this.acc.get(th, S_NS);
      dNs += this.acc.get(th, D_NS);
    }
    write(s, d, this.ns.summaryOf(ths), out);
    out.sleepSNs = sNs;
    out.sleepDNs = dNs;
    out.asleepNs = sNs + dNs;
  }
}

function write(s: number, d: number, ns: DistSummary, out: ThreadMetrics | ProcessMetrics): void {
  out.sleeps = s + d;
  out.sleepsS = s;
  out.sleepsD = d;
  out.sleepNs = durationStats(ns);
}

/** Sleeps: switch-out into S (or I) / D until the waking that ends them. */
import { Sleep, type SleepKind } from './codes.js';
import { Distribution } from './histogram.js';
import type { Metric } from './metric.js';
import { durationStats, merged } from './stats.js';
import type { ProcessMetrics, ThreadMetrics } from './types.js';

class SleepAcc {
  s = 0;
  d = 0;
  readonly ns = new Distribution();
}

export class Sleeps implements Metric {
  private readonly acc: SleepAcc[] = [];

  addThread(): void {
    this.acc.push(new SleepAcc());
  }

  sleep(th: number, kind: SleepKind, start: number, end: number): void {
    const a = this.acc[th]!;
    if (kind === Sleep.S) a.s++;
    else a.d++;
    a.ns.add(end - start);
  }

  count(th: number): number {
    const a = this.acc[th]!;
    return a.s + a.d;
  }

  fillThread(th: number, out: ThreadMetrics): void {
    const a = this.acc[th]!;
    write(a.s, a.d, a.ns, out);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let s = 0;
    let d = 0;
    for (const th of ths) {
      s += this.acc[th]!.s;
      d += this.acc[th]!.d;
    }
    write(s, d, merged(ths.map((th) => this.acc[th]!.ns)), out);
  }
}

function write(s: number, d: number, ns: Distribution, out: ThreadMetrics | ProcessMetrics): void {
  out.sleeps = s + d;
  out.sleepsS = s;
  out.sleepsD = d;
  out.sleepNs = durationStats(ns);
}

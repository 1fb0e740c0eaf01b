/**
 * The facts the critical path is walked over, collected during the one replay (a Metric module,
 * added only when a path is asked for: ordinary analyze never pays for it). It keeps, in flat
 * growable columns: every state interval of every thread, every wakeup that ended a sleep (or
 * made a thread runnable), every interrupt span, and every burst. `index()` then sorts them per
 * thread, per target and per CPU so that the walk (critical-path.ts) can binary-search them.
 */
import { St, type IrqKind, type StCode } from '../engine/codes.js';
import type { BurstFact, Metric, WakeFact } from '../engine/metric.js';

class F64 {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

class I32 {
  a = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** Row indices grouped by a key (CSR): rows of key k are order[offset[k] .. offset[k+1]). */
export interface Grouped {
  offset: Int32Array;
  order: Int32Array;
}

/** Groups rows 0..n-1 by key(row) in [0, keys), each group below `sortKeys` sorted by `by` (stable). */
function group(n: number, keys: number, key: (row: number) => number, by: Float64Array, sortKeys = keys): Grouped {
  const offset = new Int32Array(keys + 1);
  for (let i = 0; i < n; i++) offset[key(i) + 1]!++;
  for (let k = 0; k < keys; k++) offset[k + 1]! += offset[k]!;
  const fill = offset.slice(0, keys);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[key(i)]!++] = i;
  // each group by `by`: insertion sort, as the rows of a group come nearly in order (only nested
  // interrupt spans are out of order, and only locally)
  for (let k = 0; k < sortKeys; k++) {
    const s = offset[k]!;
    const e = offset[k + 1]!;
    for (let i = s + 1; i < e; i++) {
      const row = order[i]!;
      const v = by[row]!;
      let j = i - 1;
      while (j >= s && by[order[j]!]! > v) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = row;
    }
  }
  return { offset, order };
}

export class PathRecorder implements Metric {
  /* state intervals */
  readonly iTh = new I32();
  readonly iSt = new I32();
  readonly iCpu = new I32();
  readonly iStart = new F64();
  readonly iEnd = new F64();
  /* wakeups (not spurious) */
  readonly wTs = new F64();
  readonly wTarget = new I32();
  readonly wSource = new F64();
  readonly wCause = new F64();
  readonly wCauseTask = new I32();
  readonly wSleepStack = new I32();
  readonly wSleepKind = new I32();
  /* interrupt spans */
  readonly qCpu = new I32();
  readonly qKind = new I32();
  readonly qId = new I32();
  readonly qSysvec = new I32();
  readonly qSym = new I32();
  readonly qStart = new F64();
  readonly qEnd = new F64();
  /* bursts */
  readonly bTh = new I32();
  readonly bStart = new F64();
  readonly bEnd = new F64();

  /** Built by index(). */
  byThread: Grouped | null = null;
  byTarget: Grouped | null = null;
  /** RUNNING intervals per CPU. */
  runByCpu: Grouped | null = null;
  irqByCpu: Grouped | null = null;
  burstsByThread: Grouped | null = null;
  cpus = 0;
  threadCount = 0;

  interval(th: number, state: StCode, start: number, end: number, cpu: number): void {
    this.iTh.push(th);
    this.iSt.push(state);
    this.iCpu.push(cpu);
    this.iStart.push(start);
    this.iEnd.push(end);
  }

  wakeup(w: WakeFact): void {
    if (w.spurious) return;
    this.wTs.push(w.ts);
    this.wTarget.push(w.target);
    this.wSource.push(w.source);
    this.wCause.push(w.cause);
    this.wCauseTask.push(w.causeTask);
    this.wSleepStack.push(w.sleepStack);
    this.wSleepKind.push(w.sleepKind);
  }

  cpuIrq(cpu: number, kind: IrqKind, id: number, sysvec: boolean, sym: number, start: number, end: number): void {
    this.qCpu.push(cpu);
    this.qKind.push(kind);
    this.qId.push(id);
    this.qSysvec.push(sysvec ? 1 : 0);
    this.qSym.push(sym);
    this.qStart.push(start);
    this.qEnd.push(end);
  }

  burst(th: number, b: BurstFact): void {
    this.bTh.push(th);
    this.bStart.push(b.start);
    this.bEnd.push(b.end);
  }

  /** Sorts what was collected for the walk (once, after the replay). */
  index(threadCount: number): void {
    this.threadCount = threadCount;
    let cpus = 1;
    for (let i = 0; i < this.iCpu.n; i++) if (this.iCpu.a[i]! + 1 > cpus) cpus = this.iCpu.a[i]! + 1;
    for (let i = 0; i < this.qCpu.n; i++) if (this.qCpu.a[i]! + 1 > cpus) cpus = this.qCpu.a[i]! + 1;
    this.cpus = cpus;
    const iTh = this.iTh.a;
    this.byThread = group(this.iTh.n, threadCount, (i) => iTh[i]!, this.iStart.a);
    const wT = this.wTarget.a;
    this.byTarget = group(this.wTs.n, threadCount, (i) => wT[i]!, this.wTs.a);
    // running intervals by CPU; the others go to an extra key that is never read
    const iSt = this.iSt.a;
    const iCpu = this.iCpu.a;
    this.runByCpu = group(
      this.iTh.n,
      cpus + 1,
      (i) => (iSt[i] === St.RUNNING && iCpu[i]! >= 0 ? iCpu[i]! : cpus),
      this.iStart.a,
      cpus,
    );
    const qCpu = this.qCpu.a;
    this.irqByCpu = group(this.qCpu.n, cpus, (i) => Math.max(0, qCpu[i]!), this.qStart.a);
    const bTh = this.bTh.a;
    this.burstsByThread = group(this.bTh.n, threadCount, (i) => bTh[i]!, this.bStart.a);
  }
}

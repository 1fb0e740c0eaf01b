/** What ran on each CPU, and interrupt spans with names (detail). */
import { Irq, type IrqKind } from '../engine/codes.js';
import { atMs, COLLECT_FACTOR } from './detail-budget.js';
import type { Metric, ResultContext } from '../engine/metric.js';
import type { Names } from '../engine/sources.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { AnalysisDetail, CpuSpan } from '../types.js';

const TASK = 0;

export class CpuSpans implements Metric {
  private readonly cpu: number[] = [];
  /** 0 for a task, else the IrqKind. */
  private readonly kind: number[] = [];
  /** Thread index for a task, irq / vector id otherwise. */
  private readonly id: number[] = [];
  private readonly sysvec: boolean[] = [];
  private readonly sym: number[] = [];
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private stoppedAt = NaN;

  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
    private readonly max: number,
  ) {}

  cpuTask(cpu: number, th: number, start: number, end: number): void {
    this.push(cpu, TASK, th, false, 0, start, end);
  }

  cpuIrq(cpu: number, kind: IrqKind, id: number, sysvec: boolean, sym: number, start: number, end: number): void {
    this.push(cpu, kind, id, sysvec, sym, start, end);
  }

  private push(cpu: number, kind: number, id: number, sysvec: boolean, sym: number, start: number, end: number): void {
    if (this.cpu.length >= this.max * COLLECT_FACTOR) {
      if (this.stoppedAt !== this.stoppedAt) this.stoppedAt = end;
      return;
    }
    this.cpu.push(cpu);
    this.kind.push(kind);
    this.id.push(id);
    this.sysvec.push(sysvec);
    this.sym.push(sym);
    this.start.push(start);
    this.end.push(end);
  }

  fillDetail(_keep: (th: number) => boolean, ctx: ResultContext, out: AnalysisDetail): void {
    const order = this.start
      .map((_, i) => i)
      .sort((a, b) => this.start[a]! - this.start[b]! || this.cpu[a]! - this.cpu[b]!);
    if (this.stoppedAt === this.stoppedAt) {
      out.reduced.push(`cpu spans: none collected after ${atMs(this.stoppedAt - ctx.startNs)} (collection limit)`);
    }
    if (order.length > this.max) {
      const last = order[this.max - 1]!;
      out.reduced.push(
        `cpu spans: kept the first ${this.max} of ${order.length} (up to ${atMs(this.start[last]! - ctx.startNs)})`,
      );
      order.length = this.max;
    }
    out.cpuSpans = order.map((i) => this.span(i, ctx.startNs));
  }

  private span(i: number, startNs: number): CpuSpan {
    const kind = this.kind[i]!;
    const base = { cpu: this.cpu[i]!, start: this.start[i]! - startNs, end: this.end[i]! - startNs };
    if (kind === TASK) return { ...base, kind: 'task', tid: this.threads.recs[this.id[i]!]!.tid };
    const irqKind = kind as IrqKind;
    return {
      ...base,
      kind: irqKind === Irq.HARDIRQ ? 'hardirq' : irqKind === Irq.SOFTIRQ ? 'softirq' : 'nmi',
      name: this.names.interruptName(irqKind, this.id[i]!, this.sysvec[i]!, this.sym[i]!),
    };
  }
}

/**
 * Every wakeup with what followed it (detail): the sleep it ended, the
 * run-queue wait, the burst that followed, its cause, and the chain link
 * to the cause's own latest wakeup before it (when the cause is a task).
 */
import { Flag } from '../../format/index.js';
import { Rq, Sleep, type RqCause } from '../engine/codes.js';
import { atMs, busiestThreads, COLLECT_FACTOR } from './detail-budget.js';
import type { BurstFact, Metric, ResultContext, WakeFact } from '../engine/metric.js';
import type { Names } from '../engine/sources.js';
import { sleepReasonOf, stackFrames, wakeFrameOf } from '../metrics/sleep-reasons.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { AnalysisDetail, WakeupRecord } from '../types.js';

export class WakeupLog implements Metric {
  private readonly ts: number[] = [];
  private readonly target: number[] = [];
  private readonly source: number[] = [];
  private readonly cause: number[] = [];
  private readonly several: boolean[] = [];
  private readonly causeComm: string[] = [];
  private readonly onCpu: number[] = [];
  private readonly onCpuComm: string[] = [];
  private readonly wakerComm: string[] = [];
  private readonly flags: number[] = [];
  private readonly reattributed: boolean[] = [];
  private readonly spurious: boolean[] = [];
  private readonly slept: number[] = [];
  private readonly sleepKind: number[] = [];
  private readonly wait: number[] = [];
  private readonly burstRun: number[] = [];
  private readonly burstSlices: number[] = [];
  private readonly link: number[] = [];
  private readonly sleepStack: number[] = [];
  private readonly wakerStack: number[] = [];
  private readonly reasons = new Map<number, string>();
  private readonly wakeFrames = new Map<number, string>();
  /** Per thread: its latest effective wakeup, and the one whose burst is still open. */
  private readonly last: number[] = [];
  private readonly pending: number[] = [];
  private stoppedAt = NaN;

  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
    private readonly max: number,
  ) {}

  addThread(): void {
    this.last.push(-1);
    this.pending.push(-1);
  }

  wakeup(f: WakeFact): void {
    if (this.ts.length >= this.max * COLLECT_FACTOR) {
      if (this.stoppedAt !== this.stoppedAt) this.stoppedAt = f.ts;
      this.last[f.target] = -1;
      this.pending[f.target] = -1;
      return;
    }
    const id = this.ts.length;
    const recs = this.threads.recs;
    this.ts.push(f.ts);
    this.target.push(f.target);
    this.source.push(f.source);
    this.cause.push(f.cause);
    this.several.push(f.several);
    this.causeComm.push(f.causeTask >= 0 ? recs[f.causeTask]!.comm : '');
    this.onCpu.push(f.onCpu);
    this.onCpuComm.push(f.onCpu >= 0 ? this.threads.commOf(f.onCpu) : '');
    this.wakerComm.push(f.waker >= 0 ? recs[f.waker]!.comm : '');
    this.flags.push(f.flags);
    this.reattributed.push(f.reattributed);
    this.spurious.push(f.spurious);
    this.slept.push(f.sleptNs);
    this.sleepKind.push(f.sleepKind);
    this.wait.push(-1);
    this.burstRun.push(-1);
    this.burstSlices.push(-1);
    this.link.push(f.causeTask >= 0 ? this.last[f.causeTask]! : -1);
    this.sleepStack.push(f.sleepStack);
    this.wakerStack.push(f.wakerStack);
    if (!f.spurious) {
      this.last[f.target] = id;
      this.pending[f.target] = id;
    }
  }

  runqDelay(th: number, cause: RqCause, ns: number): void {
    const p = this.pending[th]!;
    if (cause === Rq.WAKEUP && p >= 0 && this.wait[p]! < 0) this.wait[p] = ns;
  }

  burst(th: number, { start, runNs, slices }: BurstFact): void {
    const p = this.pending[th]!;
    // A waking that raced ahead of the switch-out belongs to the next burst.
    if (p < 0 || this.ts[p]! > start) return;
    this.burstRun[p] = runNs;
    this.burstSlices[p] = slices;
    this.pending[th] = -1;
  }

  uncertain(th: number): void {
    this.pending[th] = -1;
  }

  fillDetail(keep: (th: number) => boolean, ctx: ResultContext, out: AnalysisDetail): void {
    const n = this.ts.length;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const th = this.target[i]!;
      if (keep(th)) counts.set(th, (counts.get(th) ?? 0) + 1);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    let own = (th: number): boolean => keep(th);
    if (total > this.max) {
      const pick = busiestThreads(counts, this.max);
      own = (th) => pick.keep.has(th);
      out.reduced.push(
        `wakeups: kept the ${pick.keep.size} busiest of ${counts.size} threads (${pick.keptItems} of ${total} wakeups)`,
      );
    }
    if (this.stoppedAt === this.stoppedAt) {
      out.reduced.push(`wakeups: none collected after ${atMs(this.stoppedAt - ctx.startNs)} (collection limit)`);
    }
    // Selected wakeups, plus the chain links they lead to while the budget allows.
    const kept = new Uint8Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (own(this.target[i]!)) {
        kept[i] = 1;
        count++;
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      const l = this.link[i]!;
      if (kept[i] === 1 && l >= 0 && kept[l] === 0 && count < this.max) {
        kept[l] = 1;
        count++;
      }
    }
    const newId = new Int32Array(n).fill(-1);
    let next = 0;
    for (let i = 0; i < n; i++) if (kept[i] === 1) newId[i] = next++;
    const wakeups: WakeupRecord[] = [];
    for (let i = 0; i < n; i++) if (kept[i] === 1) wakeups.push(this.record(i, newId, ctx.startNs));
    out.wakeups = wakeups;
  }

  private record(i: number, newId: Int32Array, startNs: number): WakeupRecord {
    const recs = this.threads.recs;
    const source = this.names.describe(this.source[i]!, this.threads);
    if (source.kind === 'task' && source.tid !== 0 && this.wakerComm[i] !== '') source.comm = this.wakerComm[i]!;
    const causeKey = this.cause[i]!;
    let cause: WakeupRecord['cause'];
    if (causeKey !== this.source[i]!) {
      cause = this.names.describe(causeKey, this.threads);
      if (cause.kind === 'task' && cause.tid !== 0 && this.causeComm[i] !== '') cause.comm = this.causeComm[i]!;
    }
    const onCpu = this.onCpu[i]!;
    const flags = this.flags[i]!;
    const kind = this.sleepKind[i]!;
    const slept = this.slept[i]!;
    const link = this.link[i]!;
    return {
      id: newId[i]!,
      ts: this.ts[i]! - startNs,
      tid: recs[this.target[i]!]!.tid,
      source,
      ...(cause !== undefined ? { cause } : {}),
      ...(this.several[i] ? { severalRaisers: true } : {}),
      onCpu: onCpu >= 0 ? { tid: recs[onCpu]!.tid, comm: this.onCpuComm[i]! } : null,
      reattributed: this.reattributed[i]!,
      sleptNs: slept >= 0 ? slept : null,
      sleepState: kind === Sleep.S ? 'S' : kind === Sleep.D ? 'D' : null,
      waitNs: this.wait[i]! >= 0 ? this.wait[i]! : null,
      runNs: this.burstRun[i]! >= 0 ? this.burstRun[i]! : null,
      slices: this.burstSlices[i]! >= 0 ? this.burstSlices[i]! : null,
      wakerWakeup: link >= 0 && newId[link]! >= 0 ? newId[link]! : null,
      flags: {
        remote: (flags & Flag.REMOTE) !== 0,
        idle: (flags & Flag.IDLE) !== 0,
        spurious: this.spurious[i]!,
        unsure: (flags & Flag.UNSURE) !== 0,
      },
      ...this.stackFacts(i, slept >= 0),
    };
  }

  /** sleptIn / wokeFrom, when the capture has stacks. */
  private stackFacts(i: number, slept: boolean): Pick<WakeupRecord, 'sleptIn' | 'wokeFrom'> {
    if (this.names.stack.size === 0) return {};
    const out: Pick<WakeupRecord, 'sleptIn' | 'wokeFrom'> = {};
    const s = this.sleepStack[i]!;
    if (slept) {
      let r = this.reasons.get(s);
      if (r === undefined) this.reasons.set(s, (r = sleepReasonOf(stackFrames(this.names, s))));
      out.sleptIn = r;
    }
    const w = this.wakerStack[i]!;
    let f = this.wakeFrames.get(w);
    if (f === undefined) this.wakeFrames.set(w, (f = wakeFrameOf(stackFrames(this.names, w))));
    out.wokeFrom = f;
    return out;
  }
}

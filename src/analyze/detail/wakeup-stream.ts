/**
 * Every wakeup as a WakeupRecord handed out as soon as what followed it is known
 * (`analyze(cap, { onWakeup })`), instead of kept for the detail: the run-queue wait and the
 * burst that followed, or the next wakeup of the same thread, lost events, or the capture's end.
 * Memory holds the open wakeups (at most one per thread), whatever the capture's length: what an
 * export of every wakeup needs (the Parquet `wakeups` table). The record is the one WakeupLog
 * builds (ids in waking order, chain links by id); the names are resolved when the wakeup happens.
 */
import { Flag } from '../../format/index.js';
import { Rq, Sleep, type RqCause } from '../engine/codes.js';
import type { BurstFact, Metric, WakeFact } from '../engine/metric.js';
import { taskOfKey, type Names } from '../engine/sources.js';
import { sleepReasonOf, stackFrames, wakeFrameOf } from '../metrics/sleep-reasons.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { WakeSource, WakeupRecord } from '../types.js';

/** The 16 combinations of a record's flags, one object each (records share them). */
const FLAGS: readonly WakeupRecord['flags'][] = Array.from({ length: 16 }, (_, i) => ({
  remote: (i & 1) !== 0,
  idle: (i & 2) !== 0,
  spurious: (i & 4) !== 0,
  unsure: (i & 8) !== 0,
}));

export class WakeupStream implements Metric {
  private next = 0;
  /** Per thread: its latest effective wakeup's id, and its open record. */
  private readonly last: number[] = [];
  private readonly open: (WakeupRecord | null)[] = [];
  private readonly reasons = new Map<number, string>();
  private readonly wakeFrames = new Map<number, string>();
  /**
   * Descriptions already made, shared by the records that name the same source: a source's
   * description is the same until a name it holds changes (a task's comm or process, an IRQ or
   * symbol name arriving), and checked against that before reuse. Making one per record cost
   * more than the rest of the replay (a million objects a second, many surviving into old space).
   */
  private readonly sources = new Map<number, WakeSource>();
  /** IRQ and symbol names known when `sources` was filled (more arrive: the cache starts over). */
  private namesKnown = 0;
  /** Per thread: `onCpu` as last handed out. */
  private readonly onCpus: ({ tid: number; comm: string } | null)[] = [];

  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
    /** Monotonic ns the records' times are relative to. */
    private readonly startNs: () => number,
    private readonly emit: (w: WakeupRecord) => void,
  ) {}

  addThread(): void {
    this.last.push(-1);
    this.open.push(null);
    this.onCpus.push(null);
  }

  /** The description of source `key`, as of now. */
  private describe(key: number): WakeSource {
    const names = this.names;
    const known = names.irq.size + names.sym.size;
    if (known !== this.namesKnown) {
      this.sources.clear();
      this.namesKnown = known;
    }
    let s = this.sources.get(key);
    if (s !== undefined) {
      const th = taskOfKey(key);
      // a task's names change (exec, a thread joining a process seen later)
      if (th < 0 || (s.comm === this.threads.commOf(th) && s.tgid === this.threads.tgidOf(th))) return s;
    }
    s = names.describe(key, this.threads);
    this.sources.set(key, s);
    return s;
  }

  private onCpuOf(th: number): { tid: number; comm: string } {
    const comm = this.threads.commOf(th);
    let o = this.onCpus[th];
    if (o === null || o === undefined || o.comm !== comm)
      this.onCpus[th] = o = { tid: this.threads.recs[th]!.tid, comm };
    return o;
  }

  private close(th: number): void {
    const w = this.open[th];
    if (w === null || w === undefined) return;
    this.open[th] = null;
    this.emit(w);
  }

  wakeup(f: WakeFact): void {
    const id = this.next++;
    const recs = this.threads.recs;
    const source = this.describe(f.source);
    let cause: WakeupRecord['cause'];
    if (f.cause !== f.source) cause = this.describe(f.cause);
    const kind = f.sleepKind;
    // one shape for every record (an absent cause, raisers or stack fact is undefined, not missing):
    // the replay makes hundreds of thousands of them a second
    const w: WakeupRecord = {
      id,
      ts: f.ts - this.startNs(),
      tid: recs[f.target]!.tid,
      source,
      cause,
      severalRaisers: f.several ? true : undefined,
      onCpu: f.onCpu >= 0 ? this.onCpuOf(f.onCpu) : null,
      reattributed: f.reattributed,
      // set below: a value here let V8 speculate a small integer and deoptimize on every long sleep
      sleptNs: null,
      sleepState: kind === Sleep.S ? 'S' : kind === Sleep.D ? 'D' : null,
      waitNs: null,
      runNs: null,
      slices: null,
      wakerWakeup: f.causeTask >= 0 && this.last[f.causeTask]! >= 0 ? this.last[f.causeTask]! : null,
      flags:
        FLAGS[
          ((f.flags & Flag.REMOTE) !== 0 ? 1 : 0) |
            ((f.flags & Flag.IDLE) !== 0 ? 2 : 0) |
            (f.spurious ? 4 : 0) |
            ((f.flags & Flag.UNSURE) !== 0 ? 8 : 0)
        ]!,
      sleptIn: undefined,
      wokeFrom: undefined,
    };
    if (f.sleptNs >= 0) w.sleptNs = f.sleptNs;
    if (this.names.stack.size > 0) this.stackFacts(f, w);
    if (f.spurious) {
      // it ends no sleep and starts no burst: complete now
      this.emit(w);
      return;
    }
    this.close(f.target);
    this.last[f.target] = id;
    this.open[f.target] = w;
  }

  runqDelay(th: number, cause: RqCause, ns: number): void {
    const w = this.open[th];
    if (cause === Rq.WAKEUP && w !== null && w !== undefined && w.waitNs === null) w.waitNs = ns;
  }

  burst(th: number, { start, runNs, slices }: BurstFact): void {
    const w = this.open[th];
    // A waking that raced ahead of the switch-out belongs to the next burst.
    if (w === null || w === undefined || w.ts + this.startNs() > start) return;
    w.runNs = runNs;
    w.slices = slices;
    this.close(th);
  }

  uncertain(th: number): void {
    this.close(th);
  }

  /** The capture ended: the wakeups still open are handed out as they are. */
  finish(): void {
    for (let th = 0; th < this.open.length; th++) this.close(th);
  }

  /** sleptIn / wokeFrom, when the capture has stacks. */
  private stackFacts(f: WakeFact, w: WakeupRecord): void {
    if (f.sleptNs >= 0) {
      let r = this.reasons.get(f.sleepStack);
      if (r === undefined) this.reasons.set(f.sleepStack, (r = sleepReasonOf(stackFrames(this.names, f.sleepStack))));
      w.sleptIn = r;
    }
    let fr = this.wakeFrames.get(f.wakerStack);
    if (fr === undefined) this.wakeFrames.set(f.wakerStack, (fr = wakeFrameOf(stackFrames(this.names, f.wakerStack))));
    w.wokeFrom = fr;
  }
}

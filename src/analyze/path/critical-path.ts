/**
 * The critical path of an interval (docs/metrics.md, "Where the time went"): a walk back from the
 * interval's end over what PathRecorder collected during the replay — not a second engine.
 *
 * At each moment the path is in one thread: running (its time on a CPU, minus the interrupts
 * handled there, which are segments of their own), runnable (its wait for the CPU it next ran
 * on, split by the tasks that held that CPU), or asleep. A sleep ends in a wakeup; the walk then
 * goes on in the wakeup's cause: the interrupt that ran the wakeup is a segment, a task cause is
 * walked back over the same span (recursively), a device is "waiting for device irq N" (with the
 * block or network softirq and the device's own interrupt in between), the sleeper's own timer and
 * an unknown cause end the walk of that sleep. Every nanosecond of the interval lies in exactly one
 * segment: each step tiles its span, and the walk only moves back in time.
 */
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { Irq, St } from '../engine/codes.js';
import { IDLE_KEY, sourceLabel, type Names } from '../engine/sources.js';
import type { ThreadTable } from '../engine/thread-table.js';
import { sanitize } from '../output/text.js';
import { sleepReasonOf, stackFrames } from '../metrics/sleep-reasons.js';
import type { PathRecorder } from './path-recorder.js';
import {
  PATH_STATES,
  type WakeSource,
  type CriticalPath,
  type PathQuery,
  type PathSegment,
  type PathState,
  type PathThread,
  type PathWait,
} from '../types.js';

/** How many wakeups back the walk follows causes. */
export const PATH_MAX_DEPTH = 32;
/** At most this many segments per path (the rest of a cut-off sleep is one segment, marked). */
export const PATH_MAX_SEGMENTS = 200_000;

/** One segment before it is described (absolute times, thread indices, source keys). */
interface Raw {
  th: number;
  state: PathState;
  start: number;
  end: number;
  cpu: number;
  depth: number;
  /** runnable: holder thread (-1 none); interrupt: irq span row. */
  ref: number;
  preempted: boolean;
  /** sleeping */
  sleep: 0 | 1 | 2;
  wait: PathWait | null;
  source: number;
  cause: number;
  /** sleeping: the thread the path continues in (pending), or the stack id of the sleep. */
  causeTh: number;
  stack: number;
  /** interrupt: the wakeup source it ran (names the timer callback), 0 for none. */
  named: number;
}

interface Span {
  start: number;
  end: number;
  ref: number;
}

/** Tiles [s, t] with the spans (sorted by start, possibly overlapping): each ns in one piece, ref -1 for the gaps. */
function tile(s: number, t: number, spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  let c = s;
  for (const sp of spans) {
    const a = Math.max(c, sp.start);
    const b = Math.min(t, sp.end);
    if (b <= a) continue;
    if (a > c) out.push({ start: c, end: a, ref: -1 });
    out.push({ start: a, end: b, ref: sp.ref });
    c = b;
  }
  if (c < t) out.push({ start: c, end: t, ref: -1 });
  return out;
}

export class PathWalker {
  private segs: Raw[] = [];
  private truncated = false;
  /** Per CPU: the longest interrupt span (how far back a span overlapping a time can start). */
  private readonly maxIrq: Float64Array;

  constructor(
    private readonly rec: PathRecorder,
    private readonly threads: ThreadTable,
    private readonly names: Names,
    /** Capture start (absolute ns): the result's times are relative to it. */
    private readonly startNs: number,
    private readonly maxDepth = PATH_MAX_DEPTH,
  ) {
    this.maxIrq = new Float64Array(rec.cpus);
    for (let i = 0; i < rec.qCpu.n; i++) {
      const c = rec.qCpu.a[i]!;
      const len = rec.qEnd.a[i]! - rec.qStart.a[i]!;
      if (c >= 0 && len > this.maxIrq[c]!) this.maxIrq[c] = len;
    }
  }

  /* ---- choosing intervals ---- */

  /** Identities of a tid (dense thread indices), oldest first. */
  identities(tid: number): number[] {
    const out: number[] = [];
    for (let th = 0; th < this.threads.recs.length; th++) if (this.threads.recs[th]!.tid === tid) out.push(th);
    return out;
  }

  /** The identity of tid alive in [a, b] (absolute), the latest one otherwise; -1 when none. */
  identityIn(tid: number, a: number, b: number): number {
    const ids = this.identities(tid);
    const { offset, order } = this.rec.byThread!;
    for (let i = ids.length - 1; i >= 0; i--) {
      const th = ids[i]!;
      for (let j = offset[th]!; j < offset[th + 1]!; j++) {
        const k = order[j]!;
        if (this.rec.iStart.a[k]! < b && this.rec.iEnd.a[k]! > a) return th;
      }
    }
    return ids.length > 0 ? ids[ids.length - 1]! : -1;
  }

  /** The threads that have a complete burst. */
  threadsWithBursts(): number[] {
    const { offset } = this.rec.burstsByThread!;
    const out: number[] = [];
    for (let th = 0; th < this.threads.recs.length; th++)
      if (offset[th + 1]! > offset[th]! && this.threads.recs[th]!.tid !== 0) out.push(th);
    return out;
  }

  /** The thread with the most run time among those with a complete burst (-1 when none). */
  busiest(): number {
    const run = new Float64Array(this.threads.recs.length);
    for (let i = 0; i < this.rec.iTh.n; i++)
      if (this.rec.iSt.a[i] === St.RUNNING) run[this.rec.iTh.a[i]!]! += this.rec.iEnd.a[i]! - this.rec.iStart.a[i]!;
    const { offset } = this.rec.burstsByThread!;
    let best = -1;
    for (let th = 0; th < run.length; th++)
      if (offset[th + 1]! > offset[th]! && this.threads.recs[th]!.tid !== 0 && (best < 0 || run[th]! > run[best]!))
        best = th;
    return best;
  }

  /**
   * The bursts of a thread as path intervals, in time order: each burst with the sleep (and the
   * run-queue wait) before it, from the moment the thread began to wait to the end of the work its
   * wakeup started. Absolute ns; only those inside [lo, hi].
   */
  burstIntervals(th: number, lo = -Infinity, hi = Infinity): Array<{ start: number; end: number }> {
    const { offset, order } = this.rec.burstsByThread!;
    const out: Array<{ start: number; end: number }> = [];
    for (let j = offset[th]!; j < offset[th + 1]!; j++) {
      const k = order[j]!;
      const bs = this.rec.bStart.a[k]!;
      const be = this.rec.bEnd.a[k]!;
      const start = this.cycleStart(th, bs);
      if (start >= lo && be <= hi) out.push({ start, end: be });
    }
    return out;
  }

  /** Where the wait before a burst began: the start of the sleep (or run-queue wait) before it. */
  private cycleStart(th: number, bs: number): number {
    const { offset, order } = this.rec.byThread!;
    const pos = this.posAt(th, bs + 0.5);
    if (pos < 0) return bs;
    const { iSt, iStart, iEnd } = this.rec;
    let start = bs;
    let j = pos;
    if (iStart.a[order[j]!] !== bs) return bs;
    j--;
    if (j < offset[th]! || iSt.a[order[j]!] !== St.RUNNABLE || iEnd.a[order[j]!] !== start) return start;
    start = iStart.a[order[j]!]!;
    j--;
    if (j < offset[th]! || iEnd.a[order[j]!] !== start) return start;
    const st = iSt.a[order[j]!];
    if (st === St.SLEEP_S || st === St.SLEEP_D || st === St.STOPPED) start = iStart.a[order[j]!]!;
    return start;
  }

  /* ---- the walk ---- */

  /** The path of thread th over [a, b] (absolute ns, a < b). */
  path(th: number, a: number, b: number, chosen: CriticalPath['chosen']): CriticalPath {
    this.segs = [];
    this.truncated = false;
    this.walk(th, a, b, 0);
    this.segs.sort((x, y) => x.start - y.start);
    const segments = this.segs.map((r) => this.describe(r));
    const { summary, byThread } = this.summarize(segments);
    return {
      thread: this.threadOf(th),
      startNs: a - this.startNs,
      endNs: b - this.startNs,
      chosen,
      segments,
      summary,
      byThread,
      truncated: this.truncated,
    };
  }

  /** Position (in the thread's sorted list) of its last interval starting before t, -1 when none. */
  private posAt(th: number, t: number): number {
    const { offset, order } = this.rec.byThread!;
    const starts = this.rec.iStart.a;
    let lo = offset[th]!;
    let hi = offset[th + 1]! - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[order[mid]!]! < t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private raw(th: number, state: PathState, start: number, end: number, depth: number, more: Partial<Raw> = {}): void {
    if (end <= start) return;
    this.segs.push({
      th,
      state,
      start,
      end,
      cpu: -1,
      depth,
      ref: -1,
      preempted: false,
      sleep: 0,
      wait: null,
      source: 0,
      cause: 0,
      causeTh: -1,
      stack: 0,
      named: 0,
      ...more,
    });
  }

  /** Covers [lo, hi] with the path of th, back from hi. */
  private walk(th: number, lo: number, hi: number, depth: number): void {
    const { offset, order } = this.rec.byThread!;
    const { iSt, iStart, iEnd, iCpu } = this.rec;
    let t = hi;
    while (t > lo) {
      if (this.segs.length >= PATH_MAX_SEGMENTS) {
        this.truncated = true;
        this.raw(th, 'unknown', lo, t, depth, { wait: 'depth' });
        return;
      }
      const pos = this.posAt(th, t);
      if (pos < 0) {
        this.raw(th, 'unknown', lo, t, depth);
        return;
      }
      const k = order[pos]!;
      const end = iEnd.a[k]!;
      if (end < t) {
        // a stretch whose state is not known (before the thread was first seen, after a contradiction)
        const s = Math.max(lo, end);
        this.raw(th, 'unknown', s, t, depth);
        t = s;
        continue;
      }
      const s = Math.max(lo, iStart.a[k]!);
      const st = iSt.a[k]!;
      if (st === St.RUNNING) this.onCpu(th, iCpu.a[k]!, s, t, depth, { state: 'running' });
      else if (st === St.RUNNABLE) {
        const next = pos + 1 < offset[th + 1]! ? order[pos + 1]! : -1;
        const queued =
          next >= 0 && iSt.a[next] === St.RUNNING && iStart.a[next] === iEnd.a[k] ? iCpu.a[next]! : iCpu.a[k]!;
        const prev = pos > offset[th]! ? order[pos - 1]! : -1;
        const preempted =
          prev >= 0 &&
          iSt.a[prev] === St.RUNNING &&
          iEnd.a[prev] === iStart.a[k] &&
          !this.wokenIn(th, iStart.a[prev]!, iStart.a[k]!);
        this.runnable(th, queued, s, t, depth, preempted);
      } else if (st === St.SLEEP_S || st === St.SLEEP_D || st === St.STOPPED)
        this.sleep(th, st === St.SLEEP_D ? 2 : 1, end, s, t, depth);
      else this.raw(th, 'unknown', s, t, depth);
      t = s;
    }
  }

  /** Whether th was woken at a time in [a, b] (a waking that arrived while it was still on its CPU). */
  private wokenIn(th: number, a: number, b: number): boolean {
    const w = this.wakeupAtOrBefore(th, b);
    return w >= 0 && this.rec.wTs.a[w]! >= a;
  }

  /** The latest wakeup of th at or before t (its row), -1 when none. */
  private wakeupAtOrBefore(th: number, t: number): number {
    const { offset, order } = this.rec.byTarget!;
    const ts = this.rec.wTs.a;
    let lo = offset[th]!;
    let hi = offset[th + 1]! - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ts[order[mid]!]! <= t) {
        found = order[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The interrupt spans of a CPU that overlap [s, t], hard (and NMI) and soft apart, sorted by start. */
  private irqs(cpu: number, s: number, t: number): { hard: Span[]; soft: Span[] } {
    const hard: Span[] = [];
    const soft: Span[] = [];
    if (cpu < 0 || cpu >= this.rec.cpus) return { hard, soft };
    const { offset, order } = this.rec.irqByCpu!;
    const { qStart, qEnd, qKind } = this.rec;
    let lo = offset[cpu]!;
    let hi = offset[cpu + 1]! - 1;
    let last = lo - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (qStart.a[order[mid]!]! < t) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const reach = s - this.maxIrq[cpu]!;
    for (let j = last; j >= offset[cpu]!; j--) {
      const q = order[j]!;
      if (qStart.a[q]! < reach) break;
      if (qEnd.a[q]! <= s) continue;
      const sp = { start: qStart.a[q]!, end: qEnd.a[q]!, ref: q };
      if (qKind.a[q] === Irq.SOFTIRQ) soft.push(sp);
      else hard.push(sp);
    }
    hard.reverse();
    soft.reverse();
    return { hard, soft };
  }

  /** [s, t] of th on (or queued for) a CPU, the interrupts handled there cut out as their own segments. */
  private onCpu(th: number, cpu: number, s: number, t: number, depth: number, base: Partial<Raw>): void {
    const { hard, soft } = this.irqs(cpu, s, t);
    if (hard.length === 0 && soft.length === 0) {
      this.raw(th, base.state!, s, t, depth, { ...base, cpu });
      return;
    }
    for (const p of tile(s, t, hard)) {
      if (p.ref >= 0) {
        this.raw(th, 'interrupt', p.start, p.end, depth, { cpu, ref: p.ref });
        continue;
      }
      for (const q of tile(p.start, p.end, soft)) {
        if (q.ref >= 0) this.raw(th, 'interrupt', q.start, q.end, depth, { cpu, ref: q.ref });
        else this.raw(th, base.state!, q.start, q.end, depth, { ...base, cpu });
      }
    }
  }

  /** [s, t] waiting for CPU `cpu`: split by the tasks that held it. */
  private runnable(th: number, cpu: number, s: number, t: number, depth: number, preempted: boolean): void {
    const holders: Span[] = [];
    if (cpu >= 0 && cpu < this.rec.cpus) {
      const { offset, order } = this.rec.runByCpu!;
      const { iStart, iEnd, iTh } = this.rec;
      let lo = offset[cpu]!;
      let hi = offset[cpu + 1]! - 1;
      let last = lo - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (iStart.a[order[mid]!]! < t) {
          last = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let j = last; j >= offset[cpu]!; j--) {
        const k = order[j]!;
        if (iEnd.a[k]! <= s) break;
        if (iTh.a[k] !== th) holders.push({ start: iStart.a[k]!, end: iEnd.a[k]!, ref: iTh.a[k]! });
      }
      holders.reverse();
    }
    for (const p of tile(s, t, holders))
      this.onCpu(th, cpu, p.start, p.end, depth, { state: 'runnable', ref: p.ref, preempted });
  }

  /** The wakeup of th at exactly ts (its row), -1 when none. */
  private wakeupAt(th: number, ts: number): number {
    const w = this.wakeupAtOrBefore(th, ts);
    return w >= 0 && this.rec.wTs.a[w] === ts ? w : -1;
  }

  /** The interrupt span (row) of this kind and id running at ts on some CPU, the latest to start; -1 when none. */
  private spanAt(kind: number, id: number, sysvec: boolean, ts: number): number {
    let best = -1;
    for (let cpu = 0; cpu < this.rec.cpus; cpu++) {
      const { hard, soft } = this.irqs(cpu, ts, ts + 1);
      for (const sp of kind === Irq.SOFTIRQ ? soft : hard) {
        const q = sp.ref;
        if (this.rec.qKind.a[q] !== kind || this.rec.qId.a[q] !== id || sp.start > ts || sp.end < ts) continue;
        if (kind === Irq.HARDIRQ && (this.rec.qSysvec.a[q] === 1) !== sysvec) continue;
        if (best < 0 || sp.start > this.rec.qStart.a[best]!) best = q;
      }
    }
    return best;
  }

  /** The latest span of a device's hard interrupt on a CPU that started before ts (its row), -1 when none. */
  private deviceSpanBefore(cpu: number, irq: number, ts: number, floor: number): number {
    const { offset, order } = this.rec.irqByCpu!;
    const { qStart, qKind, qId, qSysvec } = this.rec;
    for (let j = offset[cpu + 1]! - 1; j >= offset[cpu]!; j--) {
      const q = order[j]!;
      if (qStart.a[q]! >= ts) continue;
      if (qStart.a[q]! < floor) break;
      if (qKind.a[q] === Irq.HARDIRQ && qSysvec.a[q] === 0 && qId.a[q] === irq) return q;
    }
    return -1;
  }

  /** [s, t] asleep in a sleep that ended at `end`: the wakeup's cause takes the path over. */
  private sleep(th: number, kind: 1 | 2, end: number, s: number, t: number, depth: number): void {
    const w = this.wakeupAt(th, end);
    const base: Partial<Raw> = { sleep: kind };
    if (w < 0) {
      this.raw(th, 'sleeping', s, t, depth, { ...base, wait: 'not woken' });
      return;
    }
    const source = this.rec.wSource.a[w]!;
    const cause = this.rec.wCause.a[w]!;
    const causeTh = this.rec.wCauseTask.a[w]!;
    Object.assign(base, { source, cause, stack: this.rec.wSleepStack.a[w]! });
    let u = t;
    // the interrupt that ran the wakeup (a softirq, a timer's hardirq): time of its own
    let handler = -1;
    const code = source > 0 ? source % 8 : 0;
    if (code !== 0) {
      const id = ((source - code) / 8) % 65536;
      handler = this.spanAt(code & 3, id, (code & 4) !== 0, end);
      if (handler >= 0) {
        const a = Math.max(s, this.rec.qStart.a[handler]!);
        if (a < u) {
          this.raw(th, 'interrupt', a, u, depth, { cpu: this.rec.qCpu.a[handler]!, ref: handler, named: source });
          u = a;
        }
      }
    }
    if (u <= s) return;
    if (causeTh === th) {
      this.raw(th, 'sleeping', s, u, depth, { ...base, wait: 'own timer' });
      return;
    }
    if (causeTh >= 0) {
      if (depth + 1 > this.maxDepth) {
        this.truncated = true;
        this.raw(th, 'sleeping', s, u, depth, { ...base, wait: 'depth', causeTh });
        return;
      }
      if (source < 0) {
        // a task woke it: the path is in that task over the whole sleep
        this.walk(causeTh, s, u, depth + 1);
        return;
      }
      // raised or armed by the task, run later by an interrupt: pending from the end of its last run
      const p = Math.max(s, this.lastRunEnd(causeTh, s, u));
      this.raw(th, 'sleeping', p, u, depth, { ...base, wait: 'pending', causeTh });
      if (p > s) this.walk(causeTh, s, p, depth + 1);
      return;
    }
    const ccode = cause > 0 ? cause % 8 : 0;
    if (cause === IDLE_KEY) {
      this.raw(th, 'sleeping', s, u, depth, { ...base, wait: 'idle' });
      return;
    }
    if (ccode === 0) {
      this.raw(th, 'sleeping', s, u, depth, { ...base, wait: 'unknown' });
      return;
    }
    const device = (ccode & 3) === Irq.HARDIRQ && (ccode & 4) === 0;
    if (!device) {
      this.raw(th, 'sleeping', s, u, depth, { ...base, wait: 'interrupt' });
      return;
    }
    // a device: its interrupt on the CPU that then ran the softirq, the softirq pending in between
    const irq = ((cause - ccode) / 8) % 65536;
    if (handler >= 0 && (code & 3) === Irq.SOFTIRQ) {
      const d = this.deviceSpanBefore(this.rec.qCpu.a[handler]!, irq, this.rec.qStart.a[handler]!, s);
      if (d >= 0) {
        const dEnd = Math.min(u, Math.max(s, this.rec.qEnd.a[d]!));
        const dStart = Math.max(s, this.rec.qStart.a[d]!);
        this.raw(th, 'sleeping', dEnd, u, depth, { ...base, wait: 'pending', causeTh: -1 });
        this.raw(th, 'interrupt', dStart, dEnd, depth, { cpu: this.rec.qCpu.a[d]!, ref: d });
        u = dStart;
      }
    }
    this.raw(th, 'sleeping', s, u, depth, { ...base, wait: 'device' });
  }

  /** The end of th's last stay on a CPU before t (at most t), or `floor` when none after it. */
  private lastRunEnd(th: number, floor: number, t: number): number {
    const { offset, order } = this.rec.byThread!;
    const { iSt, iStart, iEnd } = this.rec;
    for (let j = this.posAt(th, t); j >= offset[th]!; j--) {
      const k = order[j]!;
      if (iEnd.a[k]! <= floor) break;
      if (iSt.a[k] === St.RUNNING) return Math.min(t, iEnd.a[k]!);
      if (iStart.a[k]! <= floor) break;
    }
    return floor;
  }

  /* ---- description ---- */

  private threadOf(th: number): PathThread {
    return { tid: this.threads.recs[th]!.tid, tgid: this.threads.tgidOf(th), comm: this.threads.commOf(th) };
  }

  private task(th: number): string {
    return sourceLabel(this.names.describe(-(th + 1), this.threads));
  }

  private irqName(q: number): string {
    const r = this.rec;
    const kind = r.qKind.a[q]!;
    const name = this.names.interruptName(kind as 1 | 2 | 3, r.qId.a[q]!, r.qSysvec.a[q] === 1, r.qSym.a[q]!);
    return name;
  }

  private irqLabel(q: number): string {
    const kind = this.rec.qKind.a[q]!;
    const word = kind === Irq.HARDIRQ ? 'hardirq' : kind === Irq.SOFTIRQ ? 'softirq' : 'nmi';
    return kind === Irq.NMI ? 'nmi' : `${word} ${sanitize(this.irqName(q))}`;
  }

  private describe(r: Raw): PathSegment {
    const seg: PathSegment = {
      start: r.start - this.startNs,
      end: r.end - this.startNs,
      thread: this.threadOf(r.th),
      state: r.state,
      depth: r.depth,
      label: '',
    };
    if (r.cpu >= 0) seg.cpu = r.cpu;
    switch (r.state) {
      case 'running':
        seg.label = r.cpu >= 0 ? `running on CPU ${r.cpu}` : 'running';
        break;
      case 'runnable': {
        seg.preempted = r.preempted;
        const how = r.preempted ? 'preempted' : 'woken';
        if (r.ref >= 0) {
          seg.holder = this.threadOf(r.ref);
          seg.label = `waiting for CPU ${r.cpu} behind ${this.task(r.ref)} (${how})`;
        } else seg.label = `waiting for CPU ${r.cpu}, no task on it (${how})`;
        break;
      }
      case 'interrupt':
        if (r.named > 0) {
          // the interrupt that ran the wakeup: named as its source, with the timer callback
          const src = this.names.describe(r.named, this.threads);
          seg.interrupt = src.name ?? src.kind;
          seg.label = `${sourceLabel(src)} on CPU ${r.cpu}`;
        } else {
          seg.interrupt = this.irqName(r.ref);
          seg.label = `${this.irqLabel(r.ref)} on CPU ${r.cpu}`;
        }
        break;
      case 'sleeping': {
        seg.sleep = r.sleep === 2 ? 'D' : 'S';
        if (r.wait !== null) seg.wait = r.wait;
        let source: WakeSource | undefined;
        let cause: WakeSource | undefined;
        if (r.wait !== 'not woken') {
          source = this.names.describe(r.source, this.threads);
          seg.source = source;
          if (r.cause !== r.source) {
            cause = this.names.describe(r.cause, this.threads);
            seg.cause = cause;
          }
        }
        if (r.stack > 0 && this.names.stack.has(r.stack)) seg.sleptIn = sleepReasonOf(stackFrames(this.names, r.stack));
        seg.label = this.waitLabel(r, source, cause);
        break;
      }
      default:
        seg.label = r.wait === 'depth' ? 'not followed (segment limit)' : 'state unknown';
    }
    return seg;
  }

  private waitLabel(r: Raw, source: WakeSource | undefined, cause: WakeSource | undefined): string {
    const src = source !== undefined ? sourceLabel(source) : '';
    const c = cause !== undefined ? sourceLabel(cause) : src;
    switch (r.wait) {
      case 'own timer':
        return `on its own timer (${src})`;
      case 'device':
        return `waiting for device ${c.replace(/^hardirq /, '')}`;
      case 'interrupt':
        return `waiting for ${c}`;
      case 'pending':
        return r.causeTh >= 0
          ? `waiting for ${src}, ${/\//.test(source?.name ?? '') ? 'armed' : 'raised'} by ${this.task(r.causeTh)}`
          : `waiting for ${src}, raised by ${c}`;
      case 'unknown':
        return `woken by ${src}, cause unknown (${sanitize(cause?.name ?? source?.name ?? '?')})`;
      case 'not woken':
        return 'asleep, not woken before the capture end';
      case 'depth':
        return `woken by ${c}, not followed (depth limit)`;
      case 'idle':
        return 'woken by the idle task';
      default:
        return 'asleep';
    }
  }

  private summarize(segments: readonly PathSegment[]): Pick<CriticalPath, 'summary' | 'byThread'> {
    const lines = new Map<string, number>();
    const threads = new Map<string, CriticalPath['byThread'][number]>();
    for (const s of segments) {
      const ns = s.end - s.start;
      const who = `${sanitize(s.thread.comm)} ${s.thread.tid}`;
      let key: string;
      if (s.state === 'running') key = `${who} running`;
      else if (s.state === 'runnable')
        key = `${who} waiting for CPU ${s.holder !== undefined ? `behind ${sanitize(s.holder.comm)} ${s.holder.tid}` : 'with no task on it'}`;
      else if (s.state === 'interrupt') key = s.label.replace(/ on CPU \d+$/, '');
      else if (s.state === 'sleeping') key = `${who} ${s.label}`;
      else key = `${who} ${s.label}`;
      lines.set(key, (lines.get(key) ?? 0) + ns);
      const tk = `${s.thread.tid}/${s.thread.tgid}/${s.thread.comm}`;
      let t = threads.get(tk);
      if (t === undefined) {
        const byState = Object.fromEntries(PATH_STATES.map((st) => [st, 0])) as Record<PathState, number>;
        t = { thread: s.thread, ns: 0, byState };
        threads.set(tk, t);
      }
      t.ns += ns;
      t.byState[s.state] += ns;
    }
    return {
      summary: [...lines].map(([label, ns]) => ({ label, ns })).sort((x, y) => y.ns - x.ns),
      byThread: [...threads.values()].sort((x, y) => y.ns - x.ns),
    };
  }
}

/**
 * The paths a query asks for (times of the query relative to the capture start). A thread that is
 * not there, or has no such burst, is said (LifelineError) unless the query is `quiet` (the report).
 */
export function pathsFor(walker: PathWalker, q: PathQuery, startNs: number): CriticalPath[] {
  const fail = (message: string): CriticalPath[] => {
    if (q.quiet === true) return [];
    throw new LifelineError('OPTION_NO_MATCH', message);
  };
  const lo = q.fromNs !== undefined ? startNs + q.fromNs : -Infinity;
  const hi = q.toNs !== undefined ? startNs + q.toNs : Infinity;
  const what = q.tid !== undefined ? `thread ${q.tid}` : 'no thread of the capture';
  if (q.tid !== undefined && walker.identities(q.tid).length === 0) return fail(msg.pathNoThread(q.tid));
  if (q.intervals !== undefined) {
    const out: CriticalPath[] = [];
    for (const iv of q.intervals) {
      const [a, b] = [startNs + iv.fromNs, startNs + iv.toNs];
      const th = q.tid !== undefined ? walker.identityIn(q.tid, a, b) : walker.busiest();
      if (th >= 0 && b > a) out.push(walker.path(th, a, b, { kind: 'interval' }));
    }
    return out;
  }
  const explicit = q.burst === undefined && q.longest === undefined && q.fromNs !== undefined && q.toNs !== undefined;
  if (explicit) {
    const th = q.tid !== undefined ? walker.identityIn(q.tid, lo, hi) : walker.busiest();
    if (th < 0) return fail(msg.pathNoBurst(what));
    if (hi <= lo) return [];
    return [walker.path(th, lo, hi, { kind: 'interval' })];
  }
  if (q.tid === undefined && q.anyThread === true) {
    // the longest bursts of the capture, whichever thread's
    const all: Array<{ th: number; start: number; end: number; n: number; of: number }> = [];
    for (const th of walker.threadsWithBursts()) {
      const bs = walker.burstIntervals(th, lo, hi);
      bs.forEach((b, i) => all.push({ th, ...b, n: i + 1, of: bs.length }));
    }
    if (all.length === 0) return fail(msg.pathNoBurst(what));
    if (q.burst !== undefined) return fail(msg.pathBurstNeedsTid());
    return all
      .sort((x, y) => y.end - y.start - (x.end - x.start) || x.start - y.start)
      .slice(0, q.longest ?? 1)
      .map((b) => walker.path(b.th, b.start, b.end, { kind: 'burst', burst: b.n, bursts: b.of }));
  }
  let th = -1;
  if (q.tid !== undefined) {
    const ids = walker.identities(q.tid).filter((t) => walker.burstIntervals(t, lo, hi).length > 0);
    th = ids.length > 0 ? ids[ids.length - 1]! : -1;
  } else th = walker.busiest();
  if (th < 0) return fail(msg.pathNoBurst(what));
  const bursts = walker.burstIntervals(th, lo, hi);
  if (bursts.length === 0) return fail(msg.pathNoBurst(what));
  if (q.burst !== undefined) {
    const b = bursts[q.burst - 1];
    if (b === undefined) return fail(msg.pathNoSuchBurst(what, q.burst, bursts.length));
    return [walker.path(th, b.start, b.end, { kind: 'burst', burst: q.burst, bursts: bursts.length })];
  }
  const k = q.longest ?? 1;
  return bursts
    .map((b, i) => ({ ...b, n: i + 1 }))
    .sort((x, y) => y.end - y.start - (x.end - x.start) || x.n - y.n)
    .slice(0, k)
    .map((b) => walker.path(th, b.start, b.end, { kind: 'burst', burst: b.n, bursts: bursts.length }));
}

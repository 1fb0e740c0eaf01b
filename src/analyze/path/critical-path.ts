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
import { IDLE_KEY, sourceLabel, taskOfKey, type Names } from '../engine/sources.js';
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

/** The waits of sleeping segments, by code (the Segs column `wait`). */
const WAITS: readonly PathWait[] = [
  'own timer',
  'device',
  'interrupt',
  'pending',
  'unknown',
  'not woken',
  'depth',
  'idle',
];
const W = {
  OWN: 0,
  DEVICE: 1,
  INTERRUPT: 2,
  PENDING: 3,
  UNKNOWN: 4,
  NOT_WOKEN: 5,
  DEPTH: 6,
  IDLE: 7,
  NONE: 255,
} as const;
/** Segment states by code: PATH_STATES' order. */
const S = { RUNNING: 0, RUNNABLE: 1, INTERRUPT: 2, SLEEPING: 3, UNKNOWN: 4 } as const;

/** The segments of the path being walked, in flat columns (absolute times, thread indices, rows). */
class Segs {
  n = 0;
  th = new Int32Array(256);
  state = new Uint8Array(256);
  start = new Float64Array(256);
  end = new Float64Array(256);
  depth = new Int32Array(256);
  cpu = new Int32Array(256);
  /** runnable: the holder thread (-1 none); interrupt: the irq span row. */
  ref = new Int32Array(256);
  preempted = new Uint8Array(256);
  /** sleeping: the wait code, the wakeup row that ended the sleep (-1 none), the thread handed on to. */
  wait = new Uint8Array(256);
  wake = new Int32Array(256);
  causeTh = new Int32Array(256);
  sleep = new Uint8Array(256);
  /** interrupt: the wakeup source it ran (names the timer callback), 0 for none. */
  named = new Float64Array(256);

  reset(): void {
    this.n = 0;
  }

  private grow(): void {
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.th = g(this.th);
    this.state = g(this.state);
    this.start = g(this.start);
    this.end = g(this.end);
    this.depth = g(this.depth);
    this.cpu = g(this.cpu);
    this.ref = g(this.ref);
    this.preempted = g(this.preempted);
    this.wait = g(this.wait);
    this.wake = g(this.wake);
    this.causeTh = g(this.causeTh);
    this.sleep = g(this.sleep);
    this.named = g(this.named);
  }

  push(th: number, state: number, start: number, end: number, depth: number, cpu: number, ref: number): number {
    if (this.n === this.th.length) this.grow();
    const i = this.n++;
    this.th[i] = th;
    this.state[i] = state;
    this.start[i] = start;
    this.end[i] = end;
    this.depth[i] = depth;
    this.cpu[i] = cpu;
    this.ref[i] = ref;
    this.preempted[i] = 0;
    this.wait[i] = W.NONE;
    this.wake[i] = -1;
    this.causeTh[i] = -1;
    this.sleep[i] = 0;
    this.named[i] = 0;
    return i;
  }
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
  private readonly segs = new Segs();
  private truncated = false;
  /** Per CPU: the longest interrupt span (how far back a span overlapping a time can start). */
  private readonly maxIrq: Float64Array;
  /** Described once per path walker: threads, task labels, interrupt names, sources. */
  private readonly threadCache = new Map<number, PathThread>();
  private readonly labelCache = new Map<string, string>();
  private readonly sourceCache = new Map<number, WakeSource>();

  constructor(
    private readonly rec: PathRecorder,
    private readonly threads: ThreadTable,
    private readonly names: Names,
    /** Capture start (absolute ns): the result's times are relative to it. */
    private readonly startNs: number,
    private readonly maxDepth = PATH_MAX_DEPTH,
    private readonly maxSegments = PATH_MAX_SEGMENTS,
    /** The threads whose bursts may be chosen without a tid (--pid, --comm). */
    private readonly candidate: (th: number) => boolean = () => true,
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
      if (offset[th + 1]! > offset[th]! && this.threads.recs[th]!.tid !== 0 && this.candidate(th)) out.push(th);
    return out;
  }

  /** The thread with the most run time among those with a complete burst (-1 when none). */
  busiest(): number {
    const run = new Float64Array(this.threads.recs.length);
    for (let i = 0; i < this.rec.iTh.n; i++)
      if (this.rec.iSt.a[i] === St.RUNNING) run[this.rec.iTh.a[i]!]! += this.rec.iEnd.a[i]! - this.rec.iStart.a[i]!;
    let best = -1;
    for (const th of this.threadsWithBursts()) if (best < 0 || run[th]! > run[best]!) best = th;
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
      const be = this.rec.bEnd.a[k]!;
      const start = this.cycleStart(th, this.rec.bStart.a[k]!);
      if (start >= lo && be <= hi) out.push({ start, end: be });
    }
    return out;
  }

  /**
   * Every thread's bursts as path intervals inside [lo, hi], in flat arrays: the thread, start and end
   * (absolute ns), its number among the thread's bursts there (1-based) and how many it has there.
   */
  allBursts(
    lo: number,
    hi: number,
  ): { th: Int32Array; start: Float64Array; end: Float64Array; n: Int32Array; of: Int32Array } {
    const { offset, order } = this.rec.burstsByThread!;
    const total = this.rec.bTh.n;
    const th = new Int32Array(total);
    const start = new Float64Array(total);
    const end = new Float64Array(total);
    const n = new Int32Array(total);
    const of = new Int32Array(total);
    const byThread = this.rec.byThread!;
    const starts = this.rec.iStart.a;
    let m = 0;
    for (const t of this.threadsWithBursts()) {
      const first = m;
      // the thread's intervals are walked once beside its bursts (both in time order), not searched
      // for each burst: posAt's answer, found by a cursor that only moves forward
      const lo0 = byThread.offset[t]!;
      const hi0 = byThread.offset[t + 1]!;
      let pos = lo0 - 1;
      let last = -Infinity;
      for (let j = offset[t]!; j < offset[t + 1]!; j++) {
        const k = order[j]!;
        const be = this.rec.bEnd.a[k]!;
        const b0 = this.rec.bStart.a[k]!;
        const at = b0 + 0.5;
        if (at < last) pos = lo0 - 1; // out of order: search from the thread's first interval again
        last = at;
        while (pos + 1 < hi0 && starts[byThread.order[pos + 1]!]! < at) pos++;
        const bs = this.cycleStartAt(t, b0, pos >= lo0 ? pos : -1);
        if (bs < lo || be > hi) continue;
        th[m] = t;
        start[m] = bs;
        end[m] = be;
        n[m] = m - first + 1;
        m++;
      }
      of.fill(m - first, first, m);
    }
    return {
      th: th.subarray(0, m),
      start: start.subarray(0, m),
      end: end.subarray(0, m),
      n: n.subarray(0, m),
      of: of.subarray(0, m),
    };
  }

  /** Where the wait before a burst began: the start of the sleep (or run-queue wait) before it. */
  cycleStart(th: number, bs: number): number {
    return this.cycleStartAt(th, bs, this.posAt(th, bs + 0.5));
  }

  /** cycleStart with `pos`: the thread's last interval starting before bs + 0.5 (posAt), -1 when none. */
  private cycleStartAt(th: number, bs: number, pos: number): number {
    const { offset, order } = this.rec.byThread!;
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

  /**
   * The path of thread th over [a, b] (absolute ns, a < b). With `summaryOnly`, the segments are
   * summed but not listed (a long interval can have hundreds of thousands).
   */
  path(th: number, a: number, b: number, chosen: CriticalPath['chosen'], summaryOnly = false): CriticalPath {
    const g = this.segs;
    g.reset();
    this.truncated = false;
    this.walk(th, a, b, 0);
    // in time order to be listed; the summaries do not need the order (ties: most time first, then by thread)
    let segments: PathSegment[] = [];
    if (!summaryOnly) {
      const order = Array.from({ length: g.n }, (_, i) => i).sort((x, y) => g.start[x]! - g.start[y]!);
      segments = order.map((i) => this.describe(i));
    }
    const { summary, byThread } = this.summarize();
    return {
      thread: this.threadOf(th),
      startNs: a - this.startNs,
      endNs: b - this.startNs,
      chosen,
      segments,
      segmentCount: g.n,
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

  private seg(th: number, state: number, start: number, end: number, depth: number, cpu = -1, ref = -1): number {
    if (end <= start) return -1;
    return this.segs.push(th, state, start, end, depth, cpu, ref);
  }

  private sleepSeg(
    th: number,
    start: number,
    end: number,
    depth: number,
    kind: number,
    wait: number,
    wake: number,
    causeTh = -1,
  ): void {
    const i = this.seg(th, S.SLEEPING, start, end, depth);
    if (i < 0) return;
    this.segs.wait[i] = wait;
    this.segs.wake[i] = wake;
    this.segs.causeTh[i] = causeTh;
    this.segs.sleep[i] = kind;
  }

  /** Covers [lo, hi] with the path of th, back from hi. */
  private walk(th: number, lo: number, hi: number, depth: number): void {
    const { offset, order } = this.rec.byThread!;
    const { iSt, iStart, iEnd, iCpu } = this.rec;
    let t = hi;
    while (t > lo) {
      if (this.segs.n >= this.maxSegments) {
        this.truncated = true;
        const i = this.seg(th, S.UNKNOWN, lo, t, depth);
        if (i >= 0) this.segs.wait[i] = W.DEPTH;
        return;
      }
      const pos = this.posAt(th, t);
      if (pos < 0) {
        this.seg(th, S.UNKNOWN, lo, t, depth);
        return;
      }
      const k = order[pos]!;
      const end = iEnd.a[k]!;
      if (end < t) {
        // a stretch whose state is not known (before the thread was first seen, after a contradiction)
        const s = Math.max(lo, end);
        this.seg(th, S.UNKNOWN, s, t, depth);
        t = s;
        continue;
      }
      const s = Math.max(lo, iStart.a[k]!);
      const st = iSt.a[k]!;
      if (st === St.RUNNING) this.onCpu(th, iCpu.a[k]!, s, t, depth, S.RUNNING, -1, false);
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
      else this.seg(th, S.UNKNOWN, s, t, depth);
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

  /** Position (in the CPU's start order) of the last interrupt span of `cpu` that starts before t; one before the CPU's first when none. */
  private lastIrqBefore(cpu: number, t: number): number {
    const { offset, order } = this.rec.irqByCpu!;
    const qStart = this.rec.qStart;
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
    return last;
  }

  /* Scratch of irqsInto, read by onCpu and spanAt before anything else fills it (neither recurses): the hard and the soft interrupt spans of one stretch. */
  private hS = new Float64Array(64);
  private hE = new Float64Array(64);
  private hR = new Int32Array(64);
  private sS = new Float64Array(64);
  private sE = new Float64Array(64);
  private sR = new Int32Array(64);

  /** Fills the scratch with the interrupt spans of a CPU that overlap [s, t]; returns [hard, soft] counts. */
  private irqsInto(cpu: number, s: number, t: number): [number, number] {
    if (cpu < 0 || cpu >= this.rec.cpus) return [0, 0];
    const { offset, order } = this.rec.irqByCpu!;
    const { qStart, qEnd, qKind } = this.rec;
    const last = this.lastIrqBefore(cpu, t);
    const reach = s - this.maxIrq[cpu]!;
    let first = last + 1;
    for (let j = last; j >= offset[cpu]! && qStart.a[order[j]!]! >= reach; j--) first = j;
    let nh = 0;
    let ns = 0;
    for (let j = first; j <= last; j++) {
      const q = order[j]!;
      if (qEnd.a[q]! <= s) continue;
      if (nh === this.hS.length || ns === this.sS.length) this.growScratch();
      if (qKind.a[q] === Irq.SOFTIRQ) {
        this.sS[ns] = qStart.a[q]!;
        this.sE[ns] = qEnd.a[q]!;
        this.sR[ns++] = q;
      } else {
        this.hS[nh] = qStart.a[q]!;
        this.hE[nh] = qEnd.a[q]!;
        this.hR[nh++] = q;
      }
    }
    return [nh, ns];
  }

  private growScratch(): void {
    const f = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    const i = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.hS = f(this.hS);
    this.hE = f(this.hE);
    this.hR = i(this.hR);
    this.sS = f(this.sS);
    this.sE = f(this.sE);
    this.sR = i(this.sR);
  }

  /** [s, t] of th on (or queued for) a CPU, the interrupts handled there cut out as their own segments. */
  private onCpu(
    th: number,
    cpu: number,
    s: number,
    t: number,
    depth: number,
    state: number,
    holder: number,
    preempted: boolean,
  ): void {
    const [nh, ns] = this.irqsInto(cpu, s, t);
    if (nh === 0 && ns === 0) {
      this.base(th, state, s, t, depth, cpu, holder, preempted);
      return;
    }
    // a hard interrupt wins the time it covers; softirqs then take theirs from what is left
    let c = s;
    for (let h = 0; h < nh; h++) {
      const a = Math.max(c, this.hS[h]!);
      const b = Math.min(t, this.hE[h]!);
      if (b <= a) continue;
      if (a > c) this.softTile(th, c, a, ns, depth, cpu, state, holder, preempted);
      this.seg(th, S.INTERRUPT, a, b, depth, cpu, this.hR[h]!);
      c = b;
    }
    if (c < t) this.softTile(th, c, t, ns, depth, cpu, state, holder, preempted);
  }

  private softTile(
    th: number,
    x: number,
    y: number,
    ns: number,
    depth: number,
    cpu: number,
    state: number,
    holder: number,
    preempted: boolean,
  ): void {
    let c = x;
    for (let k = 0; k < ns; k++) {
      const a = Math.max(c, this.sS[k]!);
      const b = Math.min(y, this.sE[k]!);
      if (b <= a) continue;
      if (a > c) this.base(th, state, c, a, depth, cpu, holder, preempted);
      this.seg(th, S.INTERRUPT, a, b, depth, cpu, this.sR[k]!);
      c = b;
    }
    if (c < y) this.base(th, state, c, y, depth, cpu, holder, preempted);
  }

  private base(
    th: number,
    state: number,
    a: number,
    b: number,
    depth: number,
    cpu: number,
    holder: number,
    preempted: boolean,
  ): void {
    const i = this.seg(th, state, a, b, depth, cpu, holder);
    if (i >= 0 && preempted) this.segs.preempted[i] = 1;
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
    for (const p of tile(s, t, holders)) this.onCpu(th, cpu, p.start, p.end, depth, S.RUNNABLE, p.ref, preempted);
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
      const [nh, ns] = this.irqsInto(cpu, ts, ts + 1);
      const soft = kind === Irq.SOFTIRQ;
      const refs = soft ? this.sR : this.hR;
      for (let k = 0, n = soft ? ns : nh; k < n; k++) {
        const q = refs[k]!;
        if (this.rec.qKind.a[q] !== kind || this.rec.qId.a[q] !== id) continue;
        if (this.rec.qStart.a[q]! > ts || this.rec.qEnd.a[q]! < ts) continue;
        if (kind === Irq.HARDIRQ && (this.rec.qSysvec.a[q] === 1) !== sysvec) continue;
        if (best < 0 || this.rec.qStart.a[q]! > this.rec.qStart.a[best]!) best = q;
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
    if (w < 0) {
      this.sleepSeg(th, s, t, depth, kind, W.NOT_WOKEN, -1);
      return;
    }
    const source = this.rec.wSource.a[w]!;
    const cause = this.rec.wCause.a[w]!;
    const causeTh = this.rec.wCauseTask.a[w]!;
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
          const i = this.seg(th, S.INTERRUPT, a, u, depth, this.rec.qCpu.a[handler]!, handler);
          if (i >= 0) this.segs.named[i] = source;
          u = a;
        }
      }
    }
    if (u <= s) return;
    if (source < 0) {
      // a task woke it: the path is in that task over the whole sleep. The task that ran the wakeup,
      // even when its cause is another (a kworker running work that task queued): the work it ran is
      // what the sleeper waited for, and the kworker's own wakeup leads on to the task that queued it.
      const waker = taskOfKey(source);
      if (depth + 1 > this.maxDepth) {
        this.truncated = true;
        this.sleepSeg(th, s, u, depth, kind, W.DEPTH, w, waker);
        return;
      }
      this.walk(waker, s, u, depth + 1);
      return;
    }
    if (causeTh === th) {
      this.sleepSeg(th, s, u, depth, kind, W.OWN, w);
      return;
    }
    if (causeTh >= 0) {
      if (depth + 1 > this.maxDepth) {
        this.truncated = true;
        this.sleepSeg(th, s, u, depth, kind, W.DEPTH, w, causeTh);
        return;
      }
      // raised or armed by the task, run later by an interrupt: pending from the end of its last run
      const p = Math.max(s, this.lastRunEnd(causeTh, s, u));
      this.sleepSeg(th, p, u, depth, kind, W.PENDING, w, causeTh);
      if (p > s) this.walk(causeTh, s, p, depth + 1);
      return;
    }
    const ccode = cause > 0 ? cause % 8 : 0;
    if (cause === IDLE_KEY) {
      this.sleepSeg(th, s, u, depth, kind, W.IDLE, w);
      return;
    }
    if (ccode === 0) {
      this.sleepSeg(th, s, u, depth, kind, W.UNKNOWN, w);
      return;
    }
    const device = (ccode & 3) === Irq.HARDIRQ && (ccode & 4) === 0;
    if (!device) {
      this.sleepSeg(th, s, u, depth, kind, W.INTERRUPT, w);
      return;
    }
    // a device: its interrupt on the CPU that then ran the softirq, the softirq pending in between
    const irq = ((cause - ccode) / 8) % 65536;
    if (handler >= 0 && (code & 3) === Irq.SOFTIRQ) {
      const d = this.deviceSpanBefore(this.rec.qCpu.a[handler]!, irq, this.rec.qStart.a[handler]!, s);
      if (d >= 0) {
        const dEnd = Math.min(u, Math.max(s, this.rec.qEnd.a[d]!));
        const dStart = Math.max(s, this.rec.qStart.a[d]!);
        this.sleepSeg(th, dEnd, u, depth, kind, W.PENDING, w);
        this.seg(th, S.INTERRUPT, dStart, dEnd, depth, this.rec.qCpu.a[d]!, d);
        u = dStart;
      }
    }
    this.sleepSeg(th, s, u, depth, kind, W.DEVICE, w);
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

  /* ---- description (labels computed once per thread, interrupt and wakeup source) ---- */

  private threadOf(th: number): PathThread {
    let t = this.threadCache.get(th);
    if (t === undefined) {
      t = { tid: this.threads.recs[th]!.tid, tgid: this.threads.tgidOf(th), comm: this.threads.commOf(th) };
      this.threadCache.set(th, t);
    }
    return t;
  }

  private cached(key: string, make: () => string): string {
    let v = this.labelCache.get(key);
    if (v === undefined) {
      v = make();
      this.labelCache.set(key, v);
    }
    return v;
  }

  /** "task comm tid". */
  private task(th: number): string {
    return this.cached(`t${th}`, () => sourceLabel(this.names.describe(-(th + 1), this.threads)));
  }

  /** "comm tid", as the summary names a thread. */
  private who(th: number): string {
    return this.cached(`w${th}`, () => {
      const t = this.threadOf(th);
      return `${sanitize(t.comm)} ${t.tid}`;
    });
  }

  private source(key: number): WakeSource {
    let v = this.sourceCache.get(key);
    if (v === undefined) {
      v = this.names.describe(key, this.threads);
      this.sourceCache.set(key, v);
    }
    return v;
  }

  /** An interrupt segment's name ("irq 36 virtio1-req.0", "BLOCK", "local_timer/timerfd_tmrproc"). */
  private irqName(i: number): string {
    const named = this.segs.named[i]!;
    if (named > 0) {
      const src = this.source(named);
      return src.name ?? src.kind;
    }
    const r = this.rec;
    const q = this.segs.ref[i]!;
    const kind = r.qKind.a[q]!;
    const key = `q${kind},${r.qId.a[q]},${r.qSysvec.a[q]},${r.qSym.a[q]}`;
    return this.cached(key, () =>
      this.names.interruptName(kind as 1 | 2 | 3, r.qId.a[q]!, r.qSysvec.a[q] === 1, r.qSym.a[q]!),
    );
  }

  /** "softirq BLOCK", "hardirq local_timer/timerfd_tmrproc", "nmi" (sanitized). */
  private irqLabel(i: number): string {
    const named = this.segs.named[i]!;
    if (named > 0) return this.cached(`n${named}`, () => sourceLabel(this.source(named)));
    const kind = this.rec.qKind.a[this.segs.ref[i]!]!;
    if (kind === Irq.NMI) return 'nmi';
    const name = this.irqName(i);
    return this.cached(`l${kind},${name}`, () => `${kind === Irq.HARDIRQ ? 'hardirq' : 'softirq'} ${sanitize(name)}`);
  }

  private describe(i: number): PathSegment {
    const g = this.segs;
    const state = PATH_STATES[g.state[i]!]!;
    const cpu = g.cpu[i]!;
    const seg: PathSegment = {
      start: g.start[i]! - this.startNs,
      end: g.end[i]! - this.startNs,
      thread: this.threadOf(g.th[i]!),
      state,
      depth: g.depth[i]!,
      label: '',
    };
    if (cpu >= 0) seg.cpu = cpu;
    switch (state) {
      case 'running':
        seg.label = cpu >= 0 ? `running on CPU ${cpu}` : 'running';
        break;
      case 'runnable': {
        const preempted = g.preempted[i] === 1;
        seg.preempted = preempted;
        const how = preempted ? 'preempted' : 'woken';
        const holder = g.ref[i]!;
        if (holder >= 0) {
          seg.holder = this.threadOf(holder);
          seg.label = `waiting for CPU ${cpu} behind ${this.task(holder)} (${how})`;
        } else seg.label = `waiting for CPU ${cpu}, no task on it (${how})`;
        break;
      }
      case 'interrupt':
        seg.interrupt = this.irqName(i);
        seg.label = `${this.irqLabel(i)} on CPU ${cpu}`;
        break;
      case 'sleeping': {
        seg.sleep = g.sleep[i] === 2 ? 'D' : 'S';
        seg.wait = WAITS[g.wait[i]!]!;
        const w = g.wake[i]!;
        if (w >= 0) {
          const sk = this.rec.wSource.a[w]!;
          const ck = this.rec.wCause.a[w]!;
          seg.source = this.source(sk);
          if (ck !== sk) seg.cause = this.source(ck);
          const stack = this.rec.wSleepStack.a[w]!;
          if (stack > 0 && this.names.stack.has(stack))
            seg.sleptIn = this.cached(`s${stack}`, () => sleepReasonOf(stackFrames(this.names, stack)));
        }
        seg.label = this.waitLabel(i);
        break;
      }
      default:
        seg.label = this.unknownLabel(i);
    }
    return seg;
  }

  private unknownLabel(i: number): string {
    return this.segs.wait[i] === W.DEPTH ? 'not followed (segment limit)' : 'state unknown';
  }

  /** What a sleeping segment waited for, in words (sanitized); the same for every segment of one wakeup kind. */
  private waitLabel(i: number): string {
    const g = this.segs;
    const wait = g.wait[i]!;
    const w = g.wake[i]!;
    const causeTh = g.causeTh[i]!;
    if (wait === W.NOT_WOKEN) return 'asleep, not woken before the capture end';
    if (wait === W.IDLE) return 'woken by the idle task';
    const sk = w >= 0 ? this.rec.wSource.a[w]! : 0;
    const ck = w >= 0 ? this.rec.wCause.a[w]! : 0;
    return this.cached(`W${wait},${sk},${ck},${causeTh}`, () => {
      const source = this.source(sk);
      const cause = ck !== sk ? this.source(ck) : undefined;
      const src = sourceLabel(source);
      const c = cause !== undefined ? sourceLabel(cause) : src;
      switch (wait) {
        case W.OWN:
          return `on its own timer (${src})`;
        case W.DEVICE:
          return `waiting for device ${c.replace(/^hardirq /, '')}`;
        case W.INTERRUPT:
          return `waiting for ${c}`;
        case W.PENDING:
          return causeTh >= 0
            ? `waiting for ${src}, ${/\//.test(source.name ?? '') ? 'armed' : 'raised'} by ${this.task(causeTh)}`
            : `waiting for ${src}, raised by ${c}`;
        case W.UNKNOWN:
          return `woken by ${src}, cause unknown (${sanitize(cause?.name ?? source.name ?? '?')})`;
        case W.DEPTH:
          return `woken by ${c}, not followed (depth limit)`;
        default:
          return 'asleep';
      }
    });
  }

  /** The time by kind (thread and state, with what it waited behind or for) and by thread, from the columns. */
  private summarize(): Pick<CriticalPath, 'summary' | 'byThread'> {
    const g = this.segs;
    const r = this.rec;
    const n = this.threads.recs.length + 1;
    // one map per state, keyed by numbers (a string per segment would cost more than the walk)
    const maps = PATH_STATES.map(() => new Map<number, { label: string; ns: number; first: number }>());
    const sleepLines = new Map<string, { label: string; ns: number; first: number }>();
    const threads = new Map<number, CriticalPath['byThread'][number]>();
    // a kind seen just before (a wait split by interrupts) reuses its line: the last line per state
    const lastKey = new Float64Array(PATH_STATES.length).fill(NaN);
    const lastLine: Array<{ label: string; ns: number; first: number } | undefined> = PATH_STATES.map(() => undefined);
    let lastTh = -1;
    let lastThread: CriticalPath['byThread'][number] | undefined;
    for (let i = 0; i < g.n; i++) {
      const ns = g.end[i]! - g.start[i]!;
      const th = g.th[i]!;
      const state = g.state[i]!;
      let line: { label: string; ns: number; first: number } | undefined;
      // a number naming the line within its state (sleeping lines: by thread only, checked below)
      let quick: number;
      if (state === S.RUNNING) quick = th;
      else if (state === S.RUNNABLE) quick = th * n + g.ref[i]! + 1;
      else if (state === S.INTERRUPT) {
        const named = g.named[i]!;
        const q = g.ref[i]!;
        quick = named > 0 ? -named : ((r.qSym.a[q]! * 65536 + r.qId.a[q]!) * 2 + r.qSysvec.a[q]!) * 4 + r.qKind.a[q]!;
      } else if (state === S.UNKNOWN) quick = th * 256 + g.wait[i]!;
      else quick = NaN;
      if (quick === lastKey[state]) line = lastLine[state];
      if (line !== undefined) {
        // the same line as the last segment of this state
      } else if (state === S.SLEEPING) {
        const key = `${th},${this.waitLabel(i)}`;
        line = sleepLines.get(key);
        if (line === undefined)
          sleepLines.set(key, (line = { label: this.summaryLabel(i), ns: 0, first: g.start[i]! }));
      } else {
        const m = maps[state]!;
        line = m.get(quick);
        if (line === undefined) m.set(quick, (line = { label: this.summaryLabel(i), ns: 0, first: g.start[i]! }));
      }
      line.ns += ns;
      if (g.start[i]! < line.first) line.first = g.start[i]!;
      lastKey[state] = quick;
      lastLine[state] = line;
      let t = th === lastTh ? lastThread : threads.get(th);
      if (t === undefined) {
        const byState = Object.fromEntries(PATH_STATES.map((st) => [st, 0])) as Record<PathState, number>;
        t = { thread: this.threadOf(th), ns: 0, byState };
        threads.set(th, t);
      }
      lastTh = th;
      lastThread = t;
      t.ns += ns;
      t.byState[PATH_STATES[state]!] += ns;
    }
    // two interrupts of one name (a timer callback named by its wakeup, or not) are one line
    const merged = new Map<string, { label: string; ns: number; first: number }>();
    for (const m of [...maps, sleepLines])
      for (const l of m.values()) {
        const o = merged.get(l.label);
        if (o === undefined) merged.set(l.label, { ...l });
        else {
          o.ns += l.ns;
          o.first = Math.min(o.first, l.first);
        }
      }
    return {
      summary: [...merged.values()]
        .sort((x, y) => y.ns - x.ns || x.first - y.first)
        .map(({ label, ns }) => ({ label, ns })),
      byThread: [...threads.values()].sort((x, y) => y.ns - x.ns || x.thread.tid - y.thread.tid),
    };
  }

  private summaryLabel(i: number): string {
    const g = this.segs;
    const who = this.who(g.th[i]!);
    switch (g.state[i]) {
      case S.RUNNING:
        return `${who} running`;
      case S.RUNNABLE: {
        const h = g.ref[i]!;
        return `${who} waiting for CPU ${h >= 0 ? `behind ${this.who(h)}` : 'with no task on it'}`;
      }
      case S.INTERRUPT:
        return this.irqLabel(i);
      case S.SLEEPING:
        return `${who} ${this.waitLabel(i)}`;
      default:
        return `${who} ${this.unknownLabel(i)}`;
    }
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
  const what = q.tid !== undefined ? `thread ${q.tid}` : q.selected === true ? 'the threads selected' : 'any thread';
  if (q.tid !== undefined && walker.identities(q.tid).length === 0) return fail(msg.pathNoThread(q.tid));
  if (q.intervals !== undefined) {
    const out: CriticalPath[] = [];
    for (const iv of q.intervals) {
      const [a, b] = [startNs + iv.fromNs, startNs + iv.toNs];
      const th = q.tid !== undefined ? walker.identityIn(q.tid, a, b) : walker.busiest();
      if (th >= 0 && b > a) out.push(walker.path(th, a, b, { kind: 'interval' }, q.summaryOnly));
    }
    return out;
  }
  const explicit = q.burst === undefined && q.longest === undefined && q.fromNs !== undefined && q.toNs !== undefined;
  if (explicit) {
    const th = q.tid !== undefined ? walker.identityIn(q.tid, lo, hi) : walker.busiest();
    if (th < 0) return fail(msg.pathNoBurst(what));
    if (hi <= lo) return [];
    return [walker.path(th, lo, hi, { kind: 'interval' }, q.summaryOnly)];
  }
  if (q.tid === undefined && q.anyThread === true) {
    // the longest bursts of the capture, whichever thread's: lengths in flat arrays, the k longest picked
    if (q.burst !== undefined) return fail(msg.pathBurstNeedsTid());
    const all = walker.allBursts(lo, hi);
    if (all.th.length === 0) return fail(msg.pathNoBurst(what));
    const k = Math.min(q.longest ?? 1, all.th.length);
    const len = new Float64Array(all.th.length);
    for (let i = 0; i < len.length; i++) len[i] = all.end[i]! - all.start[i]!;
    // the k-th longest length, then those at least as long (ties: the earlier first)
    const cut = Float64Array.from(len).sort()[len.length - k]!;
    const long: number[] = [];
    for (let i = 0; i < len.length; i++) if (len[i]! >= cut) long.push(i);
    const picked = long.sort((x, y) => len[y]! - len[x]! || all.start[x]! - all.start[y]!).slice(0, k);
    return picked.map((i) =>
      walker.path(
        all.th[i]!,
        all.start[i]!,
        all.end[i]!,
        { kind: 'burst', burst: all.n[i]!, bursts: all.of[i]! },
        q.summaryOnly,
      ),
    );
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
    return [walker.path(th, b.start, b.end, { kind: 'burst', burst: q.burst, bursts: bursts.length }, q.summaryOnly)];
  }
  const k = q.longest ?? 1;
  return bursts
    .map((b, i) => ({ ...b, n: i + 1 }))
    .sort((x, y) => y.end - y.start - (x.end - x.start) || x.n - y.n)
    .slice(0, k)
    .map((b) => walker.path(th, b.start, b.end, { kind: 'burst', burst: b.n, bursts: bursts.length }, q.summaryOnly));
}

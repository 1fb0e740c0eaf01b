/**
 * Thread identities. A tid names a different thread after its owner exited,
 * so a thread is (tid, generation) and gets a dense index here; the engine
 * and the metric modules key everything by that index.
 */
import { Rq, St, type RqCause, type StCode } from './codes.js';

export const Burst = { NONE: 0, PENDING: 1, ACTIVE: 2 } as const;
export type BurstPhase = (typeof Burst)[keyof typeof Burst];

/**
 * Identity and replay state of one thread. One object per thread, never per
 * event. Times (doubles) live in the table's Float64Arrays instead: V8 boxes
 * double fields of objects, typed arrays keep them flat.
 */
export class ThreadRec {
  tgid = 0;
  comm = '';
  st: StCode = St.UNKNOWN;
  /** CPU while running. */
  cpu = -1;
  rqCause: RqCause = Rq.WAKEUP;
  /** Running since before the capture began: the slice is partial. */
  partial = false;
  /** Seen switching or being woken (a FORK on a quiet identity does not make a new one). */
  active = false;
  /** An EXIT was seen: the next switch-out is the last. */
  exited = false;
  uncertain = false;
  /** A waking (not ON_RQ) arrived while running: the coming switch-out ends no sleep. */
  wokeWhileRunning = false;
  burst: BurstPhase = Burst.NONE;
  burstSlices = 0;
  /** Stack id of the last switch-out (where the current sleep began), 0 when none. */
  sleepStack = 0;
  /** A worker running a workqueue item: the item's function (symbol id, 0 if unnamed); -1 when none. */
  work = -1;
  /** Cause key of that item: whoever queued it. */
  workCause = 0;
  /** Cause key of the last item this worker finished, NaN when none. */
  lastWorkCause = NaN;

  constructor(
    public tid: number,
    readonly generation: number,
  ) {}
}

export class ThreadTable {
  readonly recs: ThreadRec[] = [];
  /** Per thread: when the current state began (absolute ns), NaN when unknown. */
  since = new Float64Array(256);
  /** Per thread: start and run time so far of the current burst. */
  burstStart = new Float64Array(256);
  burstRun = new Float64Array(256);
  /** tid → index of its current identity, -1 when none. */
  private byTid = new Int32Array(1024).fill(-1);
  private readonly generations = new Map<number, number>();

  /** Called with the index of every new identity. */
  onCreate: (th: number) => void = () => {};

  get size(): number {
    return this.recs.length;
  }

  /** Current identity of tid, -1 if none yet. */
  peek(tid: number): number {
    return tid < this.byTid.length ? this.byTid[tid]! : -1;
  }

  /** A new identity for tid (its previous one, if any, is over). */
  create(tid: number): number {
    this.reserve(tid);
    const generation = this.generations.get(tid) ?? 0;
    this.generations.set(tid, generation + 1);
    const th = this.recs.length;
    if (th === this.since.length) {
      this.since = grownF64(this.since);
      this.burstStart = grownF64(this.burstStart);
      this.burstRun = grownF64(this.burstRun);
    }
    this.since[th] = NaN;
    this.burstStart[th] = 0;
    this.burstRun[th] = 0;
    this.recs.push(new ThreadRec(tid, generation));
    this.byTid[tid] = th;
    this.onCreate(th);
    return th;
  }

  /** Copies a thread's identity and replay state from another table (Engine.handOver). */
  adopt(th: number, from: ThreadRec, since: number, burstStart: number, burstRun: number): void {
    const r = this.recs[th]!;
    r.tgid = from.tgid;
    r.comm = from.comm;
    r.st = from.st;
    r.cpu = from.cpu;
    r.rqCause = from.rqCause;
    r.partial = from.partial;
    r.active = from.active;
    r.exited = from.exited;
    r.uncertain = from.uncertain;
    r.wokeWhileRunning = from.wokeWhileRunning;
    r.burst = from.burst;
    r.burstSlices = from.burstSlices;
    r.sleepStack = from.sleepStack;
    r.work = from.work;
    r.workCause = from.workCause;
    r.lastWorkCause = from.lastWorkCause;
    this.since[th] = since;
    this.burstStart[th] = burstStart;
    this.burstRun[th] = burstRun;
  }

  /** A thread took over another tid (exec from a non-leader thread). */
  retag(th: number, tid: number): void {
    const rec = this.recs[th]!;
    if (this.peek(rec.tid) === th) this.byTid[rec.tid] = -1;
    this.reserve(tid);
    rec.tid = tid;
    this.byTid[tid] = th;
  }

  private reserve(tid: number): void {
    if (tid < 0) throw new RangeError(`negative tid ${tid}`);
    if (tid < this.byTid.length) return;
    let n = this.byTid.length;
    while (n <= tid) n *= 2;
    const grown = new Int32Array(n).fill(-1);
    grown.set(this.byTid);
    this.byTid = grown;
  }

  /** Reported tgid: the recorded one, else the tid itself. */
  tgidOf(th: number): number {
    const rec = this.recs[th]!;
    return rec.tgid !== 0 ? rec.tgid : rec.tid;
  }

  /** Name of a process: its leader's comm when the leader is known. */
  processComm(tgid: number): string | null {
    const th = this.peek(tgid);
    return th >= 0 && this.tgidOf(th) === tgid ? this.commOf(th) : null;
  }

  commOf(th: number): string {
    const c = this.recs[th]!.comm;
    return c === '' ? UNKNOWN_COMM : c;
  }
}

export const UNKNOWN_COMM = '<unknown>';

function grownF64(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * The replay engine: one pass over the ordered event stream, a small state
 * machine per thread (ThreadRec) and per CPU, and facts handed to the metric
 * modules (metric.ts). No allocation per event: batches are read by index,
 * threads are dense indices, the one WakeFact object is reused.
 *
 * Rules at the edges (docs/metrics.md explains them):
 * - A thread first seen switching out on a CPU whose first switch this is
 *   has been running since the capture start: its time counts as run time,
 *   but the partial slice is not a slice and starts no burst.
 * - A thread first seen being woken was sleeping since an unknown time: the
 *   wakeup counts, the sleep does not.
 * - A thread first seen switching in waited since an unknown time: no
 *   run-queue delay, and the burst it is in is unknown (not counted).
 * - At the end, running threads add their time up to the end; open sleeps,
 *   waits and bursts are not counted.
 * - A fact that contradicts the state (lost events) marks the thread
 *   uncertain, drops what was being measured, and resynchronises on it.
 */
import { CommReason, Ctx, Flag, Kind } from '../../format/index.js';
import { allocBatch, type EventBatch } from '../../capture/index.js';
import { causeKnown, Causes, remapKey } from './causes.js';
import { Irq, Rq, Sleep, St, type IrqKind, type StCode } from './codes.js';
import type { BurstFact, Metric, WakeFact } from './metric.js';
import { stateAfterSwitchOut } from './prev-state.js';
import { IDLE_KEY, sourceKey, taskKey, WORK_UNSEEN_KEY, type Names } from './sources.js';
import { Burst, type ThreadRec, type ThreadTable } from './thread-table.js';
import type { Window } from './window.js';

/** The function of a workqueue flush barrier (kernel/workqueue.c). */
const BARRIER_FN = 'wq_barrier_func';

/** cpuCur values besides a thread index. */
const CPU_IDLE = -1;
/** No switch seen yet on this CPU: its first prev ran since the capture start. */
const CPU_FIRST = -2;
/** Lost track of this CPU: accept whatever switches out next. */
const CPU_LOST = -3;

export interface EngineConfig {
  /** meta.startNs (0 if unknown). */
  startNs: number;
  cpus: number;
  window: Window;
}

type Hook = keyof Metric;

const EMPTY_BATCH = allocBatch(0);

export class Engine {
  events = 0;
  /** Facts that contradicted a thread's state (lost events, or events the kernel never emitted). */
  contradictions = 0;
  firstTs = NaN;
  lastTs = NaN;
  /** Where time starts for threads running when the capture began. */
  private startBound = NaN;

  /** The batch being fed (its rows are read by index). */
  private batch: EventBatch = EMPTY_BATCH;
  private readonly wf: number;
  private readonly wt: number;
  private cpuCur: Int32Array;
  private hardStart: Float64Array;
  private hardId: Int32Array;
  private hardSysvec: Uint8Array;
  private softStart: Float64Array;
  private softId: Int32Array;
  private readonly causes: Causes;

  private runSinks: Metric[] = [];
  private sliceSinks: Metric[] = [];
  private sleepSinks: Metric[] = [];
  private runqSinks: Metric[] = [];
  private burstSinks: Metric[] = [];
  private wakeupSinks: Metric[] = [];
  private intervalSinks: Metric[] = [];
  private cpuTaskSinks: Metric[] = [];
  private cpuIrqSinks: Metric[] = [];
  private uncertainSinks: Metric[] = [];
  private forkSinks: Metric[] = [];
  private execSinks: Metric[] = [];
  private exitSinks: Metric[] = [];
  /*
   * The facts handed to the modules, one object each, reused. Their times start as doubles (NaN): a
   * field that holds a small integer first and a double later changes its representation in the
   * middle of the replay, which deoptimizes every function that reads it.
   */
  private readonly burstFact: BurstFact = { start: NaN, end: NaN, runNs: NaN, slices: 0 };
  private readonly fact: WakeFact = {
    ts: NaN,
    target: 0,
    source: 0,
    waker: -1,
    onCpu: -1,
    reattributed: false,
    cause: NaN,
    causeTask: -1,
    several: false,
    onCpuCause: false,
    spurious: false,
    isNew: false,
    flags: 0,
    sleptNs: NaN,
    sleepKind: 0,
    sleepStack: 0,
    wakerStack: 0,
  };

  constructor(
    private threadTable: ThreadTable,
    readonly names: Names,
    metrics: readonly Metric[],
    private readonly config: EngineConfig,
  ) {
    this.wire(threadTable, metrics);
    this.wf = config.window.from;
    this.wt = config.window.to;
    const n = Math.max(1, config.cpus);
    this.cpuCur = new Int32Array(n).fill(CPU_FIRST);
    this.hardStart = new Float64Array(n).fill(NaN);
    this.hardId = new Int32Array(n);
    this.hardSysvec = new Uint8Array(n);
    this.softStart = new Float64Array(n).fill(NaN);
    this.softId = new Int32Array(n);
    this.causes = new Causes(n);
  }

  get threads(): ThreadTable {
    return this.threadTable;
  }

  private wire(threads: ThreadTable, metrics: readonly Metric[]): void {
    const sinks = (hook: Hook): Metric[] => metrics.filter((m) => m[hook] !== undefined);
    this.runSinks = sinks('run');
    this.sliceSinks = sinks('slice');
    this.sleepSinks = sinks('sleep');
    this.runqSinks = sinks('runqDelay');
    this.burstSinks = sinks('burst');
    this.wakeupSinks = sinks('wakeup');
    this.intervalSinks = sinks('interval');
    this.cpuTaskSinks = sinks('cpuTask');
    this.cpuIrqSinks = sinks('cpuIrq');
    this.uncertainSinks = sinks('uncertain');
    this.forkSinks = sinks('fork');
    this.execSinks = sinks('exec');
    this.exitSinks = sinks('exit');
    const adders = sinks('addThread');
    threads.onCreate = (th) => {
      for (let i = 0; i < adders.length; i++) adders[i]!.addThread!(th);
    };
  }

  /**
   * Live use (serve): a fresh thread table and fresh metric modules take over,
   * so that memory stays bounded over hours. Threads still alive move across
   * with their replay state (a sleep, wait or burst in progress continues);
   * dead threads are freed. The old modules keep what they counted: read them
   * first. Returns the old index → new index map (-1: freed).
   */
  handOver(threads: ThreadTable, metrics: readonly Metric[]): Int32Array {
    const old = this.threadTable;
    const map = new Int32Array(old.size).fill(-1);
    this.wire(threads, metrics);
    for (let th = 0; th < old.size; th++) {
      const r = old.recs[th]!;
      if (r.st === St.DEAD) continue;
      const nth = threads.create(r.tid);
      threads.adopt(nth, r, old.since[th]!, old.burstStart[th]!, old.burstRun[th]!);
      map[th] = nth;
    }
    for (let c = 0; c < this.cpuCur.length; c++) {
      const cur = this.cpuCur[c]!;
      if (cur >= 0) this.cpuCur[c] = map[cur]! >= 0 ? map[cur]! : CPU_LOST;
    }
    this.causes.remap(map);
    for (let th = 0; th < threads.size; th++) {
      const r = threads.recs[th]!;
      if (r.work >= 0) r.workCause = remapKey(map, r.workCause);
      if (r.lastWorkCause === r.lastWorkCause) r.lastWorkCause = remapKey(map, r.lastWorkCause);
    }
    this.threadTable = threads;
    return map;
  }

  /** Replays one batch (events in ts order, continuing the previous batch). */
  feed(batch: EventBatch): void {
    const n = batch.length;
    if (n === 0) return;
    const ts = batch.ts;
    if (this.firstTs !== this.firstTs) this.begin(ts[0]!);
    this.batch = batch;
    this.replay(batch, n);
    this.events += n;
    this.lastTs = ts[n - 1]!;
    this.batch = EMPTY_BATCH;
  }

  /**
   * The loop over one batch, alone in its function: code after a hot loop in the same
   * function made V8 drop the loop's optimized code at every batch end.
   */
  private replay(batch: EventBatch, n: number): void {
    const { ts, cpu, kind, flags, tid, tid2, a, b, c, names } = batch;
    for (let i = 0; i < n; i++) {
      switch (kind[i]) {
        // The two hot handlers take the row index: passing a timestamp (a double beyond the
        // small-integer range) to a function that is not inlined would allocate a heap number.
        case Kind.SWITCH:
          this.onSwitch(i);
          break;
        case Kind.WAKING:
          this.onWaking(i, false);
          break;
        case Kind.WAKEUP_NEW:
          this.onWaking(i, true);
          break;
        case Kind.SOFTIRQ_ENTRY:
          this.causes.softirqEntry(cpu[i]!, a[i]!);
          if (this.cpuIrqSinks.length !== 0)
            this.onInterrupt(kind[i]!, ts[i]!, cpu[i]!, flags[i]!, a[i]!, b[i]!, c[i]!);
          break;
        case Kind.SOFTIRQ_EXIT:
          this.causes.softirqExit(cpu[i]!);
          if (this.cpuIrqSinks.length !== 0)
            this.onInterrupt(kind[i]!, ts[i]!, cpu[i]!, flags[i]!, a[i]!, b[i]!, c[i]!);
          break;
        case Kind.IRQ_EXIT:
          this.causes.irqExit(cpu[i]!);
          if (this.cpuIrqSinks.length !== 0)
            this.onInterrupt(kind[i]!, ts[i]!, cpu[i]!, flags[i]!, a[i]!, b[i]!, c[i]!);
          break;
        case Kind.IRQ_ENTRY:
        case Kind.NMI:
          if (this.cpuIrqSinks.length !== 0)
            this.onInterrupt(kind[i]!, ts[i]!, cpu[i]!, flags[i]!, a[i]!, b[i]!, c[i]!);
          break;
        case Kind.SOFTIRQ_RAISE:
          this.causes.raise(cpu[i]!, a[i]!, this.contextCause(i));
          break;
        case Kind.HRTIMER_START:
        case Kind.TIMER_START:
          this.causes.arm(a[i]!, this.contextCause(i));
          break;
        case Kind.TIMER_EXPIRE:
          this.causes.expire(cpu[i]!, a[i]!, c[i]!, flags[i]!, b[i]!);
          break;
        case Kind.WORK_QUEUE:
          this.causes.queue(a[i]!, this.queueCause(i));
          break;
        case Kind.WORK_START:
        case Kind.WORK_END:
          this.onWork(i, kind[i] === Kind.WORK_START);
          break;
        case Kind.FORK:
          this.onFork(ts[i]!, tid[i]!, tid2[i]!, a[i]!, b[i]!);
          break;
        case Kind.EXEC:
          this.onExec(ts[i]!, tid[i]!, tid2[i]!, a[i]!);
          break;
        case Kind.EXIT:
          this.onExit(tid[i]!, a[i]!);
          break;
        case Kind.COMM:
          this.onComm(ts[i]!, tid[i]!, a[i]!, flags[i]!, names.get(i));
          break;
        case Kind.IRQ_NAME: {
          const name = names.get(i);
          if (name !== undefined) this.names.irq.set(a[i]!, name);
          break;
        }
        case Kind.SYM: {
          const name = names.get(i);
          if (name !== undefined) this.names.sym.set(c[i]!, name);
          break;
        }
        case Kind.STACK: {
          const name = names.get(i);
          if (name !== undefined) this.names.stack.set(tid[i]!, name);
          break;
        }
        default:
          break;
      }
    }
  }

  /** Closes every open state at `endNs` (absolute). */
  finish(endNs: number): void {
    if (this.firstTs !== this.firstTs) return;
    const end = Math.max(endNs, this.lastTs);
    const recs = this.threads.recs;
    for (let th = 0; th < recs.length; th++) {
      const r = recs[th]!;
      if (r.st === St.RUNNING) {
        this.emitRun(th, this.threads.since[th]!, end);
        this.emitCpuTask(r.cpu, th, this.threads.since[th]!, end);
      }
      this.leave(th, r, end);
    }
  }

  private begin(ts: number): void {
    this.firstTs = ts;
    const s = this.config.startNs;
    this.startBound = s > 0 ? Math.min(s, ts) : ts;
  }

  /* ---- threads ---- */

  /** Current identity of tid; a new one after a death. */
  private thread(tid: number, ts: number): number {
    const th = this.threads.peek(tid);
    if (th >= 0 && this.threads.recs[th]!.st !== St.DEAD) return th;
    return this.newIdentity(tid, ts);
  }

  /** A new identity for tid, closing the previous one's dead interval. */
  private newIdentity(tid: number, ts: number): number {
    const old = this.threads.peek(tid);
    if (old >= 0) {
      const r = this.threads.recs[old]!;
      if (r.st !== St.DEAD) this.setState(old, r, St.DEAD, ts);
      this.leave(old, r, ts);
      this.threads.since[old] = NaN;
    }
    return this.threads.create(tid);
  }

  /** Emits the interval of the state being left (when its start is known). */
  private leave(th: number, r: ThreadRec, ts: number): void {
    if (this.intervalSinks.length === 0 || r.st === St.UNKNOWN || this.threads.since[th]! !== this.threads.since[th]!)
      return;
    let s = this.threads.since[th]!;
    let e = ts;
    if (e <= this.wf || s >= this.wt) return;
    if (s < this.wf) s = this.wf;
    if (e > this.wt) e = this.wt;
    if (e <= s) return;
    const sinks = this.intervalSinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.interval!(th, r.st, s, e, r.cpu);
  }

  private setState(th: number, r: ThreadRec, st: StCode, ts: number): void {
    this.leave(th, r, ts);
    r.st = st;
    this.threads.since[th] = ts;
  }

  /** A fact contradicted the state: drop what was being measured, resync on the next fact. */
  private markUncertain(th: number, r: ThreadRec): void {
    this.contradictions++;
    if (r.st === St.RUNNING && r.cpu >= 0 && r.cpu < this.cpuCur.length && this.cpuCur[r.cpu] === th) {
      this.cpuCur[r.cpu] = CPU_LOST;
    }
    r.uncertain = true;
    r.st = St.UNKNOWN;
    this.threads.since[th] = NaN;
    r.partial = false;
    r.wokeWhileRunning = false;
    r.burst = Burst.NONE;
    const sinks = this.uncertainSinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.uncertain!(th);
  }

  /* ---- scheduler events ---- */

  private onSwitch(i: number): void {
    const bt = this.batch;
    const ts = bt.ts[i]!;
    const cpu = bt.cpu[i]!;
    const flags = bt.flags[i]!;
    const prevTid = bt.tid[i]!;
    const nextTid = bt.tid2[i]!;
    const prevState = bt.a[i]!;
    if (cpu >= this.cpuCur.length) this.growCpus(cpu + 1);
    this.causes.switched(cpu);
    const cur = this.cpuCur[cpu]!;
    const recs = this.threads.recs;
    if (prevTid !== 0) {
      const th = this.thread(prevTid, ts);
      const r = recs[th]!;
      r.active = true;
      if (cur >= 0 && cur !== th) this.markUncertain(cur, recs[cur]!);
      if (r.st === St.UNKNOWN && cur === CPU_FIRST && !r.uncertain) {
        r.st = St.RUNNING;
        this.threads.since[th] = this.startBound;
        r.cpu = cpu;
        r.partial = true;
      }
      if (r.st === St.RUNNING && r.cpu === cpu) this.endRun(th, r, cpu, ts);
      else this.markUncertain(th, r);
      r.sleepStack = bt.stack[i]!;
      this.afterSwitchOut(th, r, ts, stateAfterSwitchOut(prevState, (flags & Flag.PREEMPT) !== 0));
    } else if (cur >= 0) {
      this.markUncertain(cur, recs[cur]!);
    }
    if (nextTid === 0) {
      this.cpuCur[cpu] = CPU_IDLE;
      return;
    }
    const th = this.thread(nextTid, ts);
    const r = recs[th]!;
    r.active = true;
    if (r.st === St.RUNNABLE) {
      if (this.threads.since[th]! === this.threads.since[th]!) this.emitRunq(th, r, ts);
      if (r.rqCause === Rq.WAKEUP) {
        if (r.burst === Burst.PENDING) {
          r.burst = Burst.ACTIVE;
          this.threads.burstStart[th] = ts;
          this.threads.burstRun[th] = 0;
          r.burstSlices = 0;
        } else r.burst = Burst.NONE;
      }
    } else if (r.st === St.UNKNOWN) {
      r.burst = Burst.NONE;
    } else {
      // Running elsewhere (a lost switch-out) or asleep (a lost waking).
      this.markUncertain(th, r);
    }
    this.setState(th, r, St.RUNNING, ts);
    r.cpu = cpu;
    r.partial = false;
    this.cpuCur[cpu] = th;
  }

  /** Accounts the slice that ends at ts. */
  private endRun(th: number, r: ThreadRec, cpu: number, ts: number): void {
    const start = this.threads.since[th]!;
    this.emitRun(th, start, ts);
    this.emitCpuTask(cpu, th, start, ts);
    if (r.partial) return;
    if (start >= this.wf && ts <= this.wt) {
      const sinks = this.sliceSinks;
      for (let i = 0; i < sinks.length; i++) sinks[i]!.slice!(th, cpu, ts - start);
    }
    if (r.burst === Burst.ACTIVE) {
      this.threads.burstRun[th] += ts - start;
      r.burstSlices++;
    }
  }

  private afterSwitchOut(th: number, r: ThreadRec, ts: number, next: StCode): void {
    const wokeEarly = r.wokeWhileRunning;
    r.wokeWhileRunning = false;
    r.partial = false;
    if (next === St.RUNNABLE) {
      this.setState(th, r, St.RUNNABLE, ts);
      r.rqCause = Rq.PREEMPT;
      return;
    }
    this.endBurst(th, r, ts);
    if (wokeEarly && next !== St.DEAD) {
      // The waking raced ahead of this switch-out: no sleep, runnable at once.
      this.setState(th, r, St.RUNNABLE, ts);
      r.rqCause = Rq.WAKEUP;
      r.burst = Burst.PENDING;
      return;
    }
    this.setState(th, r, next, ts);
  }

  private endBurst(th: number, r: ThreadRec, ts: number): void {
    if (r.burst === Burst.ACTIVE && this.threads.burstStart[th]! >= this.wf && ts <= this.wt) {
      const b = this.burstFact;
      b.start = this.threads.burstStart[th]!;
      b.end = ts;
      b.runNs = this.threads.burstRun[th]!;
      b.slices = r.burstSlices;
      const sinks = this.burstSinks;
      for (let i = 0; i < sinks.length; i++) sinks[i]!.burst!(th, b);
    }
    r.burst = Burst.NONE;
  }

  private onWaking(i: number, isNew: boolean): void {
    const bt = this.batch;
    const ts = bt.ts[i]!;
    const flags = bt.flags[i]!;
    const tid = bt.tid[i]!;
    const tid2 = bt.tid2[i]!;
    const b = bt.b[i]!;
    const c = bt.c[i]!;
    if (tid === 0) return;
    let th: number;
    if (isNew) {
      th = this.threads.peek(tid);
      if (th < 0 || this.threads.recs[th]!.active || this.threads.recs[th]!.st === St.DEAD)
        th = this.newIdentity(tid, ts);
    } else th = this.thread(tid, ts);
    const recs = this.threads.recs;
    const r = recs[th]!;
    r.active = true;
    const waker = tid2 !== 0 ? this.thread(tid2, ts) : -1;
    const st0 = r.st;
    const asleep = st0 === St.SLEEP_S || st0 === St.SLEEP_D;
    // ON_RQ is read in the kernel before the waker takes the run-queue lock: a thread whose
    // switch-out into sleep won that race was asleep all the same, so the state machine decides.
    const spurious = (flags & Flag.ON_RQ) !== 0 && !asleep;
    const inWindow = ts >= this.wf && ts <= this.wt;
    let sleptNs = -1;
    let sleepKind: 0 | 1 | 2 = 0;
    if (spurious && st0 === St.RUNNING) {
      // still on its CPU: if its switch-out says it went to sleep anyway, this waking ended it
      r.wokeWhileRunning = true;
    } else if (!spurious) {
      const st = r.st;
      if (st === St.SLEEP_S || st === St.SLEEP_D) {
        if (this.threads.since[th]! >= this.wf && inWindow) {
          sleptNs = ts - this.threads.since[th]!;
          sleepKind = st === St.SLEEP_S ? Sleep.S : Sleep.D;
          const sinks = this.sleepSinks;
          for (let i = 0; i < sinks.length; i++) sinks[i]!.sleep!(th, sleepKind, sleptNs);
        }
      } else if (st === St.RUNNING) {
        r.wokeWhileRunning = true;
      } else if (st === St.RUNNABLE) {
        this.markUncertain(th, r);
      }
      if (r.st !== St.RUNNING) {
        this.setState(th, r, St.RUNNABLE, ts);
        r.rqCause = Rq.WAKEUP;
        r.burst = Burst.PENDING;
      }
    }
    if (!inWindow || this.wakeupSinks.length === 0) return;
    const f = this.fact;
    let source = sourceKey(flags, b, c, waker);
    let cause: number;
    // run by an interrupt (or a softirq) while a task was on the CPU, or by a worker running a
    // work item: was that task the cause?
    let naiveCandidate = tid2 !== 0 && (flags & Flag.UNSURE) === 0 && (flags & Flag.CTX_MASK) !== 0;
    if (source < 0 && recs[waker]!.work >= 0) {
      const w = recs[waker]!;
      source = taskKey(waker, w.work);
      cause = w.workCause;
      this.causes.several = false;
      naiveCandidate = true;
    } else cause = this.causes.contextCause(bt.cpu[i]!, flags, b, c, source < 0 ? source : IDLE_KEY);
    const onCpuKey = taskKey(waker);
    f.ts = ts;
    f.target = th;
    f.source = source;
    f.waker = source < 0 ? waker : -1;
    f.onCpu = waker;
    f.cause = cause;
    f.causeTask = cause < 0 ? -cause - 1 : -1;
    f.several = this.causes.several;
    f.reattributed = naiveCandidate && causeKnown(cause) && cause !== onCpuKey;
    f.onCpuCause = naiveCandidate && cause === onCpuKey;
    f.spurious = spurious;
    f.isNew = isNew;
    f.flags = flags;
    f.sleptNs = sleptNs;
    f.sleepKind = sleepKind;
    f.sleepStack = sleptNs >= 0 ? r.sleepStack : 0;
    f.wakerStack = bt.stack[i]!;
    const sinks = this.wakeupSinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.wakeup!(f);
  }

  /** Cause of the context of row i (a raise or a timer arming): flags, b = context id, tid = current. */
  private contextCause(i: number): number {
    const bt = this.batch;
    return this.causes.contextCause(bt.cpu[i]!, bt.flags[i]!, bt.b[i]!, 0, this.currentCause(i));
  }

  /** Cause of the current task of row i in task context: the task, or whoever queued the work item it runs. */
  private currentCause(i: number): number {
    const bt = this.batch;
    const tid = bt.tid[i]!;
    if (tid === 0) return IDLE_KEY;
    const th = this.thread(tid, bt.ts[i]!);
    const r = this.threads.recs[th]!;
    return r.work >= 0 ? r.workCause : taskKey(th);
  }

  /** Cause of a WORK_QUEUE (row i): its queuer's, through a worker's item or a timer callback. */
  private queueCause(i: number): number {
    const bt = this.batch;
    const flags = bt.flags[i]!;
    if ((flags & Flag.UNSURE) === 0 && (flags & Flag.CTX_MASK) === Ctx.TASK) return this.currentCause(i);
    return this.causes.queueCause(bt.cpu[i]!, flags, bt.b[i]!);
  }

  /** WORK_START / WORK_END (row i): a kworker, or a softirq for a BH workqueue, runs an item. */
  private onWork(i: number, start: boolean): void {
    const bt = this.batch;
    const flags = bt.flags[i]!;
    if ((flags & Flag.CTX_MASK) !== Ctx.TASK) {
      this.causes.bhWork(bt.cpu[i]!, start ? this.causes.take(bt.a[i]!) : NaN);
      return;
    }
    const tid = bt.tid[i]!;
    if (tid === 0) return;
    const r = this.threads.recs[this.thread(tid, bt.ts[i]!)]!;
    if (!start) {
      if (r.work >= 0) r.lastWorkCause = r.workCause;
      r.work = -1;
      return;
    }
    const sym = bt.c[i]! > 0 ? bt.c[i]! : 0;
    let cause = this.causes.take(bt.a[i]!);
    // A flush barrier is inserted without a queueing event, linked behind the item it flushes, and
    // runs right after it in the same worker: whoever waits on it waits for that item.
    if (cause === WORK_UNSEEN_KEY && r.lastWorkCause === r.lastWorkCause && this.names.sym.get(sym) === BARRIER_FN)
      cause = r.lastWorkCause;
    r.work = sym;
    r.workCause = cause;
  }

  private emitRun(th: number, start: number, end: number): void {
    if (this.runSinks.length === 0 || end <= this.wf || start >= this.wt) return;
    const ns = Math.min(end, this.wt) - Math.max(start, this.wf);
    if (ns <= 0) return;
    const sinks = this.runSinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.run!(th, ns);
  }

  private emitRunq(th: number, r: ThreadRec, ts: number): void {
    if (this.threads.since[th]! < this.wf || ts > this.wt) return;
    const sinks = this.runqSinks;
    const ns = ts - this.threads.since[th]!;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.runqDelay!(th, r.rqCause, ns);
  }

  private emitCpuTask(cpu: number, th: number, start: number, end: number): void {
    if (this.cpuTaskSinks.length === 0 || end <= this.wf || start >= this.wt) return;
    const s = Math.max(start, this.wf);
    const e = Math.min(end, this.wt);
    const sinks = this.cpuTaskSinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.cpuTask!(cpu, th, s, e);
  }

  /* ---- process lifecycle and names ---- */

  private onFork(ts: number, child: number, parent: number, childTgid: number, parentTgid: number): void {
    if (child === 0) return;
    let th = this.threads.peek(child);
    const recs = this.threads.recs;
    if (th < 0 || recs[th]!.active || recs[th]!.st === St.DEAD) th = this.newIdentity(child, ts);
    const r = recs[th]!;
    if (childTgid > 0) r.tgid = childTgid;
    if (parent !== 0) {
      const pth = this.thread(parent, ts);
      const p = recs[pth]!;
      if (parentTgid > 0) p.tgid = parentTgid;
      if (r.comm === '') r.comm = p.comm;
      const sinks = this.forkSinks;
      for (let i = 0; i < sinks.length; i++) sinks[i]!.fork!(pth);
    }
  }

  private onExec(ts: number, tid: number, oldTid: number, tgid: number): void {
    if (tid === 0) return;
    if (oldTid !== 0 && oldTid !== tid) {
      // A non-leader thread exec'd and took over the leader's tid; the leader is gone.
      const leader = this.threads.peek(tid);
      if (leader >= 0) {
        const lr = this.threads.recs[leader]!;
        if (lr.st !== St.DEAD) this.setState(leader, lr, St.DEAD, ts);
        this.threads.since[leader] = NaN;
      }
      this.threads.retag(this.thread(oldTid, ts), tid);
    }
    const th = this.thread(tid, ts);
    const r = this.threads.recs[th]!;
    if (tgid > 0) r.tgid = tgid;
    const sinks = this.execSinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.exec!(th);
  }

  private onExit(tid: number, tgid: number): void {
    const th = this.threads.peek(tid);
    if (th < 0) return;
    const r = this.threads.recs[th]!;
    r.exited = true;
    if (tgid > 0) r.tgid = tgid;
    const sinks = this.exitSinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.exit!(th);
  }

  private onComm(ts: number, tid: number, tgid: number, reason: number, name: string | undefined): void {
    if (tid === 0) return;
    let th = this.threads.peek(tid);
    const recs = this.threads.recs;
    if (reason === CommReason.FORK && (th < 0 || recs[th]!.active || recs[th]!.st === St.DEAD))
      th = this.newIdentity(tid, ts);
    else th = this.thread(tid, ts);
    const r = recs[th]!;
    if (name !== undefined && name !== '') r.comm = name;
    if (tgid > 0) r.tgid = tgid;
  }

  /* ---- interrupts (for the CPU timeline only) ---- */

  private onInterrupt(kind: number, ts: number, cpu: number, flags: number, a: number, b: number, c: number): void {
    if (cpu >= this.cpuCur.length) this.growCpus(cpu + 1);
    switch (kind) {
      case Kind.IRQ_ENTRY:
        this.hardStart[cpu] = ts;
        this.hardId[cpu] = a;
        this.hardSysvec[cpu] = (flags & Flag.SYSVEC) !== 0 ? 1 : 0;
        break;
      case Kind.IRQ_EXIT: {
        const start = this.hardStart[cpu]!;
        if (start === start)
          this.emitIrq(cpu, Irq.HARDIRQ, this.hardId[cpu]!, this.hardSysvec[cpu] === 1, 0, start, ts);
        this.hardStart[cpu] = NaN;
        break;
      }
      case Kind.SOFTIRQ_ENTRY:
        this.softStart[cpu] = ts;
        this.softId[cpu] = a;
        break;
      case Kind.SOFTIRQ_EXIT: {
        const start = this.softStart[cpu]!;
        if (start === start) this.emitIrq(cpu, Irq.SOFTIRQ, this.softId[cpu]!, false, 0, start, ts);
        this.softStart[cpu] = NaN;
        break;
      }
      default:
        this.emitIrq(cpu, Irq.NMI, 0, false, c, ts - b, ts);
        break;
    }
  }

  private emitIrq(
    cpu: number,
    kind: IrqKind,
    id: number,
    sysvec: boolean,
    sym: number,
    start: number,
    end: number,
  ): void {
    if (end <= this.wf || start >= this.wt) return;
    const s = Math.max(start, this.wf);
    const e = Math.min(end, this.wt);
    const sinks = this.cpuIrqSinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.cpuIrq!(cpu, kind, id, sysvec, sym, s, e);
  }

  private growCpus(n: number): void {
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.cpuCur = grow(this.cpuCur, (k) => new Int32Array(k).fill(CPU_FIRST));
    this.hardStart = grow(this.hardStart, (k) => new Float64Array(k).fill(NaN));
    this.hardId = grow(this.hardId, (k) => new Int32Array(k));
    this.hardSysvec = grow(this.hardSysvec, (k) => new Uint8Array(k));
    this.softStart = grow(this.softStart, (k) => new Float64Array(k).fill(NaN));
    this.softId = grow(this.softId, (k) => new Int32Array(k));
  }
}

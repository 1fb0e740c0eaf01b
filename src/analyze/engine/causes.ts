/**
 * What caused a wakeup, as opposed to what ran it (docs/metrics.md, "Cause").
 *
 * From the raw facts of causation: SOFTIRQ_RAISE (a vector raised on a CPU by
 * a context), SOFTIRQ_ENTRY / EXIT (that CPU running the vector: it consumes
 * what was raised since its last run), HRTIMER_START / TIMER_START (a timer
 * armed by a context) and TIMER_EXPIRE (that timer's callback about to wake
 * someone on a CPU), WORK_QUEUE (a work item queued by a context) and
 * WORK_START / WORK_END (a worker running that item). A cause is a source key
 * (sources.ts): a task, an interrupt, or one of the unknown keys — never a guess.
 *
 * The cause of a context:
 * - task context: the task itself (the idle task: IDLE_KEY), or, while the task
 *   is a worker running a work item, whoever queued that item
 *   (WORK_UNSEEN_KEY if its queueing was not seen) — the engine keeps that
 *   per thread;
 * - a BH workqueue's item run in a softirq: whoever queued it;
 * - a timer callback: whoever armed that timer (TIMER_UNSEEN_KEY if its
 *   arming or its expiry was not seen);
 * - a softirq: the cause of the context that last raised that vector on that
 *   CPU before this run (RAISE_UNSEEN_KEY if none was seen: lost, raised
 *   before the capture, or irq spans not recorded), marked "several" when
 *   different causes raised it for the same run;
 * - a hard interrupt or an NMI: itself (a device, or an x86 system vector).
 *
 * A work item queued by a timer callback is caused by whoever armed that timer
 * (the recorder names the timer, with a TIMER_EXPIRE, before the queueing).
 */
import { Ctx, Flag } from '../../format/index.js';
import {
  RAISE_UNSEEN_KEY,
  sourceKey,
  taskKey,
  taskOfKey,
  TIMER_UNSEEN_KEY,
  UNKNOWN_KEY,
  WORK_UNSEEN_KEY,
  workOfKey,
} from './sources.js';

/** Softirq vectors per CPU (Linux has 10; room to spare). */
const VECTORS = 16;
const NONE = -1;
/** Work items queued and not yet started that are remembered (cancelled items never start). */
const MAX_QUEUED = 65536;

/**
 * A key after Engine.handOver moved threads (`map`: old index → new, -1 for a freed
 * thread, whose key becomes unknown rather than name another thread).
 */
export function remapKey(map: Int32Array, key: number): number {
  if (!(key < 0)) return key;
  const th = taskOfKey(key);
  const to = th < map.length ? map[th]! : -1;
  return to >= 0 ? taskKey(to, workOfKey(key)) : UNKNOWN_KEY;
}

export class Causes {
  /** Per CPU × vector: cause of the latest raise since the vector last ran, NaN when none. */
  private pending: Float64Array;
  private pendingSeveral: Uint8Array;
  /** Per CPU: the softirq vector running (NONE), the cause of its run, and whether several raised it. */
  private runVec: Int32Array;
  private runCause: Float64Array;
  private runSeveral: Uint8Array;
  /** Per CPU: the timer callback about to wake (its symbol id, 0 when none) and the cause of its arming. */
  private timerSym: Int32Array;
  private timerCause: Float64Array;
  /** Per CPU: the context of that timer callback (context flags · 65536 + id). */
  private timerCtx: Float64Array;
  /** Per CPU: cause of the BH workqueue item running in a softirq, NaN when none. */
  private bhCause: Float64Array;
  /** Timer id → cause of its latest arming. */
  private readonly armed = new Map<number, number>();
  /** Work id → cause of its queueing, until a worker starts it. */
  private readonly queued = new Map<number, number>();
  /** Set by contextCause: the cause came from a softirq run that several causes raised. */
  several = false;

  constructor(cpus: number) {
    const n = Math.max(1, cpus);
    this.pending = new Float64Array(n * VECTORS).fill(NaN);
    this.pendingSeveral = new Uint8Array(n * VECTORS);
    this.runVec = new Int32Array(n).fill(NONE);
    this.runCause = new Float64Array(n).fill(RAISE_UNSEEN_KEY);
    this.runSeveral = new Uint8Array(n);
    this.timerSym = new Int32Array(n);
    this.timerCause = new Float64Array(n).fill(TIMER_UNSEEN_KEY);
    this.timerCtx = new Float64Array(n).fill(-1);
    this.bhCause = new Float64Array(n).fill(NaN);
  }

  /**
   * Engine.handOver: task causes name threads by index; move them to the new
   * indices (`map`: old → new, -1 for a freed thread, whose pending causes
   * become unknown rather than name another thread).
   */
  remap(map: Int32Array): void {
    const move = (key: number): number => remapKey(map, key);
    for (const a of [this.pending, this.runCause, this.timerCause, this.bhCause])
      for (let i = 0; i < a.length; i++) a[i] = move(a[i]!);
    // a timer armed (a work queued) by a freed thread is forgotten (its expiry then counts as
    // unseen): the maps stay bounded
    for (const m of [this.armed, this.queued])
      for (const [id, cause] of m) {
        const to = move(cause);
        if (to === UNKNOWN_KEY && cause !== UNKNOWN_KEY) m.delete(id);
        else m.set(id, to);
      }
  }

  /** SOFTIRQ_RAISE: `cause` raised `vec` on `cpu`. */
  raise(cpu: number, vec: number, cause: number): void {
    if (vec < 0 || vec >= VECTORS) return;
    this.fit(cpu);
    const at = cpu * VECTORS + vec;
    const had = this.pending[at]!;
    if (had === had && had !== cause) this.pendingSeveral[at] = 1;
    this.pending[at] = cause;
  }

  /** SOFTIRQ_ENTRY: the run consumes what was raised since the last one. */
  softirqEntry(cpu: number, vec: number): void {
    this.fit(cpu);
    this.runVec[cpu] = vec;
    if (vec < 0 || vec >= VECTORS) {
      this.runCause[cpu] = RAISE_UNSEEN_KEY;
      this.runSeveral[cpu] = 0;
      return;
    }
    const at = cpu * VECTORS + vec;
    const cause = this.pending[at]!;
    this.runCause[cpu] = cause === cause ? cause : RAISE_UNSEEN_KEY;
    this.runSeveral[cpu] = this.pendingSeveral[at]!;
    this.pending[at] = NaN;
    this.pendingSeveral[at] = 0;
  }

  /** SOFTIRQ_EXIT, or a switch (never inside an interrupt). */
  softirqExit(cpu: number): void {
    this.fit(cpu);
    this.runVec[cpu] = NONE;
    this.timerSym[cpu] = 0;
    this.bhCause[cpu] = NaN;
  }

  /** IRQ_EXIT: a timer callback run by the interrupt is over. */
  irqExit(cpu: number): void {
    this.fit(cpu);
    this.timerSym[cpu] = 0;
  }

  /** A switch on `cpu`: no interrupt is running there. */
  switched(cpu: number): void {
    this.softirqExit(cpu);
  }

  /** HRTIMER_START / TIMER_START. */
  arm(timer: number, cause: number): void {
    this.armed.set(timer, cause);
  }

  /**
   * TIMER_EXPIRE: the callback `sym` of `timer` is about to wake someone or queue work on `cpu`,
   * in the context of `flags` and `id`.
   */
  expire(cpu: number, timer: number, sym: number, flags: number, id: number): void {
    this.fit(cpu);
    this.timerSym[cpu] = sym;
    this.timerCause[cpu] = this.armed.get(timer) ?? TIMER_UNSEEN_KEY;
    this.timerCtx[cpu] = ctxOf(flags, id);
  }

  /** WORK_QUEUE: `cause` queued work item `work`. */
  queue(work: number, cause: number): void {
    if (this.queued.size >= MAX_QUEUED && !this.queued.has(work)) {
      const oldest = this.queued.keys().next().value;
      if (oldest !== undefined) this.queued.delete(oldest);
    }
    this.queued.set(work, cause);
  }

  /** WORK_START: a worker takes item `work`; its cause (the item is no longer pending). */
  take(work: number): number {
    const cause = this.queued.get(work);
    if (cause === undefined) return WORK_UNSEEN_KEY;
    this.queued.delete(work);
    return cause;
  }

  /** WORK_START / WORK_END of a BH workqueue's item, run in a softirq on `cpu` (cause NaN: ended). */
  bhWork(cpu: number, cause: number): void {
    this.fit(cpu);
    this.bhCause[cpu] = cause;
  }

  /**
   * The cause of a WORK_QUEUE outside task context: the armer of the timer whose callback
   * queues it (named by the TIMER_EXPIRE just before, in the same context), else as contextCause.
   */
  queueCause(cpu: number, flags: number, id: number): number {
    if ((flags & Flag.UNSURE) === 0 && (flags & Flag.CTX_MASK) !== Ctx.TASK) {
      this.fit(cpu);
      if (this.timerSym[cpu] !== 0 && this.timerCtx[cpu] === ctxOf(flags, id)) return this.timerCause[cpu]!;
    }
    return this.contextCause(cpu, flags, id, 0, UNKNOWN_KEY);
  }

  /**
   * The cause of what happens now on `cpu` in the context of an event's flags and id
   * (b), `sym` its timer callback (0 when none), `task` the task key of the current task.
   */
  contextCause(cpu: number, flags: number, id: number, sym: number, task: number): number {
    this.several = false;
    if ((flags & Flag.UNSURE) !== 0) return UNKNOWN_KEY;
    const ctx = flags & Flag.CTX_MASK;
    if (ctx === Ctx.TASK) return task;
    this.fit(cpu);
    if (sym > 0) return this.timerSym[cpu] === sym ? this.timerCause[cpu]! : TIMER_UNSEEN_KEY;
    if (ctx === Ctx.SOFTIRQ) {
      const bh = this.bhCause[cpu]!;
      if (bh === bh) return bh;
      if (this.runVec[cpu] !== id) return RAISE_UNSEEN_KEY;
      this.several = this.runSeveral[cpu] === 1;
      return this.runCause[cpu]!;
    }
    return sourceKey(flags & (Flag.CTX_MASK | Flag.SYSVEC), id, 0, -1);
  }

  private fit(cpu: number): void {
    if (cpu < this.runVec.length) return;
    const n = cpu + 1;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(
      old: T,
      make: (k: number) => T,
      fill: number,
    ): T => {
      const next = make(n * (old.length / this.runVec.length));
      next.fill(fill);
      next.set(old);
      return next;
    };
    this.pending = grow(this.pending, (k) => new Float64Array(k), NaN);
    this.pendingSeveral = grow(this.pendingSeveral, (k) => new Uint8Array(k), 0);
    this.runCause = grow(this.runCause, (k) => new Float64Array(k), RAISE_UNSEEN_KEY);
    this.runSeveral = grow(this.runSeveral, (k) => new Uint8Array(k), 0);
    this.timerSym = grow(this.timerSym, (k) => new Int32Array(k), 0);
    this.timerCause = grow(this.timerCause, (k) => new Float64Array(k), TIMER_UNSEEN_KEY);
    this.timerCtx = grow(this.timerCtx, (k) => new Float64Array(k), -1);
    this.bhCause = grow(this.bhCause, (k) => new Float64Array(k), NaN);
    this.runVec = grow(this.runVec, (k) => new Int32Array(k), NONE);
  }
}

/** A cause that names someone (not one of the unknown keys). */
export function causeKnown(key: number): boolean {
  return key !== UNKNOWN_KEY && key !== RAISE_UNSEEN_KEY && key !== TIMER_UNSEEN_KEY && key !== WORK_UNSEEN_KEY;
}

/** A context as one number: its flags (context, SYSVEC) and id. */
function ctxOf(flags: number, id: number): number {
  return (flags & (Flag.CTX_MASK | Flag.SYSVEC)) * 65536 + (id & 0xffff);
}

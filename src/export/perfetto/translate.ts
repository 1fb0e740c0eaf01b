/**
 * Capture events -> Perfetto ftrace events, one event at a time, in per-CPU
 * bundles that are written as soon as they fill: memory stays flat however
 * long the capture is.
 */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { sleepReasonOf } from '../../analyze/index.js';
import type { EventBatch } from '../../capture/index.js';
import {
  CommReason,
  Ctx,
  Flag,
  Kind,
  SysVec,
  SYSVEC_NAMES,
  TASK_IDLE,
  TASK_REPORT,
  TaskState,
} from '../../format/index.js';
import { BUNDLE_EVENTS, CpuBundle } from './cpu-bundle.js';
import { KIND_BY_NUMBER } from './kinds.js';
import { writeProcessTree } from './packets.js';
import {
  CLONE_THREAD,
  EventId,
  HrtimerExpireEntryField,
  HrtimerExpireExitField,
  WorkqueueExecuteField,
  IrqHandlerEntryField,
  IrqHandlerExitField,
  LocalTimerField,
  ReportState,
  SchedBlockedReasonField,
  SchedProcessExecField,
  SchedProcessExitField,
  SchedProcessFreeField,
  SchedSwitchField,
  SchedWakingField,
  SEQ_INCREMENTAL_STATE_CLEARED,
  SEQ_NEEDS_INCREMENTAL_STATE,
  SoftirqField,
  TaskNewtaskField,
  TaskRenameField,
  TraceFlag,
  X86_VECTORS,
} from './schema.js';
import { Tasks, type ProcessTreeDelta } from './tasks.js';
import { writeU64 } from './varint.js';

const LD = WireType.LengthDelimited;
const VARINT = WireType.Varint;
const UNKNOWN = -1;

/**
 * The first iid of the kernel symbols that name sleep reasons: above every SYM id (the capture
 * numbers its symbols from 1), below 2^31 (trace_processor reads `caller` as a uint32).
 */
export const REASON_IID_BASE = 0x40000000;
/** A frame of io_schedule(), io_schedule_timeout(), …: the kernel's in_iowait sleeps. */
const IO_SCHEDULE = /^io_schedule/;

/** What a sleep stack becomes in sched_blocked_reason. */
interface BlockedReason {
  /** The reason frame's iid among the interned kernel_symbols. */
  iid: number;
  name: string;
  ioWait: number;
}

/** Raw kernel task state bits (SWITCH.a) -> sched_switch prev_state as kernels ≥ 4.14 report it. */
export function reportedPrevState(raw: number, preempted: boolean): number {
  if (preempted) return ReportState.PREEMPTED;
  if ((raw & TASK_IDLE) === TASK_IDLE) return ReportState.IDLE;
  if ((raw & TaskState.DEAD) !== 0) return ReportState.DEAD | (raw & TaskState.EXIT_ZOMBIE); // exit_state shows
  return raw & TASK_REPORT;
}

/** The kernel trace flags of a waking's context (flags & CTX_MASK). */
export function commonFlagsOf(flags: number): number {
  switch (flags & Flag.CTX_MASK) {
    case Ctx.HARDIRQ:
      return TraceFlag.HARDIRQ;
    case Ctx.SOFTIRQ:
      return TraceFlag.SOFTIRQ;
    case Ctx.NMI:
      return TraceFlag.NMI | TraceFlag.HARDIRQ;
    default:
      return 0;
  }
}

export interface TranslateStats {
  /** Capture events read (all kinds, window or not). */
  events: number;
  /** Events written, by the Perfetto form they took. */
  compactSwitches: number;
  fullSwitches: number;
  compactWakings: number;
  fullWakings: number;
  otherEvents: number;
  /** Wakings and wakeup_new written with a hardirq/softirq/NMI context flag. */
  irqContextWakings: number;
  /** sched_process_free events written, each after its thread's last switch-out. */
  frees: number;
  /** Interrupt and softirq span events read (window or not). */
  irqSpanEvents: number;
  /** hrtimer_expire_entry events read (window or not): 0 with irq spans means a capture made before they were recorded. */
  hrtimerExpiries: number;
  /** sched_blocked_reason events written: D sleeps with a stack ended by a waking in the window. */
  blockedReasons: number;
  /** Kinds the export does not write, by contract name (or number), with counts. */
  skipped: Record<string, number>;
}

export interface TranslateOptions {
  /** Absolute monotonic ns window; events outside it only update names. */
  from: number;
  to: number;
  /** ns added to every timestamp: BOOTTIME − MONOTONIC. */
  bootOffsetNs: number;
  lostPerCpu: readonly number[];
  sequenceId: number;
  /** Receives the encoded packets, in file order. */
  sink: (bytes: Uint8Array) => void;
}

interface CpuState {
  bundle: CpuBundle;
  /** The thread the last written switch put on this CPU (what trace_processor assumes is running). */
  current: number;
  currentPrio: number;
  /**
   * ProcessTree facts learnt from this CPU's events in the window, each at its event's time:
   * written right after the bundle, so that trace_processor (which sorts by time, ties in file
   * order) reads a thread's entry after the task_newtask that made it.
   */
  tree: ProcessTreeDelta[];
}

/** One row of a batch as the kind writers see it. */
interface Row {
  b: EventBatch;
  i: number;
  /** Its CPU's state. */
  cs: CpuState;
  /** Inside the export's window (outside, rows only name threads). */
  inWindow: boolean;
  /** ts on BOOTTIME, the trace's clock. */
  bt: number;
}

export class PerfettoTranslator {
  private readonly tasks = new Tasks();
  private readonly cpus: CpuState[] = [];
  private readonly irqNames = new Map<number, string>();
  /** Kernel symbols of the capture (SYM rows): id -> name. */
  private readonly symbols = new Map<number, string>();
  /** Symbol ids interned by a packet already written. */
  private readonly interned = new Set<number>();
  /** A packet with SEQ_INCREMENTAL_STATE_CLEARED (the first that interns) is written. */
  private stateCleared = false;
  /** Stacks of the capture (STACK rows): id -> frames, innermost first, ';'-separated. */
  private readonly stacks = new Map<number, string>();
  /** Stack id -> its sched_blocked_reason fields, each stack's read once. */
  private readonly reasons = new Map<number, BlockedReason>();
  /** Reason frame -> its iid (REASON_IID_BASE + n). */
  private readonly reasonIids = new Map<string, number>();
  /** Threads switched out into D with a stack in the window, not yet woken: tid -> stack id. */
  private readonly blocked = new Map<number, number>();
  /** Threads past sched_process_exit that have not yet switched out for the last time. */
  private readonly exiting = new Set<number>();
  private readonly out = new BinaryWriter();
  readonly stats: TranslateStats = {
    events: 0,
    compactSwitches: 0,
    fullSwitches: 0,
    compactWakings: 0,
    fullWakings: 0,
    otherEvents: 0,
    irqContextWakings: 0,
    frees: 0,
    irqSpanEvents: 0,
    hrtimerExpiries: 0,
    blockedReasons: 0,
    skipped: {},
  };

  private readonly row: Row;

  constructor(private readonly opts: TranslateOptions) {
    this.row = { b: null as unknown as EventBatch, i: 0, cs: null as unknown as CpuState, inWindow: false, bt: 0 };
  }

  private cpu(cpu: number): CpuState {
    let s = this.cpus[cpu];
    if (s === undefined) {
      for (let i = this.cpus.length; i <= cpu; i++) {
        const bundle = new CpuBundle(i);
        bundle.lostEvents = (this.opts.lostPerCpu[i] ?? 0) > 0;
        this.cpus[i] = { bundle, current: UNKNOWN, currentPrio: 0, tree: [] };
      }
      s = this.cpus[cpu]!;
    }
    return s;
  }

  /** Translates a batch: one writer per kind, each given the row and its CPU's state. */
  feed(b: EventBatch): void {
    const { from, to, bootOffsetNs } = this.opts;
    for (let i = 0; i < b.length; i++) {
      const t = b.ts[i]!;
      const k = b.kind[i]!;
      const cs = this.cpu(b.cpu[i]!);
      // one Row object, reused: no allocation per event
      const row = this.row;
      row.b = b;
      row.i = i;
      row.cs = cs;
      row.inWindow = t >= from && t <= to;
      row.bt = t + bootOffsetNs;
      switch (k) {
        case Kind.SWITCH:
          this.writeSwitch(row);
          break;
        case Kind.WAKING:
        case Kind.WAKEUP_NEW:
          this.writeWaking(row, k);
          break;
        case Kind.FORK:
          this.writeFork(row);
          break;
        case Kind.EXEC:
          this.writeExec(row);
          break;
        case Kind.EXIT:
          this.writeExit(row);
          break;
        case Kind.COMM:
          this.writeComm(row);
          break;
        case Kind.IRQ_ENTRY:
        case Kind.IRQ_EXIT:
          this.writeIrq(row, k === Kind.IRQ_ENTRY);
          break;
        case Kind.SOFTIRQ_ENTRY:
        case Kind.SOFTIRQ_EXIT:
          this.writeSoftirq(row, k === Kind.SOFTIRQ_ENTRY);
          break;
        case Kind.SOFTIRQ_RAISE:
          this.writeSoftirqRaise(row);
          break;
        case Kind.HRTIMER_EXPIRE_ENTRY:
        case Kind.HRTIMER_EXPIRE_EXIT:
          this.writeHrtimerExpire(row, k === Kind.HRTIMER_EXPIRE_ENTRY);
          break;
        case Kind.WORK_START:
        case Kind.WORK_END:
          this.writeWork(row, k === Kind.WORK_START);
          break;
        case Kind.SYM:
          this.symbols.set(b.c[i]!, b.names.get(i) ?? '');
          break;
        case Kind.IRQ_NAME:
          this.irqNames.set(b.a[i]!, b.names.get(i) ?? '');
          break;
        case Kind.STACK:
          this.stacks.set(b.tid[i]!, b.names.get(i) ?? '');
          break;
        default:
          // NMI, timer arming, and any kind this export does not know (kinds.ts says why)
          this.skip(k);
      }
      if (cs.bundle.full || cs.tree.length >= BUNDLE_EVENTS) this.flush(cs);
    }
    this.stats.events += b.length;
  }

  private writeSwitch({ b, i, cs, inWindow, bt }: Row): void {
    const prev = b.tid[i]!;
    const next = b.tid2[i]!;
    const prevPrio = b.b[i]!;
    const nextPrio = b.c[i]!;
    const tasks = this.tasks;
    tasks.setPrio(prev, prevPrio);
    tasks.setPrio(next, nextPrio);
    const lastRun = this.exiting.has(prev) && (b.a[i]! & TaskState.DEAD) !== 0;
    const blocked = this.blocked;
    if (blocked.size > 0) {
      // a sleep not ended by a waking (lost, or outside the window) gets no reason
      blocked.delete(prev);
      blocked.delete(next);
    }
    if (!inWindow) {
      cs.current = UNKNOWN;
      if (lastRun) {
        this.exiting.delete(prev);
        tasks.died(prev);
      }
      return;
    }
    const bundle = cs.bundle;
    const state = reportedPrevState(b.a[i]!, (b.flags[i]! & Flag.PREEMPT) !== 0);
    // D (not I, not preempted, not dead) as the trace shows it, with the sleeper's stack
    if ((state & TaskState.UNINTERRUPTIBLE) !== 0 && b.stack[i]! !== 0) blocked.set(prev, b.stack[i]!);
    const nextComm = tasks.comm(next, bundle.cpu);
    if (cs.current === prev && cs.currentPrio === prevPrio) {
      bundle.compactSwitch(bt, state, next, nextPrio, nextComm);
      this.stats.compactSwitches++;
    } else {
      const w = bundle.beginEvent(bt, prev);
      w.tag(EventId.schedSwitch, LD).fork();
      w.tag(SchedSwitchField.prevComm, LD).string(tasks.comm(prev, bundle.cpu));
      w.tag(SchedSwitchField.prevPid, VARINT).int32(prev);
      w.tag(SchedSwitchField.prevPrio, VARINT).int32(prevPrio);
      w.tag(SchedSwitchField.prevState, VARINT).int32(state);
      w.tag(SchedSwitchField.nextComm, LD).string(nextComm);
      w.tag(SchedSwitchField.nextPid, VARINT).int32(next);
      w.tag(SchedSwitchField.nextPrio, VARINT).int32(nextPrio);
      w.join();
      bundle.endEvent();
      this.stats.fullSwitches++;
    }
    cs.current = next;
    cs.currentPrio = nextPrio;
    if (lastRun) {
      this.exiting.delete(prev);
      for (const tid of tasks.died(prev)) this.writeFree(cs, bt, tid, next);
    }
  }

  /**
   * sched_process_free after the thread's last switch-out (the kernel frees a task later
   * still, from an RCU callback): trace_processor ends the thread there (EndThread), and a
   * later event naming the tid would make a new thread. Written in the same bundle as the
   * switch, at its time: the bundle's whole events are read after its compact ones.
   */
  private writeFree(cs: CpuState, bt: number, tid: number, onCpu: number): void {
    const bundle = cs.bundle;
    const w = bundle.beginEvent(bt, onCpu);
    w.tag(EventId.schedProcessFree, LD).fork();
    w.tag(SchedProcessFreeField.comm, LD).string(this.tasks.comm(tid, bundle.cpu));
    w.tag(SchedProcessFreeField.pid, VARINT).int32(tid);
    w.tag(SchedProcessFreeField.prio, VARINT).int32(this.tasks.prio(tid));
    w.join();
    this.endOther(bundle);
    this.stats.frees++;
  }

  /** The ProcessTree facts the row taught: after its CPU's bundle when the row is written, else now. */
  private takeTree(cs: CpuState, inWindow: boolean): void {
    const d = this.tasks.takeDelta();
    if (d === null) return;
    if (!inWindow) {
      writeProcessTree(this.out, this.opts.sequenceId, d);
      this.opts.sink(this.out.finish());
      return;
    }
    const last = cs.tree.at(-1);
    if (last !== undefined && last.ts === d.ts) {
      last.processes.push(...d.processes);
      last.threads.push(...d.threads);
    } else cs.tree.push(d);
  }

  private writeWaking({ b, i, cs, inWindow, bt }: Row, k: number): void {
    if (!inWindow) return;
    const bundle = cs.bundle;
    const target = b.tid[i]!;
    const onCpu = b.tid2[i]!;
    if (k === Kind.WAKING && this.blocked.size > 0) this.writeBlockedReason(bundle, bt, target, onCpu);
    const common = commonFlagsOf(b.flags[i]!);
    if (common !== 0) this.stats.irqContextWakings++;
    const comm = this.tasks.comm(target, bundle.cpu);
    const prio = this.tasks.prio(target);
    // trace_processor reads a waking's irq context only from CompactSched (waking_common_flags; a
    // whole sched_waking's common_flags are not imported): an interrupt waking is compact as soon as
    // the CPU has a current thread, even one the capture does not name as interrupted
    if (k === Kind.WAKING && (cs.current === onCpu || (common !== 0 && cs.current !== UNKNOWN))) {
      bundle.compactWaking(bt, target, b.a[i]!, prio, comm, common);
      this.stats.compactWakings++;
      return;
    }
    const w = bundle.beginEvent(bt, onCpu, common);
    w.tag(k === Kind.WAKING ? EventId.schedWaking : EventId.schedWakeupNew, LD).fork();
    w.tag(SchedWakingField.comm, LD).string(comm);
    w.tag(SchedWakingField.pid, VARINT).int32(target);
    w.tag(SchedWakingField.prio, VARINT).int32(prio);
    w.tag(SchedWakingField.success, VARINT).int32(1);
    w.tag(SchedWakingField.targetCpu, VARINT).int32(b.a[i]!);
    w.join();
    bundle.endEvent();
    if (k === Kind.WAKING) this.stats.fullWakings++;
    else this.stats.otherEvents++;
  }

  /**
   * sched_blocked_reason for a thread woken from a D sleep, as the kernel emits it when it
   * enqueues the sleeper (pid the sleeper, on the waker's CPU, at the waking): trace_processor
   * gives the sleeper's last blocked thread_state row its blocked_function (the caller, an iid
   * of the interned kernel_symbols) and io_wait. Written before the waking, at its time.
   */
  private writeBlockedReason(bundle: CpuBundle, bt: number, target: number, onCpu: number): void {
    const stack = this.blocked.get(target);
    if (stack === undefined) return;
    this.blocked.delete(target);
    const r = this.reasonOf(stack);
    if (r === null) return;
    const w = bundle.beginEvent(bt, onCpu);
    w.tag(EventId.schedBlockedReason, LD).fork();
    w.tag(SchedBlockedReasonField.pid, VARINT).int32(target);
    w.tag(SchedBlockedReasonField.caller, VARINT).uint32(r.iid);
    w.tag(SchedBlockedReasonField.ioWait, VARINT).uint32(r.ioWait);
    w.join();
    if (!this.interned.has(r.iid)) bundle.internSymbol(r.iid, r.name);
    bundle.useSymbol();
    this.endOther(bundle);
    this.stats.blockedReasons++;
  }

  /** The sched_blocked_reason fields of a sleep stack, or null when no STACK row named it. */
  private reasonOf(stack: number): BlockedReason | null {
    let r = this.reasons.get(stack);
    if (r !== undefined) return r;
    const text = this.stacks.get(stack);
    if (text === undefined || text === '') return null;
    const frames = text.split(';');
    const name = sleepReasonOf(frames);
    let iid = this.reasonIids.get(name);
    if (iid === undefined) {
      iid = REASON_IID_BASE + this.reasonIids.size;
      this.reasonIids.set(name, iid);
    }
    r = { iid, name, ioWait: frames.some((f) => IO_SCHEDULE.test(f)) ? 1 : 0 };
    this.reasons.set(stack, r);
    return r;
  }

  private writeFork({ b, i, cs, inWindow, bt }: Row): void {
    const child = b.tid[i]!;
    const parent = b.tid2[i]!;
    this.exiting.delete(child); // a tid handed out again: a new thread (its previous life's last switch was lost)
    this.tasks.forked(bt, child, b.a[i]!, parent, b.b[i]!);
    this.takeTree(cs, inWindow);
    if (!inWindow) return;
    const w = cs.bundle.beginEvent(bt, parent);
    w.tag(EventId.taskNewtask, LD).fork();
    w.tag(TaskNewtaskField.pid, VARINT).int32(child);
    w.tag(TaskNewtaskField.comm, LD).string(this.tasks.comm(child, cs.bundle.cpu));
    w.tag(TaskNewtaskField.cloneFlags, VARINT).uint32(b.a[i]! === b.b[i]! ? CLONE_THREAD : 0);
    w.join();
    this.endOther(cs.bundle);
  }

  private writeExec({ b, i, cs, inWindow, bt }: Row): void {
    const filename = b.names.get(i) ?? '';
    this.tasks.execed(bt, b.tid[i]!, b.a[i]!, filename);
    this.takeTree(cs, inWindow);
    if (!inWindow) return;
    const w = cs.bundle.beginEvent(bt, b.tid[i]!);
    w.tag(EventId.schedProcessExec, LD).fork();
    w.tag(SchedProcessExecField.filename, LD).string(filename);
    w.tag(SchedProcessExecField.pid, VARINT).int32(b.tid[i]!);
    w.tag(SchedProcessExecField.oldPid, VARINT).int32(b.tid2[i]!);
    w.join();
    this.endOther(cs.bundle);
  }

  /** sched_process_exit, as the kernel traces it in do_exit(): the thread may still run (and switch) after it. */
  private writeExit({ b, i, cs, inWindow, bt }: Row): void {
    const tid = b.tid[i]!;
    this.tasks.exited(tid, b.a[i]!);
    this.exiting.add(tid);
    if (!inWindow) return;
    const w = cs.bundle.beginEvent(bt, tid);
    w.tag(EventId.schedProcessExit, LD).fork();
    w.tag(SchedProcessExitField.comm, LD).string(this.tasks.comm(tid, cs.bundle.cpu));
    w.tag(SchedProcessExitField.pid, VARINT).int32(tid);
    w.tag(SchedProcessExitField.tgid, VARINT).int32(b.a[i]!);
    w.tag(SchedProcessExitField.prio, VARINT).int32(b.b[i]!);
    w.join();
    this.endOther(cs.bundle);
  }

  private writeComm({ b, i, cs, inWindow, bt }: Row): void {
    const name = b.names.get(i) ?? '';
    const old = this.tasks.named(bt, b.tid[i]!, b.a[i]!, name);
    this.takeTree(cs, inWindow);
    const reason = b.flags[i]!;
    if (!inWindow || (reason !== CommReason.RENAME && reason !== CommReason.EXEC)) return;
    const w = cs.bundle.beginEvent(bt, b.tid[i]!);
    w.tag(EventId.taskRename, LD).fork();
    w.tag(TaskRenameField.pid, VARINT).int32(b.tid[i]!);
    w.tag(TaskRenameField.oldcomm, LD).string(old);
    w.tag(TaskRenameField.newcomm, LD).string(name);
    w.join();
    this.endOther(cs.bundle);
  }

  private writeIrq({ b, i, cs, inWindow, bt }: Row, entry: boolean): void {
    this.stats.irqSpanEvents++;
    if (!inWindow) return;
    const id = b.a[i]!;
    const sysvec = (b.flags[i]! & Flag.SYSVEC) !== 0;
    const w = cs.bundle.beginEvent(bt, Math.max(cs.current, 0));
    if (sysvec && id === SysVec.LOCAL_TIMER) {
      w.tag(entry ? EventId.localTimerEntry : EventId.localTimerExit, LD).fork();
      w.tag(LocalTimerField.vector, VARINT).int32(X86_VECTORS[SysVec.LOCAL_TIMER]!);
    } else {
      const irq = sysvec ? (X86_VECTORS[id] ?? id) : id;
      w.tag(entry ? EventId.irqHandlerEntry : EventId.irqHandlerExit, LD).fork();
      w.tag(IrqHandlerEntryField.irq, VARINT).int32(irq);
      if (entry) w.tag(IrqHandlerEntryField.name, LD).string(this.irqName(id, sysvec));
      else w.tag(IrqHandlerExitField.ret, VARINT).int32(1);
    }
    w.join();
    this.endOther(cs.bundle);
  }

  private writeSoftirq({ b, i, cs, inWindow, bt }: Row, entry: boolean): void {
    this.stats.irqSpanEvents++;
    if (!inWindow) return;
    const w = cs.bundle.beginEvent(bt, Math.max(cs.current, 0));
    w.tag(entry ? EventId.softirqEntry : EventId.softirqExit, LD).fork();
    w.tag(SoftirqField.vec, VARINT).uint32(b.a[i]!);
    w.join();
    this.endOther(cs.bundle);
  }

  private writeSoftirqRaise({ b, i, cs, inWindow, bt }: Row): void {
    if (!inWindow) return;
    const w = cs.bundle.beginEvent(bt, b.tid[i]!, commonFlagsOf(b.flags[i]!));
    w.tag(EventId.softirqRaise, LD).fork();
    w.tag(SoftirqField.vec, VARINT).uint32(b.a[i]!);
    w.join();
    this.endOther(cs.bundle);
  }

  private writeHrtimerExpire({ b, i, cs, inWindow, bt }: Row, entry: boolean): void {
    if (entry) this.stats.hrtimerExpiries++;
    if (!inWindow) return;
    const bundle = cs.bundle;
    const w = bundle.beginEvent(bt, b.tid[i]!);
    // hrtimer: the capture's timer id (the kernel address folded to 32 bits), the same for both ends
    const timer = b.a[i]! >>> 0;
    if (entry) {
      w.tag(EventId.hrtimerExpireEntry, LD).fork();
      w.tag(HrtimerExpireEntryField.hrtimer, VARINT).uint32(timer); // < 2^32: the varint of the uint64
      w.tag(HrtimerExpireEntryField.now, VARINT);
      writeU64(w, b.ts[i]!); // CLOCK_MONOTONIC, the base clock of most hrtimers
      const sym = b.c[i]!;
      if (sym > 0) {
        // function: an iid of InternedData.kernel_symbols, as traced_probes writes it
        w.tag(HrtimerExpireEntryField.function, VARINT).uint32(sym);
        if (!this.interned.has(sym)) bundle.internSymbol(sym, this.symbols.get(sym) ?? `symbol ${sym}`);
        bundle.useSymbol();
      }
    } else {
      w.tag(EventId.hrtimerExpireExit, LD).fork();
      w.tag(HrtimerExpireExitField.hrtimer, VARINT).uint32(timer);
    }
    w.join();
    this.endOther(bundle);
  }

  /** A worker running a workqueue item: trace_processor draws a "workqueue" slice named by its function on the worker's track. */
  private writeWork({ b, i, cs, inWindow, bt }: Row, start: boolean): void {
    if (!inWindow) return;
    const bundle = cs.bundle;
    const w = bundle.beginEvent(bt, b.tid[i]!, commonFlagsOf(b.flags[i]!));
    w.tag(start ? EventId.workqueueExecuteStart : EventId.workqueueExecuteEnd, LD).fork();
    w.tag(WorkqueueExecuteField.work, VARINT).uint32(b.a[i]! >>> 0); // the capture's work id
    const sym = b.c[i]!;
    if (start && sym > 0) {
      w.tag(WorkqueueExecuteField.function, VARINT).uint32(sym);
      if (!this.interned.has(sym)) bundle.internSymbol(sym, this.symbols.get(sym) ?? `symbol ${sym}`);
      bundle.useSymbol();
    }
    w.join();
    this.endOther(bundle);
  }

  private skip(k: number): void {
    const name = KIND_BY_NUMBER.get(k) ?? `kind ${k}`;
    this.stats.skipped[name] = (this.stats.skipped[name] ?? 0) + 1;
  }

  private irqName(id: number, sysvec: boolean): string {
    if (sysvec) return SYSVEC_NAMES[id] ?? `vector ${id}`;
    return this.irqNames.get(id) || `irq ${id}`;
  }

  private endOther(bundle: CpuBundle): void {
    bundle.endEvent();
    this.stats.otherEvents++;
  }

  /**
   * Writes the CPU's bundle, then the ProcessTree facts of its events. The first packet that
   * interns clears the sequence's incremental state; later ones that carry or name interned
   * data need it (TracePacket.SequenceFlags).
   */
  private flush(cs: CpuState): void {
    const bundle = cs.bundle;
    if (bundle.size > 0 || bundle.lostEvents) {
      let flags = 0;
      if (bundle.interns && !this.stateCleared) {
        flags = SEQ_INCREMENTAL_STATE_CLEARED;
        this.stateCleared = true;
      } else if (bundle.needsInterned) flags = SEQ_NEEDS_INCREMENTAL_STATE;
      for (const iid of bundle.writePacket(this.out, this.opts.sequenceId, flags)) this.interned.add(iid);
    }
    for (const d of cs.tree) writeProcessTree(this.out, this.opts.sequenceId, d);
    cs.tree.length = 0;
    this.opts.sink(this.out.finish());
  }

  /** Writes everything still pending. */
  finish(): TranslateStats {
    for (const s of this.cpus) if (s.bundle.size > 0 || s.bundle.lostEvents || s.tree.length > 0) this.flush(s);
    return this.stats;
  }
}

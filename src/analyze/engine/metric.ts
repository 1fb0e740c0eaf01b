/**
 * The interface between the replay engine and the metric modules.
 *
 * The engine turns raw events into facts (a slice ended, a sleep ended, a
 * thread was woken, …) that already respect the capture edges and the time
 * window, and hands each fact to every module that implements the matching
 * hook. Threads are dense indices into the engine's ThreadTable (one per
 * (tid, generation)). A new metric is a new module implementing some hooks
 * plus the fill* methods that write its part of the result, a field in
 * ThreadMetrics (types.ts), and one entry in the metric catalogue
 * (catalogue.ts), which puts it in the JSON, the tables, the docs and serve.
 */
import type { IrqKind, RqCause, SleepKind, StCode } from './codes.js';
import type { AnalysisDetail, ProcessMetrics, ThreadMetrics } from '../types.js';

/** One wakeup, as handed to the modules. The engine reuses one object: copy what you keep. */
export interface WakeFact {
  /** Absolute ts (ns, CLOCK_MONOTONIC). */
  ts: number;
  /** Woken thread. */
  target: number;
  /** Source key (see sources.ts). */
  source: number;
  /** Waker thread for a task source, else -1. */
  waker: number;
  /** Thread on the waking CPU (the naive waker), -1 for the idle task. */
  onCpu: number;
  /** Run by an interrupt while a task (not idle) was on the CPU, and caused by someone else (cause known). */
  reattributed: boolean;
  /** Cause key (sources.ts, causes.ts): the task, interrupt or unknown behind the wakeup. */
  cause: number;
  /** The cause's thread when it is a task, else -1. */
  causeTask: number;
  /** The cause came from a softirq run that several different causes raised (the last one is named). */
  several: boolean;
  /** Run by an interrupt while a task was on the CPU, and that task was the cause (a naive tool is right). */
  onCpuCause: boolean;
  /** Target was still on a run queue (ON_RQ): ends no sleep. */
  spurious: boolean;
  /** WAKEUP_NEW: first wakeup of a new thread. */
  isNew: boolean;
  /** Raw flags of the event (REMOTE, IDLE, UNSURE …). */
  flags: number;
  /** Length of the sleep this wakeup ended (ns), or -1 when not measured. */
  sleptNs: number;
  /** Kind of that sleep, 0 when not measured. */
  sleepKind: 0 | SleepKind;
  /** Kernel stack (Names.stack id) where that sleep began, 0 when none or not measured. */
  sleepStack: number;
  /** Kernel stack of the waker (or of the interrupt that ran the wakeup), 0 when none. */
  wakerStack: number;
}

/** One burst, as handed to the modules (its times unboxed). The engine reuses one object: copy what you keep. */
export interface BurstFact {
  /** The first switch-in after the wakeup (absolute ns). */
  start: number;
  /** The switch-out into sleep that ended it (absolute ns). */
  end: number;
  /** Time on a CPU during the burst, and in how many slices. */
  runNs: number;
  slices: number;
}

/** Context given to modules when they build their part of the result. */
export interface ResultContext {
  /** Capture start (ns, monotonic): detail timestamps are relative to it. */
  startNs: number;
}

export interface Metric {
  /** A new thread identity was created with this index. */
  addThread?(th: number): void;
  /** Time on a CPU inside the window (complete and partial slices, clipped). */
  run?(th: number, ns: number): void;
  /*
   * Slices, sleeps and run-queue waits are handed over as their lengths, not their ends: an absolute
   * time (a double beyond the small integers) passed to a module that is not inlined is boxed on the
   * heap, several times per event; a length mostly is a small integer.
   */
  /** A complete slice (switch-in and switch-out seen, both in the window): its length (ns). */
  slice?(th: number, cpu: number, ns: number): void;
  /** A complete sleep (switch-out into S/D to the waking): its length (ns). */
  sleep?(th: number, kind: SleepKind, ns: number): void;
  /** A complete run-queue wait (waking or preemption to the next switch-in): its length (ns). */
  runqDelay?(th: number, cause: RqCause, ns: number): void;
  /** A complete burst: first switch-in after a wakeup to the switch-out into sleep. */
  burst?(th: number, b: BurstFact): void;
  /** A wakeup whose waking lies in the window. */
  wakeup?(w: WakeFact): void;
  /** A stay of a thread in one state, clipped to the window (start known). */
  interval?(th: number, state: StCode, start: number, end: number, cpu: number): void;
  /** A task (never idle) on a CPU, clipped to the window. */
  cpuTask?(cpu: number, th: number, start: number, end: number): void;
  /** An interrupt span on a CPU, clipped to the window. */
  cpuIrq?(cpu: number, kind: IrqKind, id: number, sysvec: boolean, sym: number, start: number, end: number): void;
  /** A thread forked a new thread or process (th is the parent). */
  fork?(th: number): void;
  /** A thread exec'd a new program. */
  exec?(th: number): void;
  /** A thread exited. */
  exit?(th: number): void;
  /** A thread's numbers are uncertain from here (lost events). */
  uncertain?(th: number): void;
  /** Write this module's part of one thread's metrics. */
  fillThread?(th: number, out: ThreadMetrics): void;
  /** Write this module's part of one process's metrics, summing its threads. */
  fillProcess?(ths: readonly number[], out: ProcessMetrics): void;
  /** Write this module's part of the detail, for the threads `keep` accepts. */
  fillDetail?(keep: (th: number) => boolean, ctx: ResultContext, out: AnalysisDetail): void;
}

/** The analysis result: what `lifeline analyze --json` prints (its fields listed in catalogue.ts) and what report/export consume. */

import { CTX_NAMES, type CtxName } from '../format/index.js';
import type { CriticalPath, PathQuery } from './path/types.js';

/** What ran or caused a wakeup: a context of the contract (LL_CTXS), or unknown. */
export type SourceKind = CtxName | 'unknown';
/** Every SourceKind, in the contract's order of contexts, then unknown. */
export const SOURCE_KINDS: readonly SourceKind[] = [...CTX_NAMES, 'unknown'];
/** The interrupt contexts (every context but the task's). */
export type InterruptKind = Exclude<CtxName, 'task'>;
export const INTERRUPT_KINDS: readonly InterruptKind[] = CTX_NAMES.filter((c): c is InterruptKind => c !== 'task');

/** Who woke a thread. For interrupts, `name` is e.g. "local_timer/hrtimer_wakeup", "TIMER/process_timeout", "irq 11 virtio0". */
export interface WakeSource {
  kind: SourceKind;
  tid?: number;
  tgid?: number;
  comm?: string;
  name?: string;
}

export interface DurationStats {
  total: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export interface DelayStats {
  mean: number;
  p95: number;
  max: number;
}

export interface WakerCount {
  /** What ran the wakeup. */
  source: WakeSource;
  /** What caused it, when not the source itself: the task that raised the softirq or armed the timer, a device interrupt, or unknown. */
  cause?: WakeSource;
  count: number;
}

/** Sleeps grouped by where they began: the first frame below the scheduler's own (docs/metrics.md). */
export interface SleepReason {
  /** e.g. do_nanosleep, pipe_read, futex_wait_queue; "(no stack)" when none was recorded. */
  reason: string;
  count: number;
  /** Time asleep over these sleeps. */
  ns: number;
  sleepsS: number;
  sleepsD: number;
  sleepSNs: number;
  sleepDNs: number;
  /** The whole stacks behind the reason, frames innermost first, most time first. */
  stacks: { frames: string[]; count: number; ns: number; sleepSNs: number; sleepDNs: number }[];
  /** Who woke these sleeps and from where (the waker's first frame outside the wakeup machinery), most time first. */
  wakers: { source: WakeSource; frame: string; frames: string[]; count: number; ns: number }[];
}

export interface ThreadMetrics {
  tid: number;
  tgid: number;
  comm: string;
  runNs: number;
  slices: number;
  meanSliceNs: number;
  sleeps: number;
  sleepsS: number;
  sleepsD: number;
  sleepNs: DurationStats;
  wakeups: number;
  runqDelayNs: DelayStats;
  bursts: number;
  meanBurstRunNs: number;
  meanSlicesPerBurst: number;
  /** Wakeups run by an interrupt while a task was on the CPU, caused by someone else: a naive tool names the wrong waker. */
  reattributed: number;
  /** Wakeups run by an interrupt while a task was on the CPU, caused by that task: a naive tool is right. */
  onCpuCause?: number;
  /** Wakeups whose cause is unknown (raise or timer arming not seen, context unsure). */
  unknownCause?: number;
  /** Wakeups caused through a softirq that several different causes raised before it ran (the last one named). */
  severalRaisers?: number;
  wakers: WakerCount[];
  /** Where its sleeps began and who woke them from where, most time first; empty without stacks. */
  sleepReasons: SleepReason[];
  /** True when lost events left this thread's state inconsistent for part of the run (its numbers skip that part). */
  uncertain: boolean;
  /** Run-queue delay after preemptions (switch-out in R) to the next switch-in; runqDelayNs is after wakeups. */
  preemptDelayNs: DelayStats;
  /** Preemptions measured in preemptDelayNs. */
  preemptions: number;
  /** Wakings that found the thread still on a run queue (ON_RQ): not in `wakeups`, ended no sleep. */
  spuriousWakeups: number;
  /** 0 for the first thread seen with this tid, 1 for the next one after it exited, … */
  generation: number;
  /* Totals behind the means above (what the live counters of `serve` read; the catalogue says where each is shown). */
  /** Time asleep over the sleeps counted: in S, in D, and both. */
  asleepNs: number;
  sleepSNs: number;
  sleepDNs: number;
  /** Run-queue waits measured after wakeups (their delays are runqDelayNs) and the delays summed; the same summed after preemptions. */
  runqWaits: number;
  runqWaitNs: number;
  preemptWaitNs: number;
  /** Run time and slices summed over the bursts counted. */
  burstRunNs: number;
  burstSlices: number;
  /** Forks made, execs, exits. */
  forks: number;
  execs: number;
  exits: number;
  /** Time per state (running, runnable, asleep in S, blocked in D) and their sum. */
  stateNs: number;
  runningNs: number;
  runnableNs: number;
  sleepingNs: number;
  blockedNs: number;
}

export interface ProcessMetrics extends Omit<ThreadMetrics, 'tid' | 'generation'> {
  threads: number;
}

export interface Edge {
  /** The cause of the wakeups (a task, an interrupt), or what ran them when their cause is unknown. */
  from: WakeSource;
  /** What ran them, when not `from` (softirq NET_RX, hardirq local_timer/hrtimer_wakeup). */
  via?: WakeSource;
  to: { tid: number; tgid: number; comm: string };
  count: number;
}

/** An edge of the process-level graph (task sources merged by process). */
export interface ProcessEdge {
  from: WakeSource;
  via?: WakeSource;
  to: { tgid: number; comm: string };
  count: number;
}

export interface CaptureSummary {
  format: 'sqlite' | 'arrow';
  events: number;
  lost: number;
  /**
   * Facts that contradicted a thread's state: lost events, or, with none lost, events the kernel
   * never emitted (docs/metrics.md, "Lost events"). The threads concerned are uncertain.
   */
  contradictions: number;
  startWall: string;
  durationNs: number;
}

export interface AnalysisResult {
  capture: CaptureSummary;
  threads: ThreadMetrics[];
  processes: ProcessMetrics[];
  edges: Edge[];
  /** Sum of the threads' reattributed (docs/metrics.md). */
  reattributed: number;
  /** Sum of the threads' onCpuCause: interrupt wakeups where the naive view was right. */
  onCpuCause?: number;
  /** Sum of the threads' unknownCause. */
  unknownCause?: number;
  /** The who-wakes-whom graph merged per process. */
  processEdges?: ProcessEdge[];
}

/* ---- Detail for the report and chain views (bounded by a budget) ---- */

export type ThreadState = 'running' | 'runnable' | 'sleeping' | 'blocked' | 'dead';

/** One stay of one thread in one state; ts in ns relative to the capture start. */
export interface StateInterval {
  tid: number;
  start: number;
  end: number;
  state: ThreadState;
  /** CPU while running. */
  cpu?: number;
}

/** What ran on a CPU, or an interrupt span on it. */
export interface CpuSpan {
  cpu: number;
  start: number;
  end: number;
  /** 'task' for a thread on the CPU (tid set), else the interrupt kind. */
  kind: CtxName;
  tid?: number;
  /** IRQ / softirq / vector name for interrupt spans. */
  name?: string;
}

/** One wakeup of one thread, with what followed it. ts relative to the capture start. */
export interface WakeupRecord {
  /** Index of this record in AnalysisDetail.wakeups. */
  id: number;
  ts: number;
  tid: number;
  source: WakeSource;
  /** What caused it, when not the source itself. */
  cause?: WakeSource;
  /** The cause came from a softirq that several different causes raised. */
  severalRaisers?: boolean;
  /** The task that was on the waking CPU: what a naive tool blames. */
  onCpu: { tid: number; comm: string } | null;
  reattributed: boolean;
  /** Sleep that this wakeup ended (ns) and its state, when the sleep start was seen. */
  sleptNs: number | null;
  sleepState: 'S' | 'D' | null;
  /** Run-queue delay until the next switch-in (ns), null if not seen. */
  waitNs: number | null;
  /** Run time and slices of the burst that followed, null if the capture ended first. */
  runNs: number | null;
  slices: number | null;
  /** When the cause is a task: the id of that task's own latest wakeup before this one (the chain link). */
  wakerWakeup: number | null;
  flags: { remote: boolean; idle: boolean; spurious: boolean; unsure: boolean };
  /** Where the sleep began (its sleep reason, docs/metrics.md), when the capture has stacks. */
  sleptIn?: string;
  /** Where the waker woke it (its first frame outside the wakeup machinery), when the capture has stacks. */
  wokeFrom?: string;
}

export interface AnalysisDetail {
  intervals: StateInterval[];
  cpuSpans: CpuSpan[];
  wakeups: WakeupRecord[];
  /** What was left out to stay within the budget, in words (empty if nothing). */
  reduced: string[];
}

export interface DetailBudget {
  maxIntervals?: number;
  maxWakeups?: number;
  maxCpuSpans?: number;
}

export interface AnalyzeOptions {
  /** Keep only these processes / threads / names (a thread matches if any given filter matches it). */
  pid?: number[];
  tid?: number[];
  comm?: RegExp;
  /** Window in ns relative to the capture start. */
  fromNs?: number;
  toNs?: number;
  /** Also collect the per-wakeup / per-interval detail (report, chain), within a budget. */
  detail?: boolean | DetailBudget;
  /** Called now and then with the number of events replayed so far. */
  onProgress?: (eventsDone: number) => void;
  /** Also give the off-CPU stacks of the selected threads (Analysis.offCpu). */
  offCpu?: boolean;
  /** Also walk the critical paths of these intervals (Analysis.path); collected only when asked. */
  path?: PathQuery;
}

/** The complete sleeps of one thread that began in one stack and were woken from one (source, stack). */
export interface OffCpuStack {
  tid: number;
  tgid: number;
  comm: string;
  /** The sleeper's kernel stack, innermost first (empty: not recorded). */
  frames: string[];
  source: WakeSource;
  /** The waker's (or the interrupt's) kernel stack, innermost first. */
  wakerFrames: string[];
  count: number;
  /** Time asleep. */
  ns: number;
}

export interface Analysis {
  result: AnalysisResult;
  detail?: AnalysisDetail;
  offCpu?: OffCpuStack[];
  /** The critical paths asked for by AnalyzeOptions.path (docs/metrics.md, "Where the time went"). */
  path?: CriticalPath[];
}

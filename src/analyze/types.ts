/** The analysis result: what `lifeline analyze --json` prints (its fields listed in catalogue.ts) and what report/export consume. */

import { CTX_NAMES, type CtxName } from '../format/index.js';

/** What ran or caused a wakeup: a context of the contract (LL_CTXS), or unknown. */
export type SourceKind = CtxName | 'unknown';
/** Every SourceKind, in the contract's order of contexts, then unknown. */
export const SOURCE_KINDS: readonly SourceKind[] = [...CTX_NAMES, 'unknown'];
/** The interrupt contexts (every context but the task's). */
export type InterruptKind = Exclude<CtxName, 'task'>;
export const INTERRUPT_KINDS: readonly InterruptKind[] = CTX_NAMES.filter((c): c is InterruptKind => c !== 'task');

/**
 * Who woke a thread. For interrupts, `name` is e.g. "local_timer/hrtimer_wakeup", "TIMER/process_timeout",
 * "irq 11 virtio0"; for a kworker running a work item, `work` is the item's function.
 */
export interface WakeSource {
  kind: SourceKind;
  tid?: number;
  tgid?: number;
  comm?: string;
  name?: string;
  /** A task running a workqueue item: the item's function (e.g. "flush_to_ldisc"). */
  work?: string;
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
  /** Wakeups run by an interrupt while a task was on the CPU, or by a kworker's work item, caused by someone else: a naive tool names the wrong waker. */
  reattributed: number;
  /** Wakeups run by an interrupt while a task was on the CPU, caused by that task: a naive tool is right. */
  onCpuCause?: number;
  /** Wakeups whose cause is unknown (raise, timer arming or work queueing not seen, context unsure). */
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
  /** Also give per-thread and per-process log2 histograms of the distributions (Analysis.histograms). */
  histograms?: boolean;
  /**
   * Hand out every wakeup (in the window, every thread) as soon as what followed it is known,
   * none kept in memory (detail/wakeup-stream.ts): ids in waking order, records in completion order.
   * Records share their `source`, `cause`, `onCpu` and `flags` objects with others that name the
   * same: read them, copy before changing them.
   */
  onWakeup?: (w: WakeupRecord) => void;
  /** Also walk the critical paths of these intervals (Analysis.path); collected only when asked. */
  path?: PathQuery;
  /**
   * The parts of the result to build (default: all). An output that prints no process row
   * (the table by thread) or no graph (the table) leaves them out: `processes` and `edges`
   * are then empty and `processEdges` absent.
   */
  parts?: ResultParts;
}

/** Which parts of AnalysisResult an analysis builds (AnalyzeOptions.parts); a part left out is built when true or absent. */
export interface ResultParts {
  /**
   * The per-thread metrics and all built from them (rows, processes, graphs). Without them the
   * replay feeds no metric module and the result holds the capture's facts alone: what a critical
   * path (lifeline path) needs beside its own recorder.
   */
  threads?: boolean;
  /** The process rows (AnalysisResult.processes). */
  processes?: boolean;
  /** The thread graph (AnalysisResult.edges). */
  edges?: boolean;
  /** The process graph (AnalysisResult.processEdges). */
  processEdges?: boolean;
  /**
   * The stacks and wakers of each sleep reason (SleepReason.stacks and .wakers); without them a
   * reason has its totals alone, and both lists are empty.
   */
  reasonStacks?: boolean;
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
  /** With AnalyzeOptions.histograms: log2 bucket counts of the distributions, per thread and process. */
  histograms?: Histograms;
  /** The critical paths asked for by AnalyzeOptions.path (docs/metrics.md, "Where the time went"). */
  path?: CriticalPath[];
}

/** The distributions of the catalogue that have log2 buckets (AnalyzeOptions.histograms), in this order. */
export const HISTOGRAM_KEYS = ['sleepNs', 'runqDelayNs', 'preemptDelayNs'] as const;
export type HistogramKey = (typeof HISTOGRAM_KEYS)[number];

/** Bucket counts per distribution: each array has one entry per bound and a last one beyond every bound. */
export type BucketCounts = Record<HistogramKey, number[]>;

export interface ThreadHistogram {
  tid: number;
  generation: number;
  tgid: number;
  buckets: BucketCounts;
}

export interface ProcessHistogram {
  tgid: number;
  buckets: BucketCounts;
}

/** Log2 histograms (detail/thread-histograms.ts); the sum of a histogram's buckets is its distribution's count. */
export interface Histograms {
  /** Upper bounds of the buckets in ns (bucket i: values in (bounds[i-1], bounds[i]]); the last bucket has none. */
  boundsNs: readonly number[];
  threads: ThreadHistogram[];
  processes: ProcessHistogram[];
}

/* ---- The critical path of an interval (docs/metrics.md, "Where the time went") ---- */

/** What a thread on the path was doing during a segment. */
export type PathState = 'running' | 'runnable' | 'interrupt' | 'sleeping' | 'unknown';
export const PATH_STATES: readonly PathState[] = ['running', 'runnable', 'interrupt', 'sleeping', 'unknown'];

/**
 * Why a sleeping segment ends the path there (or hands it on): `own timer` (a timer the sleeper
 * armed itself), `device` (waiting for a device interrupt), `interrupt` (an interrupt that is its
 * own cause: an IPI, an NMI), `pending` (raised or armed by the task the path continues in, not
 * yet run), `unknown` (the cause was not seen: said, never guessed), `not woken` (no wakeup before
 * the capture end), `depth` (the depth limit), `idle` (woken by the idle task).
 */
export type PathWait = 'own timer' | 'device' | 'interrupt' | 'pending' | 'unknown' | 'not woken' | 'depth' | 'idle';

export interface PathThread {
  tid: number;
  tgid: number;
  comm: string;
}

/** One piece of the interval; pieces are in time order and tile [startNs, endNs] exactly. */
export interface PathSegment {
  /** Relative to the capture start (ns). */
  start: number;
  end: number;
  /** The thread on the path during this segment. */
  thread: PathThread;
  state: PathState;
  /** The CPU it ran on, waited for, or where the interrupt ran. */
  cpu?: number;
  /** How many wakeups back from the interval's own thread (0: the thread itself). */
  depth: number;
  /** runnable: the task that held the CPU (absent: no task on it, e.g. the CPU waking from idle). */
  holder?: PathThread;
  /** runnable: whether it was preempted (true) or newly woken (false). */
  preempted?: boolean;
  /** interrupt: the interrupt's name ("irq 36 virtio1-req.0", "BLOCK", "local_timer/hrtimer_wakeup"). */
  interrupt?: string;
  /** sleeping: S or D. */
  sleep?: 'S' | 'D';
  /** sleeping: why the path stops here or what it waits for (see PathWait). */
  wait?: PathWait;
  /** sleeping: what ran the wakeup that ended the sleep, and its cause when not the source itself. */
  source?: WakeSource;
  cause?: WakeSource;
  /** sleeping: the sleep reason (the first frame below the scheduler), when the capture has stacks. */
  sleptIn?: string;
  /** In words: what it waited on ("behind task stress 4263", "waiting for device irq 36 …"). Sanitized. */
  label: string;
}

/** Time of the path per (thread, kind) in words, e.g. "waiting for CPU behind task stress 4263". */
export interface PathSummaryLine {
  label: string;
  ns: number;
}

export interface PathThreadSummary {
  thread: PathThread;
  ns: number;
  byState: Record<PathState, number>;
}

export interface CriticalPath {
  /** The thread whose interval this is. */
  thread: PathThread;
  /** The interval, relative to the capture start (ns). */
  startNs: number;
  endNs: number;
  /** How it was chosen: an explicit interval, or burst number n (1-based) of the thread. */
  chosen: { kind: 'interval' } | { kind: 'burst'; burst: number; bursts: number };
  /** In time order; empty when only the summary was asked for (PathQuery.summaryOnly). */
  segments: PathSegment[];
  /** How many segments the path has (listed in `segments` unless only the summary was asked for). */
  segmentCount: number;
  /** Most time first. */
  summary: PathSummaryLine[];
  byThread: PathThreadSummary[];
  /** True when the depth limit or the segment limit cut a cause off. */
  truncated: boolean;
}

/** Which intervals to walk (checked at the API boundary). Times absolute-free: ns from the capture start. */
export interface PathQuery {
  /** The thread (its identity alive in the interval; the latest one otherwise). Absent: the busiest thread with bursts, or any thread (`anyThread`). */
  tid?: number;
  /** Without `tid`: the bursts of every thread (the longest of the capture), not the busiest thread's. */
  anyThread?: boolean;
  /** Without `tid`, the bursts are chosen among the threads the filters select (--pid, --comm). */
  selected?: boolean;
  /** An explicit interval [fromNs, toNs]; with `burst` or `longest`, a window the bursts must lie in. */
  fromNs?: number;
  toNs?: number;
  /** Several explicit intervals of the thread at once (ns from the capture start), instead of fromNs / toNs. */
  intervals?: ReadonlyArray<{ fromNs: number; toNs: number }>;
  /** The n-th burst (1-based) of the thread, with the sleep before it. */
  burst?: number;
  /** The k longest bursts (with their sleeps before). */
  longest?: number;
  /** Recursion depth limit (default PATH_MAX_DEPTH). */
  maxDepth?: number;
  /** Sum the segments into the summaries without listing them (long intervals have many). */
  summaryOnly?: boolean;
  /** Give no path rather than an error when the thread or its bursts are not there (the report). */
  quiet?: boolean;
}

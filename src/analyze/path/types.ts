/** The critical path of an interval (docs/metrics.md, "Where the time went"): its public shape. */
import type { WakeSource } from '../types.js';

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
  segments: PathSegment[];
  /** Most time first. */
  summary: PathSummaryLine[];
  byThread: PathThreadSummary[];
  /** True when the depth limit or the segment limit cut a cause off. */
  truncated: boolean;
}

/** Which intervals to walk (checked at the API boundary). Times absolute-free: ns from the capture start. */
export interface PathQuery {
  /** The thread (its identity alive in the interval; the latest one otherwise). Absent: the busiest thread with bursts. */
  tid?: number;
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
  /** Give no path rather than an error when the thread or its bursts are not there (the report). */
  quiet?: boolean;
}

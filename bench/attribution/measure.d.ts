import type { Workload } from './workloads.js';
export interface Measured {
  /** How many sleeps the workload's design makes ({ min: 0, max: null } when not known in advance). */
  designed: { min: number; max: number | null };
  /** Wakings that ended a sleep of the workload's threads, found from the raw switch states. */
  sleeps: number;
  /** Of them, the sleeps in D (page-ins: outside the designs, judged against the disk). */
  sleepsD: number;
  /** The denominator of the shares: the sleeps found, never fewer than the design makes. */
  wakeups: number;
  /** How many sleeps each tool named the right waker for (no wakeup, or unknown: wrong). */
  lifeline: number;
  perf: number;
  naive: number;
  /** lifeline's answer was unknown. */
  unknown: number;
  /** Sleeps a tool had no wakeup for. */
  missedLifeline: number;
  missedPerf: number;
  /** Run by an interrupt, yet the task on the CPU was the right answer. */
  naiveLucky: number;
  /** perf's wakeup lines of the judged threads that ended no sleep found (spurious wakings, edges). */
  onlyPerf: number;
  offsetUs: number;
  attempts: number;
  /** Per tool: the most frequent wrong answers, "stress ×12, …". */
  wrong: { lifeline: string; perf: string; naive: string };
}
export declare const TOLERANCE_NS: number;
export declare function measureWorkload(w: Workload, dir: string, scale?: number): Promise<Measured>;

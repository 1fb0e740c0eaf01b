import type { Workload } from './workloads.js';
export interface Measured {
  /** Wakeups that ended a sleep of the workload's threads, seen by both tools. */
  wakeups: number;
  /** How many of them each tool named the right waker for. */
  lifeline: number;
  perf: number;
  naive: number;
  /** lifeline's answer was unknown. */
  unknown: number;
  /** Run by an interrupt, yet the task on the CPU was the right answer. */
  naiveLucky: number;
  onlyLifeline: number;
  onlyPerf: number;
  offsetUs: number;
  attempts: number;
  /** Per tool: the most frequent wrong answers, "stress ×12, …". */
  wrong: { lifeline: string; perf: string; naive: string };
}
export declare const TOLERANCE_NS: number;
export declare function measureWorkload(w: Workload, dir: string, scale?: number): Promise<Measured>;

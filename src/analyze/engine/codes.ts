/**
 * Small numeric codes the replay engine uses in its hot loop instead of
 * strings, and their mapping to the public names of ./types.ts.
 */
import { Ctx } from '../../format/index.js';
import type { ThreadState } from '../types.js';

/** What the engine believes a thread is doing. */
export const St = {
  /** Never seen, or resynchronising after an inconsistency. */
  UNKNOWN: 0,
  RUNNING: 1,
  RUNNABLE: 2,
  /** Interruptible sleep (S), including TASK_IDLE (I). */
  SLEEP_S: 3,
  /** Uninterruptible sleep (D). */
  SLEEP_D: 4,
  /** Stopped or traced (T, t): neither an S nor a D sleep. */
  STOPPED: 5,
  DEAD: 6,
} as const;
export type StCode = (typeof St)[keyof typeof St];

/** Why a thread is on a run queue. */
export const Rq = { WAKEUP: 0, PREEMPT: 1 } as const;
export type RqCause = (typeof Rq)[keyof typeof Rq];

/** Sleep kind of a completed sleep. */
export const Sleep = { S: 1, D: 2 } as const;
export type SleepKind = (typeof Sleep)[keyof typeof Sleep];

/** Interrupt span kinds on a CPU. */
/** The same numbers as the contract's wakeup contexts (Ctx), so that a context is an interrupt kind. */
export const Irq = { HARDIRQ: Ctx.HARDIRQ, SOFTIRQ: Ctx.SOFTIRQ, NMI: Ctx.NMI } as const;
export type IrqKind = (typeof Irq)[keyof typeof Irq];

export function timelineState(st: number): ThreadState | null {
  switch (st) {
    case St.RUNNING:
      return 'running';
    case St.RUNNABLE:
      return 'runnable';
    case St.SLEEP_S:
    case St.STOPPED:
      return 'sleeping';
    case St.SLEEP_D:
      return 'blocked';
    case St.DEAD:
      return 'dead';
    default:
      return null;
  }
}

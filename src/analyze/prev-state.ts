/**
 * Decoding of the raw kernel `__state` of a task switched out (SWITCH.a)
 * into the engine's state codes. Bits are those of include/linux/sched.h.
 */
import { St, type StCode } from './codes.js';

const TASK_INTERRUPTIBLE = 0x1;
const TASK_UNINTERRUPTIBLE = 0x2;
const TASK_STOPPED = 0x4;
const TASK_TRACED = 0x8;
const EXIT_DEAD = 0x10;
const EXIT_ZOMBIE = 0x20;
const TASK_PARKED = 0x40;
const TASK_DEAD = 0x80;
const TASK_NOLOAD = 0x400;

/**
 * State after a switch-out. A preempted task (flag PREEMPT) is runnable
 * whatever its state says; a zero state without the flag is a yield, also
 * runnable. TASK_IDLE (D|NOLOAD) and parked kthreads sleep like S.
 */
export function stateAfterSwitchOut(raw: number, preempted: boolean): StCode {
  if (preempted || raw === 0) return St.RUNNABLE;
  if ((raw & (TASK_DEAD | EXIT_DEAD | EXIT_ZOMBIE)) !== 0) return St.DEAD;
  if ((raw & TASK_UNINTERRUPTIBLE) !== 0) return (raw & TASK_NOLOAD) !== 0 ? St.SLEEP_S : St.SLEEP_D;
  if ((raw & (TASK_INTERRUPTIBLE | TASK_PARKED)) !== 0) return St.SLEEP_S;
  if ((raw & (TASK_STOPPED | TASK_TRACED)) !== 0) return St.STOPPED;
  // Other bits alone (e.g. TASK_WAKEKILL without a sleep bit) never leave a task
  // off the run queue; count them as runnable.
  return St.RUNNABLE;
}

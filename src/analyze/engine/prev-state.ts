/**
 * Decoding of the raw kernel `__state` of a task switched out (SWITCH.a)
 * into the engine's state codes. The bits: src/format/task-state.ts.
 */
import { TaskState } from '../../format/index.js';
import { St, type StCode } from './codes.js';

const {
  INTERRUPTIBLE: TASK_INTERRUPTIBLE,
  UNINTERRUPTIBLE: TASK_UNINTERRUPTIBLE,
  STOPPED: TASK_STOPPED,
  TRACED: TASK_TRACED,
  EXIT_DEAD,
  EXIT_ZOMBIE,
  PARKED: TASK_PARKED,
  DEAD: TASK_DEAD,
  NOLOAD: TASK_NOLOAD,
} = TaskState;

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

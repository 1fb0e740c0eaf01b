/**
 * Which event kinds of the contract the Perfetto export writes, and why the
 * others are not written. A kind in neither list (one added to the contract
 * later) is skipped and counted, never guessed at; a test enumerates the
 * contract and checks each kind is in exactly one list.
 */
import { Kind, type KindName } from '../../format/index.js';

/** Kind name -> what it becomes in the trace. */
export const EXPORTED_KINDS: Partial<Record<KindName, string>> = {
  SWITCH: "sched_switch (CompactSched, or a whole event when the CPU's previous thread is not known)",
  WAKING:
    "sched_waking (CompactSched with waking_common_flags; a whole event with common_flags before the CPU's first switch, or for a task waking whose thread on the CPU is not the last switch's)",
  WAKEUP_NEW: 'sched_wakeup_new with common_flags',
  FORK: 'task_newtask (clone_flags CLONE_THREAD for a thread) and ProcessTree entries at its time',
  EXEC: 'sched_process_exec and the process cmdline in the ProcessTree',
  EXIT: "sched_process_exit; sched_process_free after the thread's last switch-out (a group leader's after its last thread's)",
  COMM: 'task_rename (renames and execs) and ProcessTree entries',
  IRQ_ENTRY: 'irq_handler_entry, or local_timer_entry for the local timer vector',
  IRQ_EXIT: 'irq_handler_exit, or local_timer_exit',
  SOFTIRQ_ENTRY: 'softirq_entry',
  SOFTIRQ_EXIT: 'softirq_exit',
  IRQ_NAME: 'the name of irq_handler_entry events',
  SOFTIRQ_RAISE: 'softirq_raise, with the raising context in common_flags',
  HRTIMER_EXPIRE_ENTRY:
    'hrtimer_expire_entry, its function an iid of the interned kernel_symbols (trace_processor ≥ v51 draws an "Hrtimer Cpu N" slice named by it)',
  HRTIMER_EXPIRE_EXIT: 'hrtimer_expire_exit',
  SYM: 'the interned kernel_symbols (InternedData) that name hrtimer_expire_entry callbacks and workqueue items',
  WORK_START:
    'workqueue_execute_start, its function an iid of the interned kernel_symbols (trace_processor draws a "workqueue" slice named by it on the worker\'s track)',
  WORK_END: 'workqueue_execute_end (ends that slice)',
  STACK:
    "the sched_blocked_reason of each D sleep ended by a waking, at the waking (as the kernel emits it): the sleeper's reason frame as an interned kernel symbol (the trace's blocked_function), io_wait when its stack passes through io_schedule",
};

/** Kind name -> why it is not written. */
export const NOT_EXPORTED_KINDS: Partial<Record<KindName, string>> = {
  NMI: 'Perfetto has no NMI ftrace event that trace_processor imports',
  HRTIMER_START:
    'trace_processor keeps hrtimer_start only in its raw table, and wants the kernel addresses the capture folds into ids',
  TIMER_START: 'as HRTIMER_START, for timer_list timers',
  WORK_QUEUE:
    'trace_processor keeps workqueue_queue_work only in its raw table, and wants the kernel address the capture folds into an id; the queuer is the cause lifeline names (analyze, chain)',
  TIMER_EXPIRE:
    'marks the first waking of a timer callback, for attribution; the hrtimer_expire_entry/exit rows carry the spans',
};

/** Kind number -> its contract name, for the skipped-kind counts. */
export const KIND_BY_NUMBER: ReadonlyMap<number, string> = new Map(Object.entries(Kind).map(([k, v]) => [v, k]));

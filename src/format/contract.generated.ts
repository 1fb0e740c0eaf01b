// Generated from bpf/lifeline.h and native/addon-errors.h by scripts/gen-contract.mjs.
// Do not edit: change the lists in the header and run `npm run build:contract`.
// test/format/contract.test.ts fails when this file is stale.

/** LL_NAME_LEN: bytes of the name that named records append. */
export const NAME_LEN = 64;
/** LL_CTX_DEPTH: nested interrupt frames the recorder tracks per CPU. */
export const CTX_DEPTH = 8;
/** sizeof(struct ll_event). */
export const EVENT_SIZE = 48;
/** sizeof(struct ll_name_event). */
export const NAME_EVENT_SIZE = 112;

/** LL_STACK_DEPTH: frames a STACK record holds. */
export const STACK_DEPTH = 40;
/** LL_STACK_IDS: distinct stacks one recording can hold (ids 1..STACK_IDS). */
export const STACK_IDS = 65535;
/** sizeof(struct ll_stack_event). */
export const STACK_EVENT_SIZE = 368;

/** Byte offsets of the fields of struct ll_event (LL_EVENT_FIELDS), of the appended name and of a STACK's frames. */
export const OFFSETS = {
  ts: 0,
  cpu: 8,
  kind: 10,
  flags: 11,
  tid: 12,
  tid2: 16,
  a: 20,
  b: 24,
  c: 28,
  addr: 32,
  stack: 40,
  spare: 44,
  name: 48,
  frames: 48,
} as const;

/** Recorded event kinds (LL_KINDS). */
export const Kind = {
  SWITCH: 1,
  WAKING: 2,
  WAKEUP_NEW: 3,
  FORK: 4,
  EXEC: 5,
  EXIT: 6,
  COMM: 7,
  IRQ_ENTRY: 8,
  IRQ_EXIT: 9,
  SOFTIRQ_ENTRY: 10,
  SOFTIRQ_EXIT: 11,
  NMI: 12,
  IRQ_NAME: 13,
  SYM: 14,
  SOFTIRQ_RAISE: 15,
  HRTIMER_START: 16,
  TIMER_START: 17,
  TIMER_EXPIRE: 18,
  HRTIMER_EXPIRE_ENTRY: 19,
  HRTIMER_EXPIRE_EXIT: 20,
  STACK: 21,
  WORK_QUEUE: 22,
  WORK_START: 23,
  WORK_END: 24,
} as const;
export type KindName = keyof typeof Kind;

/** LL_KINDS as a list: `named` kinds are ll_name_event records, `stack` kinds ll_stack_event records. */
export const KINDS = [
  { name: 'SWITCH', value: 1, label: 'switch', named: false, stack: false },
  { name: 'WAKING', value: 2, label: 'waking', named: false, stack: false },
  { name: 'WAKEUP_NEW', value: 3, label: 'wakeup_new', named: false, stack: false },
  { name: 'FORK', value: 4, label: 'fork', named: false, stack: false },
  { name: 'EXEC', value: 5, label: 'exec', named: true, stack: false },
  { name: 'EXIT', value: 6, label: 'exit', named: false, stack: false },
  { name: 'COMM', value: 7, label: 'comm', named: true, stack: false },
  { name: 'IRQ_ENTRY', value: 8, label: 'irq_entry', named: false, stack: false },
  { name: 'IRQ_EXIT', value: 9, label: 'irq_exit', named: false, stack: false },
  { name: 'SOFTIRQ_ENTRY', value: 10, label: 'softirq_entry', named: false, stack: false },
  { name: 'SOFTIRQ_EXIT', value: 11, label: 'softirq_exit', named: false, stack: false },
  { name: 'NMI', value: 12, label: 'nmi', named: false, stack: false },
  { name: 'IRQ_NAME', value: 13, label: 'irq_name', named: true, stack: false },
  { name: 'SYM', value: 14, label: 'sym', named: true, stack: false },
  { name: 'SOFTIRQ_RAISE', value: 15, label: 'softirq_raise', named: false, stack: false },
  { name: 'HRTIMER_START', value: 16, label: 'hrtimer_start', named: false, stack: false },
  { name: 'TIMER_START', value: 17, label: 'timer_start', named: false, stack: false },
  { name: 'TIMER_EXPIRE', value: 18, label: 'timer_expire', named: false, stack: false },
  { name: 'HRTIMER_EXPIRE_ENTRY', value: 19, label: 'hrtimer_expire_entry', named: false, stack: false },
  { name: 'HRTIMER_EXPIRE_EXIT', value: 20, label: 'hrtimer_expire_exit', named: false, stack: false },
  { name: 'STACK', value: 21, label: 'stack', named: false, stack: true },
  { name: 'WORK_QUEUE', value: 22, label: 'work_queue', named: false, stack: false },
  { name: 'WORK_START', value: 23, label: 'work_start', named: false, stack: false },
  { name: 'WORK_END', value: 24, label: 'work_end', named: false, stack: false },
] as const;

/** LL_KIND_META: the kind of a capture's own rows (meta trailer), outside the recorded kinds. */
export const KIND_META = 255;

/** Wakeup contexts (LL_CTXS), in flags & Flag.CTX_MASK of waking rows. */
export const Ctx = {
  TASK: 0,
  HARDIRQ: 1,
  SOFTIRQ: 2,
  NMI: 3,
} as const;
export const CTXS = [
  { name: 'TASK', value: 0, label: 'task' },
  { name: 'HARDIRQ', value: 1, label: 'hardirq' },
  { name: 'SOFTIRQ', value: 2, label: 'softirq' },
  { name: 'NMI', value: 3, label: 'nmi' },
] as const;

/** Flag bits (LL_FLAGS). */
export const Flag = {
  CTX_MASK: 0x03,
  REMOTE: 0x04,
  IDLE: 0x08,
  ON_RQ: 0x10,
  SYSVEC: 0x20,
  UNSURE: 0x40,
  PREEMPT: 0x80,
} as const;

/** Flag bits of STACK records (LL_STACK_FLAGS). */
export const StackFlag = {
  TRUNCATED: 0x01,
} as const;

/** Why an event got no stack (LL_STACK_FAILS): the recorder counts each, per CPU. */
export const STACK_FAILS = [
  { name: 'UNTAKEN', value: 0, label: 'untaken' },
  { name: 'FULL', value: 1, label: 'full' },
  { name: 'LOST', value: 2, label: 'lost' },
] as const;

/** Reasons of COMM events (LL_COMM_REASONS), in flags. */
export const CommReason = {
  SEEN: 0,
  FORK: 1,
  EXEC: 2,
  RENAME: 3,
} as const;
export const COMM_REASONS = [
  { name: 'SEEN', value: 0, label: 'seen' },
  { name: 'FORK', value: 1, label: 'fork' },
  { name: 'EXEC', value: 2, label: 'exec' },
  { name: 'RENAME', value: 3, label: 'rename' },
] as const;

/**
 * x86 system vectors (LL_SYSVECS); `tracepoint` is irq_vectors:<tracepoint>_entry/exit, `x86`
 * the vector number (arch/x86/include/asm/irq_vectors.h) that ftrace's events carry.
 */
export const SysVec = {
  LOCAL_TIMER: 1,
  RESCHEDULE: 2,
  CALL_FUNCTION: 3,
  CALL_FUNCTION_SINGLE: 4,
  IRQ_WORK: 5,
  X86_PLATFORM_IPI: 6,
  THERMAL_APIC: 7,
  ERROR_APIC: 8,
  SPURIOUS_APIC: 9,
  DEFERRED_ERROR: 10,
  THRESHOLD_APIC: 11,
} as const;
export const SYSVECS = [
  { name: 'LOCAL_TIMER', value: 1, tracepoint: 'local_timer', x86: 236 },
  { name: 'RESCHEDULE', value: 2, tracepoint: 'reschedule', x86: 253 },
  { name: 'CALL_FUNCTION', value: 3, tracepoint: 'call_function', x86: 252 },
  { name: 'CALL_FUNCTION_SINGLE', value: 4, tracepoint: 'call_function_single', x86: 251 },
  { name: 'IRQ_WORK', value: 5, tracepoint: 'irq_work', x86: 246 },
  { name: 'X86_PLATFORM_IPI', value: 6, tracepoint: 'x86_platform_ipi', x86: 247 },
  { name: 'THERMAL_APIC', value: 7, tracepoint: 'thermal_apic', x86: 250 },
  { name: 'ERROR_APIC', value: 8, tracepoint: 'error_apic', x86: 254 },
  { name: 'SPURIOUS_APIC', value: 9, tracepoint: 'spurious_apic', x86: 255 },
  { name: 'DEFERRED_ERROR', value: 10, tracepoint: 'deferred_error', x86: 244 },
  { name: 'THRESHOLD_APIC', value: 11, tracepoint: 'threshold_apic', x86: 249 },
] as const;

/** The tracepoints with a BPF program of the same name (LL_TRACEPOINTS), besides the system vectors'. */
export const TRACEPOINTS = [
  { name: 'sched_switch', required: true },
  { name: 'sched_waking', required: true },
  { name: 'sched_wakeup_new', required: true },
  { name: 'sched_process_fork', required: true },
  { name: 'sched_process_exec', required: true },
  { name: 'sched_process_exit', required: true },
  { name: 'softirq_raise', required: true },
  { name: 'hrtimer_start', required: true },
  { name: 'timer_start', required: true },
  { name: 'task_rename', required: false },
  { name: 'irq_handler_entry', required: false },
  { name: 'irq_handler_exit', required: false },
  { name: 'softirq_entry', required: false },
  { name: 'softirq_exit', required: false },
  { name: 'hrtimer_expire_entry', required: false },
  { name: 'hrtimer_expire_exit', required: false },
  { name: 'timer_expire_entry', required: false },
  { name: 'timer_expire_exit', required: false },
  { name: 'nmi_handler', required: false },
  { name: 'workqueue_queue_work', required: false },
  { name: 'workqueue_execute_start', required: false },
  { name: 'workqueue_execute_end', required: false },
] as const;

/** Linux softirq vectors (LL_SOFTIRQS). */
export const Softirq = {
  HI: 0,
  TIMER: 1,
  NET_TX: 2,
  NET_RX: 3,
  BLOCK: 4,
  IRQ_POLL: 5,
  TASKLET: 6,
  SCHED: 7,
  HRTIMER: 8,
  RCU: 9,
} as const;
export const SOFTIRQS = [
  { name: 'HI', value: 0 },
  { name: 'TIMER', value: 1 },
  { name: 'NET_TX', value: 2 },
  { name: 'NET_RX', value: 3 },
  { name: 'BLOCK', value: 4 },
  { name: 'IRQ_POLL', value: 5 },
  { name: 'TASKLET', value: 6 },
  { name: 'SCHED', value: 7 },
  { name: 'HRTIMER', value: 8 },
  { name: 'RCU', value: 9 },
] as const;

/** Failures the native addon reports as `code` (LL_ADDON_ERRORS); src/record/addon.ts words them. */
export const ADDON_ERRORS = [
  'BAD_RING_SIZE',
  'NO_BTF',
  'BTF_UNREADABLE',
  'NO_TRACEPOINT',
  'OPEN_FAILED',
  'LOAD_DENIED',
  'LOAD_FAILED',
  'ATTACH_DENIED',
  'ATTACH_FAILED',
  'RINGBUF_FAILED',
  'READ_FAILED',
  'CLOSED',
  'BUSY',
] as const;
export type AddonError = (typeof ADDON_ERRORS)[number];

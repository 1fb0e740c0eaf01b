/**
 * TypeScript mirror of bpf/lifeline.h: the one place user space knows the
 * record layout. test/record/event-layout.test.ts checks it against the
 * sizes and offsets the native addon was compiled with.
 */
export const EVENT_SIZE = 40;
export const NAME_EVENT_SIZE = 104;
export const NAME_LEN = 64;

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
  name: 40,
} as const;

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
  /** Capture-only: a JSON meta document in `name` (Arrow trailer). Never yielded by readers. */
  META: 15,
} as const;
export type KindName = keyof typeof Kind;

export const KIND_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Kind).map(([k, v]) => [v, k.toLowerCase()]),
);

/** Kinds whose record carries a name (ll_name_event). */
export const NAMED_KINDS: ReadonlySet<number> = new Set([Kind.EXEC, Kind.COMM, Kind.IRQ_NAME, Kind.SYM]);

export const Flag = {
  CTX_MASK: 0x03,
  REMOTE: 0x04,
  IDLE: 0x08,
  ON_RQ: 0x10,
  SYSVEC: 0x20,
  UNSURE: 0x40,
  PREEMPT: 0x80,
} as const;

export const Ctx = { TASK: 0, HARDIRQ: 1, SOFTIRQ: 2, NMI: 3 } as const;
export const CTX_NAMES = ['task', 'hardirq', 'softirq', 'nmi'] as const;

export const CommReason = { SEEN: 0, FORK: 1, EXEC: 2, RENAME: 3 } as const;

/** enum ll_vec: x86 system vectors. */
export const SYSVEC_NAMES: Record<number, string> = {
  1: 'local_timer',
  2: 'reschedule',
  3: 'call_function',
  4: 'call_function_single',
  5: 'irq_work',
  6: 'x86_platform_ipi',
  7: 'thermal_apic',
  8: 'error_apic',
  9: 'spurious_apic',
  10: 'deferred_error',
  11: 'threshold_apic',
};

/** Linux softirq vectors (include/linux/interrupt.h). */
export const SOFTIRQ_NAMES = ['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU'];

export function recordSize(kind: number): number {
  return NAMED_KINDS.has(kind) ? NAME_EVENT_SIZE : EVENT_SIZE;
}

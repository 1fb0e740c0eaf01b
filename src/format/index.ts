/**
 * The event contract on the TypeScript side, below every stage: the constants
 * generated from bpf/lifeline.h (contract.generated.ts) and the small tables
 * that every stage builds from them. Nothing here is written by hand twice
 * (docs/architecture.md, "The contract").
 */
import {
  CTXS,
  Kind,
  KINDS,
  NAME_EVENT_SIZE,
  EVENT_SIZE,
  SOFTIRQS,
  STACK_EVENT_SIZE,
  SYSVECS,
} from './contract.generated.js';

export * from './contract.generated.js';

/** Kind value -> its label ('switch', 'waking', …), recorded kinds only. */
export const KIND_NAMES: Readonly<Record<number, string>> = Object.fromEntries(KINDS.map((k) => [k.value, k.label]));

/** Kinds whose record carries a name (ll_name_event). */
export const NAMED_KINDS: ReadonlySet<number> = new Set(KINDS.filter((k) => k.named).map((k) => k.value));

export type CtxName = (typeof CTXS)[number]['label'];
/** Context value -> label; contexts are numbered 0..n-1. */
export const CTX_NAMES: readonly CtxName[] = denseLabels(CTXS.map((c) => [c.value, c.label] as const));

/** System vector value -> its tracepoint name ('local_timer', …). */
export const SYSVEC_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  SYSVECS.map((v) => [v.value, v.tracepoint]),
);

/** Softirq vector value -> its kernel name ('TIMER', 'NET_RX', …); vectors are numbered 0..n-1. */
export const SOFTIRQ_NAMES: readonly string[] = denseLabels(SOFTIRQS.map((v) => [v.value, v.name] as const));

/** Kinds whose flags hold a context (LL_CTXS) and whose `b` is that context's id (LL_KINDS). */
export const CONTEXT_KINDS: readonly number[] = [
  Kind.WAKING,
  Kind.WAKEUP_NEW,
  Kind.SOFTIRQ_RAISE,
  Kind.HRTIMER_START,
  Kind.TIMER_START,
  Kind.TIMER_EXPIRE,
  Kind.WORK_QUEUE,
  Kind.WORK_START,
  Kind.WORK_END,
];

/** Kinds whose record carries a stack's frames (ll_stack_event). */
export const STACK_KINDS: ReadonlySet<number> = new Set(KINDS.filter((k) => k.stack).map((k) => k.value));

/** Bytes of one record of this kind in the recorder's stream. */
export function recordSize(kind: number): number {
  if (NAMED_KINDS.has(kind)) return NAME_EVENT_SIZE;
  return STACK_KINDS.has(kind) ? STACK_EVENT_SIZE : EVENT_SIZE;
}

function denseLabels<T>(pairs: readonly (readonly [number, T])[]): T[] {
  const out: T[] = [];
  for (const [value, label] of pairs) out[value] = label;
  if (out.length !== pairs.length) throw new Error('contract: a list meant to be numbered 0..n-1 has gaps');
  return out;
}
export * from './task-state.js';

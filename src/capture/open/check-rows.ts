/**
 * Range checks of decoded rows, where each format's reader decodes them: a damaged
 * capture (bit flips, zeroed ranges) gives `PATH is damaged: <where>: <what>` instead of
 * values the replay cannot take (a negative or enormous tid, a kind that is not an event,
 * a CPU beyond the meta's count). One pass of a few compares per row, over typed arrays.
 */
import { CONTEXT_KINDS, Ctx, CTXS, Flag, Kind, KINDS, SOFTIRQS, SYSVECS } from '../../format/index.js';
import { msg } from '../../messages.js';
import { captureErrors } from '../capture-errors.js';
import type { EventBatch } from '../event-batch.js';

/** PID_MAX_LIMIT of a 64-bit Linux kernel: no tid or tgid is larger. */
export const PID_MAX = 4_194_304;

/** A task's prio in the kernel: -1 (SCHED_DEADLINE), 0..99 real-time, 100..139 normal (MAX_PRIO 140). */
export const PRIO_MIN = -1;
export const PRIO_MAX = 139;

/** Softirq vectors are 0..NR_SOFTIRQS-1 (LL_SOFTIRQS). */
const SOFTIRQ_MAX = SOFTIRQS.length - 1;

/** 1 for a system vector of the contract (LL_SYSVECS), indexed by value. */
const SYSVEC_IDS = new Uint8Array(0x10000);
for (const v of SYSVECS) SYSVEC_IDS[v.value] = 1;

/** Kinds whose b is the id of the context that caused them (flags & CTX_MASK; LL_KINDS). */
const HAS_CTX_ID = new Uint8Array(256);
for (const k of CONTEXT_KINDS) HAS_CTX_ID[k] = 1;

/**
 * The id of a waker's context (b), as the recorder writes it (wake_context, a 16-bit id): a softirq
 * vector, a system vector (SYSVEC flag) or an irq number for a hard interrupt; a task's (0) and an
 * NMI's are not read by the analysis, only their width is checked.
 */
function ctxIdOk(flags: number, id: number): boolean {
  if (id < 0 || id > 0xffff) return false;
  switch (flags & Flag.CTX_MASK) {
    case Ctx.SOFTIRQ:
      return id <= SOFTIRQ_MAX;
    case Ctx.HARDIRQ:
      return (flags & Flag.SYSVEC) === 0 || SYSVEC_IDS[id] === 1;
    default:
      return true;
  }
}

function prioOk(p: number): boolean {
  return p >= PRIO_MIN && p <= PRIO_MAX;
}

/** 1 for a recorded kind, 0 for anything else (indexed by the kind byte). */
const KNOWN_KIND = new Uint8Array(256);
for (const k of KINDS) KNOWN_KIND[k.value] = 1;

/** The CPU bound: the meta's count, or any 16-bit CPU number when the meta does not say. */
function cpuBound(cpus: number): number {
  return cpus > 0 ? cpus : 0x10000;
}

/** Index of the first row with a value out of range, or -1. */
export function firstBadRow(b: EventBatch, cpus: number): number {
  const { length: n, ts, cpu, kind, flags, tid, tid2, a, c } = b;
  const bb = b.b;
  const maxCpu = cpuBound(cpus);
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    if (KNOWN_KIND[k] === 0 || cpu[i]! >= maxCpu || !(ts[i]! >= 0) || tid[i]! >>> 0 > PID_MAX) return i;
    if (HAS_CTX_ID[k] === 1 && !ctxIdOk(flags[i]!, bb[i]!)) return i;
    if (k > Kind.COMM) {
      if (
        (k === Kind.SOFTIRQ_ENTRY || k === Kind.SOFTIRQ_EXIT || k === Kind.SOFTIRQ_RAISE) &&
        a[i]! >>> 0 > SOFTIRQ_MAX
      )
        return i;
      continue;
    }
    // switch … exec: tid2 is a thread (other kinds use it for other facts, e.g. a timer's expiry).
    if (k <= Kind.EXEC && tid2[i]! >>> 0 > PID_MAX) return i;
    if (k === Kind.SWITCH) {
      if (!prioOk(bb[i]!) || !prioOk(c[i]!)) return i;
    } else if (k === Kind.WAKING || k === Kind.WAKEUP_NEW) {
      // waking / wakeup_new: a is the target CPU
      if (a[i]! >>> 0 >= maxCpu) return i;
    } else if (k >= Kind.FORK) {
      // fork, exec, exit, comm: a is a tgid
      if (a[i]! >>> 0 > PID_MAX || (k === Kind.FORK && bb[i]! >>> 0 > PID_MAX)) return i;
      if (k === Kind.EXIT && !prioOk(bb[i]!)) return i;
    }
  }
  return -1;
}

/** What is wrong with row `i` (firstBadRow found it). */
export function badRowReason(b: EventBatch, i: number, cpus: number): string {
  const k = b.kind[i]!;
  const maxCpu = cpuBound(cpus);
  if (KNOWN_KIND[k] === 0) return msg.damageKind(k);
  if (b.cpu[i]! >= maxCpu) return msg.damageCpu('cpu', b.cpu[i]!, cpus);
  if (!(b.ts[i]! >= 0)) return msg.damageTs(b.ts[i]!);
  if (b.tid[i]! >>> 0 > PID_MAX) return msg.damageId('tid', b.tid[i]!, PID_MAX);
  if (HAS_CTX_ID[k] === 1 && !ctxIdOk(b.flags[i]!, b.b[i]!))
    return msg.damageCtxId(b.b[i]!, CTXS[b.flags[i]! & Flag.CTX_MASK]!.label);
  if (k > Kind.COMM) return msg.damageRange('softirq vector (a)', b.a[i]!, 0, SOFTIRQ_MAX);
  if (k <= Kind.EXEC && b.tid2[i]! >>> 0 > PID_MAX) return msg.damageId('tid2', b.tid2[i]!, PID_MAX);
  if (k === Kind.SWITCH)
    return prioOk(b.b[i]!)
      ? msg.damageRange('next prio (c)', b.c[i]!, PRIO_MIN, PRIO_MAX)
      : msg.damageRange('prev prio (b)', b.b[i]!, PRIO_MIN, PRIO_MAX);
  if (k === Kind.WAKING || k === Kind.WAKEUP_NEW) return msg.damageCpu('target cpu (a)', b.a[i]!, cpus);
  if (b.a[i]! >>> 0 > PID_MAX) return msg.damageId('tgid (a)', b.a[i]!, PID_MAX);
  if (k === Kind.EXIT) return msg.damageRange('prio (b)', b.b[i]!, PRIO_MIN, PRIO_MAX);
  return msg.damageId('parent tgid (b)', b.b[i]!, PID_MAX);
}

/** Throws CAPTURE_DAMAGED at the first row out of range; `where` names the part of the file read. */
export function checkRows(path: string, b: EventBatch, cpus: number, where: () => string): void {
  const i = firstBadRow(b, cpus);
  if (i >= 0) throw captureErrors.damaged(path, msg.damageRow(where(), i, badRowReason(b, i, cpus)));
}

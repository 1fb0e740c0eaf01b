/**
 * Range checks of decoded rows, where each format's reader decodes them: a damaged
 * capture (bit flips, zeroed ranges) gives `PATH is damaged: <where>: <what>` instead of
 * values the replay cannot take (a negative or enormous tid, a kind that is not an event,
 * a CPU beyond the meta's count). One pass of a few compares per row, over typed arrays.
 */
import { Kind, KINDS } from '../../format/index.js';
import { msg } from '../../messages.js';
import { captureErrors } from '../capture-errors.js';
import type { EventBatch } from '../event-batch.js';

/** PID_MAX_LIMIT of a 64-bit Linux kernel: no tid or tgid is larger. */
export const PID_MAX = 4_194_304;

/** 1 for a recorded kind, 0 for anything else (indexed by the kind byte). */
const KNOWN_KIND = new Uint8Array(256);
for (const k of KINDS) KNOWN_KIND[k.value] = 1;

/** The CPU bound: the meta's count, or any 16-bit CPU number when the meta does not say. */
function cpuBound(cpus: number): number {
  return cpus > 0 ? cpus : 0x10000;
}

/** Index of the first row with a value out of range, or -1. */
export function firstBadRow(b: EventBatch, cpus: number): number {
  const { length: n, ts, cpu, kind, tid, tid2, a } = b;
  const maxCpu = cpuBound(cpus);
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    if (KNOWN_KIND[k] === 0 || cpu[i]! >= maxCpu || !(ts[i]! >= 0) || tid[i]! >>> 0 > PID_MAX) return i;
    if (k > Kind.COMM) continue;
    // switch … exec: tid2 is a thread (other kinds use it for other facts, e.g. a timer's expiry).
    if (k <= Kind.EXEC && tid2[i]! >>> 0 > PID_MAX) return i;
    // waking / wakeup_new: a is the target CPU; fork, exec, exit, comm: a is a tgid.
    if (k === Kind.WAKING || k === Kind.WAKEUP_NEW) {
      if (a[i]! >>> 0 >= maxCpu) return i;
    } else if (k >= Kind.FORK) {
      if (a[i]! >>> 0 > PID_MAX || (k === Kind.FORK && b.b[i]! >>> 0 > PID_MAX)) return i;
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
  if (k <= Kind.EXEC && b.tid2[i]! >>> 0 > PID_MAX) return msg.damageId('tid2', b.tid2[i]!, PID_MAX);
  if (k === Kind.WAKING || k === Kind.WAKEUP_NEW) return msg.damageCpu('target cpu (a)', b.a[i]!, cpus);
  if (b.a[i]! >>> 0 > PID_MAX) return msg.damageId('tgid (a)', b.a[i]!, PID_MAX);
  return msg.damageId('parent tgid (b)', b.b[i]!, PID_MAX);
}

/** Throws CAPTURE_DAMAGED at the first row out of range; `where` names the part of the file read. */
export function checkRows(path: string, b: EventBatch, cpus: number, where: () => string): void {
  const i = firstBadRow(b, cpus);
  if (i >= 0) throw captureErrors.damaged(path, msg.damageRow(where(), i, badRowReason(b, i, cpus)));
}

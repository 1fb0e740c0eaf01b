/**
 * Wakeups and who caused them: per thread, a count per (source, cause) pair
 * (what ran the wakeup, and the task or interrupt behind it), the spurious
 * (ON_RQ) wakings apart, how many wakeups a naive tool gets wrong
 * (reattributed: run by an interrupt or a kworker's work item, caused by
 * someone other than the task on the CPU) and right (the task on the CPU was the cause), and how many
 * have an unknown cause. Process-level wakers merge task sources and causes
 * by process.
 */
import { causeKnown } from '../engine/causes.js';
import { Columns } from '../engine/columns.js';
import type { Metric, WakeFact } from '../engine/metric.js';
import type { Names } from '../engine/sources.js';
import { byCodeUnit } from '../output/text.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { ProcessMetrics, ThreadMetrics, WakeSource, WakerCount } from '../types.js';

/** A pair's fields in PairCounts.pairs. */
const P_TARGET = 0;
const P_SOURCE = 1;
const P_CAUSE = 2;
const P_COUNT = 3;
const P_STRIDE = 4;

/**
 * Counts per (thread, source key, cause key) in one open-addressing hash table:
 * a wakeup costs one probe whatever the number of sources a thread has.
 * Pairs are kept in arrays in first-seen order, chained per thread, so a
 * thread's sources come back in the order they first woke it.
 */
class PairCounts {
  /** Per pair, side by side (one cache line holds two): thread, source key, cause key, count. */
  private pairs = new Float64Array(1024 * P_STRIDE);
  /** Next pair of the same thread, -1 at the end. */
  private next = new Int32Array(1024);
  /** Slot → pair index + 1, 0 when empty. */
  private slots = new Int32Array(2048);
  /** Per thread: first and last pair, -1 when none. */
  private head = new Int32Array(256).fill(-1);
  private tail = new Int32Array(256).fill(-1);
  size = 0;

  add(th: number, key: number, cause: number): void {
    const mask = this.slots.length - 1;
    const pairs = this.pairs;
    let slot = hashPair(th, key, cause) & mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e === 0) break;
      const at = (e - 1) * P_STRIDE;
      if (pairs[at + P_TARGET] === th && pairs[at + P_SOURCE] === key && pairs[at + P_CAUSE] === cause) {
        pairs[at + P_COUNT]!++;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.insert(th, key, cause, slot);
  }

  private insert(th: number, key: number, cause: number, slot: number): void {
    const e = this.size++;
    if (e === this.next.length) this.growPairs();
    const at = e * P_STRIDE;
    this.pairs[at + P_TARGET] = th;
    this.pairs[at + P_SOURCE] = key;
    this.pairs[at + P_CAUSE] = cause;
    this.pairs[at + P_COUNT] = 1;
    this.next[e] = -1;
    this.slots[slot] = e + 1;
    if (th >= this.head.length) this.growThreads(th);
    if (this.head[th] === -1) this.head[th] = e;
    else this.next[this.tail[th]!] = e;
    this.tail[th] = e;
    if (this.size * 2 > this.slots.length) this.rehash();
  }

  /** Pair indices of one thread, first seen first. */
  *pairsOf(th: number): Iterable<number> {
    if (th >= this.head.length) return;
    for (let e = this.head[th]!; e !== -1; e = this.next[e]!) yield e;
  }

  keyOf(e: number): number {
    return this.pairs[e * P_STRIDE + P_SOURCE]!;
  }

  causeOf(e: number): number {
    return this.pairs[e * P_STRIDE + P_CAUSE]!;
  }

  countOf(e: number): number {
    return this.pairs[e * P_STRIDE + P_COUNT]!;
  }

  private growPairs(): void {
    const pairs = new Float64Array(this.pairs.length * 2);
    pairs.set(this.pairs);
    this.pairs = pairs;
    const next = new Int32Array(this.next.length * 2);
    next.set(this.next);
    this.next = next;
  }

  private growThreads(th: number): void {
    let n = this.head.length;
    while (n <= th) n *= 2;
    const head = new Int32Array(n).fill(-1);
    const tail = new Int32Array(n).fill(-1);
    head.set(this.head);
    tail.set(this.tail);
    this.head = head;
    this.tail = tail;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const pairs = this.pairs;
    for (let e = 0; e < this.size; e++) {
      const at = e * P_STRIDE;
      let slot = hashPair(pairs[at + P_TARGET]!, pairs[at + P_SOURCE]!, pairs[at + P_CAUSE]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
  }
}

/** Mixes a thread index, a source key and a cause key (integer-valued doubles, maybe beyond 32 bits). */
function hashPair(th: number, key: number, cause: number): number {
  const lo = key | 0;
  const hi = (key / 4294967296) | 0;
  const clo = cause | 0;
  const chi = (cause / 4294967296) | 0;
  let h = Math.imul(th, 0x9e3779b1) ^ Math.imul(lo, 0x85ebca6b) ^ Math.imul(hi, 0xc2b2ae35);
  h ^= Math.imul(clo ^ (h >>> 13), 0x27d4eb2f) ^ Math.imul(chi, 0x165667b1);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

/** Per-thread counters, side by side in one Float64Array. */
const WAKEUPS = 0;
const SPURIOUS = 1;
const REATTRIBUTED = 2;
/** Wakeups this thread ran (as a task source) or caused. */
const WOKE = 3;
/** Run by an interrupt, caused by the task that was on the CPU (the naive view was right). */
const ON_CPU_CAUSE = 4;
/** Cause unknown (raise or arming not seen, context unsure). */
const UNKNOWN_CAUSE = 5;
/** Cause named from a softirq run that several different causes raised. */
const SEVERAL = 6;
const STRIDE = 7;

export class Wakers implements Metric {
  private readonly acc = new Columns(STRIDE);
  private readonly pairs = new PairCounts();

  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
  ) {}

  addThread(): void {
    this.acc.push();
  }

  wakeup(f: WakeFact): void {
    const d = this.acc.data;
    const at = f.target * STRIDE;
    if (f.spurious) {
      d[at + SPURIOUS]!++;
      return;
    }
    d[at + WAKEUPS]!++;
    if (f.reattributed) d[at + REATTRIBUTED]!++;
    if (f.onCpuCause) d[at + ON_CPU_CAUSE]!++;
    if (!causeKnown(f.cause)) d[at + UNKNOWN_CAUSE]!++;
    if (f.several) d[at + SEVERAL]!++;
    if (f.waker >= 0) d[f.waker * STRIDE + WOKE]!++;
    if (f.causeTask >= 0 && f.causeTask !== f.waker) d[f.causeTask * STRIDE + WOKE]!++;
    this.pairs.add(f.target, f.source, f.cause);
  }

  /** Any wakeup activity in the window, as target or as waker. */
  active(th: number): boolean {
    return this.acc.get(th, WAKEUPS) + this.acc.get(th, SPURIOUS) + this.acc.get(th, WOKE) > 0;
  }

  /** [source key, cause key, count] of one thread, in the order they first woke it. */
  *sources(th: number): Iterable<[number, number, number]> {
    const pairs = this.pairs;
    for (const e of pairs.pairsOf(th)) yield [pairs.keyOf(e), pairs.causeOf(e), pairs.countOf(e)];
  }

  fillThread(th: number, out: ThreadMetrics): void {
    out.wakeups = this.acc.get(th, WAKEUPS);
    out.spuriousWakeups = this.acc.get(th, SPURIOUS);
    out.reattributed = this.acc.get(th, REATTRIBUTED);
    out.onCpuCause = this.acc.get(th, ON_CPU_CAUSE);
    out.unknownCause = this.acc.get(th, UNKNOWN_CAUSE);
    out.severalRaisers = this.acc.get(th, SEVERAL);
    const list: WakerCount[] = [];
    for (const [key, cause, count] of this.sources(th)) {
      const w: WakerCount = { source: this.names.describe(key, this.threads), count };
      if (cause !== key) w.cause = this.names.describe(cause, this.threads);
      list.push(w);
    }
    out.wakers = sortWakers(list);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let wakeups = 0;
    let spurious = 0;
    let reattributed = 0;
    let onCpuCause = 0;
    let unknownCause = 0;
    let several = 0;
    const merged = new Map<string, WakerCount>();
    for (const th of ths) {
      wakeups += this.acc.get(th, WAKEUPS);
      spurious += this.acc.get(th, SPURIOUS);
      reattributed += this.acc.get(th, REATTRIBUTED);
      onCpuCause += this.acc.get(th, ON_CPU_CAUSE);
      unknownCause += this.acc.get(th, UNKNOWN_CAUSE);
      several += this.acc.get(th, SEVERAL);
      for (const [key, causeKey, count] of this.sources(th)) {
        const source = this.processSource(key);
        const cause = causeKey !== key ? this.processSource(causeKey) : undefined;
        const id = cause === undefined ? sourceId(source) : `${sourceId(source)}<${sourceId(cause)}`;
        const have = merged.get(id);
        if (have !== undefined) have.count += count;
        else merged.set(id, cause === undefined ? { source, count } : { source, cause, count });
      }
    }
    out.wakeups = wakeups;
    out.spuriousWakeups = spurious;
    out.reattributed = reattributed;
    out.onCpuCause = onCpuCause;
    out.unknownCause = unknownCause;
    out.severalRaisers = several;
    out.wakers = sortWakers([...merged.values()]);
  }

  /** A source at process level: task sources become their process. */
  processSource(key: number): WakeSource {
    const s = this.names.describe(key, this.threads);
    if (s.kind !== 'task' || s.tgid === undefined) return s;
    const p: WakeSource = { kind: 'task', tgid: s.tgid, comm: this.threads.processComm(s.tgid) ?? s.comm ?? '' };
    if (s.work !== undefined) p.work = s.work;
    return p;
  }
}

/** A stable identity string of a source, for merging. */
export function sourceId(s: WakeSource): string {
  if (s.kind === 'task') {
    const id = s.tid !== undefined ? `t${s.tid}/${s.tgid ?? ''}/${s.comm ?? ''}` : `p${s.tgid ?? ''}`;
    return s.work !== undefined ? `${id}/${s.work}` : id;
  }
  return `${s.kind}:${s.name ?? ''}`;
}

/** Most wakeups first; ties in the order of their identity strings. */
function sortWakers(list: WakerCount[]): WakerCount[] {
  if (list.length < 2) return list;
  const ids = new Map(list.map((w) => [w, sourceId(w.source)]));
  return list.sort((x, y) => y.count - x.count || byCodeUnit(ids.get(x)!, ids.get(y)!));
}

/**
 * The wakeups of each (thread, source, cause, stack pair) in one table: the waker pairs
 * (wakers.ts: per source and cause) and the sleep-reason groups (sleep-reasons.ts: per stack pair
 * and source) are both read from it when the result is built, so a wakeup costs one probe for
 * the two of them. A row counts the wakeups (spurious ones apart: they count nowhere here) and,
 * once stacks are known, the complete sleeps they ended, in S and in D, with their time asleep.
 *
 * Each reader sees its rows in its own first-seen order: a thread's rows in the order they first
 * woke it (the waker pairs), and its rows with sleeps in the order of their first sleep (the sleep
 * groups), which a row created by a wakeup that ended no measured sleep does not start.
 */
import { Sleep } from '../engine/codes.js';
import type { Metric, WakeFact } from '../engine/metric.js';
import type { Names } from '../engine/sources.js';
import { KeyedRows, ROW_FIELDS, ROW_KEY_A, ROW_KEY_B, ROW_KEY_C } from './keyed-rows.js';

/** A row's keys after its thread: source key, cause key (sources.ts), stack pair. */
export const W_SOURCE = ROW_KEY_A;
export const W_CAUSE = ROW_KEY_B;
export const W_PAIR = ROW_KEY_C;
/** Wakeups (not spurious), then sleeps in S and in D and their time asleep. */
export const W_COUNT = ROW_FIELDS;
export const W_S = ROW_FIELDS + 1;
export const W_D = ROW_FIELDS + 2;
export const W_S_NS = ROW_FIELDS + 3;
export const W_D_NS = ROW_FIELDS + 4;
const W_STRIDE = ROW_FIELDS + 5;

/** A stack pair: sleeper stack · STACK_PAIR + waker stack (stack ids are 16-bit). */
export const STACK_PAIR = 65536;

/** Rows of the table merged by two keys (WakeRows.merge). */
export interface MergedRows {
  a: number;
  b: number;
  sums: number[];
}

export class WakeRows implements Metric {
  private readonly rows = new KeyedRows(W_STRIDE, 1024);
  /** The rows with sleeps, chained per thread in the order of their first sleep: next row, -1 at the end. */
  private sleepNext = new Int32Array(1024);
  private sleepHead = new Int32Array(64).fill(-1);
  private sleepTail = new Int32Array(64).fill(-1);

  constructor(private readonly names: Names) {}

  /** Per row: the keys and the W_* fields; read it after the replay. */
  get data(): Float64Array {
    return this.rows.data;
  }

  wakeup(f: WakeFact): void {
    if (f.spurious) return;
    const at = this.rows.find(f.target, f.source, f.cause, f.sleepStack * STACK_PAIR + f.wakerStack);
    const data = this.rows.data;
    data[at + W_COUNT]!++;
    // STACK rows come before the events that use them: none yet, no stacks in this capture so far
    if (f.sleptNs < 0 || this.names.stack.size === 0) return;
    if (data[at + W_S]! + data[at + W_D]! === 0) this.chainSleep(f.target, at / W_STRIDE);
    if (f.sleepKind === Sleep.D) {
      data[at + W_D]!++;
      data[at + W_D_NS]! += f.sleptNs;
    } else {
      data[at + W_S]!++;
      data[at + W_S_NS]! += f.sleptNs;
    }
  }

  /**
   * Rows (offsets in `data`) merged by their keys `ka` and `kb` (W_SOURCE, W_CAUSE, W_PAIR), in the
   * order each (a, b) is first met in `ats`, with the values of `fields` (W_*) summed in that order.
   */
  merge(ats: readonly number[], ka: number, kb: number, fields: readonly number[]): MergedRows[] {
    const data = this.rows.data;
    const out: MergedRows[] = [];
    const seen = new Map<number, Map<number, MergedRows>>();
    for (const at of ats) {
      const a = data[at + ka]!;
      const b = data[at + kb]!;
      let byB = seen.get(a);
      if (byB === undefined) seen.set(a, (byB = new Map()));
      let m = byB.get(b);
      if (m === undefined) {
        m = { a, b, sums: fields.map(() => 0) };
        byB.set(b, m);
        out.push(m);
      }
      for (let i = 0; i < fields.length; i++) m.sums[i]! += data[at + fields[i]!]!;
    }
    return out;
  }

  /** The offsets in `data` of one thread's rows, in the order they first woke it. */
  rowsOf(th: number): number[] {
    return this.rows.rowsOf(th);
  }

  /** The offsets in `data` of one thread's rows with sleeps, in the order of their first sleep. */
  sleepRowsOf(th: number): number[] {
    const out: number[] = [];
    if (th >= this.sleepHead.length) return out;
    for (let e = this.sleepHead[th]!; e !== -1; e = this.sleepNext[e]!) out.push(e * W_STRIDE);
    return out;
  }

  private chainSleep(th: number, row: number): void {
    if (row >= this.sleepNext.length) {
      const next = new Int32Array(Math.max(row + 1, this.sleepNext.length * 2));
      next.set(this.sleepNext);
      this.sleepNext = next;
    }
    if (th >= this.sleepHead.length) {
      let n = this.sleepHead.length;
      while (n <= th) n *= 2;
      const head = new Int32Array(n).fill(-1);
      const tail = new Int32Array(n).fill(-1);
      head.set(this.sleepHead);
      tail.set(this.sleepTail);
      this.sleepHead = head;
      this.sleepTail = tail;
    }
    this.sleepNext[row] = -1;
    if (this.sleepHead[th] === -1) this.sleepHead[th] = row;
    else this.sleepNext[this.sleepTail[th]!] = row;
    this.sleepTail[th] = row;
  }
}

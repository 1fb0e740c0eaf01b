/**
 * The sleeps of each (thread, sleeper stack, waker stack, source) for the sleep reasons, in one
 * open-addressing hash table of flat arrays: a sleep costs one probe and no allocation, whatever
 * the number of groups. Groups are kept in first-seen order, chained per thread.
 */

import { KeyedRows, ROW_KEY_A, ROW_KEY_B, ROW_THREAD } from './keyed-rows.js';

/** A group's stack pair: sleeper stack · 65536 + waker stack (stack ids are 16-bit). */
export const STACK_PAIR = 65536;

/** A group's fields in SleepGroups.data, side by side (one 64-byte line per group). */
export const G_TARGET = ROW_THREAD;
/** Sleeper stack · STACK_PAIR + waker stack. */
export const G_PAIR = ROW_KEY_A;
/** Source key (sources.ts): an integer-valued double, maybe beyond 32 bits. */
export const G_SOURCE = ROW_KEY_B;
/** Sleeps in S and in D, and their time asleep. */
export const G_S = 3;
export const G_D = 4;
export const G_S_NS = 5;
export const G_D_NS = 6;
const G_STRIDE = 8;

export class SleepGroups {
  private readonly rows = new KeyedRows(G_STRIDE);

  /** Per group: G_STRIDE numbers (G_*); read it after find(), which may grow it. */
  get data(): Float64Array {
    return this.rows.data;
  }

  /** The offset in `data` of the group of (th, pair, source), created empty when new. */
  find(th: number, pair: number, source: number): number {
    return this.rows.find(th, pair, source);
  }

  /**
   * The offsets in `data` of the groups of one thread, by stack pair in the order the pairs were first seen, and within a
   * pair by source in the order first seen (the order of a map of pairs to maps of sources).
   */
  groupsOf(th: number): number[] {
    const list = this.rows.rowsOf(th);
    if (list.length < 3) return list;
    const data = this.data;
    const rank = new Map<number, number>();
    for (const at of list) if (!rank.has(data[at + G_PAIR]!)) rank.set(data[at + G_PAIR]!, rank.size);
    if (rank.size === list.length || rank.size === 1) return list;
    // offsets grow in first-seen order: x - y keeps it within a pair
    return list.sort((x, y) => rank.get(data[x + G_PAIR]!)! - rank.get(data[y + G_PAIR]!)! || x - y);
  }
}

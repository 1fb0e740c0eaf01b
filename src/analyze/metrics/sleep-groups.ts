/**
 * The sleeps of each (thread, sleeper stack, waker stack, source) for the sleep reasons, in one
 * open-addressing hash table of flat arrays: a sleep costs one probe and no allocation, whatever
 * the number of groups. Groups are kept in first-seen order, chained per thread.
 */

/** A group's stack pair: sleeper stack · 65536 + waker stack (stack ids are 16-bit). */
export const STACK_PAIR = 65536;

/** A group's fields in SleepGroups.data, side by side (one 64-byte line per group). */
export const G_TARGET = 0;
/** Sleeper stack · STACK_PAIR + waker stack. */
export const G_PAIR = 1;
/** Source key (sources.ts): an integer-valued double, maybe beyond 32 bits. */
export const G_SOURCE = 2;
/** Sleeps in S and in D, and their time asleep. */
export const G_S = 3;
export const G_D = 4;
export const G_S_NS = 5;
export const G_D_NS = 6;
const G_STRIDE = 8;

export class SleepGroups {
  /** Per group: G_STRIDE numbers (G_*). */
  data = new Float64Array(256 * G_STRIDE);
  /** Next group of the same thread, -1 at the end. */
  private next = new Int32Array(256);
  /** Slot → group index + 1, 0 when empty. */
  private slots = new Int32Array(512);
  /** Per thread: first and last group, -1 when none. */
  private head = new Int32Array(64).fill(-1);
  private tail = new Int32Array(64).fill(-1);
  size = 0;

  /** The offset in `data` of the group of (th, pair, source), created empty when new. */
  find(th: number, pair: number, source: number): number {
    const mask = this.slots.length - 1;
    const data = this.data;
    let slot = hash(th, pair, source) & mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e === 0) break;
      const at = (e - 1) * G_STRIDE;
      if (data[at + G_TARGET] === th && data[at + G_PAIR] === pair && data[at + G_SOURCE] === source) return at;
      slot = (slot + 1) & mask;
    }
    return this.insert(th, pair, source, slot);
  }

  private insert(th: number, pair: number, source: number, slot: number): number {
    const e = this.size++;
    if (e === this.next.length) this.growGroups();
    const at = e * G_STRIDE;
    this.data[at + G_TARGET] = th;
    this.data[at + G_PAIR] = pair;
    this.data[at + G_SOURCE] = source;
    this.next[e] = -1;
    this.slots[slot] = e + 1;
    if (th >= this.head.length) this.growThreads(th);
    if (this.head[th] === -1) this.head[th] = e;
    else this.next[this.tail[th]!] = e;
    this.tail[th] = e;
    if (this.size * 2 > this.slots.length) this.rehash();
    return at;
  }

  /**
   * The offsets in `data` of the groups of one thread, by stack pair in the order the pairs were first seen, and within a
   * pair by source in the order first seen (the order of a map of pairs to maps of sources).
   */
  groupsOf(th: number): number[] {
    const list: number[] = [];
    if (th >= this.head.length) return list;
    for (let e = this.head[th]!; e !== -1; e = this.next[e]!) list.push(e * G_STRIDE);
    if (list.length < 3) return list;
    const data = this.data;
    const rank = new Map<number, number>();
    for (const at of list) if (!rank.has(data[at + G_PAIR]!)) rank.set(data[at + G_PAIR]!, rank.size);
    if (rank.size === list.length || rank.size === 1) return list;
    // offsets grow in first-seen order: x - y keeps it within a pair
    return list.sort((x, y) => rank.get(data[x + G_PAIR]!)! - rank.get(data[y + G_PAIR]!)! || x - y);
  }

  private growGroups(): void {
    const data = new Float64Array(this.data.length * 2);
    data.set(this.data);
    this.data = data;
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
    const data = this.data;
    for (let e = 0; e < this.size; e++) {
      const at = e * G_STRIDE;
      let slot = hash(data[at + G_TARGET]!, data[at + G_PAIR]!, data[at + G_SOURCE]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
  }
}

/** Mixes a thread index, a stack pair (below 2^32) and a source key (an integer-valued double, maybe beyond 32 bits). */
function hash(th: number, pair: number, source: number): number {
  const lo = source | 0;
  const hi = (source / 4294967296) | 0;
  let h = Math.imul(th, 0x9e3779b1) ^ Math.imul(pair | 0, 0x85ebca6b) ^ Math.imul(hi, 0xc2b2ae35);
  h ^= Math.imul(lo ^ (h >>> 13), 0x27d4eb2f);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

/**
 * The sleeps of each (thread, sleeper stack, waker stack, source) for the sleep reasons, in one
 * open-addressing hash table of flat arrays: a sleep costs one probe and no allocation, whatever
 * the number of groups. Groups are kept in first-seen order, chained per thread.
 */

/** A group's stack pair: sleeper stack · 65536 + waker stack (stack ids are 16-bit). */
export const STACK_PAIR = 65536;

export class SleepGroups {
  private target = new Int32Array(256);
  /** Sleeper stack · STACK_PAIR + waker stack. */
  pair = new Float64Array(256);
  /** Source key (sources.ts): an integer-valued double, maybe beyond 32 bits. */
  source = new Float64Array(256);
  /** Sleeps in S and in D, and their time asleep. */
  s = new Float64Array(256);
  d = new Float64Array(256);
  sNs = new Float64Array(256);
  dNs = new Float64Array(256);
  /** Next group of the same thread, -1 at the end. */
  private next = new Int32Array(256);
  /** Slot → group index + 1, 0 when empty. */
  private slots = new Int32Array(512);
  /** Per thread: first and last group, -1 when none. */
  private head = new Int32Array(64).fill(-1);
  private tail = new Int32Array(64).fill(-1);
  size = 0;

  /** The group of (th, pair, source), created empty when new. */
  find(th: number, pair: number, source: number): number {
    const mask = this.slots.length - 1;
    let slot = hash(th, pair, source) & mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e === 0) break;
      if (this.target[e - 1] === th && this.pair[e - 1] === pair && this.source[e - 1] === source) return e - 1;
      slot = (slot + 1) & mask;
    }
    return this.insert(th, pair, source, slot);
  }

  private insert(th: number, pair: number, source: number, slot: number): number {
    const e = this.size++;
    if (e === this.target.length) this.growGroups();
    this.target[e] = th;
    this.pair[e] = pair;
    this.source[e] = source;
    this.next[e] = -1;
    this.slots[slot] = e + 1;
    if (th >= this.head.length) this.growThreads(th);
    if (this.head[th] === -1) this.head[th] = e;
    else this.next[this.tail[th]!] = e;
    this.tail[th] = e;
    if (this.size * 2 > this.slots.length) this.rehash();
    return e;
  }

  /**
   * The groups of one thread, by stack pair in the order the pairs were first seen, and within a
   * pair by source in the order first seen (the order of a map of pairs to maps of sources).
   */
  groupsOf(th: number): number[] {
    const list: number[] = [];
    if (th >= this.head.length) return list;
    for (let e = this.head[th]!; e !== -1; e = this.next[e]!) list.push(e);
    if (list.length < 3) return list;
    const rank = new Map<number, number>();
    for (const e of list) if (!rank.has(this.pair[e]!)) rank.set(this.pair[e]!, rank.size);
    if (rank.size === list.length || rank.size === 1) return list;
    // group indices grow in first-seen order: x - y keeps it within a pair
    return list.sort((x, y) => rank.get(this.pair[x]!)! - rank.get(this.pair[y]!)! || x - y);
  }

  private growGroups(): void {
    const n = this.target.length * 2;
    const grow = <T extends Int32Array | Float64Array>(old: T, make: (k: number) => T): T => {
      const a = make(n);
      a.set(old);
      return a;
    };
    const f64 = (k: number) => new Float64Array(k);
    this.target = grow(this.target, (k) => new Int32Array(k));
    this.next = grow(this.next, (k) => new Int32Array(k));
    this.pair = grow(this.pair, f64);
    this.source = grow(this.source, f64);
    this.s = grow(this.s, f64);
    this.d = grow(this.d, f64);
    this.sNs = grow(this.sNs, f64);
    this.dNs = grow(this.dNs, f64);
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
    for (let e = 0; e < this.size; e++) {
      let slot = hash(this.target[e]!, this.pair[e]!, this.source[e]!) & mask;
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

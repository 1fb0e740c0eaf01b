/**
 * Rows of numbers keyed by (thread, key, key, key) in one open-addressing hash table of flat
 * arrays: finding a row costs one probe and no allocation, whatever the number of rows. A row is
 * `stride` doubles side by side (the four keys first, then the caller's fields, zero when the row
 * is new). Rows are kept in first-seen order, chained per thread, so a thread's rows come back in
 * the order they were first seen. The row a thread last found is tried before the hash: a thread
 * woken again the same way (a pipe's reader by its writer) finds it without a probe. The wakeup
 * table (wake-rows.ts) is such a table.
 */

/** A row's keys: its thread, then three integer-valued doubles (maybe beyond 32 bits). */
export const ROW_THREAD = 0;
export const ROW_KEY_A = 1;
export const ROW_KEY_B = 2;
export const ROW_KEY_C = 3;
/** The first field after the keys. */
export const ROW_FIELDS = 4;

export class KeyedRows {
  /** Per row: `stride` numbers. */
  data: Float64Array;
  /** Next row of the same thread, -1 at the end. */
  private next: Int32Array;
  /** Slot → row index + 1, 0 when empty. */
  private slots: Int32Array;
  /** Per thread: first and last row, -1 when none; the row it last found + 1, 0 when none. */
  private head = new Int32Array(64).fill(-1);
  private tail = new Int32Array(64).fill(-1);
  private last = new Int32Array(64);
  size = 0;

  constructor(
    readonly stride: number,
    rows = 256,
  ) {
    this.data = new Float64Array(rows * stride);
    this.next = new Int32Array(rows);
    this.slots = new Int32Array(rows * 2);
  }

  /** The offset in `data` of the row of (th, a, b, c), made (its fields 0) when new. */
  find(th: number, a: number, b: number, c: number): number {
    const data = this.data;
    const stride = this.stride;
    if (th < this.last.length) {
      const e = this.last[th]!;
      if (e !== 0) {
        const at = (e - 1) * stride;
        if (data[at + ROW_KEY_A] === a && data[at + ROW_KEY_B] === b && data[at + ROW_KEY_C] === c) return at;
      }
    }
    const mask = this.slots.length - 1;
    let slot = hash(th, a, b, c) & mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e === 0) break;
      const at = (e - 1) * stride;
      if (
        data[at + ROW_THREAD] === th &&
        data[at + ROW_KEY_A] === a &&
        data[at + ROW_KEY_B] === b &&
        data[at + ROW_KEY_C] === c
      ) {
        this.last[th] = e;
        return at;
      }
      slot = (slot + 1) & mask;
    }
    return this.insert(th, a, b, c, slot);
  }

  private insert(th: number, a: number, b: number, c: number, slot: number): number {
    const e = this.size++;
    if (e === this.next.length) this.growRows();
    const at = e * this.stride;
    this.data[at + ROW_THREAD] = th;
    this.data[at + ROW_KEY_A] = a;
    this.data[at + ROW_KEY_B] = b;
    this.data[at + ROW_KEY_C] = c;
    this.next[e] = -1;
    this.slots[slot] = e + 1;
    if (th >= this.head.length) this.growThreads(th);
    if (this.head[th] === -1) this.head[th] = e;
    else this.next[this.tail[th]!] = e;
    this.tail[th] = e;
    this.last[th] = e + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return at;
  }

  /** The offsets in `data` of one thread's rows, first seen first. */
  rowsOf(th: number): number[] {
    const out: number[] = [];
    if (th >= this.head.length) return out;
    for (let e = this.head[th]!; e !== -1; e = this.next[e]!) out.push(e * this.stride);
    return out;
  }

  private growRows(): void {
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
    const last = new Int32Array(n);
    head.set(this.head);
    tail.set(this.tail);
    last.set(this.last);
    this.head = head;
    this.tail = tail;
    this.last = last;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const data = this.data;
    for (let e = 0; e < this.size; e++) {
      const at = e * this.stride;
      let slot =
        hash(data[at + ROW_THREAD]!, data[at + ROW_KEY_A]!, data[at + ROW_KEY_B]!, data[at + ROW_KEY_C]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
  }
}

/** 2^-32: a key's high word is key · TO_HIGH, exact (a power of two), and a multiplication is cheaper than a division. */
const TO_HIGH = 1 / 4294967296;

/** Mixes a thread index and three keys (integer-valued doubles, maybe beyond 32 bits). */
function hash(th: number, a: number, b: number, c: number): number {
  let h = Math.imul(th, 0x9e3779b1) ^ Math.imul(a | 0, 0x85ebca6b) ^ Math.imul((a * TO_HIGH) | 0, 0xc2b2ae35);
  h ^= Math.imul((b | 0) ^ (h >>> 13), 0x27d4eb2f) ^ Math.imul((b * TO_HIGH) | 0, 0x165667b1);
  h ^= Math.imul((c | 0) ^ (h >>> 16), 0x85ebca77) ^ Math.imul((c * TO_HIGH) | 0, 0x9e3779b9);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

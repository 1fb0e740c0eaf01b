/**
 * Per-thread numbers in flat typed arrays, `stride` values per thread side by
 * side: one cache line per thread and module instead of objects with boxed
 * doubles (V8 keeps a double field of an object in a separate heap number).
 */
export class Columns {
  data: Float64Array;
  size = 0;

  constructor(readonly stride: number) {
    this.data = new Float64Array(stride * 64);
  }

  /** Adds a zeroed row; returns its index. */
  push(): number {
    const row = this.size++;
    if (row * this.stride >= this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    return row;
  }

  get(row: number, field: number): number {
    return this.data[row * this.stride + field]!;
  }
}

/**
 * Bounded distribution of durations: exact while small, log-bucketed after.
 *
 * The first EXACT_LIMIT values are kept as they are, so small samples give
 * exact percentiles. Beyond that they move into log-linear buckets (as in
 * HdrHistogram): each power of two is cut into SUB = 64 equal buckets, and a
 * bucket reports its midpoint, so a percentile read from a bucket is within
 * 1 / (2 · SUB) ≈ 0.78 % of the true value. The bucket of a value comes from
 * the bits of its IEEE-754 representation (exponent and the top mantissa
 * bits): no logarithm in the hot path. Memory is O(EXACT_LIMIT + SUB ·
 * log2(max / min)) whatever the number of values. Count, total, mean and max
 * are always exact. Percentiles use the nearest-rank definition: the p-th
 * percentile is the ⌈p·n⌉-th smallest value.
 */
export const EXACT_LIMIT = 256;
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
const SCRATCH = new Float64Array(1);
const SCRATCH_WORDS = new Uint32Array(SCRATCH.buffer);
/** Index of the high 32-bit word (sign, exponent, top of mantissa). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

export class Distribution {
  count = 0;
  total = 0;
  max = 0;
  private exact: Float64Array | null = null;
  /** Log buckets: counts[i] is bucket index (offset + i). */
  private counts: Uint32Array | null = null;
  private offset = 0;
  /** Values ≤ 0 (kept apart: the log is undefined there). */
  private zeros = 0;

  add(v: number): void {
    this.count++;
    this.total += v;
    if (v > this.max) this.max = v;
    if (this.counts === null) {
      if (this.exact === null) this.exact = new Float64Array(16);
      const n = this.count - 1;
      if (n < EXACT_LIMIT) {
        if (n === this.exact.length) {
          const grown = new Float64Array(Math.min(EXACT_LIMIT, n * 2));
          grown.set(this.exact);
          this.exact = grown;
        }
        this.exact[n] = v;
        return;
      }
      this.toBuckets(n);
    }
    this.bucketAdd(v, 1);
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  /** Nearest-rank percentile, p in [0, 1]; 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(p * this.count));
    if (this.counts === null) {
      const sorted = this.exact!.slice(0, this.count).sort();
      return sorted[rank - 1]!;
    }
    let seen = this.zeros;
    if (seen >= rank) return 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= rank) return Math.min(this.max, bucketValue(this.offset + i));
    }
    return this.max;
  }

  /** Adds every value of `other` to this distribution. */
  merge(other: Distribution): void {
    if (other.count === 0) return;
    if (other.counts === null) {
      const values = other.exact!;
      for (let i = 0; i < other.count; i++) this.add(values[i]!);
      return;
    }
    if (this.counts === null) this.toBuckets(this.count);
    this.count += other.count;
    this.total += other.total;
    if (other.max > this.max) this.max = other.max;
    this.zeros += other.zeros;
    const oc = other.counts;
    for (let i = 0; i < oc.length; i++) {
      const c = oc[i]!;
      if (c !== 0) this.bucketIndexAdd(other.offset + i, c);
    }
  }

  /** Moves the first n exact values into buckets. */
  private toBuckets(n: number): void {
    const values = this.exact;
    this.exact = null;
    this.counts = new Uint32Array(0);
    if (values === null) return;
    for (let i = 0; i < n; i++) this.bucketAdd(values[i]!, 1);
  }

  private bucketAdd(v: number, c: number): void {
    if (v <= 0) {
      this.zeros += c;
      return;
    }
    SCRATCH[0] = v;
    const hi = SCRATCH_WORDS[HI]!;
    this.bucketIndexAdd((((hi >>> 20) & 0x7ff) - 1023) * SUB + ((hi >>> (20 - SUB_BITS)) & (SUB - 1)), c);
  }

  private bucketIndexAdd(index: number, c: number): void {
    let counts = this.counts!;
    if (counts.length === 0) {
      counts = this.counts = new Uint32Array(8);
      this.offset = index;
    } else if (index < this.offset) {
      const grow = Math.max(this.offset - index, 8);
      const grown = new Uint32Array(counts.length + grow);
      grown.set(counts, grow);
      counts = this.counts = grown;
      this.offset -= grow;
    } else if (index >= this.offset + counts.length) {
      const grown = new Uint32Array(Math.max(index - this.offset + 1, counts.length * 2));
      grown.set(counts);
      counts = this.counts = grown;
    }
    counts[index - this.offset]! += c;
  }
}

/** Midpoint of bucket i: within 1 / (2 · SUB) of every value it holds. */
function bucketValue(i: number): number {
  const sub = ((i % SUB) + SUB) % SUB;
  const exp = (i - sub) / SUB;
  return Math.pow(2, exp) * (1 + (sub + 0.5) / SUB);
}

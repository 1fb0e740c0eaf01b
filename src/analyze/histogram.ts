/**
 * Bounded distribution of durations: exact while small, log-bucketed after.
 *
 * The first EXACT_LIMIT values are kept as they are, so small samples give
 * exact percentiles. Beyond that they move into logarithmic buckets of ratio
 * γ = (1 + α) / (1 - α) with α = 1 %: a percentile read from a bucket is
 * within 1 % of the true value (the DDSketch construction). Memory is
 * O(EXACT_LIMIT + log_γ(max / min)) whatever the number of values. Count,
 * total, mean and max are always exact. Percentiles use the nearest-rank
 * definition: p-th percentile = the ⌈p·n⌉-th smallest value.
 */
export const EXACT_LIMIT = 256;
const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LOG_GAMMA = Math.log(GAMMA);

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
    this.bucketIndexAdd(Math.ceil(Math.log(v) / LOG_GAMMA), c);
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

/** Representative value of bucket i: within α of every value it holds. */
function bucketValue(i: number): number {
  return (2 * Math.pow(GAMMA, i)) / (GAMMA + 1);
}

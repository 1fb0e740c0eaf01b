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

  /** A distribution holding exactly the given state (see DistSet.get). */
  static restore(count: number, total: number, max: number, zeros: number, exact: Float64Array | null): Distribution {
    const d = new Distribution();
    d.count = count;
    d.total = total;
    d.max = max;
    d.zeros = zeros;
    if (exact !== null) d.exact = exact;
    else d.counts = new Uint32Array(0);
    return d;
  }

  /** Adds the bucket counts of `other` (count, total and max are the caller's). */
  mergeBuckets(other: Distribution): void {
    const oc = other.counts;
    if (oc === null) return;
    for (let i = 0; i < oc.length; i++) if (oc[i] !== 0) this.bucketIndexAdd(other.offset + i, oc[i]!);
  }

  /** Adds c values to bucket `index` (restoring a bucketed distribution; count is kept by the caller). */
  addBucket(index: number, c: number): void {
    this.bucketIndexAdd(index, c);
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

/** Bucket index of a value > 0 (exponent · SUB + top mantissa bits). */
export function bucketOf(v: number): number {
  SCRATCH[0] = v;
  const hi = SCRATCH_WORDS[HI]!;
  return (((hi >>> 20) & 0x7ff) - 1023) * SUB + ((hi >>> (20 - SUB_BITS)) & (SUB - 1));
}

/** Octaves (powers of two) a DistSet holds in its arena: 2^OCT_MIN ≤ v < 2^(OCT_MIN + OCTAVES). */
const OCT_MIN = -64;
const OCTAVES = 128;
/** Header fields per distribution in DistSet.hdr. */
const H_COUNT = 0;
const H_TOTAL = 1;
const H_MAX = 2;
const H_ZEROS = 3;
const HDR = 4;

/**
 * Many Distributions (one per thread) in flat typed arrays, with exactly the
 * semantics of Distribution (the same exact values, buckets and answers):
 * the replay adds to it without touching per-thread objects. Count, total,
 * max and zeros sit side by side in one Float64Array; the exact values of
 * each distribution are one Float64Array (up to EXACT_LIMIT); buckets are
 * blocks of SUB Uint32 counters, one block per power of two actually used,
 * taken from one shared arena. `get(d)` builds the Distribution for results.
 */
export class DistSet {
  private hdr = new Float64Array(HDR * 64);
  private readonly exact: Array<Float64Array | null> = [];
  /** Per distribution and octave: offset of its bucket block in the arena, -1 when none. */
  private octave = new Int32Array(OCTAVES * 64).fill(-1);
  private arena = new Uint32Array(SUB * 256);
  private arenaUsed = 0;
  /** Values outside the arena's octaves (never seen in practice), per distribution. */
  private readonly outliers = new Map<number, Distribution>();
  size = 0;

  /** Adds a distribution; returns its index. */
  push(): number {
    const d = this.size++;
    if (d * HDR >= this.hdr.length) {
      const h = new Float64Array(this.hdr.length * 2);
      h.set(this.hdr);
      this.hdr = h;
      const o = new Int32Array(this.octave.length * 2).fill(-1);
      o.set(this.octave);
      this.octave = o;
    }
    this.exact.push(null);
    return d;
  }

  count(d: number): number {
    return this.hdr[d * HDR + H_COUNT]!;
  }

  add(d: number, v: number): void {
    const hdr = this.hdr;
    const h = d * HDR;
    const n = hdr[h + H_COUNT]!;
    hdr[h + H_COUNT] = n + 1;
    hdr[h + H_TOTAL]! += v;
    if (v > hdr[h + H_MAX]!) hdr[h + H_MAX] = v;
    if (n < EXACT_LIMIT) {
      let ex = this.exact[d]!;
      if (ex === null) ex = this.exact[d] = new Float64Array(16);
      else if (n === ex.length) {
        const grown = new Float64Array(Math.min(EXACT_LIMIT, n * 2));
        grown.set(ex);
        ex = this.exact[d] = grown;
      }
      ex[n] = v;
      return;
    }
    if (n === EXACT_LIMIT) {
      const ex = this.exact[d]!;
      this.exact[d] = null;
      for (let i = 0; i < EXACT_LIMIT; i++) this.bucketAdd(d, ex[i]!);
    }
    this.bucketAdd(d, v);
  }

  private bucketAdd(d: number, v: number): void {
    if (v <= 0) {
      this.hdr[d * HDR + H_ZEROS]!++;
      return;
    }
    const index = bucketOf(v);
    const oct = (index >> SUB_BITS) - OCT_MIN;
    if (oct < 0 || oct >= OCTAVES) {
      this.outlier(d, index);
      return;
    }
    const slot = d * OCTAVES + oct;
    let base = this.octave[slot]!;
    if (base < 0) base = this.newBlock(slot);
    this.arena[base + (index & (SUB - 1))]!++;
  }

  private newBlock(slot: number): number {
    const base = this.arenaUsed;
    if (base + SUB > this.arena.length) {
      const grown = new Uint32Array(this.arena.length * 2);
      grown.set(this.arena);
      this.arena = grown;
    }
    this.arenaUsed = base + SUB;
    this.octave[slot] = base;
    return base;
  }

  private outlier(d: number, index: number): void {
    let o = this.outliers.get(d);
    if (o === undefined) {
      o = Distribution.restore(0, 0, 0, 0, null);
      this.outliers.set(d, o);
    }
    o.addBucket(index, 1);
  }

  /** Distribution d as a Distribution (for percentiles and merging). */
  get(d: number): Distribution {
    const h = d * HDR;
    const count = this.hdr[h + H_COUNT]!;
    const total = this.hdr[h + H_TOTAL]!;
    const max = this.hdr[h + H_MAX]!;
    if (count <= EXACT_LIMIT) {
      const ex = this.exact[d] ?? null;
      return Distribution.restore(count, total, max, 0, ex === null ? null : ex.slice(0, Math.max(count, 0)));
    }
    const out = Distribution.restore(count, total, max, this.hdr[h + H_ZEROS]!, null);
    const o = this.outliers.get(d);
    if (o !== undefined) out.mergeBuckets(o);
    for (let oct = 0; oct < OCTAVES; oct++) {
      const base = this.octave[d * OCTAVES + oct]!;
      if (base < 0) continue;
      for (let i = 0; i < SUB; i++) {
        const c = this.arena[base + i]!;
        if (c !== 0) out.addBucket((oct + OCT_MIN) * SUB + i, c);
      }
    }
    return out;
  }
}

/** Midpoint of bucket i: within 1 / (2 · SUB) of every value it holds. */
function bucketValue(i: number): number {
  const sub = ((i % SUB) + SUB) % SUB;
  const exp = (i - sub) / SUB;
  return Math.pow(2, exp) * (1 + (sub + 0.5) / SUB);
}

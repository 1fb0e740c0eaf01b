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
 *
 * Distribution is the reference for these semantics, one object per
 * distribution; the replay keeps its distributions in a DistSet (below),
 * which answers exactly as Distribution does (the tests hold them side by
 * side, through DistSet.get).
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
  static restore(
    count: number,
    total: number,
    max: number,
    zeros: number,
    exact: Float64Array | null,
    bucketed: boolean,
  ): Distribution {
    const d = new Distribution();
    d.count = count;
    d.total = total;
    d.max = max;
    d.zeros = zeros;
    if (bucketed) d.counts = new Uint32Array(0);
    else if (count > 0) d.exact = exact;
    return d;
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

/** Per distribution in DistSet.hdr: one 64-byte line. */
const H_COUNT = 0;
const H_TOTAL = 1;
const H_MAX = 2;
const H_ZEROS = 3;
/** Offset of the exact values in the exact arena, -1 before the first value. */
const H_EXACT = 4;
/** Offset of the bucket block in the bucket arena, -1 while exact. */
const H_BUCKETS = 5;
/** First octave of the bucket block, and how many octaves it spans. */
const H_OCT_LO = 6;
const H_OCT_N = 7;
const HDR = 8;
const FIRST_EXACT = 16;
/** Octaves added beyond the one needed when a bucket block grows. */
const OCT_SLACK = 2;
/**
 * Values a DistSet logs before it applies them (see DistSet.add): about LOG_PER_DIST per
 * distribution, a power of two from LOG_MIN to LOG_MAX (5 MiB of log and scratch at most). A
 * distribution's buckets span some 90 cache lines; with a few hundred values per group most
 * lines are reused (warm replay, 1.2 M events, 860 distributions: 16 K values 126 ns/event,
 * 64 K 130, 256 K 108, 1 M 112).
 */
const LOG_PER_DIST = 256;
const LOG_MIN = 1 << 14;
const LOG_MAX = 1 << 18;
/**
 * Below this many bytes of exact values and buckets, values are added at once: the arenas stay in
 * cache, and grouping would only cost (a 4.5 M-event pipe capture with two busy threads: settle
 * was 5 % of its profile).
 */
const LOG_FROM_BYTES = 512 * 1024;

/** The numbers reported for one distribution (or the merge of several). */
export interface DistSummary {
  count: number;
  total: number;
  mean: number;
  max: number;
  p50: number;
  p95: number;
}

/**
 * Many Distributions (one per thread and metric) in flat typed arrays, with
 * exactly the semantics of Distribution (the same exact values, buckets and
 * answers), so the replay adds to it without touching objects. Each
 * distribution has a 64-byte header (count, total, max, zeros and where its
 * data is); its first EXACT_LIMIT values sit in a block of a shared
 * Float64Array (grown by doubling), after which its buckets are one
 * contiguous block of SUB counters per octave, covering the octaves its
 * values have reached (with OCT_SLACK to spare), in a shared Uint32Array.
 * An add touches the header and one data line. Blocks outgrown are left
 * behind: a few kilobytes per distribution, whatever the number of values.
 */
export class DistSet {
  private hdr = new Float64Array(HDR * 64);
  private exact = new Float64Array(FIRST_EXACT * 64);
  private exactUsed = 0;
  private buckets = new Uint32Array(SUB * 256);
  private bucketsUsed = 0;
  /**
   * Blocks outgrown, for reuse: exact blocks by log2 of their capacity, bucket blocks by
   * octaves. The arenas then hold about what is live, and grow (a copy) far less often.
   */
  private readonly freeExact: number[][] = [];
  private readonly freeBuckets: number[][] = [];
  /** Values added and not yet applied: distribution and value (see add). */
  private logD = new Int32Array(LOG_MIN);
  private logV = new Float64Array(LOG_MIN);
  private logN = 0;
  /** Whether add() logs (the arenas outgrew LOG_FROM_BYTES) or adds at once. */
  private logging = false;
  /** The logged values grouped by distribution, and where each group ends (settle's scratch). */
  private grouped = new Float64Array(LOG_MIN);
  private ends = new Int32Array(64);
  size = 0;

  /** Adds a distribution; returns its index. */
  push(): number {
    const d = this.size++;
    if ((d + 1) * HDR > this.hdr.length) {
      const h = new Float64Array(this.hdr.length * 2);
      h.set(this.hdr);
      this.hdr = h;
    }
    this.hdr[d * HDR + H_EXACT] = -1;
    this.hdr[d * HDR + H_BUCKETS] = -1;
    return d;
  }

  count(d: number): number {
    this.settle();
    return this.hdr[d * HDR + H_COUNT]!;
  }

  /**
   * Adds v to distribution d. The value is appended to a log first; the log is applied when full
   * or before any read, grouped by distribution (a counting sort, stable, so each distribution
   * takes its values in the order they came, and ends exactly as if each had been added at once).
   * Added one by one, each value touched its distribution's header and a line of its buckets
   * somewhere in megabytes of them (a cache miss for most); applied by group, a distribution's
   * lines are touched many times in a row. While the arenas are small (LOG_FROM_BYTES), values
   * are added at once.
   */
  add(d: number, v: number): void {
    if (!this.logging) {
      this.addNow(d, v);
      return;
    }
    const n = this.logN;
    this.logD[n] = d;
    this.logV[n] = v;
    this.logN = n + 1;
    if (n + 1 === this.logD.length) this.settle();
  }

  /** Applies the logged values (see add). */
  private settle(): void {
    const n = this.logN;
    if (n === 0) return;
    this.logN = 0;
    const size = this.size;
    if (this.ends.length < size + 1) this.ends = new Int32Array(Math.max(size + 1, this.ends.length * 2));
    const ends = this.ends;
    ends.fill(0, 0, size + 1);
    const ids = this.logD;
    const vals = this.logV;
    const grouped = this.grouped;
    for (let i = 0; i < n; i++) ends[ids[i]! + 1]!++;
    for (let d = 0; d < size; d++) ends[d + 1]! += ends[d]!;
    // ends[d] is where d's group starts; after the scatter, where it ends
    for (let i = 0; i < n; i++) grouped[ends[ids[i]!]!++] = vals[i]!;
    let k = 0;
    for (let d = 0; d < size; d++) for (const end = ends[d]!; k < end; k++) this.addNow(d, grouped[k]!);
    const cap = Math.min(LOG_MAX, Math.max(LOG_MIN, 2 ** Math.ceil(Math.log2(size * LOG_PER_DIST))));
    if (cap !== this.logD.length) {
      this.logD = new Int32Array(cap);
      this.logV = new Float64Array(cap);
      this.grouped = new Float64Array(cap);
    }
  }

  /** Whether the arenas outgrew LOG_FROM_BYTES (from then on, add() logs). */
  private outgrown(): boolean {
    return this.exactUsed * 8 + this.bucketsUsed * 4 > LOG_FROM_BYTES;
  }

  private addNow(d: number, v: number): void {
    const hdr = this.hdr;
    const h = d * HDR;
    const n = hdr[h + H_COUNT]!;
    hdr[h + H_COUNT] = n + 1;
    hdr[h + H_TOTAL]! += v;
    if (v > hdr[h + H_MAX]!) hdr[h + H_MAX] = v;
    if (n < EXACT_LIMIT) {
      let base = hdr[h + H_EXACT]!;
      // Capacities are FIRST_EXACT, then doubled at each power of two up to EXACT_LIMIT.
      if (base < 0 || (n >= FIRST_EXACT && (n & (n - 1)) === 0)) base = this.growExact(h, base, n);
      this.exact[base + n] = v;
      return;
    }
    if (n === EXACT_LIMIT) this.toBuckets(h);
    this.bucketAdd(h, v);
  }

  /** Moves the EXACT_LIMIT exact values of the distribution at header h into buckets (the exact block is free after). */
  private toBuckets(h: number): void {
    const base = this.hdr[h + H_EXACT]!;
    for (let i = 0; i < EXACT_LIMIT; i++) this.bucketAdd(h, this.exact[base + i]!);
    freeBlock(this.freeExact, Math.log2(EXACT_LIMIT), base);
  }

  private growExact(h: number, base: number, n: number): number {
    const cap = n === 0 ? FIRST_EXACT : n * 2;
    let next = takeBlock(this.freeExact, Math.log2(cap));
    if (next < 0) {
      this.exact = withRoom(this.exact, this.exactUsed, cap, (k) => new Float64Array(k));
      next = this.exactUsed;
      this.exactUsed += cap;
      this.logging = this.outgrown();
    }
    if (base >= 0) {
      this.exact.copyWithin(next, base, base + n);
      freeBlock(this.freeExact, Math.log2(n), base);
    }
    this.hdr[h + H_EXACT] = next;
    return next;
  }

  private bucketAdd(h: number, v: number): void {
    const hdr = this.hdr;
    if (v <= 0) {
      hdr[h + H_ZEROS]!++;
      return;
    }
    const index = bucketOf(v);
    const oct = index >> SUB_BITS;
    let base = hdr[h + H_BUCKETS]!;
    const lo = hdr[h + H_OCT_LO]!;
    if (base < 0 || oct < lo || oct >= lo + hdr[h + H_OCT_N]!) base = this.growBuckets(h, oct);
    this.buckets[base + (oct - hdr[h + H_OCT_LO]!) * SUB + (index & (SUB - 1))]!++;
  }

  /** A bucket block that also covers octave `oct`, with the old counts copied in. */
  private growBuckets(h: number, oct: number): number {
    const hdr = this.hdr;
    const oldBase = hdr[h + H_BUCKETS]!;
    const oldLo = hdr[h + H_OCT_LO]!;
    const oldN = oldBase < 0 ? 0 : hdr[h + H_OCT_N]!;
    const lo = oldN === 0 ? oct - OCT_SLACK : Math.min(oldLo, oct - OCT_SLACK);
    const hi = oldN === 0 ? oct + OCT_SLACK + 1 : Math.max(oldLo + oldN, oct + OCT_SLACK + 1);
    const size = (hi - lo) * SUB;
    let base = takeBlock(this.freeBuckets, hi - lo);
    if (base >= 0) this.buckets.fill(0, base, base + size);
    else {
      this.buckets = withRoom(this.buckets, this.bucketsUsed, size, (k) => new Uint32Array(k));
      base = this.bucketsUsed;
      this.bucketsUsed += size;
      this.logging = this.outgrown();
    }
    if (oldN > 0) {
      this.buckets.copyWithin(base + (oldLo - lo) * SUB, oldBase, oldBase + oldN * SUB);
      freeBlock(this.freeBuckets, oldN, oldBase);
    }
    hdr[h + H_BUCKETS] = base;
    hdr[h + H_OCT_LO] = lo;
    hdr[h + H_OCT_N] = hi - lo;
    return base;
  }

  /** Distribution d as a Distribution (for tests and merging with others). */
  get(d: number): Distribution {
    this.settle();
    const h = d * HDR;
    const hdr = this.hdr;
    const count = hdr[h + H_COUNT]!;
    if (count <= EXACT_LIMIT) {
      const base = hdr[h + H_EXACT]!;
      const values = base < 0 ? null : this.exact.slice(base, base + count);
      return Distribution.restore(count, hdr[h + H_TOTAL]!, hdr[h + H_MAX]!, 0, values, false);
    }
    const out = Distribution.restore(count, hdr[h + H_TOTAL]!, hdr[h + H_MAX]!, hdr[h + H_ZEROS]!, null, true);
    const base = hdr[h + H_BUCKETS]!;
    const lo = hdr[h + H_OCT_LO]!;
    const n = hdr[h + H_OCT_N]! * SUB;
    for (let i = 0; i < n; i++) {
      const c = this.buckets[base + i]!;
      if (c !== 0) out.addBucket(lo * SUB + i, c);
    }
    return out;
  }

  /** Count, total, mean, max, p50 and p95 of distribution d. */
  summary(d: number): DistSummary {
    return this.summaryOf([d]);
  }

  /**
   * The same numbers for the merge of several distributions, as
   * Distribution.merge would give them: exact while the values together fit
   * the exact limit, from the summed buckets beyond.
   */
  summaryOf(ds: readonly number[]): DistSummary {
    this.settle();
    const hdr = this.hdr;
    let count = 0;
    let total = 0;
    let max = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const d of ds) {
      const h = d * HDR;
      const n = hdr[h + H_COUNT]!;
      if (n === 0) continue;
      count += n;
      total += hdr[h + H_TOTAL]!;
      if (hdr[h + H_MAX]! > max) max = hdr[h + H_MAX]!;
      if (n > EXACT_LIMIT) {
        lo = Math.min(lo, hdr[h + H_OCT_LO]!);
        hi = Math.max(hi, hdr[h + H_OCT_LO]! + hdr[h + H_OCT_N]!);
      }
    }
    const out: DistSummary = { count, total, mean: count === 0 ? 0 : total / count, max, p50: 0, p95: 0 };
    if (count === 0) return out;
    if (count <= EXACT_LIMIT) {
      const values = new Float64Array(count);
      let k = 0;
      for (const d of ds) {
        const h = d * HDR;
        const n = hdr[h + H_COUNT]!;
        if (n > 0) values.set(this.exact.subarray(hdr[h + H_EXACT]!, hdr[h + H_EXACT]! + n), k);
        k += n;
      }
      values.sort();
      out.p50 = values[rankOf(0.5, count) - 1]!;
      out.p95 = values[rankOf(0.95, count) - 1]!;
      return out;
    }
    if (ds.length === 1) {
      // One bucketed distribution: walk its own block.
      const h = ds[0]! * HDR;
      const base = hdr[h + H_BUCKETS]!;
      walkBuckets(this.buckets, base, hdr[h + H_OCT_N]! * SUB, hdr[h + H_OCT_LO]! * SUB, hdr[h + H_ZEROS]!, out);
      return out;
    }
    // Sum every part's buckets (exact parts bucketed on the way) into one dense range.
    let zeros = 0;
    for (const d of ds) {
      const h = d * HDR;
      const n = hdr[h + H_COUNT]!;
      if (n === 0) continue;
      if (n > EXACT_LIMIT) zeros += hdr[h + H_ZEROS]!;
      else {
        const base = hdr[h + H_EXACT]!;
        for (let i = 0; i < n; i++) {
          const v = this.exact[base + i]!;
          if (v > 0) {
            const oct = bucketOf(v) >> SUB_BITS;
            if (oct < lo) lo = oct;
            if (oct + 1 > hi) hi = oct + 1;
          }
        }
      }
    }
    const sum = new Uint32Array(Math.max(0, hi - lo) * SUB);
    for (const d of ds) {
      const h = d * HDR;
      const n = hdr[h + H_COUNT]!;
      if (n === 0) continue;
      if (n > EXACT_LIMIT) {
        const base = hdr[h + H_BUCKETS]!;
        const at = (hdr[h + H_OCT_LO]! - lo) * SUB;
        const len = hdr[h + H_OCT_N]! * SUB;
        for (let i = 0; i < len; i++) sum[at + i]! += this.buckets[base + i]!;
        continue;
      }
      const base = hdr[h + H_EXACT]!;
      for (let i = 0; i < n; i++) {
        const v = this.exact[base + i]!;
        if (v <= 0) zeros++;
        else sum[bucketOf(v) - lo * SUB]!++;
      }
    }
    walkBuckets(sum, 0, sum.length, lo * SUB, zeros, out);
    return out;
  }
}

/**
 * Fills out.p50 and out.p95 (nearest rank, out.count values) from `len`
 * bucket counts at counts[base…], the first being bucket index `first`,
 * after `zeros` values ≤ 0. A bucket reports its midpoint, capped at out.max.
 */
function walkBuckets(
  counts: Uint32Array,
  base: number,
  len: number,
  first: number,
  zeros: number,
  out: DistSummary,
): void {
  const r50 = rankOf(0.5, out.count);
  const r95 = rankOf(0.95, out.count);
  let seen = zeros;
  out.p50 = seen >= r50 ? 0 : out.max;
  out.p95 = seen >= r95 ? 0 : out.max;
  if (seen >= r95) return;
  let i = 0;
  for (; i < len && seen < r50; i++) seen += counts[base + i]!;
  if (seen >= r50 && i > 0 && zeros < r50) out.p50 = Math.min(out.max, bucketValue(first + i - 1));
  for (; i < len && seen < r95; i++) seen += counts[base + i]!;
  if (seen >= r95 && i > 0) out.p95 = Math.min(out.max, bucketValue(first + i - 1));
}

/** A free block of size class k (its offset), or -1 when none. */
function takeBlock(free: number[][], k: number): number {
  const list = free[k];
  return list === undefined || list.length === 0 ? -1 : list.pop()!;
}

function freeBlock(free: number[][], k: number, base: number): void {
  (free[k] ??= []).push(base);
}

/** `arena` (of which `used` elements hold data), or a copy doubled until `more` elements fit after them. */
function withRoom<T extends Float64Array | Uint32Array>(
  arena: T,
  used: number,
  more: number,
  make: (n: number) => T,
): T {
  if (used + more <= arena.length) return arena;
  let size = arena.length * 2;
  while (size < used + more) size *= 2;
  const grown = make(size);
  grown.set(arena.subarray(0, used));
  return grown;
}

/** Nearest rank (1-based) of percentile p among n values. */
function rankOf(p: number, n: number): number {
  return Math.max(1, Math.ceil(p * n));
}

/** Midpoint of bucket i: within 1 / (2 · SUB) of every value it holds. */
function bucketValue(i: number): number {
  const sub = ((i % SUB) + SUB) % SUB;
  const exp = (i - sub) / SUB;
  return Math.pow(2, exp) * (1 + (sub + 0.5) / SUB);
}

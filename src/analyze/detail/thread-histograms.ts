/**
 * Per-thread log2 histograms of the catalogue's distributions (sleep length,
 * run-queue delay after wakeups and after preemptions), asked for with
 * `analyze(cap, { histograms: true })`: bucket counts that add across
 * threads, processes and captures, so that a percentile over a fleet can be
 * read from their sums (the Parquet export's list columns).
 *
 * The bounds are DURATION_BOUNDS_NS (1 µs … 16.8 s, powers of two); bucket i
 * counts the values in (bounds[i-1], bounds[i]], bucket 0 those ≤ 1 µs and the
 * last one those beyond every bound. The sum of a histogram's buckets is the
 * count of its distribution (sleeps, runqWaits, preemptions).
 */
import { Rq, type RqCause, type SleepKind } from '../engine/codes.js';
import type { Metric } from '../engine/metric.js';
import type { ThreadTable } from '../engine/thread-table.js';
import { DURATION_BOUNDS_NS } from '../metrics/log2-histograms.js';

import { HISTOGRAM_KEYS, type BucketCounts, type Histograms, type ThreadHistogram } from '../types.js';

const BUCKETS = DURATION_BOUNDS_NS.length + 1;
const KEYS = HISTOGRAM_KEYS.length;
const SLEEP = 0;
const RUNQ = 1;
const PREEMPT = 2;

function bucketOf(v: number): number {
  const b = DURATION_BOUNDS_NS;
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= b[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class ThreadHistograms implements Metric {
  /** counts[(th * KEYS + key) * BUCKETS + bucket], grown as threads come. */
  private counts = new Float64Array(64 * KEYS * BUCKETS);
  private size = 0;

  constructor(private readonly threads: ThreadTable) {}

  addThread(): void {
    this.size++;
    if (this.size * KEYS * BUCKETS > this.counts.length) {
      const grown = new Float64Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
  }

  private add(th: number, key: number, v: number): void {
    this.counts[(th * KEYS + key) * BUCKETS + bucketOf(v)]!++;
  }

  sleep(th: number, _kind: SleepKind, ns: number): void {
    this.add(th, SLEEP, ns);
  }

  runqDelay(th: number, cause: RqCause, ns: number): void {
    this.add(th, cause === Rq.WAKEUP ? RUNQ : PREEMPT, ns);
  }

  private bucketsOf(ths: readonly number[]): BucketCounts {
    const out = {} as BucketCounts;
    HISTOGRAM_KEYS.forEach((k, key) => {
      const sum = new Array<number>(BUCKETS).fill(0);
      for (const th of ths) {
        const at = (th * KEYS + key) * BUCKETS;
        for (let i = 0; i < BUCKETS; i++) sum[i]! += this.counts[at + i]!;
      }
      out[k] = sum;
    });
    return out;
  }

  /** The histograms of the selected threads, and of their processes (grouped as the result groups them). */
  read(selected: readonly number[]): Histograms {
    const groups = new Map<number, number[]>();
    const threads: ThreadHistogram[] = selected.map((th) => {
      const rec = this.threads.recs[th]!;
      const tgid = this.threads.tgidOf(th);
      const g = groups.get(tgid);
      if (g === undefined) groups.set(tgid, [th]);
      else g.push(th);
      return { tid: rec.tid, generation: rec.generation, tgid, buckets: this.bucketsOf([th]) };
    });
    const processes = [...groups.entries()].map(([tgid, ths]) => ({ tgid, buckets: this.bucketsOf(ths) }));
    return { boundsNs: DURATION_BOUNDS_NS, threads, processes };
  }
}

/**
 * Machine-wide log2 histograms of run-queue delay (by cause), run time per
 * burst and slices per burst: cumulative bucket counts in the Prometheus
 * style (each bucket counts the values ≤ its bound). Not per thread, so a
 * live exporter can keep one instance for as long as it runs.
 */
import { Rq, type RqCause } from '../engine/codes.js';
import type { BurstFact, Metric } from '../engine/metric.js';

export class Log2Histogram {
  /** counts[i]: values in (bounds[i-1], bounds[i]]; the last slot holds values beyond every bound. */
  readonly counts: Float64Array;
  count = 0;
  sum = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  add(v: number): void {
    this.count++;
    this.sum += v;
    const b = this.bounds;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= b[mid]!) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]!++;
  }

  /** Cumulative counts, one per bound (the +Inf bucket is `count`). */
  cumulative(): number[] {
    const out: number[] = [];
    let run = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      run += this.counts[i]!;
      out.push(run);
    }
    return out;
  }
}

/** Powers of two from `from` to `to` (inclusive). */
export function powersOfTwo(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v *= 2) out.push(v);
  return out;
}

/** 1 µs … 16.8 s, in ns. */
export const DURATION_BOUNDS_NS = powersOfTwo(1, 1 << 24).map((us) => us * 1000);
/** 1 … 1024 slices. */
export const SLICE_BOUNDS = powersOfTwo(1, 1024);

export class Log2Histograms implements Metric {
  readonly runqWakeup = new Log2Histogram(DURATION_BOUNDS_NS);
  readonly runqPreempt = new Log2Histogram(DURATION_BOUNDS_NS);
  readonly burstRun = new Log2Histogram(DURATION_BOUNDS_NS);
  readonly burstSlices = new Log2Histogram(SLICE_BOUNDS);

  runqDelay(_th: number, cause: RqCause, ns: number): void {
    (cause === Rq.WAKEUP ? this.runqWakeup : this.runqPreempt).add(ns);
  }

  burst(_th: number, b: BurstFact): void {
    this.burstRun.add(b.runNs);
    this.burstSlices.add(b.slices);
  }
}

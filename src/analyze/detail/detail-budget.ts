/**
 * Budget of the detail (intervals, wakeups, CPU spans) and how it is
 * enforced: collect up to COLLECT_FACTOR × the budget while replaying (so
 * that filters applied at the end still find enough), then keep the busiest
 * threads (or the earliest CPU spans) that fit, and say what was left out.
 */
import type { AnalyzeOptions, DetailBudget } from '../types.js';

export const DEFAULT_BUDGET: Required<DetailBudget> = {
  maxIntervals: 200_000,
  maxWakeups: 100_000,
  maxCpuSpans: 200_000,
};
export const COLLECT_FACTOR = 4;

export function resolveBudget(detail: AnalyzeOptions['detail']): Required<DetailBudget> | null {
  if (detail === undefined || detail === false) return null;
  if (detail === true) return { ...DEFAULT_BUDGET };
  return {
    maxIntervals: detail.maxIntervals ?? DEFAULT_BUDGET.maxIntervals,
    maxWakeups: detail.maxWakeups ?? DEFAULT_BUDGET.maxWakeups,
    maxCpuSpans: detail.maxCpuSpans ?? DEFAULT_BUDGET.maxCpuSpans,
  };
}

export interface ThreadPick {
  keep: Set<number>;
  keptItems: number;
}

/** Whole threads, most items first, as long as they fit in `max` items. */
export function busiestThreads(counts: ReadonlyMap<number, number>, max: number): ThreadPick {
  const order = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const keep = new Set<number>();
  let keptItems = 0;
  for (const [th, n] of order) {
    if (keptItems + n > max) continue;
    keep.add(th);
    keptItems += n;
  }
  return { keep, keptItems };
}

/** "+12.345 ms" for a ts relative to the capture start. */
export function atMs(relNs: number): string {
  return `+${(relNs / 1e6).toFixed(3)} ms`;
}

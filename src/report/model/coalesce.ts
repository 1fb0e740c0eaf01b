/**
 * Bounding the number of drawn spans: within one lane, runs of consecutive spans shorter than a
 * resolution are merged into one span (the caller decides what the merged span says). The smallest
 * power-of-two resolution that fits the budget is used, so nothing is merged when it all fits.
 */

export interface Span {
  start: number;
  end: number;
}

export interface Coalesced<T> {
  spans: T[];
  /** Spans shorter than this (ns) were merged; 0 when nothing was. */
  resolutionNs: number;
  /** Input spans that ended up inside merged spans. */
  mergedInputs: number;
}

export type Merge<T> = (group: T[]) => T;

export function coalesceToBudget<T extends Span>(lanes: T[][], max: number, merge: Merge<T>): Coalesced<T> {
  const total = lanes.reduce((n, lane) => n + lane.length, 0);
  if (total <= max) return { spans: lanes.flat(), resolutionNs: 0, mergedInputs: 0 };
  let lo = 0;
  let hi = 48;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (countAt(lanes, 2 ** mid) <= max) hi = mid;
    else lo = mid + 1;
  }
  const resolutionNs = 2 ** lo;
  const spans: T[] = [];
  let mergedInputs = 0;
  for (const lane of lanes) {
    mergedInputs += coalesceLane(lane, resolutionNs, (group) => {
      spans.push(group.length === 1 ? group[0]! : merge(group));
    });
  }
  return { spans, resolutionNs, mergedInputs };
}

function countAt<T extends Span>(lanes: T[][], resolution: number): number {
  let n = 0;
  for (const lane of lanes) coalesceLane(lane, resolution, () => n++);
  return n;
}

/** Emit each output group in order; returns how many inputs went into groups of two or more. */
function coalesceLane<T extends Span>(lane: T[], resolution: number, emit: (group: T[]) => void): number {
  let merged = 0;
  let group: T[] = [];
  const flush = (): void => {
    if (group.length === 0) return;
    if (group.length > 1) merged += group.length;
    emit(group);
    group = [];
  };
  for (const span of lane) {
    if (span.end - span.start >= resolution) {
      flush();
      emit([span]);
      continue;
    }
    group.push(span);
    if (span.end - group[0]!.start >= resolution) flush();
  }
  flush();
  return merged;
}

/** The value covering the most time in a group, e.g. the dominant state of merged intervals. */
export function dominant<T extends Span>(group: T[], key: (span: T) => string): string {
  const time = new Map<string, number>();
  for (const span of group) time.set(key(span), (time.get(key(span)) ?? 0) + (span.end - span.start));
  let best = '';
  let bestTime = -1;
  for (const [value, t] of time) {
    if (t > bestTime) {
      best = value;
      bestTime = t;
    }
  }
  return best;
}

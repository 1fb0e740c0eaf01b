/**
 * Merges events that reach the file slightly out of timestamp order.
 *
 * Each CPU's events are written in ring-buffer reservation order, so two
 * CPUs interleave with a skew of microseconds. A bounded window sorts this
 * out: rows newer than (newest ts seen − window) are held back, the rest are
 * sorted stably by ts and emitted. A row arriving later than the window
 * allows (never seen in practice) is emitted at the last emitted ts so the
 * stream stays non-decreasing; `lateRows` counts those.
 */
import { concatRows, gatherRows, isSortedByTs, sliceRows } from './batch-rows.js';
import type { EventBatch } from './event-batch.js';

/** How far back in time a row may arrive and still be placed exactly. */
export const REORDER_WINDOW_NS = 50e6;

export class ReorderWindow {
  private held: EventBatch | null = null;
  private maxTs = -Infinity;
  private lastTs = -Infinity;
  /** Rows that arrived later than the window and were moved up to the last emitted ts. */
  lateRows = 0;

  constructor(private readonly windowNs = REORDER_WINDOW_NS) {}

  /** Takes the next batch in file order; returns the rows now safe to emit, sorted, or null. */
  push(batch: EventBatch): EventBatch | null {
    if (batch.length === 0) return null;
    const ts = batch.ts;
    let max = this.maxTs;
    for (let i = 0; i < batch.length; i++) if (ts[i]! > max) max = ts[i]!;
    this.maxTs = max;
    const rows = this.held ? concatRows(this.held, batch) : batch;
    return this.split(rows, max - this.windowNs);
  }

  /** Everything still held, sorted; call once the input is exhausted. */
  flush(): EventBatch | null {
    const rows = this.held;
    this.held = null;
    return rows ? this.clamp(rows) : null;
  }

  private split(rows: EventBatch, cutoff: number): EventBatch | null {
    const n = rows.length;
    const ts = rows.ts;
    let emit: EventBatch;
    if (isSortedByTs(rows)) {
      const k = firstAfter(n, (i) => ts[i]!, cutoff);
      emit = sliceRows(rows, 0, k);
      this.held = k < n ? sliceRows(rows, k, n) : null;
    } else {
      const order = stableOrderByTs(rows);
      const k = firstAfter(n, (i) => ts[order[i]!]!, cutoff);
      let inverse: Int32Array | undefined;
      if (rows.names.size > 0) {
        inverse = new Int32Array(n);
        for (let i = 0; i < n; i++) inverse[order[i]!] = i;
      }
      emit = gatherRows(rows, order, 0, k, inverse);
      this.held = k < n ? gatherRows(rows, order, k, n, inverse) : null;
    }
    return emit.length > 0 ? this.clamp(emit) : null;
  }

  /** Keeps the output non-decreasing across emitted batches. */
  private clamp(rows: EventBatch): EventBatch {
    const ts = rows.ts;
    const last = this.lastTs;
    for (let i = 0; i < rows.length && ts[i]! < last; i++) {
      ts[i] = last;
      this.lateRows++;
    }
    if (rows.length > 0) this.lastTs = ts[rows.length - 1]!;
    return rows;
  }
}

/**
 * Row indices sorted by ts; equal timestamps keep file order. Rows are
 * nearly sorted (CPUs interleave with a small skew), so an insertion sort
 * (stable, linear in the number of displaced rows) does it; past a budget of
 * moves it falls back to Array#sort (stable too).
 */
function stableOrderByTs(rows: EventBatch): Int32Array | number[] {
  const ts = rows.ts;
  const n = rows.length;
  const order = new Int32Array(n);
  let budget = 8 * n + 1024;
  for (let i = 0; i < n; i++) {
    const key = ts[i]!;
    let j = i - 1;
    while (j >= 0 && ts[order[j]!]! > key) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = i;
    budget -= i - 1 - j;
    if (budget < 0) return sortedOrder(ts, n);
  }
  return order;
}

function sortedOrder(ts: Float64Array, n: number): number[] {
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => ts[x]! - ts[y]!);
  return order;
}

/** First index i in [0, n) whose key exceeds `limit` (keys non-decreasing), else n. */
function firstAfter(n: number, key: (i: number) => number, limit: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(mid) <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The ordered event stream of a source that yields batches in file order. */
export async function* reorderBatches(
  source: AsyncIterable<EventBatch>,
  windowNs = REORDER_WINDOW_NS,
): AsyncGenerator<EventBatch> {
  const window = new ReorderWindow(windowNs);
  for await (const batch of source) {
    const out = window.push(batch);
    if (out) yield out;
  }
  const rest = window.flush();
  if (rest) yield rest;
}

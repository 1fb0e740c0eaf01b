/**
 * Merges events that reach the file slightly out of timestamp order.
 *
 * Each CPU's events are written in ring-buffer reservation order, so two
 * CPUs interleave with a skew of microseconds. A bounded window sorts this
 * out: rows newer than (newest ts seen − window) are held back, the rest are
 * emitted in ts order, stably (equal timestamps keep file order). A row
 * arriving later than the window allows (never seen in practice) is emitted
 * at the last emitted ts so the stream stays non-decreasing; `lateRows`
 * counts those.
 *
 * Rows are copied only where order has to change: an unsorted batch is
 * sorted once, and where a batch overlaps in time with the rows held back
 * (its first rows, at the boundary between two batches) the overlap is
 * merged. Everything else passes through as views of the batches read.
 */
import { concatRows, isSortedByTs, sliceRows, sortRowsByTs, sortRowsInPlace } from '../batch-rows.js';
import type { EventBatch } from '../event-batch.js';

/** How far back in time a row may arrive and still be placed exactly. */
export const REORDER_WINDOW_NS = 50e6;

export class ReorderWindow {
  /** Rows held back: sorted pieces, each piece's rows all ≤ the next piece's. */
  private held: EventBatch[] = [];
  private maxTs = -Infinity;
  private lastTs = -Infinity;
  /** Rows that arrived later than the window and were moved up to the last emitted ts. */
  lateRows = 0;

  constructor(private readonly windowNs = REORDER_WINDOW_NS) {}

  /** Takes the next batch in file order; returns the rows now safe to emit, sorted (possibly none). */
  push(batch: EventBatch): EventBatch[] {
    const n = batch.length;
    if (n === 0) return [];
    const rows = isSortedByTs(batch) ? batch : sortRowsByTs(batch);
    this.clampLate(rows);
    this.insert(rows);
    const newest = rows.ts[n - 1]!;
    if (newest > this.maxTs) this.maxTs = newest;
    return this.emitUpTo(this.maxTs - this.windowNs);
  }

  /** Everything still held, sorted; call once the input is exhausted. */
  flush(): EventBatch[] {
    return this.emitUpTo(Infinity);
  }

  /** Rows (at the front of a sorted batch) older than what was already emitted move up to it. */
  private clampLate(rows: EventBatch): void {
    const ts = rows.ts;
    const last = this.lastTs;
    for (let i = 0; i < rows.length && ts[i]! < last; i++) {
      ts[i] = last;
      this.lateRows++;
    }
  }

  /** Adds a sorted batch to the held pieces, merging where it overlaps them in time. */
  private insert(rows: EventBatch): void {
    const held = this.held;
    const n = rows.length;
    const tail = held[held.length - 1];
    if (tail === undefined) {
      held.push(rows);
      return;
    }
    // Rows of the batch older than the newest held row must merge with the held rows after them.
    const overlap = firstAtOrAfter(rows.ts, n, tail.ts[tail.length - 1]!);
    if (overlap === 0) {
      held.push(rows);
      return;
    }
    const oldest = rows.ts[0]!;
    let p = held.length - 1;
    while (p > 0 && held[p]!.ts[0]! > oldest) p--;
    const first = held[p]!;
    const r = firstAfter(first.ts, first.length, oldest);
    let older = sliceRows(first, r, first.length);
    for (let q = p + 1; q < held.length; q++) older = concatRows(older, held[q]!);
    const merged = sortRowsInPlace(concatRows(older, sliceRows(rows, 0, overlap)));
    held.length = p;
    if (r > 0) held.push(sliceRows(first, 0, r));
    held.push(merged);
    if (overlap < n) held.push(sliceRows(rows, overlap, n));
  }

  /** Emits the held rows with ts ≤ cutoff. */
  private emitUpTo(cutoff: number): EventBatch[] {
    const held = this.held;
    const out: EventBatch[] = [];
    let whole = 0;
    while (whole < held.length) {
      const piece = held[whole]!;
      if (piece.length > 0 && piece.ts[piece.length - 1]! > cutoff) {
        const k = firstAfter(piece.ts, piece.length, cutoff);
        if (k > 0) {
          out.push(sliceRows(piece, 0, k));
          held[whole] = sliceRows(piece, k, piece.length);
        }
        break;
      }
      if (piece.length > 0) out.push(piece);
      whole++;
    }
    held.splice(0, whole);
    const last = out[out.length - 1];
    if (last !== undefined) this.lastTs = last.ts[last.length - 1]!;
    return out;
  }
}

/** First index i in [0, n) with ts[i] > limit (ts non-decreasing), else n. */
function firstAfter(ts: Float64Array, n: number, limit: number): number {
  return firstWhere(ts, n, limit, true);
}

/** First index i in [0, n) with ts[i] ≥ limit (ts non-decreasing), else n. */
function firstAtOrAfter(ts: Float64Array, n: number, limit: number): number {
  return firstWhere(ts, n, limit, false);
}

/** Binary search: the first ts beyond `limit` (`past`: strictly), else n. */
function firstWhere(ts: Float64Array, n: number, limit: number, past: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const before = past ? ts[mid]! <= limit : ts[mid]! < limit;
    if (before) lo = mid + 1;
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
  for await (const batch of source) yield* window.push(batch);
  yield* window.flush();
}

/**
 * Row-level operations on EventBatch: slicing, gathering rows in a given
 * order, and joining batches. Names follow their rows.
 */
import { allocBatch, NUMERIC_COLUMNS, type EventBatch } from './event-batch.js';

/** Rows [start, end) as a view (no copy of the numeric columns). */
export function sliceRows(b: EventBatch, start: number, end: number): EventBatch {
  const names = new Map<number, string>();
  for (const [row, name] of b.names) {
    if (row >= start && row < end) names.set(row - start, name);
  }
  return {
    length: end - start,
    ts: b.ts.subarray(start, end),
    cpu: b.cpu.subarray(start, end),
    kind: b.kind.subarray(start, end),
    flags: b.flags.subarray(start, end),
    tid: b.tid.subarray(start, end),
    tid2: b.tid2.subarray(start, end),
    a: b.a.subarray(start, end),
    b: b.b.subarray(start, end),
    c: b.c.subarray(start, end),
    stack: b.stack.subarray(start, end),
    names,
  };
}

/**
 * A new batch holding rows `order[from..to)` of `b`, in that order.
 * `inverse` maps a source row to its position in `order` (needed only when
 * `b` has names).
 */
export function gatherRows(
  b: EventBatch,
  order: ArrayLike<number>,
  from: number,
  to: number,
  inverse?: Int32Array,
): EventBatch {
  const n = to - from;
  const out = allocBatch(n);
  // One copy function per column type: a loop shared by all the typed-array
  // types would access its elements megamorphically (several times slower).
  gatherF64(out.ts, b.ts, order, from, n);
  gatherU16(out.cpu, b.cpu, order, from, n);
  gatherU8(out.kind, b.kind, order, from, n);
  gatherU8(out.flags, b.flags, order, from, n);
  gatherI32(out.tid, b.tid, order, from, n);
  gatherI32(out.tid2, b.tid2, order, from, n);
  gatherI32(out.a, b.a, order, from, n);
  gatherI32(out.b, b.b, order, from, n);
  gatherI32(out.c, b.c, order, from, n);
  gatherU16(out.stack, b.stack, order, from, n);
  if (b.names.size > 0) {
    if (!inverse) throw new Error('gatherRows: inverse order required for named rows');
    for (const [row, name] of b.names) {
      const pos = inverse[row]!;
      if (pos >= from && pos < to) out.names.set(pos - from, name);
    }
  }
  out.length = n;
  return out;
}

/** Rows of `first` followed by rows of `second`, copied into one batch. */
export function concatRows(first: EventBatch, second: EventBatch): EventBatch {
  const n1 = first.length;
  const out = allocBatch(n1 + second.length);
  for (const col of NUMERIC_COLUMNS) {
    out[col].set(first[col].subarray(0, n1), 0);
    out[col].set(second[col].subarray(0, second.length), n1);
  }
  for (const [row, name] of first.names) if (row < n1) out.names.set(row, name);
  for (const [row, name] of second.names) if (row < second.length) out.names.set(n1 + row, name);
  out.length = n1 + second.length;
  return out;
}

/** True when ts is non-decreasing over the batch's rows. */
export function isSortedByTs(b: EventBatch): boolean {
  const ts = b.ts;
  for (let i = 1; i < b.length; i++) if (ts[i]! < ts[i - 1]!) return false;
  return true;
}

/** The rows of `b` sorted by ts, stably (one copy). */
export function sortRowsByTs(b: EventBatch): EventBatch {
  const n = b.length;
  const order = stableOrderByTs(b);
  let inverse: Int32Array | undefined;
  if (b.names.size > 0) {
    inverse = new Int32Array(n);
    for (let i = 0; i < n; i++) inverse[order[i]!] = i;
  }
  return gatherRows(b, order, 0, n, inverse);
}

/**
 * Sorts the rows of `b` by ts in place, stably; names follow their rows.
 * Rows are nearly sorted, so the order differs from the identity only in
 * short runs: each run is permuted through a scratch buffer, the rest is not
 * touched. For pages the caller owns (no copy, no allocation of columns).
 */
export function sortRowsInPlace(b: EventBatch): EventBatch {
  const n = b.length;
  const order = stableOrderByTs(b);
  for (let i = 0; i < n;) {
    if (order[i] === i) {
      i++;
      continue;
    }
    // The run [i, j] is closed under the permutation once its largest source index is j.
    let j = i;
    let reach = order[i]!;
    while (reach !== j) {
      j++;
      if (order[j]! > reach) reach = order[j]!;
    }
    if (b.names.size > 0) moveNames(b.names, order, i, j + 1);
    permuteRun(b, order, i, j + 1);
    i = j + 1;
  }
  return b;
}

function moveNames(names: Map<number, string>, order: ArrayLike<number>, from: number, to: number): void {
  const within: Array<[number, string]> = [];
  for (let p = from; p < to; p++) {
    const name = names.get(order[p]!);
    if (name !== undefined) within.push([p, name]);
  }
  for (let p = from; p < to; p++) names.delete(p);
  for (const [p, name] of within) names.set(p, name);
}

let scratchF64 = new Float64Array(1024);
let scratchI32 = new Int32Array(1024);

/** Rows [from, to) take the values of rows order[from..to) (a permutation of that range). */
function permuteRun(b: EventBatch, order: ArrayLike<number>, from: number, to: number): void {
  const len = to - from;
  if (scratchF64.length < len) {
    scratchF64 = new Float64Array(len);
    scratchI32 = new Int32Array(len);
  }
  permuteF64(b.ts, order, from, len);
  permuteNarrow(b.cpu, order, from, len);
  permuteNarrow(b.kind, order, from, len);
  permuteNarrow(b.flags, order, from, len);
  permuteI32(b.tid, order, from, len);
  permuteI32(b.tid2, order, from, len);
  permuteI32(b.a, order, from, len);
  permuteI32(b.b, order, from, len);
  permuteI32(b.c, order, from, len);
  permuteNarrow(b.stack, order, from, len);
}

/*
 * Runs are mostly a few rows long (two CPUs' events interleaved): below SHORT_RUN they are copied
 * back element by element, as a subarray view per column and run cost more than the copy.
 */
const SHORT_RUN = 64;

function permuteF64(col: Float64Array, order: ArrayLike<number>, from: number, len: number): void {
  const tmp = scratchF64;
  for (let k = 0; k < len; k++) tmp[k] = col[order[from + k]!]!;
  if (len < SHORT_RUN) for (let k = 0; k < len; k++) col[from + k] = tmp[k]!;
  else col.set(tmp.subarray(0, len), from);
}

function permuteI32(col: Int32Array, order: ArrayLike<number>, from: number, len: number): void {
  const tmp = scratchI32;
  for (let k = 0; k < len; k++) tmp[k] = col[order[from + k]!]!;
  if (len < SHORT_RUN) for (let k = 0; k < len; k++) col[from + k] = tmp[k]!;
  else col.set(tmp.subarray(0, len), from);
}

/** Uint8 / Uint16 columns, through the Int32 scratch (values fit). */
function permuteNarrow(col: Uint8Array | Uint16Array, order: ArrayLike<number>, from: number, len: number): void {
  const tmp = scratchI32;
  for (let k = 0; k < len; k++) tmp[k] = col[order[from + k]!]!;
  if (len < SHORT_RUN) for (let k = 0; k < len; k++) col[from + k] = tmp[k]!;
  else col.set(tmp.subarray(0, len), from);
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

function gatherF64(dst: Float64Array, src: Float64Array, order: ArrayLike<number>, from: number, n: number): void {
  for (let j = 0; j < n; j++) dst[j] = src[order[from + j]!]!;
}

function gatherU16(dst: Uint16Array, src: Uint16Array, order: ArrayLike<number>, from: number, n: number): void {
  for (let j = 0; j < n; j++) dst[j] = src[order[from + j]!]!;
}

function gatherU8(dst: Uint8Array, src: Uint8Array, order: ArrayLike<number>, from: number, n: number): void {
  for (let j = 0; j < n; j++) dst[j] = src[order[from + j]!]!;
}

function gatherI32(dst: Int32Array, src: Int32Array, order: ArrayLike<number>, from: number, n: number): void {
  for (let j = 0; j < n; j++) dst[j] = src[order[from + j]!]!;
}

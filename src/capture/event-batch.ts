/**
 * The in-memory event stream: struct-of-arrays batches, the same logical
 * columns in both capture formats (docs/capture-format.md).
 *
 * ts is CLOCK_MONOTONIC ns as a double: exact up to 2^53 ns (104 days of
 * uptime), 2 ns granular beyond.
 */
export interface EventBatch {
  length: number;
  ts: Float64Array;
  cpu: Uint16Array;
  kind: Uint8Array;
  flags: Uint8Array;
  tid: Int32Array;
  tid2: Int32Array;
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
  /** Id of the row's kernel stack (a STACK row's tid), 0 for none: switches into S or D, wakings. */
  stack: Uint16Array;
  /** Strings by row index (comm, exec filename, irq or symbol name). */
  names: Map<number, string>;
}

export const NUMERIC_COLUMNS = ['ts', 'cpu', 'kind', 'flags', 'tid', 'tid2', 'a', 'b', 'c', 'stack'] as const;
export type NumericColumn = (typeof NUMERIC_COLUMNS)[number];

export function allocBatch(n: number): EventBatch {
  return {
    length: 0,
    ts: new Float64Array(n),
    cpu: new Uint16Array(n),
    kind: new Uint8Array(n),
    flags: new Uint8Array(n),
    tid: new Int32Array(n),
    tid2: new Int32Array(n),
    a: new Int32Array(n),
    b: new Int32Array(n),
    c: new Int32Array(n),
    stack: new Uint16Array(n),
    names: new Map(),
  };
}

/** A batch view of the first `length` rows (no copy). */
export function trimBatch(b: EventBatch, length: number): EventBatch {
  if (length === b.ts.length) return { ...b, length };
  return {
    length,
    ts: b.ts.subarray(0, length),
    cpu: b.cpu.subarray(0, length),
    kind: b.kind.subarray(0, length),
    flags: b.flags.subarray(0, length),
    tid: b.tid.subarray(0, length),
    tid2: b.tid2.subarray(0, length),
    a: b.a.subarray(0, length),
    b: b.b.subarray(0, length),
    c: b.c.subarray(0, length),
    stack: b.stack.subarray(0, length),
    names: b.names,
  };
}

/** One event as a plain object: for tests, fixtures and debugging, not hot paths. */
export interface EventRow {
  ts: number;
  cpu: number;
  kind: number;
  flags: number;
  tid: number;
  tid2: number;
  a: number;
  b: number;
  c: number;
  /** The kernel stack id; absent means 0 (no stack). */
  stack?: number;
  name?: string;
}

export function rowAt(b: EventBatch, i: number): EventRow {
  const row: EventRow = {
    ts: b.ts[i]!,
    cpu: b.cpu[i]!,
    kind: b.kind[i]!,
    flags: b.flags[i]!,
    tid: b.tid[i]!,
    tid2: b.tid2[i]!,
    a: b.a[i]!,
    b: b.b[i]!,
    c: b.c[i]!,
  };
  if (b.stack[i]! !== 0) row.stack = b.stack[i]!;
  const name = b.names.get(i);
  if (name !== undefined) row.name = name;
  return row;
}

export function batchFromRows(rows: readonly EventRow[]): EventBatch {
  const b = allocBatch(rows.length);
  rows.forEach((r, i) => {
    b.ts[i] = r.ts;
    b.cpu[i] = r.cpu;
    b.kind[i] = r.kind;
    b.flags[i] = r.flags;
    b.tid[i] = r.tid;
    b.tid2[i] = r.tid2;
    b.a[i] = r.a;
    b.b[i] = r.b;
    b.c[i] = r.c;
    b.stack[i] = r.stack ?? 0;
    if (r.name !== undefined) b.names.set(i, r.name);
  });
  b.length = rows.length;
  return b;
}

/** One batch holding the rows of several, in order. */
export function concatBatches(batches: readonly EventBatch[]): EventBatch {
  if (batches.length === 1) return batches[0]!;
  const total = batches.reduce((n, b) => n + b.length, 0);
  const out = allocBatch(total);
  let at = 0;
  for (const b of batches) {
    const n = b.length;
    for (const col of NUMERIC_COLUMNS) (out[col] as Float64Array).set((b[col] as Float64Array).subarray(0, n), at);
    for (const [i, name] of b.names) out.names.set(at + i, name);
    at += n;
  }
  out.length = total;
  return out;
}

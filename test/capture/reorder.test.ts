import { describe, expect, it } from 'vitest';
import { batchFromRows, rowAt, type EventBatch, type EventRow } from '../../src/capture/event-batch.js';
import { sortRowsByTs, sortRowsInPlace } from '../../src/capture/batch-rows.js';
import { ReorderWindow, reorderBatches } from '../../src/capture/open/reorder.js';
import { Kind } from '../../src/format/index.js';
import { expectedOrder, syntheticRows, toBatches } from './synthetic.js';

const row = (ts: number, tid: number, name?: string): EventRow => ({
  ts,
  cpu: tid % 2,
  kind: name ? Kind.COMM : Kind.SWITCH,
  flags: 0,
  tid,
  tid2: 0,
  a: 0,
  b: 0,
  c: 0,
  ...(name ? { name } : {}),
});

async function collect(batches: EventBatch[], windowNs?: number): Promise<{ rows: EventRow[]; sizes: number[] }> {
  async function* source() {
    yield* batches;
  }
  const rows: EventRow[] = [];
  const sizes: number[] = [];
  for await (const b of reorderBatches(source(), windowNs)) {
    sizes.push(b.length);
    for (let i = 0; i < b.length; i++) rows.push(rowAt(b, i));
  }
  return { rows, sizes };
}

function rowsOf(batches: EventBatch[]): EventRow[] {
  return batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => rowAt(b, i)));
}

describe('ReorderWindow', () => {
  it('sorts rows skewed across many small batches, stably, with names following their rows', async () => {
    const rows = syntheticRows({ events: 20_000, seed: 11, cpus: 8, skewNs: 200_000 });
    const { rows: out } = await collect(toBatches(rows, 333));
    expect(out).toEqual(expectedOrder(rows));
  });

  it('sorts stably when rows are far out of order (past the insertion-sort budget)', async () => {
    const rows: EventRow[] = [];
    for (let i = 0; i < 5000; i++) rows.push(row(1000 - (i % 1000), i + 1, i % 97 === 0 ? `n${i}` : undefined));
    const { rows: out } = await collect([batchFromRows(rows)], 1e9);
    expect(out).toEqual(
      rows
        .map((r, i) => ({ r, i }))
        .sort((x, y) => x.r.ts - y.r.ts || x.i - y.i)
        .map((x) => x.r),
    );
  });

  it('holds back only the last window of time', () => {
    const w = new ReorderWindow(100);
    const first = rowsOf(w.push(batchFromRows([row(0, 1), row(50, 2), row(200, 3), row(150, 4, 'x')])));
    expect(first.map((r) => r.ts)).toEqual([0, 50]);
    const second = rowsOf(w.push(batchFromRows([row(120, 5), row(400, 6)])));
    expect(second.map((r) => r.ts)).toEqual([120, 150, 200]);
    expect(second.map((r) => r.name)).toEqual([undefined, 'x', undefined]);
    expect(rowsOf(w.flush()).map((r) => r.ts)).toEqual([400]);
    expect(w.flush()).toEqual([]);
  });

  it('passes rows through as views when nothing has to move, copying only an overlap', () => {
    const w = new ReorderWindow(100);
    const a = batchFromRows([row(0, 1), row(100, 2), row(200, 3)]);
    const out = w.push(a);
    expect(out).toHaveLength(1);
    expect(out[0]!.ts.buffer).toBe(a.ts.buffer);
    // The next batch starts before the newest held row: only the overlap is merged.
    const b = batchFromRows([row(150, 4), row(250, 5), row(400, 6)]);
    const next = w.push(b);
    expect(rowsOf(next).map((r) => r.tid)).toEqual([4, 3, 5]);
    const rest = w.flush();
    expect(rowsOf(rest).map((r) => r.tid)).toEqual([6]);
    expect(rest[0]!.ts.buffer).toBe(b.ts.buffer);
  });

  it('keeps equal timestamps in file order', async () => {
    const rows = [row(5, 1), row(5, 2, 'b'), row(3, 3), row(5, 4), row(5, 5, 'e')];
    const { rows: out } = await collect([batchFromRows(rows.slice(0, 2)), batchFromRows(rows.slice(2))]);
    expect(out.map((r) => r.tid)).toEqual([3, 1, 2, 4, 5]);
    expect(out.map((r) => r.name ?? '')).toEqual(['', '', 'b', '', 'e']);
  });

  it('moves a row later than the window up to the last emitted ts, so output never goes back', async () => {
    const w = new ReorderWindow(10);
    const a = rowsOf(w.push(batchFromRows([row(100, 1), row(200, 2)])));
    expect(a.map((r) => r.ts)).toEqual([100]);
    const b = rowsOf(w.push(batchFromRows([row(50, 3), row(300, 4)])));
    const out = [...a, ...b, ...rowsOf(w.flush())].map((r) => r.ts);
    expect(out).toEqual([100, 100, 200, 300]);
    expect(w.lateRows).toBe(1);
  });

  it('passes sorted input through in order', async () => {
    const rows = expectedOrder(syntheticRows({ events: 5000, seed: 2, skewNs: 0 }));
    const { rows: out } = await collect(toBatches(rows, 1000));
    expect(out).toEqual(rows);
  });
});

describe('sortRowsInPlace', () => {
  it('sorts like the copying sort, stably, names following their rows, rows in order untouched', () => {
    for (const seed of [1, 2, 3]) {
      const rows = syntheticRows({ events: 5000, seed, cpus: 6, skewNs: 500_000 });
      const batch = batchFromRows(rows);
      const copy = sortRowsByTs(batchFromRows(rows));
      const before = batch.ts.buffer;
      const sorted = sortRowsInPlace(batch);
      expect(sorted).toBe(batch);
      expect(sorted.ts.buffer).toBe(before);
      const asRows = (b: EventBatch) => Array.from({ length: b.length }, (_, i) => rowAt(b, i));
      expect(asRows(sorted)).toEqual(asRows(copy));
      expect(asRows(sorted)).toEqual(expectedOrder(rows));
    }
  });

  it('sorts far out of order input too (the Array#sort fallback)', () => {
    const rows: EventRow[] = [];
    for (let i = 0; i < 3000; i++) rows.push(row(3000 - (i % 1500), i + 1, i % 7 === 0 ? `n${i}` : undefined));
    const sorted = sortRowsInPlace(batchFromRows(rows));
    const want = rows
      .map((r, i) => ({ r, i }))
      .sort((x, y) => x.r.ts - y.r.ts || x.i - y.i)
      .map((x) => x.r);
    expect(Array.from({ length: sorted.length }, (_, i) => rowAt(sorted, i))).toEqual(want);
  });
});

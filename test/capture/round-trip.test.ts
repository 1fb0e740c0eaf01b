import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchFromRows, trimBatch, allocBatch, type EventRow } from '../../src/capture/event-batch.js';
import { Ctx, Flag, Kind, KIND_META } from '../../src/format/index.js';
import { PID_MAX } from '../../src/capture/open/check-rows.js';
import type { LifelineError } from '../../src/errors.js';
import { errorOf, EXT, readRows, tempDir, writeCapture } from './helpers.js';
import { expectedOrder, syntheticRows, toBatches } from './synthetic.js';

const dir = tempDir();
const FORMATS = ['sqlite', 'arrow'] as const;

describe('capture round trip', () => {
  const rows = syntheticRows({ events: 150_000, seed: 3, cpus: 2, skewNs: 30_000 });
  const batches = toBatches(rows, 7000);

  it('the synthetic input really is out of order, with names', () => {
    expect(rows.some((r, i) => i > 0 && r.ts < rows[i - 1]!.ts)).toBe(true);
    expect(rows.filter((r) => r.name !== undefined).length).toBeGreaterThan(100);
  });

  it('yields the same sorted event stream from SQLite and Arrow', async () => {
    const want = expectedOrder(rows);
    const got: Record<string, EventRow[]> = {};
    for (const format of FORMATS) {
      const file = await writeCapture(path.join(dir, `same.${EXT[format]}`), format, batches);
      const { rows: read, meta, batchSizes } = await readRows(file);
      expect(meta.complete).toBe(true);
      expect(meta.events).toBe(rows.length);
      expect(meta.exitCode).toBe(0);
      expect(Math.max(...batchSizes)).toBeLessThanOrEqual(70_000);
      got[format] = read;
    }
    expect(got.sqlite!.length).toBe(rows.length);
    expect(got.sqlite).toEqual(want);
    expect(got.arrow).toEqual(got.sqlite);
  });

  it('sorts events skewed across batch boundaries, keeping ties in file order and names on their rows', async () => {
    const t = 5e12;
    const input: EventRow[] = [
      { ts: t + 300, cpu: 1, kind: Kind.COMM, flags: 0, tid: 7, tid2: 0, a: 7, b: 0, c: 0, name: 'late-comm' },
      { ts: t + 100, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 1, tid2: 2, a: 1, b: 120, c: 120 },
      { ts: t + 100, cpu: 1, kind: Kind.EXEC, flags: 0, tid: 3, tid2: 3, a: 3, b: 0, c: 0, name: '/bin/true' },
      { ts: t + 50, cpu: 0, kind: Kind.WAKING, flags: 0, tid: 4, tid2: 5, a: 0, b: 0, c: 0 },
    ];
    const next: EventRow[] = [
      { ts: t + 10, cpu: 1, kind: Kind.SYM, flags: 0, tid: 0, tid2: 0, a: 0, b: 0, c: 1, name: 'hrtimer_wakeup' },
      { ts: t + 400, cpu: 0, kind: Kind.EXIT, flags: 0, tid: 4, tid2: 0, a: 4, b: 120, c: 0 },
    ];
    const all = [...input, ...next];
    for (const format of FORMATS) {
      const file = await writeCapture(path.join(dir, `skew.${EXT[format]}`), format, [
        batchFromRows(input),
        batchFromRows(next),
      ]);
      const { rows: read } = await readRows(file);
      expect(read).toEqual(expectedOrder(all));
      expect(read.map((r) => r.name ?? null)).toEqual(['hrtimer_wakeup', null, null, '/bin/true', 'late-comm', null]);
    }
  });

  it('writes only the first `length` rows of a batch with spare capacity', async () => {
    const big = allocBatch(1000);
    for (let i = 0; i < 10; i++) {
      big.ts[i] = 1e9 + i;
      big.kind[i] = Kind.SWITCH;
      big.tid[i] = i;
    }
    big.names.set(3, 'kept');
    const batch = trimBatch(big, 10);
    batch.ts = big.ts; // the recorder hands over views whose arrays may be longer than `length`
    for (const format of FORMATS) {
      const { rows: read } = await readRows(await writeCapture(path.join(dir, `trim.${EXT[format]}`), format, [batch]));
      expect(read.length).toBe(10);
      expect(read[3]!.name).toBe('kept');
    }
  });

  it('never yields META rows, even ones a batch carries', async () => {
    const input: EventRow[] = [
      { ts: 10, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 1, tid2: 2, a: 1, b: 120, c: 120 },
      { ts: 11, cpu: 0, kind: KIND_META, flags: 0, tid: 0, tid2: 0, a: 0, b: 0, c: 0, name: '{"bogus":true}' },
      { ts: 12, cpu: 0, kind: Kind.COMM, flags: 0, tid: 1, tid2: 0, a: 1, b: 0, c: 0, name: 'after-meta' },
    ];
    for (const format of FORMATS) {
      const { rows: read, meta } = await readRows(
        await writeCapture(path.join(dir, `meta.${EXT[format]}`), format, [batchFromRows(input)]),
      );
      expect(read.map((r) => r.kind)).toEqual([Kind.SWITCH, Kind.COMM]);
      expect(read[1]!.name).toBe('after-meta');
      expect(meta.complete).toBe(true);
    }
  });

  it('does not take kind 15 for a meta row in a current capture: it is an event (softirq_raise) there', async () => {
    const input: EventRow[] = [
      { ts: 10, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 1, tid2: 2, a: 1, b: 120, c: 120 },
      { ts: 11, cpu: 0, kind: 15, flags: 0, tid: 3, tid2: 0, a: 3, b: 0, c: 0 },
    ];
    expect(Kind.SOFTIRQ_RAISE).toBe(15);
    for (const format of FORMATS) {
      const file = await writeCapture(path.join(dir, `k15.${EXT[format]}`), format, [batchFromRows(input)]);
      const { rows: read } = await readRows(file);
      expect(read).toEqual(input);
    }
  });

  it('refuses a kind that is not an event kind: a damaged capture', async () => {
    const input: EventRow[] = [
      { ts: 10, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 1, tid2: 2, a: 1, b: 120, c: 120 },
      { ts: 11, cpu: 0, kind: 200, flags: 0, tid: 3, tid2: 0, a: 0, b: 0, c: 0 },
    ];
    for (const format of FORMATS) {
      const file = await writeCapture(path.join(dir, `k200.${EXT[format]}`), format, [batchFromRows(input)]);
      const err = await errorOf(() => readRows(file));
      expect((err as LifelineError).code).toBe('CAPTURE_DAMAGED');
      expect(err.message).toMatch(
        / is damaged: (events with rowids 1\.\.2|record batch 1 of \d+ at byte \d+), row 1: kind 200 is not an event kind$/,
      );
    }
  });

  it("keeps int64 timestamps beyond 2^32 and up to 2^53 exact, and the columns' widest values in range", async () => {
    const ts = [2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, 2 ** 53 - 1];
    // an nmi row: its b (a duration in ns) and c take any value of their columns
    const input = ts.map((t, i) => ({
      ts: t,
      cpu: 1,
      kind: Kind.NMI,
      flags: 255,
      tid: PID_MAX,
      tid2: 0,
      a: -(2 ** 31),
      b: 2 ** 31 - 1,
      c: i % 2 === 0 ? 32767 : -32768,
    }));
    for (const format of FORMATS) {
      const { rows: read } = await readRows(
        await writeCapture(path.join(dir, `wide.${EXT[format]}`), format, [batchFromRows(input)]),
      );
      expect(read).toEqual(input);
    }
  });

  it("refuses rows out of range (tid, cpu beyond the meta's count, target cpu, tgid), saying where and what", async () => {
    const ok = { ts: 5, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 1, tid2: 2, a: 0, b: 120, c: 120 };
    const cases: Array<[Partial<EventRow>, RegExp]> = [
      [{ tid: -7 }, /row 1: tid -7 is outside 0\.\.4194304$/],
      [{ tid2: PID_MAX + 1 }, /row 1: tid2 4194305 is outside 0\.\.4194304$/],
      [{ cpu: 2 }, /row 1: cpu 2 is beyond the capture's 2 CPUs$/],
      [{ kind: Kind.WAKING, a: 5 }, /row 1: target cpu \(a\) 5 is beyond the capture's 2 CPUs$/],
      [{ kind: Kind.COMM, a: -1 }, /row 1: tgid \(a\) -1 is outside 0\.\.4194304$/],
      [{ kind: 0 }, /row 1: kind 0 is not an event kind$/],
      // priorities: -1 (deadline) .. 139
      [{ b: 1342177400 }, /row 1: prev prio \(b\) 1342177400 is outside -1\.\.139$/],
      [{ c: 140 }, /row 1: next prio \(c\) 140 is outside -1\.\.139$/],
      [{ kind: Kind.EXIT, a: 1, b: -2 }, /row 1: prio \(b\) -2 is outside -1\.\.139$/],
      // a waker's context id (b): 16 bits, a softirq vector, a system vector of the contract
      [
        { kind: Kind.WAKING, flags: Ctx.HARDIRQ, b: -22242 },
        /row 1: context id \(b\) -22242 is not the id of a hardirq context$/,
      ],
      [
        { kind: Kind.WAKING, flags: Ctx.SOFTIRQ, b: 10 },
        /row 1: context id \(b\) 10 is not the id of a softirq context$/,
      ],
      [
        { kind: Kind.SOFTIRQ_RAISE, flags: Ctx.HARDIRQ | Flag.SYSVEC, b: 12, a: 1 },
        /row 1: context id \(b\) 12 is not the id of a hardirq context$/,
      ],
      [
        { kind: Kind.TIMER_EXPIRE, flags: Ctx.TASK, b: 65536 },
        /row 1: context id \(b\) 65536 is not the id of a task context$/,
      ],
      [{ kind: Kind.SOFTIRQ_ENTRY, a: 10 }, /row 1: softirq vector \(a\) 10 is outside 0\.\.9$/],
    ];
    // tid2 is a thread only for switch … exec: an hrtimer_start row keeps the timer's expiry there (µs).
    const timer = { ...ok, ts: 6, kind: Kind.HRTIMER_START, tid2: 30_000_000, a: 77 };
    for (const format of FORMATS) {
      const kept = await readRows(
        await writeCapture(path.join(dir, `timer.${EXT[format]}`), format, [batchFromRows([ok, timer])]),
      );
      expect(kept.rows[1], format).toEqual(timer);
      for (const [change, message] of cases) {
        const file = await writeCapture(path.join(dir, `range.${EXT[format]}`), format, [
          batchFromRows([ok, { ...ok, ts: 6, ...change }]),
        ]);
        const err = await errorOf(() => readRows(file));
        expect((err as LifelineError).code, format).toBe('CAPTURE_DAMAGED');
        expect(err.message, format).toMatch(message);
        fs.rmSync(file);
      }
    }
  });

  it('an empty finished capture opens with no events', async () => {
    for (const format of FORMATS) {
      const { rows: read, meta } = await readRows(
        await writeCapture(path.join(dir, `empty.${EXT[format]}`), format, []),
      );
      expect(read).toEqual([]);
      expect(meta.complete).toBe(true);
      expect(meta.events).toBe(0);
    }
  });
});

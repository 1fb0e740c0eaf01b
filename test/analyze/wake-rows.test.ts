import { describe, expect, it } from 'vitest';
import { Sleep } from '../../src/analyze/engine/codes.js';
import type { WakeFact } from '../../src/analyze/engine/metric.js';
import { Names } from '../../src/analyze/engine/sources.js';
import {
  STACK_PAIR,
  W_CAUSE,
  W_COUNT,
  W_D,
  W_D_NS,
  W_PAIR,
  W_S,
  W_S_NS,
  W_SOURCE,
  WakeRows,
} from '../../src/analyze/metrics/wake-rows.js';

/** A wakeup of `target` by `source` (its own cause unless given), ending a sleep when sleptNs ≥ 0. */
function fact(target: number, source: number, o: Partial<WakeFact> = {}): WakeFact {
  return {
    ts: 0,
    target,
    source,
    waker: -1,
    onCpu: -1,
    reattributed: false,
    cause: source,
    causeTask: -1,
    several: false,
    onCpuCause: false,
    spurious: false,
    isNew: false,
    flags: 0,
    sleptNs: -1,
    sleepKind: 0,
    sleepStack: 0,
    wakerStack: 0,
    ...o,
  };
}

function withStacks(): Names {
  const names = new Names();
  names.stack.set(1, 'pipe_read;vfs_read');
  names.stack.set(2, 'do_nanosleep;hrtimer_nanosleep');
  names.stack.set(3, 'pipe_write;vfs_write');
  return names;
}

const keys = (t: WakeRows, ats: number[]) =>
  ats.map((at) => [t.data[at + W_SOURCE], t.data[at + W_CAUSE], t.data[at + W_PAIR]]);

describe('the wakeup table', () => {
  it('keeps a row per (thread, source, cause, stack pair), in the order each first woke its thread', () => {
    const t = new WakeRows(withStacks());
    t.wakeup(fact(0, -5)); // source -5, stack pair 0
    t.wakeup(fact(1, -5));
    t.wakeup(fact(0, -7, { cause: -9 }));
    t.wakeup(fact(0, -5, { wakerStack: 3 })); // another stack pair: another row
    t.wakeup(fact(0, -5)); // the first row again
    t.wakeup(fact(0, -5, { spurious: true })); // counts nowhere
    expect(keys(t, t.rowsOf(0))).toEqual([
      [-5, -5, 0],
      [-7, -9, 0],
      [-5, -5, 3],
    ]);
    expect(t.rowsOf(0).map((at) => t.data[at + W_COUNT])).toEqual([2, 1, 1]);
    expect(keys(t, t.rowsOf(1))).toEqual([[-5, -5, 0]]);
    expect(t.rowsOf(2)).toEqual([]);
  });

  it('chains the rows with sleeps in the order of their first sleep, not of their first wakeup', () => {
    const t = new WakeRows(withStacks());
    // a wakeup that ended no measured sleep makes the row of (source -5, pair 1·P+3) first …
    t.wakeup(fact(0, -5, { sleepStack: 1, wakerStack: 3 }));
    t.wakeup(fact(0, -7, { sleptNs: 100, sleepKind: Sleep.S, sleepStack: 2 }));
    // … but its first sleep comes second
    t.wakeup(fact(0, -5, { sleptNs: 40, sleepKind: Sleep.D, sleepStack: 1, wakerStack: 3 }));
    t.wakeup(fact(0, -5, { sleptNs: 60, sleepKind: Sleep.S, sleepStack: 1, wakerStack: 3 }));
    expect(keys(t, t.rowsOf(0))).toEqual([
      [-5, -5, 1 * STACK_PAIR + 3],
      [-7, -7, 2 * STACK_PAIR],
    ]);
    const sleeps = t.sleepRowsOf(0);
    expect(keys(t, sleeps)).toEqual([
      [-7, -7, 2 * STACK_PAIR],
      [-5, -5, 1 * STACK_PAIR + 3],
    ]);
    const [first, second] = sleeps as [number, number];
    expect([t.data[first + W_S], t.data[first + W_S_NS], t.data[first + W_D]]).toEqual([1, 100, 0]);
    expect([t.data[second + W_S], t.data[second + W_S_NS], t.data[second + W_D], t.data[second + W_D_NS]]).toEqual([
      1, 60, 1, 40,
    ]);
    expect(t.data[second + W_COUNT]).toBe(3);
  });

  it('merges rows by two keys in the order each pair of keys is first met, summing their fields', () => {
    const t = new WakeRows(withStacks());
    t.wakeup(fact(0, -5, { wakerStack: 3 }));
    t.wakeup(fact(0, -7, { cause: -9 }));
    t.wakeup(fact(0, -5)); // the first (source, cause) again, from another stack pair
    t.wakeup(fact(0, -5, { wakerStack: 3 }));
    expect(t.merge(t.rowsOf(0), W_SOURCE, W_CAUSE, [W_COUNT])).toEqual([
      { a: -5, b: -5, sums: [3] },
      { a: -7, b: -9, sums: [1] },
    ]);
    expect(t.merge(t.rowsOf(0), W_PAIR, W_SOURCE, [W_COUNT])).toEqual([
      { a: 3, b: -5, sums: [2] },
      { a: 0, b: -7, sums: [1] },
      { a: 0, b: -5, sums: [1] },
    ]);
  });

  it('counts no sleep before the capture has named a stack', () => {
    const t = new WakeRows(new Names());
    t.wakeup(fact(0, -5, { sleptNs: 100, sleepKind: Sleep.S }));
    expect(t.rowsOf(0).map((at) => t.data[at + W_COUNT])).toEqual([1]);
    expect(t.sleepRowsOf(0)).toEqual([]);
  });

  it('finds every row again after the table and its threads have grown, whichever row a thread found last', () => {
    const t = new WakeRows(withStacks());
    // 3,000 threads × 3 sources, interleaved, keys beyond 32 bits among them: the rows move to
    // bigger arrays and rehash several times
    const sources = [-3, -(2 ** 40) - 1, 7 * 2 ** 33];
    for (let round = 0; round < 2; round++)
      for (const s of sources) for (let th = 0; th < 3000; th++) t.wakeup(fact(th, s, { cause: s - 1 }));
    for (const th of [0, 1, 1999, 2999]) {
      expect(keys(t, t.rowsOf(th))).toEqual(sources.map((s) => [s, s - 1, 0]));
      expect(t.rowsOf(th).map((at) => t.data[at + W_COUNT])).toEqual([2, 2, 2]);
    }
  });
});

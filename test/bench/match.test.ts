// The bench's pairing of lifeline's and perf's wakeups (bench/attribution/match.js).
import { describe, expect, it } from 'vitest';
import { matchWakeups } from '../../bench/attribution/match.js';

interface W {
  tid: number;
  ts: number;
}
const how = {
  tidA: (w: W) => w.tid,
  tsA: (w: W) => w.ts,
  tidB: (w: W) => w.tid,
  tsB: (w: W) => w.ts,
  toleranceNs: 8000,
};

describe('matchWakeups', () => {
  it('estimates the offset from the side that saw fewer: perf lacking 3 in 4 of the wakings still pairs every one it has', () => {
    // lifeline: 20 I/O completions of tid 7, each a waking perf also has and three more wakings
    // 60, 120 and 180 µs later that perf lacks (softirq on an idle CPU); perf stamps its wakings
    // 1.5 µs later, rounded down to the µs as it prints them. The nearest perf waking of each
    // waking perf lacks lies before it: a median over lifeline's side would be tens of µs off.
    const ours: W[] = [];
    const theirs: W[] = [];
    for (let k = 0; k < 20; k++) {
      const base = 1e9 + k * 1e6 + 123;
      for (const d of [0, 60_000, 120_000, 180_000]) ours.push({ tid: 7, ts: base + d });
      theirs.push({ tid: 7, ts: Math.floor((base + 1500) / 1000) * 1000 });
    }
    const m = matchWakeups(ours, theirs, how);
    expect(m.offsetNs).toBe(123 - 1000); // lifeline − perf, for the same waking
    expect(m.pairs).toHaveLength(20);
    for (const [a, b] of m.pairs) expect(Math.abs(b.ts - a.ts)).toBeLessThan(2000);
    expect(m.onlyB).toHaveLength(0);
    expect(m.onlyA).toHaveLength(60);
  });

  it('pairs only wakeups of the same thread', () => {
    const m = matchWakeups([{ tid: 1, ts: 5000 }], [{ tid: 2, ts: 5000 }], how);
    expect(m.pairs).toHaveLength(0);
    expect(m.onlyA).toHaveLength(1);
    expect(m.onlyB).toHaveLength(1);
  });
});

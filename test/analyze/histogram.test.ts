import { describe, expect, it } from 'vitest';
import { DistSet, Distribution, EXACT_LIMIT } from '../../src/analyze/metrics/histogram.js';

describe('Distribution', () => {
  it('is exact while small (nearest rank)', () => {
    const d = new Distribution();
    for (const v of [5, 1, 4, 2, 3]) d.add(v);
    expect([d.percentile(0.5), d.percentile(0.95), d.max, d.mean, d.total]).toEqual([3, 5, 5, 3, 15]);
  });

  it('stays within 1 % beyond the exact limit, with exact count, mean and max', () => {
    const d = new Distribution();
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 50_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const v = 1000 + (x % 10_000_000);
      values.push(v);
      d.add(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [0.5, 0.9, 0.95, 0.99]) {
      const truth = values[Math.ceil(p * values.length) - 1]!;
      expect(Math.abs(d.percentile(p) - truth) / truth).toBeLessThanOrEqual(0.01);
    }
    expect(d.count).toBe(50_000);
    expect(d.max).toBe(values[values.length - 1]);
    expect(d.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
  });

  it('merges exact and bucketed parts', () => {
    const a = new Distribution();
    const b = new Distribution();
    for (let i = 1; i <= EXACT_LIMIT * 2; i++) a.add(i * 1000);
    for (let i = 1; i <= 10; i++) b.add(i);
    b.merge(a);
    expect(b.count).toBe(EXACT_LIMIT * 2 + 10);
    expect(b.max).toBe(EXACT_LIMIT * 2 * 1000);
    expect(Math.abs(b.percentile(0.5) - 251_000) / 251_000).toBeLessThanOrEqual(0.01);
    expect(b.percentile(0.001)).toBeLessThanOrEqual(1.01);
  });

  it('DistSet gives exactly the Distribution of the same values', () => {
    const set = new DistSet();
    const refs: Distribution[] = [];
    for (let d = 0; d < 5; d++) {
      set.push();
      refs.push(new Distribution());
    }
    let x = 7;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const d = x % 5;
      const n = refs[d]!.count;
      // d = 4 stays exact; others see zeros, fractions and huge values
      if (d === 4 && n >= EXACT_LIMIT) continue;
      const v = x % 97 === 0 ? 0 : x % 89 === 0 ? 0.25 : x % 83 === 0 ? 1e30 : 1 + (x % 5_000_000);
      set.add(d, v);
      refs[d]!.add(v);
    }
    for (let d = 0; d < 5; d++) {
      const got = set.get(d);
      const ref = refs[d]!;
      expect([got.count, got.total, got.max]).toEqual([ref.count, ref.total, ref.max]);
      for (const p of [0, 0.001, 0.1, 0.5, 0.95, 0.999, 1]) expect(got.percentile(p)).toBe(ref.percentile(p));
      const s = set.summary(d);
      expect([s.count, s.total, s.max, s.mean, s.p50, s.p95]).toEqual([
        ref.count,
        ref.total,
        ref.max,
        ref.mean,
        ref.percentile(0.5),
        ref.percentile(0.95),
      ]);
    }
  });

  it('DistSet answers exactly while values wait in its log: reads between adds, distributions added on the way, logs of every size', () => {
    // DistSet.add logs values and applies them by distribution: whatever the moment of a read,
    // each distribution must be the Distribution of exactly the values added so far, in order
    const set = new DistSet();
    const refs: Distribution[] = [];
    let x = 11;
    for (let i = 0; i < 600_000; i++) {
      // distributions keep arriving (the log grows with them: up to ~2,300 here)
      if (i % 256 === 0) {
        set.push();
        refs.push(new Distribution());
      }
      x = (x * 1103515245 + 12345) % 2147483648;
      const d = x % refs.length;
      const v = x % 89 === 0 ? 0.5 : x % 97 === 0 ? 0 : (1 + (x % 4096)) * 2 ** ((x >> 12) % 24);
      set.add(d, v);
      refs[d]!.add(v);
      // reads at irregular moments, some with values still logged
      if (i % 49_999 === 0 || i === 599_999) {
        for (const k of [0, d, refs.length - 1]) {
          const got = set.get(k);
          const ref = refs[k]!;
          expect([got.count, got.total, got.max, got.percentile(0.5), got.percentile(0.95)]).toEqual([
            ref.count,
            ref.total,
            ref.max,
            ref.percentile(0.5),
            ref.percentile(0.95),
          ]);
        }
      }
    }
    for (let d = 0; d < refs.length; d += 97) {
      const s = set.summary(d);
      expect([s.count, s.total, s.max, s.p50, s.p95]).toEqual([
        refs[d]!.count,
        refs[d]!.total,
        refs[d]!.max,
        refs[d]!.percentile(0.5),
        refs[d]!.percentile(0.95),
      ]);
    }
  });

  it('DistSet summaries of several distributions equal the merged Distribution', () => {
    const set = new DistSet();
    const refs: Distribution[] = [];
    // sizes: empty, small exact, exact at the limit, bucketed; values over many octaves, with zeros
    const sizes = [0, 7, EXACT_LIMIT, 3000, 40, 1];
    let x = 99;
    for (const size of sizes) {
      const d = set.push();
      const ref = new Distribution();
      refs.push(ref);
      for (let i = 0; i < size; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const v = x % 61 === 0 ? 0 : (1 + (x % 1000)) * 2 ** ((x >> 10) % 30);
        set.add(d, v);
        ref.add(v);
      }
    }
    const groups = [[0], [1, 4], [1, 4, 5], [2, 5], [1, 2], [3, 1], [0, 2, 3, 4, 5]];
    for (const g of groups) {
      const merged = new Distribution();
      for (const d of g) merged.merge(refs[d]!);
      const s = set.summaryOf(g);
      expect([s.count, s.max, s.p50, s.p95]).toEqual([
        merged.count,
        merged.max,
        merged.percentile(0.5),
        merged.percentile(0.95),
      ]);
      expect(s.total).toBeCloseTo(merged.total, 6);
    }
  });
});

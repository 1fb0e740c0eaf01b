/**
 * serve's exposition without root: the exporter fed by the live engine with hand-written events,
 * its text checked byte for byte where the format is exact (histogram bounds, label escaping).
 */
import { describe, expect, it } from 'vitest';
import { batchFromRows } from '../../src/capture/event-batch.js';
import { LiveAnalysis } from '../../src/analyze/live.js';
import { Exporter } from '../../src/serve/exporter.js';
import { nsAsSeconds } from '../../src/serve/registry.js';
import { comm, sw, T0, wake } from '../helpers/sched-events.js';

/** Label values as the text format writes them: backslash, quote and newline escaped, once. */
const NASTY = 'q"b\\\n<x>';
const BACKSLASH_N = 'a\\n';

async function exposition(): Promise<string> {
  const live = new LiveAnalysis(T0, 2);
  const rows = [
    comm(100, 100, NASTY),
    comm(200, 200, BACKSLASH_N),
    // each runs, sleeps, is woken and waits 5 µs (tid 100) and 3 µs (tid 200) for the CPU
    sw(10, 0, 0, 100),
    sw(20, 0, 100, 0),
    sw(21, 1, 0, 200),
    sw(25, 1, 200, 0),
    wake(30, 0, 100, 0),
    sw(35, 0, 0, 100),
    wake(40, 1, 200, 0),
    sw(43, 1, 0, 200),
    sw(50, 0, 100, 0),
    sw(60, 1, 200, 0),
  ];
  live.feed(batchFromRows(rows));
  const exporter = new Exporter({ top: 40, watch: [], version: 'test' });
  exporter.histograms(live);
  exporter.collect(live);
  return exporter.exposition.text();
}

/** Samples of one metric: labels (as written) and value. */
function samples(text: string, metric: string): { labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `))
    .map((l) => {
      const at = l.lastIndexOf(' ');
      return { labels: l.slice(metric.length, at), value: Number(l.slice(at + 1)) };
    });
}

describe("serve's exposition", () => {
  it('writes a comm label exactly: backslash and quote escaped once, a control character replaced', async () => {
    const text = await exposition();
    // the bytes of the label value: q \" b \\ U+FFFD <x>
    expect(text).toContain('lifeline_process_run_seconds_total{comm="q\\"b\\\\\ufffd<x>"}');
    // a backslash followed by n is two characters, not a newline
    expect(text).toContain('lifeline_process_run_seconds_total{comm="a\\\\n"}');
    expect(text).not.toContain('\\\\\\\\');
  });

  it('writes the run-queue histogram with exact decimal bounds, monotonic buckets and +Inf = _count', async () => {
    const text = await exposition();
    const buckets = samples(text, 'lifeline_runqueue_delay_seconds_bucket').filter((s) =>
      s.labels.includes('cause="wakeup"'),
    );
    // 1 µs to 2^24 µs, doubling: written here from the design, not from the code's list
    const expected = Array.from({ length: 25 }, (_, k) => (2 ** k / 1e6).toFixed(6).replace(/\.?0+$/, ''));
    expected.push('+Inf');
    expect(buckets.map((b) => /le="([^"]*)"/.exec(b.labels)![1])).toEqual(expected);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    const count = samples(text, 'lifeline_runqueue_delay_seconds_count').find((s) => s.labels.includes('wakeup'))!;
    expect(buckets[buckets.length - 1]!.value).toBe(count.value);
    // the two waits, 5 µs and 3 µs: both ≤ 8 µs, neither ≤ 2 µs, one ≤ 4 µs
    expect(count.value).toBe(2);
    const at = (le: string) => buckets.find((b) => b.labels.includes(`le="${le}"`))!.value;
    expect(at('0.000002')).toBe(0);
    expect(at('0.000004')).toBe(1);
    expect(at('0.000008')).toBe(2);
    const sum = samples(text, 'lifeline_runqueue_delay_seconds_sum').find((s) => s.labels.includes('wakeup'))!;
    expect(sum.value).toBeCloseTo(8e-6, 12);
  });

  it('prints whole nanoseconds as exact seconds', () => {
    expect(nsAsSeconds(1)).toBe('0.000000001');
    expect(nsAsSeconds(16_384_000)).toBe('0.016384');
    expect(nsAsSeconds(1_000_000_000)).toBe('1');
    expect(nsAsSeconds(16_777_216_000)).toBe('16.777216');
    expect(nsAsSeconds(0)).toBe('0');
  });
});

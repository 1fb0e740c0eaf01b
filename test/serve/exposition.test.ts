/**
 * serve's exposition without root: the exporter fed by the live engine with hand-written events,
 * its text checked byte for byte where the format is exact (histogram bounds, label escaping).
 */
import { describe, expect, it } from 'vitest';
import { batchFromRows } from '../../src/capture/event-batch.js';
import { LiveAnalysis } from '../../src/analyze/live.js';
import { Exporter } from '../../src/serve/exporter.js';
import { nsAsSeconds } from '../../src/serve/registry.js';
import { comm, queueWork, runWork, sw, sym, T0, wake } from '../helpers/sched-events.js';

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

  it('names the cause as the waker of a pair: the queuer of a kworker item, not the kworker', async () => {
    const live = new LiveAnalysis(T0, 2);
    const round = (t: number) => [
      sw(t, 1, 0, 60),
      sw(t + 5, 1, 60, 0), // the reader sleeps
      sw(t + 10, 0, 0, 40),
      queueWork(t + 12, 0, 0x77, 40, 7), // the writer queues flush_to_ldisc
      sw(t + 15, 0, 40, 70),
      ...runWork(t + 16, t + 30, 0, 0x77, 70, 7),
      wake(t + 20, 0, 60, 70, { targetCpu: 1 }), // the kworker, in the item, wakes the reader
      sw(t + 31, 0, 70, 0),
    ];
    live.feed(
      batchFromRows([
        comm(40, 40, 'writer'),
        comm(60, 60, 'reader'),
        comm(70, 70, 'kworker/u8:1'),
        sym(7, 'flush_to_ldisc'),
        // in time order, as a capture holds them
        ...[...round(100), ...round(200), ...round(300)].sort((x, y) => x.ts - y.ts),
      ]),
    );
    const exporter = new Exporter({ top: 40, watch: [], version: 'test' });
    exporter.collect(live);
    const text = await exporter.exposition.text();
    const pairs = samples(text, 'lifeline_wakeup_pairs_total');
    expect(pairs).toContainEqual({ labels: '{waker="writer",wakee="reader"}', value: 3 });
    expect(pairs.some((p) => p.labels.includes('waker="kworker/u8:1",wakee="reader"'))).toBe(false);
    // and as the reattributed wakeups of the reader's process
    expect(samples(text, 'lifeline_process_reattributed_wakeups_total')).toContainEqual({
      labels: '{comm="reader"}',
      value: 3,
    });
  });

  it('prints whole nanoseconds as exact seconds', () => {
    expect(nsAsSeconds(1)).toBe('0.000000001');
    expect(nsAsSeconds(16_384_000)).toBe('0.016384');
    expect(nsAsSeconds(1_000_000_000)).toBe('1');
    expect(nsAsSeconds(16_777_216_000)).toBe('16.777216');
    expect(nsAsSeconds(0)).toBe('0');
  });
});

import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { analyze as checkedAnalyze } from '../../src/api.js';
import { LifelineError } from '../../src/errors.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { comm, S, sw, wake } from '../helpers/sched-events.js';

// Two processes: web (tgid 10, threads 10 and 11) and db (tgid 20); db wakes web's thread 11 twice.
const rows = [
  comm(10, 10, 'web'),
  comm(11, 10, 'web-worker'),
  comm(20, 20, 'db'),
  sw(10, 0, 11, 0, S),
  wake(100, 1, 11, 20),
  sw(110, 0, 0, 11),
  sw(150, 0, 11, 10, S), // web (10) runs from 150 µs
  wake(400, 1, 11, 20),
  sw(420, 0, 10, 11, S),
  sw(500, 0, 11, 0, S),
  comm(20, 20, 'db-renamed', 600),
];
const cap = () => memoryCapture(rows);

describe('filters', () => {
  it('keeps threads of a pid', async () => {
    const { result } = await analyze(cap(), { pid: [10] });
    expect(result.threads.map((t) => t.tid).sort()).toEqual([10, 11]);
    expect(result.processes.map((p) => [p.tgid, p.threads, p.comm])).toEqual([[10, 2, 'web']]);
  });

  it('keeps one tid, and the edges into it', async () => {
    const { result } = await analyze(cap(), { tid: [11] });
    expect(result.threads.map((t) => t.tid)).toEqual([11]);
    expect(result.edges).toEqual([
      {
        from: { kind: 'task', tid: 20, tgid: 20, comm: 'db-renamed' },
        to: { tid: 11, tgid: 10, comm: 'web-worker' },
        count: 2,
      },
    ]);
  });

  it('matches --comm on the latest name, any filter matching is enough', async () => {
    const { result } = await analyze(cap(), { comm: /renamed/g, tid: [10] });
    expect(result.threads.map((t) => t.comm).sort()).toEqual(['db-renamed', 'web']);
    const again = await analyze(cap(), { comm: /^db$/ });
    expect(again.result.threads).toEqual([]);
  });

  it('counts only what lies inside the time window, clipping run time', async () => {
    // window 120 µs .. 450 µs: thread 11's second wakeup (400) counts, its first (100) does not;
    // its sleep 150 → 400 is inside; the slice 110 → 150 is clipped to 30 µs of run time, no slice.
    const { result } = await analyze(cap(), { fromNs: 120_000, toNs: 450_000 });
    const w = result.threads.find((t) => t.tid === 11)!;
    expect(w.wakeups).toBe(1);
    expect(w.sleeps).toBe(1);
    expect(w.sleepNs.total).toBe(250_000);
    expect(w.runNs).toBe(30_000 + 30_000);
    expect(w.slices).toBe(0);
    expect(w.runqDelayNs.mean).toBe(20_000);
    expect(w.bursts).toBe(0); // the burst from 420 ends at 500, after the window
    const web = result.threads.find((t) => t.tid === 10)!;
    expect(web.runNs).toBe(270_000);
  });

  it('rejects bad filters in one line (the API checks them)', async () => {
    await expect(checkedAnalyze(cap(), { pid: [-1] })).rejects.toThrow(LifelineError);
    await expect(checkedAnalyze(cap(), { fromNs: 5, toNs: 1 })).rejects.toThrow(
      'the time window is empty: fromNs 5 ns is after toNs 1 ns',
    );
  });
});

describe('process aggregation', () => {
  // Three threads of one process pass a token around: t1 → t2 → t3 → t1 …
  const ids = [901, 902, 903];
  const token = [comm(900, 900, 'tok'), ...ids.map((t, i) => comm(t, 900, `tok-${i + 1}`))];
  token.push(sw(5, 0, 902, 0, S), sw(6, 1, 903, 0, S));
  let t = 10;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 3; i++) {
      const me = ids[i]!;
      const next = ids[(i + 1) % 3]!;
      token.push(wake(t, i % 2, next, me), sw(t + 2, (i + 1) % 2, 0, next), sw(t + 4, i % 2, me, 0, S));
      t += 4;
    }
  }

  it('sums the threads and shows the process waking itself', async () => {
    const { result } = await analyze(memoryCapture(token), {});
    expect(result.threads).toHaveLength(3);
    const p = result.processes.find((x) => x.tgid === 900)!;
    expect(p.threads).toBe(3);
    expect(p.comm).toBe('tok');
    expect(p.wakeups).toBe(9);
    expect(p.wakers).toEqual([{ source: { kind: 'task', tgid: 900, comm: 'tok' }, count: 9 }]);
    expect(result.processEdges).toEqual([
      { from: { kind: 'task', tgid: 900, comm: 'tok' }, to: { tgid: 900, comm: 'tok' }, count: 9 },
    ]);
    expect(p.sleeps).toBe(result.threads.reduce((s, x) => s + x.sleeps, 0));
    expect(p.runNs).toBe(result.threads.reduce((s, x) => s + x.runNs, 0));
    expect(p.bursts).toBe(result.threads.reduce((s, x) => s + x.bursts, 0));
    expect(p.runqDelayNs.mean).toBe(2_000);
  });
});

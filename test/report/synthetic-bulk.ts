/**
 * A big synthetic analysis, fast to make: the detail at src/analyze's default budget caps
 * (what a capture of a million events or more hands the report) and a result with many threads.
 */
import type {
  Analysis,
  CpuSpan,
  Edge,
  ProcessMetrics,
  StateInterval,
  ThreadMetrics,
  ThreadState,
  WakeSource,
  WakeupRecord,
} from '../../src/analyze/types.js';
import { emptyMetrics } from '../../src/analyze/output/result.js';

export interface BulkOptions {
  threads: number;
  intervals: number;
  wakeups: number;
  cpuSpans: number;
  cpus: number;
  durationMs: number;
  events: number;
}

export const MILLION_EVENTS: BulkOptions = {
  threads: 800,
  intervals: 200_000,
  wakeups: 100_000,
  cpuSpans: 200_000,
  cpus: 8,
  durationMs: 10_000,
  events: 1_000_000,
};

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IRQ_SOURCES: WakeSource[] = [
  { kind: 'hardirq', name: 'local_timer/hrtimer_wakeup' },
  { kind: 'softirq', name: 'TIMER/process_timeout' },
  { kind: 'softirq', name: 'NET_RX' },
  { kind: 'hardirq', name: 'irq 11 virtio0' },
];

export function bulkAnalysis(o: BulkOptions = MILLION_EVENTS): Analysis {
  const rand = rng(42);
  const durationNs = o.durationMs * 1e6;
  const threads = Array.from({ length: o.threads }, (_, i) => {
    const tgid = 10_000 + Math.floor(i / 4) * 4;
    return { tid: 10_000 + i, tgid, comm: i % 4 === 0 ? `proc-${i / 4}` : `worker-${i}` };
  });
  // Busier threads get more intervals: weight ~ 1/(rank+1).
  const weights = threads.map((_, i) => 1 / (i + 1) ** 0.8);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const intervals: StateInterval[] = [];
  const wakeups: WakeupRecord[] = [];
  const cpuSpans: CpuSpan[] = [];
  const lastWakeupOf = new Map<number, number>();
  const cycle: ThreadState[] = ['running', 'sleeping', 'runnable'];
  const wakeEvery = Math.max(1, Math.round(o.intervals / 3 / o.wakeups));
  threads.forEach((t, i) => {
    const n = Math.max(3, Math.round((o.intervals * weights[i]!) / weightSum));
    const mean = durationNs / n;
    let ts = 0;
    for (let k = 0; k < n && ts < durationNs; k++) {
      const state = cycle[k % 3]!;
      const len = Math.min(
        durationNs - ts,
        Math.max(200, -Math.log(1 - rand()) * mean * (state === 'sleeping' ? 1.8 : state === 'running' ? 0.9 : 0.3)),
      );
      const cpu = Math.floor(rand() * o.cpus);
      intervals.push({ tid: t.tid, start: ts, end: ts + len, state, ...(state === 'running' ? { cpu } : {}) });
      if (state === 'runnable' && wakeups.length < o.wakeups && k % wakeEvery === 2 % wakeEvery) {
        const byTask = rand() < 0.4;
        const waker = threads[Math.floor(rand() * threads.length)]!;
        const source: WakeSource = byTask
          ? { kind: 'task', tid: waker.tid, tgid: waker.tgid, comm: waker.comm }
          : IRQ_SOURCES[Math.floor(rand() * IRQ_SOURCES.length)]!;
        const onCpu = threads[Math.floor(rand() * threads.length)]!;
        wakeups.push({
          id: wakeups.length,
          ts,
          tid: t.tid,
          source,
          onCpu: { tid: onCpu.tid, comm: onCpu.comm },
          reattributed: !byTask,
          sleptNs: intervals[intervals.length - 2]!.end - intervals[intervals.length - 2]!.start,
          sleepState: rand() < 0.1 ? 'D' : 'S',
          waitNs: len,
          runNs: len * 3 * rand(),
          slices: 1 + Math.floor(-Math.log(1 - rand()) * 0.7),
          wakerWakeup: byTask ? (lastWakeupOf.get(waker.tid) ?? null) : null,
          flags: { remote: false, idle: false, spurious: false, unsure: false },
        });
        lastWakeupOf.set(t.tid, wakeups.length - 1);
      }
      ts += len;
    }
  });
  // Each CPU runs one thread after another (80% of the spans), then interrupt spans on top.
  const perCpu = Math.floor((o.cpuSpans * 0.8) / o.cpus);
  for (let cpu = 0; cpu < o.cpus; cpu++) {
    let ts = 0;
    for (let k = 0; k < perCpu && ts < durationNs; k++) {
      const len = -Math.log(1 - rand()) * (durationNs / perCpu) * 0.8;
      const t = threads[Math.floor(threads.length * rand() ** 2)]!;
      cpuSpans.push({ cpu, start: ts, end: Math.min(durationNs, ts + len), kind: 'task', tid: t.tid });
      ts += len / 0.8;
    }
  }
  while (cpuSpans.length < o.cpuSpans) {
    const src = IRQ_SOURCES[cpuSpans.length % IRQ_SOURCES.length]!;
    const start = rand() * durationNs;
    cpuSpans.push({
      cpu: Math.floor(rand() * o.cpus),
      start,
      end: start + 2000 + rand() * 8000,
      kind: src.kind === 'hardirq' ? 'hardirq' : 'softirq',
      name: src.name!,
    });
  }
  return {
    result: bulkResult(threads, intervals, wakeups, o, durationNs),
    detail: { intervals, cpuSpans, wakeups, reduced: [] },
  };
}

function bulkResult(
  threads: Array<{ tid: number; tgid: number; comm: string }>,
  intervals: StateInterval[],
  wakeups: WakeupRecord[],
  o: BulkOptions,
  durationNs: number,
): Analysis['result'] {
  const run = new Map<number, number>();
  for (const iv of intervals) if (iv.state === 'running') run.set(iv.tid, (run.get(iv.tid) ?? 0) + iv.end - iv.start);
  const woken = new Map<number, number>();
  for (const w of wakeups) woken.set(w.tid, (woken.get(w.tid) ?? 0) + 1);
  const stats = { total: 1e9, mean: 1e6, p50: 8e5, p95: 4e6, max: 9e6 };
  const metrics: ThreadMetrics[] = threads.map((t) => ({
    ...t,
    ...emptyMetrics(),
    generation: 0,
    runNs: run.get(t.tid) ?? 0,
    slices: 100,
    meanSliceNs: 1e5,
    sleeps: woken.get(t.tid) ?? 0,
    sleepsS: woken.get(t.tid) ?? 0,
    sleepsD: 0,
    sleepNs: stats,
    wakeups: woken.get(t.tid) ?? 0,
    runqDelayNs: { mean: 5e4, p95: 2e5, max: 1e6 },
    bursts: woken.get(t.tid) ?? 0,
    meanBurstRunNs: 2e5,
    meanSlicesPerBurst: 1.2,
    reattributed: 3,
    wakers: IRQ_SOURCES.map((source, i) => ({ source, count: 10 - i })),
  }));
  const processes = new Map<number, ProcessMetrics>();
  for (const m of metrics) {
    const p = processes.get(m.tgid);
    if (p) {
      p.threads++;
      p.runNs += m.runNs;
    } else {
      const { tid: _tid, generation: _generation, ...rest } = m;
      processes.set(m.tgid, { ...rest, threads: 1 });
    }
  }
  const edges = new Map<string, Edge>();
  const byTid = new Map(threads.map((t) => [t.tid, t]));
  for (const w of wakeups) {
    const key = `${w.source.kind}:${w.source.tid ?? w.source.name}:${w.tid}`;
    const edge = edges.get(key) ?? { from: w.source, to: byTid.get(w.tid)!, count: 0 };
    edge.count++;
    edges.set(key, edge);
  }
  return {
    capture: {
      format: 'arrow',
      events: o.events,
      lost: 0,
      contradictions: 0,
      startWall: '2025-03-14T08:13:33.589Z',
      durationNs,
    },
    threads: metrics,
    processes: [...processes.values()],
    edges: [...edges.values()],
    reattributed: wakeups.filter((w) => w.reattributed).length,
  };
}

/**
 * A deterministic synthetic analysis: a small two-CPU scheduler simulation (a node-like event loop
 * with workers, CPU hogs, timer and network interrupts) producing the AnalysisResult and detail
 * that src/analyze would. Scale it up to stand in for big captures.
 */
import type {
  Analysis,
  CpuSpan,
  DurationStats,
  Edge,
  ProcessMetrics,
  StateInterval,
  ThreadMetrics,
  ThreadState,
  WakeSource,
  WakeupRecord,
} from '../../src/analyze/types.js';
import type { CaptureMeta } from '../../src/capture/meta.js';
import { emptyMetrics } from '../../src/analyze/output/result.js';

export const HOSTILE_NAMES = [
  '<img src=x onerror="window.__pwned=1">',
  '"><img src=x onerror=window.__pwned=2>',
  '</script><script>window.__pwned=3</script>',
  "<svg onload=window.__pwned=4>'&amp;\u2028",
];

export interface SyntheticOptions {
  durationMs?: number;
  cpus?: number;
  /** Extra CPU-hog threads (like stress workers). */
  hogs?: number;
  /** Extra short-lived worker threads woken by the main thread. */
  workers?: number;
  hostile?: boolean;
  /** Extra worker threads of one process (tids 3100, 3101, …; the first is the main thread, so its name is the process's). */
  names?: readonly string[];
  seed?: number;
}

interface SimThread {
  tid: number;
  tgid: number;
  comm: string;
  /** How it sleeps and who wakes it. */
  role: 'loop' | 'worker' | 'hog' | 'net' | 'kworker';
  state: ThreadState;
  since: number;
  wakeAt: number;
  burstLeft: number;
  sliceStart: number;
  cpu: number;
  pending: WakeupRecord | null;
  lastWakeup: number | null;
  burstRun: number;
  burstSlices: number;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticMeta(overrides: Partial<CaptureMeta> = {}): CaptureMeta {
  return {
    formatVersion: 1,
    tool: 'lifeline 0.1.0',
    kernel: '6.1.0-28-amd64',
    hostname: 'bench-vm',
    cpus: 2,
    clockOffsetMs: 1_741_940_000_000,
    bootOffsetNs: null,
    timezone: 'Europe/Paris',
    startNs: 13_589_000_000,
    endNs: 23_589_000_000,
    command: ['node', 'server.js', '--port', '8080'],
    filters: { irqSpans: true, tgid: 0 },
    lostPerCpu: [0, 0],
    lost: 0,
    stacks: null,
    stackFails: {},
    skippedTracepoints: [],
    exitCode: 0,
    events: 0,
    complete: true,
    ...overrides,
  };
}

const SLICE_NS = 4_000_000;
const STEP_NS = 20_000;

export function syntheticAnalysis(o: SyntheticOptions = {}): Analysis {
  const durationNs = (o.durationMs ?? 2000) * 1e6;
  const cpus = o.cpus ?? 2;
  const rand = rng(o.seed ?? 7);
  const threads: SimThread[] = [];
  const add = (tid: number, tgid: number, comm: string, role: SimThread['role']): void => {
    threads.push({
      tid,
      tgid,
      comm,
      role,
      state: 'sleeping',
      since: 0,
      wakeAt: rand() * 5e6,
      burstLeft: 0,
      sliceStart: 0,
      cpu: -1,
      pending: null,
      lastWakeup: null,
      burstRun: 0,
      burstSlices: 0,
    });
  };
  add(1000, 1000, 'node', 'loop');
  add(1001, 1000, 'node', 'net');
  for (let i = 0; i < (o.workers ?? 4); i++) add(1010 + i, 1000, 'libuv-worker', 'worker');
  for (let i = 0; i < (o.hogs ?? 2); i++) add(2001 + i, 2000, 'stress', 'hog');
  add(45, 45, 'kworker/0:1', 'kworker');
  if (o.hostile) HOSTILE_NAMES.forEach((name, i) => add(3000 + i, 3000, name, 'worker'));
  (o.names ?? []).forEach((name, i) => add(3100 + i, 3100, name, 'worker'));
  const byTid = new Map(threads.map((t) => [t.tid, t]));

  const intervals: StateInterval[] = [];
  const cpuSpans: CpuSpan[] = [];
  const wakeups: WakeupRecord[] = [];
  const running: (SimThread | null)[] = Array.from({ length: cpus }, () => null);
  const cpuSince: number[] = Array.from({ length: cpus }, () => 0);
  let events = 0;

  const close = (t: SimThread, now: number, next: ThreadState): void => {
    if (now > t.since)
      intervals.push({
        tid: t.tid,
        start: t.since,
        end: now,
        state: t.state,
        ...(t.state === 'running' ? { cpu: t.cpu } : {}),
      });
    t.state = next;
    t.since = now;
  };
  const irq = (cpu: number, now: number, kind: 'hardirq' | 'softirq', name: string): void => {
    cpuSpans.push({ cpu, start: now, end: now + 3000 + rand() * 6000, kind, name });
    events += 2;
  };
  const wake = (t: SimThread, now: number, source: WakeSource, wakerWakeup: number | null, cpu: number): void => {
    const current = running[cpu] ?? null;
    const record: WakeupRecord = {
      id: wakeups.length,
      ts: now,
      tid: t.tid,
      source,
      onCpu: current ? { tid: current.tid, comm: current.comm } : null,
      reattributed: source.kind !== 'task' && current !== null && current.tid !== source.tid,
      sleptNs: now - t.since,
      sleepState: t.state === 'blocked' ? 'D' : 'S',
      waitNs: null,
      runNs: null,
      slices: null,
      wakerWakeup,
      flags: { remote: rand() < 0.3, idle: current === null, spurious: false, unsure: false },
    };
    wakeups.push(record);
    events++;
    close(t, now, 'runnable');
    t.pending = record;
    t.lastWakeup = record.id;
    t.burstRun = 0;
    t.burstSlices = 0;
    t.burstLeft =
      t.role === 'hog'
        ? Infinity
        : t.role === 'loop'
          ? 2e5 + rand() * 1.5e6
          : t.role === 'worker'
            ? 5e5 + rand() * 4e6
            : 2e4 + rand() * 1e5;
  };
  const sleep = (t: SimThread, now: number): void => {
    const blocked = t.role === 'worker' && rand() < 0.2;
    close(t, now, blocked ? 'blocked' : 'sleeping');
    events++;
    const span = cpuSpans.push({ cpu: t.cpu, start: t.sliceStart, end: now, kind: 'task', tid: t.tid });
    void span;
    if (t.pending) {
      t.pending.runNs = t.burstRun;
      t.pending.slices = t.burstSlices;
      t.pending = null;
    }
    t.wakeAt =
      t.role === 'loop'
        ? now + 1e6 + rand() * 9e6
        : t.role === 'net'
          ? now + 2e6 + rand() * 2e7
          : t.role === 'kworker'
            ? now + 4e6
            : Infinity;
    if (t.role === 'loop' && rand() < 0.6) {
      const idle = threads.filter((w) => w.role === 'worker' && w.state !== 'runnable' && w.state !== 'running');
      const target = idle[Math.floor(rand() * idle.length)];
      if (target) wake(target, now, { kind: 'task', tid: t.tid, tgid: t.tgid, comm: t.comm }, t.lastWakeup, t.cpu);
    }
  };

  for (let now = 0; now < durationNs; now += STEP_NS) {
    for (const t of threads) {
      if ((t.state === 'sleeping' || t.state === 'blocked') && t.wakeAt <= now) {
        const cpu = Math.floor(rand() * cpus);
        if (t.role === 'loop') {
          irq(cpu, now, 'hardirq', 'local_timer');
          wake(t, now, { kind: 'hardirq', name: 'local_timer/hrtimer_wakeup' }, null, cpu);
        } else if (t.role === 'net') {
          irq(cpu, now, 'softirq', 'NET_RX');
          wake(t, now, { kind: 'softirq', name: 'NET_RX' }, null, cpu);
        } else {
          irq(cpu, now, 'softirq', 'TIMER');
          wake(t, now, { kind: 'softirq', name: 'TIMER/process_timeout' }, null, cpu);
        }
      }
    }
    for (let cpu = 0; cpu < cpus; cpu++) {
      const cur = running[cpu];
      if (cur) {
        cur.burstLeft -= STEP_NS;
        cur.burstRun += STEP_NS;
        if (cur.burstLeft <= 0) {
          sleep(cur, now);
          running[cpu] = null;
        } else if (now - cur.sliceStart >= SLICE_NS && threads.some((t) => t.state === 'runnable')) {
          close(cur, now, 'runnable');
          cpuSpans.push({ cpu, start: cur.sliceStart, end: now, kind: 'task', tid: cur.tid });
          events++;
          running[cpu] = null;
        }
      }
      if (!running[cpu]) {
        const next = threads.filter((t) => t.state === 'runnable').sort((a, b) => a.since - b.since)[0];
        if (next) {
          if (next.pending && next.pending.waitNs === null) next.pending.waitNs = now - next.pending.ts;
          next.cpu = cpu;
          next.sliceStart = now;
          next.burstSlices++;
          close(next, now, 'running');
          running[cpu] = next;
          cpuSince[cpu] = now;
        } else if (now % SLICE_NS === 0) {
          irq(cpu, now, 'hardirq', 'local_timer');
        }
      }
    }
  }
  for (const t of threads) {
    if (t.state === 'running')
      cpuSpans.push({ cpu: t.cpu, start: t.sliceStart, end: durationNs, kind: 'task', tid: t.tid });
    close(t, durationNs, t.state);
  }
  return {
    result: summarize(threads, intervals, wakeups, byTid, events, durationNs),
    detail: { intervals, cpuSpans, wakeups, reduced: [] },
  };
}

function stats(values: number[]): DurationStats {
  if (values.length === 0) return { total: 0, mean: 0, p50: 0, p95: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { total, mean: total / sorted.length, p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1]! };
}

function summarize(
  threads: SimThread[],
  intervals: StateInterval[],
  wakeups: WakeupRecord[],
  byTid: Map<number, SimThread>,
  events: number,
  durationNs: number,
): Analysis['result'] {
  const metrics: ThreadMetrics[] = threads.map((t) => {
    const mine = intervals.filter((i) => i.tid === t.tid);
    const runs = mine.filter((i) => i.state === 'running').map((i) => i.end - i.start);
    const sleeps = mine.filter((i) => i.state === 'sleeping' || i.state === 'blocked');
    const woke = wakeups.filter((w) => w.tid === t.tid);
    const waits = woke.flatMap((w) => (w.waitNs === null ? [] : [w.waitNs]));
    const bursts = woke.filter((w) => w.runNs !== null);
    const wakers = new Map<string, { source: WakeSource; count: number }>();
    for (const w of woke) {
      const key = JSON.stringify(w.source);
      const entry = wakers.get(key) ?? { source: w.source, count: 0 };
      entry.count++;
      wakers.set(key, entry);
    }
    const waitStats = stats(waits);
    return {
      tid: t.tid,
      tgid: t.tgid,
      comm: t.comm,
      ...emptyMetrics(),
      generation: 0,
      runNs: runs.reduce((a, b) => a + b, 0),
      slices: runs.length,
      meanSliceNs: runs.length ? runs.reduce((a, b) => a + b, 0) / runs.length : 0,
      sleeps: sleeps.length,
      sleepsS: sleeps.filter((s) => s.state === 'sleeping').length,
      sleepsD: sleeps.filter((s) => s.state === 'blocked').length,
      sleepNs: stats(sleeps.map((s) => s.end - s.start)),
      wakeups: woke.length,
      runqDelayNs: { mean: waitStats.mean, p95: waitStats.p95, max: waitStats.max },
      bursts: bursts.length,
      meanBurstRunNs: bursts.length ? bursts.reduce((a, w) => a + (w.runNs ?? 0), 0) / bursts.length : 0,
      meanSlicesPerBurst: bursts.length ? bursts.reduce((a, w) => a + (w.slices ?? 0), 0) / bursts.length : 0,
      reattributed: woke.filter((w) => w.reattributed).length,
      wakers: [...wakers.values()].sort((a, b) => b.count - a.count),
    };
  });
  const processes = new Map<number, ProcessMetrics>();
  for (const m of metrics) {
    const p = processes.get(m.tgid);
    if (!p) {
      const { tid: _tid, generation: _generation, ...rest } = m;
      processes.set(m.tgid, { ...rest, comm: byTid.get(m.tgid)?.comm ?? m.comm, threads: 1, wakers: [...m.wakers] });
      continue;
    }
    p.threads++;
    p.runNs += m.runNs;
    p.slices += m.slices;
    p.sleeps += m.sleeps;
    p.sleepsS += m.sleepsS;
    p.sleepsD += m.sleepsD;
    p.wakeups += m.wakeups;
    p.bursts += m.bursts;
    p.reattributed += m.reattributed;
    p.wakers.push(...m.wakers);
    p.meanSliceNs = p.slices ? p.runNs / p.slices : 0;
  }
  const edges = new Map<string, Edge>();
  for (const w of wakeups) {
    const t = byTid.get(w.tid)!;
    const key = JSON.stringify([w.source, w.tid]);
    const edge = edges.get(key) ?? { from: w.source, to: { tid: t.tid, tgid: t.tgid, comm: t.comm }, count: 0 };
    edge.count++;
    edges.set(key, edge);
  }
  return {
    capture: {
      format: 'sqlite',
      events: events + intervals.length,
      lost: 0,
      contradictions: 0,
      startWall: '2025-03-14T08:13:33.589Z',
      durationNs,
    },
    threads: metrics.sort((a, b) => b.runNs - a.runNs),
    processes: [...processes.values()].sort((a, b) => b.runNs - a.runNs),
    edges: [...edges.values()],
    reattributed: wakeups.filter((w) => w.reattributed).length,
  };
}

/** The `lifeline analyze --json` document: exactly these keys, durations in ns. */
import type { Analysis, DelayStats, DurationStats, Edge, ProcessMetrics, ThreadMetrics, WakeSource } from './types.js';

export interface JsonSource {
  kind: WakeSource['kind'];
  tid?: number;
  tgid?: number;
  comm?: string;
  name?: string;
}

interface JsonCommon {
  tgid: number;
  comm: string;
  runNs: number;
  slices: number;
  meanSliceNs: number;
  sleeps: number;
  sleepsS: number;
  sleepsD: number;
  sleepNs: DurationStats;
  wakeups: number;
  runqDelayNs: DelayStats;
  bursts: number;
  meanBurstRunNs: number;
  meanSlicesPerBurst: number;
  reattributed: number;
  wakers: { source: JsonSource; count: number }[];
}

export type JsonThread = { tid: number } & JsonCommon;
export type JsonProcess = JsonCommon & { threads: number };

export interface AnalysisJson {
  capture: { format: string; events: number; lost: number; startWall: string; durationNs: number };
  threads: JsonThread[];
  processes: JsonProcess[];
  edges: { from: JsonSource; to: { tid: number; tgid: number; comm: string }; count: number }[];
  reattributed: number;
}

export function toJson(analysis: Analysis): AnalysisJson {
  const r = analysis.result;
  return {
    capture: {
      format: r.capture.format,
      events: r.capture.events,
      lost: r.capture.lost,
      startWall: r.capture.startWall,
      durationNs: r.capture.durationNs,
    },
    threads: r.threads.map((t) => ({ tid: t.tid, ...common(t) })),
    processes: r.processes.map((p) => ({ ...common(p), threads: p.threads })),
    edges: r.edges.map(edge),
    reattributed: r.reattributed,
  };
}

function common(m: ThreadMetrics | ProcessMetrics): JsonCommon {
  return {
    tgid: m.tgid,
    comm: m.comm,
    runNs: m.runNs,
    slices: m.slices,
    meanSliceNs: m.meanSliceNs,
    sleeps: m.sleeps,
    sleepsS: m.sleepsS,
    sleepsD: m.sleepsD,
    sleepNs: { total: m.sleepNs.total, mean: m.sleepNs.mean, p50: m.sleepNs.p50, p95: m.sleepNs.p95, max: m.sleepNs.max },
    wakeups: m.wakeups,
    runqDelayNs: { mean: m.runqDelayNs.mean, p95: m.runqDelayNs.p95, max: m.runqDelayNs.max },
    bursts: m.bursts,
    meanBurstRunNs: m.meanBurstRunNs,
    meanSlicesPerBurst: m.meanSlicesPerBurst,
    reattributed: m.reattributed,
    wakers: m.wakers.map((w) => ({ source: source(w.source), count: w.count })),
  };
}

function edge(e: Edge): AnalysisJson['edges'][number] {
  return { from: source(e.from), to: { tid: e.to.tid, tgid: e.to.tgid, comm: e.to.comm }, count: e.count };
}

function source(s: WakeSource): JsonSource {
  const out: JsonSource = { kind: s.kind };
  if (s.tid !== undefined) out.tid = s.tid;
  if (s.tgid !== undefined) out.tgid = s.tgid;
  if (s.comm !== undefined) out.comm = s.comm;
  if (s.name !== undefined) out.name = s.name;
  return out;
}

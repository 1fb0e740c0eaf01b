/** Assembles the AnalysisResult from the metric modules once the replay is over. */
import type { CaptureFormat, CaptureMeta } from '../../capture/index.js';
import type { ThreadFilter } from '../engine/filters.js';
import { processEdges, threadEdges } from '../metrics/graph.js';
import { CATALOGUE, zeroValue, type Catalogue } from '../catalogue/catalogue.js';
import type { Metric } from '../engine/metric.js';
import type { Sleeps } from '../metrics/sleeps.js';
import type { Slices } from '../metrics/slices.js';
import { byCodeUnit } from './text.js';
import type { Names } from '../engine/sources.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { AnalysisResult, ProcessMetrics, ResultParts, ThreadMetrics } from '../types.js';
import type { Wakers } from '../metrics/wakers.js';

export interface ResultInput {
  format: CaptureFormat;
  meta: CaptureMeta;
  events: number;
  /** Facts that contradicted a thread's state (engine.ts). */
  contradictions: number;
  /** Capture start and end used for the duration (absolute ns). */
  startNs: number;
  endNs: number;
  threads: ThreadTable;
  names: Names;
  metrics: readonly Metric[];
  slices: Slices;
  sleeps: Sleeps;
  wakers: Wakers;
  filter: ThreadFilter;
}

/** Threads the filters keep with anything to show inside the window (or made uncertain by lost events). */
export function selectThreads(r: ResultInput): number[] {
  const out: number[] = [];
  for (let th = 0; th < r.threads.size; th++) {
    const rec = r.threads.recs[th]!;
    const seen =
      r.slices.runNs(th) > 0 || r.sleeps.count(th) > 0 || r.wakers.active(th) || (rec.uncertain && rec.active);
    if (seen && r.filter(th)) out.push(th);
  }
  return out;
}

/** The result of the selected threads, with the parts asked for (all by default: see ResultParts). */
export function buildResult(r: ResultInput, selected: readonly number[], parts: ResultParts = {}): AnalysisResult {
  const threads = selected.map((th) => threadMetrics(r, th)).sort(byRun);
  const groups = new Map<number, number[]>();
  if (parts.processes !== false)
    for (const th of selected) {
      const tgid = r.threads.tgidOf(th);
      const list = groups.get(tgid);
      if (list === undefined) groups.set(tgid, [th]);
      else list.push(th);
    }
  const processes = [...groups.entries()].map(([tgid, ths]) => processMetrics(r, tgid, ths)).sort(byRun);
  const isSelected = new Set(selected);
  const graph = {
    threads: r.threads,
    names: r.names,
    wakers: r.wakers,
    selected,
    isSelected: (th: number) => isSelected.has(th),
  };
  return {
    capture: {
      format: r.format,
      events: r.events,
      lost: r.meta.lost,
      contradictions: r.contradictions,
      startWall: new Date(r.startNs / 1e6 + r.meta.clockOffsetMs).toISOString(),
      durationNs: Math.max(0, r.endNs - r.startNs),
    },
    threads,
    processes,
    edges: parts.edges !== false ? threadEdges(graph) : [],
    reattributed: threads.reduce((sum, t) => sum + t.reattributed, 0),
    onCpuCause: threads.reduce((sum, t) => sum + (t.onCpuCause ?? 0), 0),
    unknownCause: threads.reduce((sum, t) => sum + (t.unknownCause ?? 0), 0),
    ...(parts.processEdges !== false ? { processEdges: processEdges(graph) } : {}),
  };
}

/** The measured fields of a row: everything but its identity (tid, tgid, comm, generation, threads). */
export type MetricFields = Omit<ProcessMetrics, 'tgid' | 'comm' | 'threads'>;

/** Every field of the catalogue that a process row has, at zero: the base of a thread's or a process's row. */
export function emptyMetrics(catalogue: Catalogue = CATALOGUE): MetricFields {
  return zeroInto({}, catalogue);
}

/** A field of a zero row and how its zero is made (a list or a distribution is a new value per row). */
type ZeroField =
  { key: string; zero: number | boolean } | { key: string; list: true } | { key: string; stats: string[] };

/** The zero row's fields per catalogue, worked out once: a result writes one row per thread and process. */
const zeroPlans = new WeakMap<Catalogue, ZeroField[]>();

function zeroPlan(catalogue: Catalogue): ZeroField[] {
  let plan = zeroPlans.get(catalogue);
  if (plan !== undefined) return plan;
  plan = [];
  for (const e of catalogue) {
    if (!e.scopes.includes('process')) continue;
    const zero = zeroValue(e);
    if (Array.isArray(zero)) plan.push({ key: e.key, list: true });
    else if (typeof zero === 'object' && zero !== null) plan.push({ key: e.key, stats: Object.keys(zero) });
    else plan.push({ key: e.key, zero: zero as number | boolean });
    for (const p of e.split?.parts ?? []) plan.push({ key: p.key, zero: 0 });
  }
  zeroPlans.set(catalogue, plan);
  return plan;
}

/** Writes the zero row's fields into `row` (after the fields it already has), in catalogue order. */
function zeroInto<T extends object>(row: T, catalogue: Catalogue = CATALOGUE): T & MetricFields {
  const out = row as Record<string, unknown>;
  for (const f of zeroPlan(catalogue)) {
    if ('zero' in f) out[f.key] = f.zero;
    else if ('list' in f) out[f.key] = [];
    else {
      const d: Record<string, number> = {};
      for (const s of f.stats) d[s] = 0;
      out[f.key] = d;
    }
  }
  return row as T & MetricFields;
}

function threadMetrics(r: ResultInput, th: number): ThreadMetrics {
  const rec = r.threads.recs[th]!;
  const identity = { tid: rec.tid, tgid: r.threads.tgidOf(th), comm: r.threads.commOf(th) };
  const out: ThreadMetrics = Object.assign(zeroInto(identity), {
    generation: rec.generation,
    uncertain: rec.uncertain,
  });
  for (const m of r.metrics) m.fillThread?.(th, out);
  return out;
}

function processMetrics(r: ResultInput, tgid: number, ths: readonly number[]): ProcessMetrics {
  const identity = { tgid, comm: r.threads.processComm(tgid) ?? r.threads.commOf(ths[0]!), threads: ths.length };
  const out: ProcessMetrics = Object.assign(zeroInto(identity), {
    uncertain: ths.some((th) => r.threads.recs[th]!.uncertain),
  });
  for (const m of r.metrics) m.fillProcess?.(ths, out);
  return out;
}

/** Most run time first; ties by tgid, then comm. */
function byRun(
  a: { runNs: number; comm: string; tgid: number },
  b: { runNs: number; comm: string; tgid: number },
): number {
  return b.runNs - a.runNs || a.tgid - b.tgid || byCodeUnit(a.comm, b.comm);
}

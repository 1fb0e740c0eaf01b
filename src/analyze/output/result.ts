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
  return zeroRow(catalogue, NO_KEYS) as unknown as MetricFields;
}

/** Keys of a row around its measured fields, with their zero (of the type they hold). */
type Keys = ReadonlyArray<readonly [string, number | string | boolean]>;
const NO_KEYS: Keys = [];
const THREAD_HEAD: Keys = [
  ['tid', 0],
  ['tgid', 0],
  ['comm', ''],
];
const THREAD_TAIL: Keys = [
  ['generation', 0],
  ['uncertain', false],
];
const PROCESS_HEAD: Keys = [
  ['tgid', 0],
  ['comm', ''],
  ['threads', 0],
];
const PROCESS_TAIL: Keys = [['uncertain', false]];

/**
 * A zero row: `head` keys, every field of the catalogue that a process row has (in catalogue
 * order, a split's parts after its field), then `tail` keys, all at zero; a list or a distribution
 * is a new value per row.
 */
interface ZeroPlan {
  /** The row at zero, its lists and distributions null: copied by spread, which keeps its shape. */
  template: Record<string, unknown>;
  lists: string[];
  distributions: Array<{ key: string; zero: Record<string, number> }>;
}

/**
 * The zero rows per catalogue and identity keys, worked out once: a result writes one row per
 * thread and process. A row is a copy of the template: built key by key (a computed key each),
 * every row was a dictionary of properties instead of an object with a shape, slower to fill,
 * to read and to print.
 */
const zeroPlans = new WeakMap<Catalogue, Map<string, ZeroPlan>>();

function zeroPlan(catalogue: Catalogue, head: Keys, tail: Keys): ZeroPlan {
  let plans = zeroPlans.get(catalogue);
  if (plans === undefined) zeroPlans.set(catalogue, (plans = new Map()));
  const id = `${head.map(([k]) => k).join(',')};${tail.map(([k]) => k).join(',')}`;
  let plan = plans.get(id);
  if (plan !== undefined) return plan;
  const entries: Array<readonly [string, unknown]> = [...head];
  const lists: string[] = [];
  const distributions: ZeroPlan['distributions'] = [];
  for (const e of catalogue) {
    if (!e.scopes.includes('process')) continue;
    const zero = zeroValue(e);
    if (Array.isArray(zero)) {
      lists.push(e.key);
      entries.push([e.key, null]);
    } else if (typeof zero === 'object' && zero !== null) {
      distributions.push({ key: e.key, zero: zero as Record<string, number> });
      entries.push([e.key, null]);
    } else entries.push([e.key, zero]);
    for (const p of e.split?.parts ?? []) entries.push([p.key, 0]);
  }
  entries.push(...tail);
  // Object.fromEntries makes an object with a shape, which a spread copies
  plan = { template: Object.fromEntries(entries), lists, distributions };
  plans.set(id, plan);
  return plan;
}

/** A new zero row of `catalogue` with `head` and `tail` keys around its fields (see ZeroPlan). */
function zeroRow(catalogue: Catalogue, head: Keys, tail: Keys = NO_KEYS): Record<string, unknown> {
  const plan = zeroPlan(catalogue, head, tail);
  const row = { ...plan.template };
  for (const k of plan.lists) row[k] = [];
  for (const d of plan.distributions) row[d.key] = { ...d.zero };
  return row;
}

function threadMetrics(r: ResultInput, th: number): ThreadMetrics {
  const rec = r.threads.recs[th]!;
  const out = zeroRow(CATALOGUE, THREAD_HEAD, THREAD_TAIL) as unknown as ThreadMetrics;
  out.tid = rec.tid;
  out.tgid = r.threads.tgidOf(th);
  out.comm = r.threads.commOf(th);
  out.generation = rec.generation;
  out.uncertain = rec.uncertain;
  for (const m of r.metrics) m.fillThread?.(th, out);
  return out;
}

function processMetrics(r: ResultInput, tgid: number, ths: readonly number[]): ProcessMetrics {
  const out = zeroRow(CATALOGUE, PROCESS_HEAD, PROCESS_TAIL) as unknown as ProcessMetrics;
  out.tgid = tgid;
  out.comm = r.threads.processComm(tgid) ?? r.threads.commOf(ths[0]!);
  out.threads = ths.length;
  out.uncertain = ths.some((th) => r.threads.recs[th]!.uncertain);
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

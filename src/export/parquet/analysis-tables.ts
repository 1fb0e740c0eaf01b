/**
 * The tables of the analysis: `threads` and `processes` (one column or more per field of the
 * metric catalogue, which drives them: a field added there is a column here, or the test of
 * this module says why not), `wakeups` (each wakeup with its source, cause, the task on the CPU,
 * the sleep it ended and the run-queue delay after it) and `edges` (who wakes whom, through
 * causes). Names are the exact strings of the capture.
 */
import {
  CATALOGUE,
  HISTOGRAM_KEYS,
  type Analysis,
  type BucketCounts,
  type HistogramKey,
  type MetricDef,
  type MetricRow,
  type Scope,
  type WakeSource,
  type WakeupRecord,
} from '../../analyze/index.js';
import type { ColumnSpec, TableFile } from './table-file.js';

/** camelCase → snake_case, with `_ns` added to a duration that does not say its unit. */
export function columnName(key: string, unit?: string): string {
  const snake = key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
  return unit === 'ns' && !snake.endsWith('_ns') ? `${snake}_ns` : snake;
}

/** One column of a metric row: its spec, what it says, and how a row gives its value. */
export interface MetricColumn {
  spec: ColumnSpec;
  unit: string;
  help: string;
  read: (m: MetricRow, buckets: BucketCounts | undefined) => unknown;
}

const isHistogramKey = (k: string): k is HistogramKey => (HISTOGRAM_KEYS as readonly string[]).includes(k);

/** The columns the catalogue gives a thread or process row (besides its identity). */
export function metricColumns(scope: Scope, catalogue: readonly MetricDef[] = CATALOGUE): MetricColumn[] {
  const out: MetricColumn[] = [];
  const num = (name: string, type: 'int64' | 'double', unit: string, help: string, read: MetricColumn['read']) =>
    out.push({ spec: { name, type, nullable: true }, unit, help, read });
  for (const e of catalogue) {
    if (!e.scopes.includes(scope)) continue;
    const name = columnName(e.key, e.unit);
    switch (e.kind) {
      case 'count':
      case 'identity':
        num(name, 'int64', e.unit, e.help, (m) => e.read(m) ?? null);
        break;
      case 'duration':
      case 'ratio':
        num(name, 'double', e.unit, e.help, (m) => e.read(m) ?? null);
        break;
      case 'flag':
        out.push({ spec: { name, type: 'bool', nullable: true }, unit: 'flag', help: e.help, read: (m) => e.read(m) });
        break;
      case 'distribution':
        for (const stat of e.stats)
          num(`${name}_${stat}`, 'double', e.unit, `${e.help} (${stat})`, (m) => e.read(m)[stat] ?? null);
        if (isHistogramKey(e.key)) {
          const key = e.key;
          out.push({
            spec: { name: `${name}_log2_counts`, type: 'int64_list', nullable: true },
            unit: 'count',
            help: `${e.help}: values per log2 bucket (bucket i ≤ 1000·2^i ns, 0-based; the last has no bound); they sum to the distribution's count`,
            read: (_m, b) => b?.[key] ?? null,
          });
        }
        break;
      case 'sources':
        out.push({
          spec: { name: `${name}_json`, type: 'string', nullable: true },
          unit: 'json',
          help: `${e.help} (JSON: [{source, cause, count}], sources as in the wakeups table)`,
          read: (m) =>
            JSON.stringify(e.read(m).map((w) => ({ source: w.source, cause: w.cause ?? w.source, count: w.count }))),
        });
        break;
      case 'reasons':
        out.push({
          spec: { name: `${name}_json`, type: 'string', nullable: true },
          unit: 'json',
          help: `${e.help} (JSON: [{reason, count, ns}])`,
          read: (m) => JSON.stringify(e.read(m).map((r) => ({ reason: r.reason, count: r.count, ns: r.ns }))),
        });
        break;
    }
    if (e.kind === 'count' || e.kind === 'duration')
      for (const p of e.split?.parts ?? [])
        num(columnName(p.key, e.unit), e.kind === 'count' ? 'int64' : 'double', e.unit, `${e.help} (${p.value})`, (m) =>
          p.read(m),
        );
  }
  return out;
}

const ORIGIN: readonly ColumnSpec[] = [
  { name: 'host', type: 'string' },
  { name: 'capture', type: 'string' },
];

export const THREAD_IDENTITY: readonly ColumnSpec[] = [
  ...ORIGIN,
  { name: 'tid', type: 'int32' },
  { name: 'tgid', type: 'int32' },
  { name: 'comm', type: 'string' },
];
export const PROCESS_IDENTITY: readonly ColumnSpec[] = [
  ...ORIGIN,
  { name: 'tgid', type: 'int32' },
  { name: 'comm', type: 'string' },
  { name: 'threads', type: 'int64' },
];

/** The columns of a WakeSource under a prefix: kind, name (a task's comm, an interrupt's name), tid, tgid, comm, work. */
function sourceColumns(p: string): ColumnSpec[] {
  return [
    { name: `${p}_kind`, ...NAME },
    { name: p, ...NAME },
    { name: `${p}_tid`, type: 'int32', nullable: true },
    { name: `${p}_tgid`, type: 'int32', nullable: true, statistics: false },
    { name: `${p}_work`, ...NAME },
  ];
}

/** A name with few distinct values: always a dictionary, no statistics. */
const NAME = { type: 'string', nullable: true, encoding: 'dict', statistics: false } as const;
const FLAG = { type: 'bool', statistics: false } as const;
const NS = { type: 'int64', nullable: true, statistics: false } as const;

function sourceValues(s: WakeSource | undefined | null): unknown[] {
  if (s === undefined || s === null) return [null, null, null, null, null];
  const name = s.kind === 'task' ? (s.comm ?? null) : (s.name ?? s.kind);
  return [s.kind, name, s.tid ?? null, s.tgid ?? null, s.work ?? null];
}

export const WAKEUP_COLUMNS: readonly ColumnSpec[] = [
  { name: 'host', ...NAME, nullable: false },
  { name: 'capture', ...NAME, nullable: false },
  { name: 'id', type: 'int64', encoding: 'delta' },
  { name: 'ts_ns', type: 'int64', encoding: 'delta' },
  { name: 'since_start_ns', type: 'int64', encoding: 'delta' },
  { name: 'tid', type: 'int32' },
  { name: 'tgid', type: 'int32', nullable: true, statistics: false },
  { name: 'comm', ...NAME },
  ...sourceColumns('source'),
  ...sourceColumns('cause'),
  { name: 'cause_is_source', ...FLAG },
  { name: 'on_cpu_tid', type: 'int32', nullable: true, statistics: false },
  { name: 'on_cpu_comm', ...NAME },
  { name: 'reattributed', ...FLAG },
  { name: 'several_raisers', ...FLAG },
  { name: 'slept_ns', ...NS },
  { name: 'sleep_state', ...NAME },
  { name: 'runq_delay_ns', ...NS },
  { name: 'run_ns', ...NS },
  { name: 'slices', ...NS },
  { name: 'waker_wakeup_id', ...NS },
  { name: 'remote', ...FLAG },
  { name: 'idle', ...FLAG },
  { name: 'spurious', ...FLAG },
  { name: 'unsure', ...FLAG },
  { name: 'slept_in', ...NAME },
  { name: 'woke_from', ...NAME },
];

export const EDGE_COLUMNS: readonly ColumnSpec[] = [
  ...ORIGIN,
  ...sourceColumns('from'),
  ...sourceColumns('via'),
  { name: 'to_tid', type: 'int32' },
  { name: 'to_tgid', type: 'int32' },
  { name: 'to_comm', type: 'string' },
  { name: 'wakeups', type: 'int64' },
];

export interface Origin {
  host: string;
  capture: string;
  /** Monotonic ns of the analysis' start (wakeup times are relative to it). */
  startNs: number;
}

export function writeThreads(t: TableFile, cols: readonly MetricColumn[], a: Analysis, o: Origin): void {
  const hist = new Map<string, BucketCounts>();
  for (const h of a.histograms?.threads ?? []) hist.set(`${h.tid}/${h.generation}`, h.buckets);
  for (const m of a.result.threads) {
    const b = hist.get(`${m.tid}/${m.generation}`);
    t.add([o.host, o.capture, m.tid, m.tgid, m.comm, ...cols.map((c) => c.read(m, b))]);
  }
}

export function writeProcesses(t: TableFile, cols: readonly MetricColumn[], a: Analysis, o: Origin): void {
  const hist = new Map<number, BucketCounts>();
  for (const h of a.histograms?.processes ?? []) hist.set(h.tgid, h.buckets);
  for (const m of a.result.processes)
    t.add([o.host, o.capture, m.tgid, m.comm, m.threads, ...cols.map((c) => c.read(m, hist.get(m.tgid)))]);
}

/** One wakeup's row; `target` is the woken thread's process and name as known when it is written. */
export function wakeupRow(w: WakeupRecord, o: Origin, target: { tgid: number | null; comm: string | null }): unknown[] {
  return [
    o.host,
    o.capture,
    w.id,
    w.ts + o.startNs,
    w.ts,
    w.tid,
    target.tgid,
    target.comm,
    ...sourceValues(w.source),
    ...sourceValues(w.cause ?? w.source),
    w.cause === undefined,
    w.onCpu?.tid ?? null,
    w.onCpu?.comm ?? null,
    w.reattributed,
    w.severalRaisers === true,
    w.sleptNs,
    w.sleepState,
    w.waitNs,
    w.runNs,
    w.slices,
    w.wakerWakeup,
    w.flags.remote,
    w.flags.idle,
    w.flags.spurious,
    w.flags.unsure,
    w.sleptIn ?? null,
    w.wokeFrom ?? null,
  ];
}

export function writeEdges(t: TableFile, a: Analysis, o: Origin): void {
  for (const e of a.result.edges)
    t.add([
      o.host,
      o.capture,
      ...sourceValues(e.from),
      ...sourceValues(e.via),
      e.to.tid,
      e.to.tgid,
      e.to.comm,
      e.count,
    ]);
}

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
import { BATCH_ROWS, type ColumnSpec } from './column-spec.js';
import { Interner, setInt64, type ColumnValues, type TableFile } from './table-file.js';

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
    { name: `${p}_tid`, type: 'int32', nullable: true, encoding: 'plain' },
    { name: `${p}_tgid`, type: 'int32', nullable: true, statistics: false, encoding: 'plain' },
    { name: `${p}_work`, ...NAME },
  ];
}

/** A name with few distinct values: always a dictionary, no statistics. */
const NAME = { type: 'string', nullable: true, encoding: 'dict', statistics: false } as const;
/*
 * The wakeups table's other columns are written plain, not through a dictionary: as small and 12 %
 * quicker to encode (measured on the table of a 1.2 M-event capture), their values being many.
 */
const FLAG = { type: 'bool', statistics: false, encoding: 'plain' } as const;
const NS = { type: 'int64', nullable: true, statistics: false, encoding: 'plain' } as const;

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
  { name: 'tid', type: 'int32', encoding: 'plain' },
  { name: 'tgid', type: 'int32', nullable: true, statistics: false, encoding: 'plain' },
  { name: 'comm', ...NAME },
  ...sourceColumns('source'),
  ...sourceColumns('cause'),
  { name: 'cause_is_source', ...FLAG },
  { name: 'on_cpu_tid', type: 'int32', nullable: true, statistics: false, encoding: 'plain' },
  { name: 'on_cpu_comm', ...NAME },
  { name: 'reattributed', ...FLAG },
  { name: 'several_raisers', ...FLAG },
  { name: 'slept_ns', ...NS, encoding: 'delta' },
  { name: 'sleep_state', ...NAME },
  { name: 'runq_delay_ns', ...NS, encoding: 'delta' },
  { name: 'run_ns', ...NS, encoding: 'delta' },
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

/** A column of names kept as dictionary indices. */
class Names {
  readonly ids = new Int32Array(BATCH_ROWS);
  readonly dict = new Interner();
  set(n: number, s: string | null | undefined): void {
    this.ids[n] = this.dict.id(s);
  }
  get column(): ColumnValues {
    return { indices: this.ids, values: this.dict.values };
  }
}

/** A number column that may hold null. */
class Ints {
  readonly data: Int32Array | BigInt64Array;
  private readonly words: Int32Array | undefined;
  readonly valid = new Uint8Array(BATCH_ROWS);
  constructor(wide: boolean) {
    this.data = wide ? new BigInt64Array(BATCH_ROWS) : new Int32Array(BATCH_ROWS);
    this.words = wide ? new Int32Array(this.data.buffer) : undefined;
  }
  set(n: number, v: number | null | undefined): void {
    const ok = v !== null && v !== undefined;
    this.valid[n] = ok ? 1 : 0;
    if (this.words !== undefined) setInt64(this.words, n, ok ? Math.round(v) : 0);
    else (this.data as Int32Array)[n] = ok ? v : 0;
  }
  get column(): ColumnValues {
    return { data: this.data, valid: this.valid };
  }
}

/** A WakeSource's columns (as sourceColumns names them). */
class SourceCols {
  readonly kind = new Names();
  readonly name = new Names();
  readonly tid = new Ints(false);
  readonly tgid = new Ints(false);
  readonly work = new Names();
  set(n: number, s: WakeSource | undefined | null): void {
    if (s === undefined || s === null) {
      this.kind.set(n, null);
      this.name.set(n, null);
      this.tid.set(n, null);
      this.tgid.set(n, null);
      this.work.set(n, null);
      return;
    }
    this.kind.set(n, s.kind);
    this.name.set(n, s.kind === 'task' ? (s.comm ?? null) : (s.name ?? s.kind));
    this.tid.set(n, s.tid);
    this.tgid.set(n, s.tgid);
    this.work.set(n, s.work);
  }
  get columns(): ColumnValues[] {
    return [this.kind.column, this.name.column, this.tid.column, this.tgid.column, this.work.column];
  }
}

/**
 * arr[i] = arr[order[i]] for the first n rows, through one scratch copy made once (a fresh copy
 * per column and batch cost more than the moves: typed arrays are slow to allocate); a function
 * a type, each monomorphic.
 */
const scratch32 = new Int32Array(2 * BATCH_ROWS);
const scratch8 = new Uint8Array(BATCH_ROWS);
const sortKeys = new Float64Array(BATCH_ROWS);
const sortOrder = new Uint32Array(BATCH_ROWS);

function permute32(arr: Int32Array, order: Uint32Array, n: number): void {
  scratch32.set(arr.subarray(0, n));
  for (let i = 0; i < n; i++) arr[i] = scratch32[order[i]!]!;
}

function permute8(arr: Uint8Array, order: Uint32Array, n: number): void {
  scratch8.set(arr.subarray(0, n));
  for (let i = 0; i < n; i++) arr[i] = scratch8[order[i]!]!;
}

/** The same for int64 rows, seen as pairs of 32-bit words (no BigInt made per row). */
function permuteWide(words: Int32Array, order: Uint32Array, n: number): void {
  scratch32.set(words.subarray(0, 2 * n));
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    words[2 * i] = scratch32[2 * j]!;
    words[2 * i + 1] = scratch32[2 * j + 1]!;
  }
}

/**
 * The wakeups table, filled a batch at a time in columns (no row objects): each wakeup once
 * complete; `target` is the woken thread's process and name as known when it is written.
 */
export class WakeupsTable {
  private n = 0;
  /** Index 0 on every row, one array per column (two columns may not share a buffer). */
  private readonly hostIds = new Int32Array(BATCH_ROWS);
  private readonly captureIds = new Int32Array(BATCH_ROWS);
  private readonly id = new BigInt64Array(BATCH_ROWS);
  private readonly ts = new BigInt64Array(BATCH_ROWS);
  private readonly since = new BigInt64Array(BATCH_ROWS);
  private readonly idWords = new Int32Array(this.id.buffer);
  private readonly tsWords = new Int32Array(this.ts.buffer);
  private readonly sinceWords = new Int32Array(this.since.buffer);
  private readonly tid = new Int32Array(BATCH_ROWS);
  private readonly tgid = new Ints(false);
  private readonly comm = new Names();
  private readonly source = new SourceCols();
  private readonly cause = new SourceCols();
  private readonly onCpuTid = new Ints(false);
  private readonly onCpuComm = new Names();
  private readonly slept = new Ints(true);
  private readonly sleepState = new Names();
  private readonly runq = new Ints(true);
  private readonly run = new Ints(true);
  private readonly slices = new Ints(true);
  private readonly wakerWakeup = new Ints(true);
  private readonly sleptIn = new Names();
  private readonly wokeFrom = new Names();
  /** cause_is_source, reattributed, several_raisers, remote, idle, spurious, unsure */
  private readonly bools: Uint8Array[] = Array.from({ length: 7 }, () => new Uint8Array(BATCH_ROWS));

  constructor(
    private readonly file: TableFile,
    private readonly o: { host: string; capture: string },
  ) {}

  /** `startNs`: the monotonic ns that wakeup times are relative to. */
  add(w: WakeupRecord, startNs: number, target: { tgid: number | null; comm: string | null }): void {
    const n = this.n;
    setInt64(this.idWords, n, w.id);
    setInt64(this.tsWords, n, Math.round(w.ts + startNs));
    setInt64(this.sinceWords, n, Math.round(w.ts));
    this.tid[n] = w.tid;
    this.tgid.set(n, target.tgid);
    this.comm.set(n, target.comm);
    this.source.set(n, w.source);
    this.cause.set(n, w.cause ?? w.source);
    this.onCpuTid.set(n, w.onCpu?.tid);
    this.onCpuComm.set(n, w.onCpu?.comm);
    this.slept.set(n, w.sleptNs);
    this.sleepState.set(n, w.sleepState);
    this.runq.set(n, w.waitNs);
    this.run.set(n, w.runNs);
    this.slices.set(n, w.slices);
    this.wakerWakeup.set(n, w.wakerWakeup);
    this.sleptIn.set(n, w.sleptIn);
    this.wokeFrom.set(n, w.wokeFrom);
    const b = this.bools;
    b[0]![n] = w.cause === undefined ? 1 : 0;
    b[1]![n] = w.reattributed ? 1 : 0;
    b[2]![n] = w.severalRaisers === true ? 1 : 0;
    b[3]![n] = w.flags.remote ? 1 : 0;
    b[4]![n] = w.flags.idle ? 1 : 0;
    b[5]![n] = w.flags.spurious ? 1 : 0;
    b[6]![n] = w.flags.unsure ? 1 : 0;
    if (++this.n === BATCH_ROWS) this.flush();
  }

  /** Every per-row array of the batch (each permuted alike when the batch is put in order). */
  private arrays(): (Int32Array | BigInt64Array | Uint8Array)[] {
    const ints = (x: Ints) => [x.data, x.valid];
    const src = (x: SourceCols) => [x.kind.ids, x.name.ids, ...ints(x.tid), ...ints(x.tgid), x.work.ids];
    return [
      this.id,
      this.ts,
      this.since,
      this.tid,
      ...ints(this.tgid),
      this.comm.ids,
      ...src(this.source),
      ...src(this.cause),
      ...ints(this.onCpuTid),
      this.onCpuComm.ids,
      ...ints(this.slept),
      this.sleepState.ids,
      ...ints(this.runq),
      ...ints(this.run),
      ...ints(this.slices),
      ...ints(this.wakerWakeup),
      this.sleptIn.ids,
      this.wokeFrom.ids,
      ...this.bools,
    ];
  }

  /**
   * Puts the batch in waking order (rows arrive as each wakeup completes, which is not): times
   * and ids then differ little from row to row, which their delta encoding turns into bytes saved,
   * and a reader finds the rows of a time range together.
   */
  private sort(n: number): void {
    // one key per row, id · 2^16 + row (exact below 2^37 wakeups; a batch is under 2^16 rows),
    // sorted natively as doubles with no comparison function
    const keys = sortKeys.subarray(0, n);
    const idWords = this.idWords;
    for (let i = 0; i < n; i++) keys[i] = (idWords[2 * i + 1]! * 4294967296 + (idWords[2 * i]! >>> 0)) * 65536 + i;
    keys.sort();
    const order = sortOrder;
    for (let i = 0; i < n; i++) order[i] = keys[i]! % 65536;
    let sorted = true;
    for (let i = 0; i < n && sorted; i++) sorted = order[i] === i;
    if (sorted) return;
    for (const arr of this.arrays()) {
      if (arr instanceof BigInt64Array) permuteWide(new Int32Array(arr.buffer), order, n);
      else if (arr instanceof Int32Array) permute32(arr, order, n);
      else permute8(arr, order, n);
    }
  }

  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.sort(n);
    const b = this.bools;
    this.file.writeGroup(
      [
        { indices: this.hostIds, values: [this.o.host] },
        { indices: this.captureIds, values: [this.o.capture] },
        this.id,
        this.ts,
        this.since,
        this.tid,
        this.tgid.column,
        this.comm.column,
        ...this.source.columns,
        ...this.cause.columns,
        b[0]!,
        this.onCpuTid.column,
        this.onCpuComm.column,
        b[1]!,
        b[2]!,
        this.slept.column,
        this.sleepState.column,
        this.runq.column,
        this.run.column,
        this.slices.column,
        this.wakerWakeup.column,
        b[3]!,
        b[4]!,
        b[5]!,
        b[6]!,
        this.sleptIn.column,
        this.wokeFrom.column,
      ],
      n,
    );
    this.n = 0;
  }
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

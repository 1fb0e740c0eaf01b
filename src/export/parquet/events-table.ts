/**
 * The `events` and `tasks` tables, from the capture's ordered event stream as it goes by:
 * every event with its kind, context and flags as names, its threads' names and process as
 * known at that moment, and the interrupt, softirq vector and kernel symbol it names; and, per
 * task (tid, process, name), when it was first and last seen. Memory holds one row group of
 * events and one entry per task, never the events.
 */
import {
  CONTEXT_KINDS,
  COMM_REASONS,
  CTX_NAMES,
  Flag,
  Kind,
  KIND_NAMES,
  SOFTIRQ_NAMES,
  SYSVEC_NAMES,
  stateLetter,
} from '../../format/index.js';
import type { EventBatch } from '../../capture/index.js';
import { BATCH_ROWS, type ColumnSpec } from './column-spec.js';
import { Interner, setInt64, type DictColumn, type TableFile } from './table-file.js';

/** A name with few distinct values: always a dictionary, no statistics. */
const NAME = { type: 'string', encoding: 'dict', statistics: false } as const;
const OPT_NAME = { ...NAME, nullable: true } as const;
const NUMBER = { type: 'int32', statistics: false } as const;

export const EVENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'host', ...NAME },
  { name: 'capture', ...NAME },
  { name: 'ts_ns', type: 'int64', encoding: 'delta' },
  { name: 'time', type: 'timestamp', encoding: 'delta' },
  { name: 'cpu', type: 'int32' },
  { name: 'kind', ...NAME },
  { name: 'context', ...OPT_NAME },
  { name: 'flags', ...OPT_NAME },
  { name: 'tid', type: 'int32' },
  { name: 'tgid', ...NUMBER, nullable: true },
  { name: 'comm', ...OPT_NAME },
  { name: 'tid2', ...NUMBER },
  { name: 'comm2', ...OPT_NAME },
  { name: 'a', ...NUMBER },
  { name: 'b', ...NUMBER },
  { name: 'c', ...NUMBER },
  { name: 'prev_state', ...OPT_NAME },
  { name: 'vector', ...OPT_NAME },
  { name: 'source', ...OPT_NAME },
  { name: 'symbol', ...OPT_NAME },
  { name: 'name', ...OPT_NAME },
  { name: 'stack', ...NUMBER },
];

export const TASK_COLUMNS: readonly ColumnSpec[] = [
  { name: 'host', type: 'string' },
  { name: 'capture', type: 'string' },
  { name: 'tid', type: 'int32' },
  { name: 'tgid', type: 'int32', nullable: true },
  { name: 'comm', type: 'string', nullable: true },
  { name: 'first_seen_ns', type: 'int64' },
  { name: 'last_seen_ns', type: 'int64' },
  { name: 'first_seen', type: 'timestamp' },
  { name: 'last_seen', type: 'timestamp' },
];

/** Kinds whose `tid` is a thread (the others use it for the thread on the CPU too, or not at all). */
const TID_IS_THREAD_KINDS = [
  Kind.SWITCH,
  Kind.WAKING,
  Kind.WAKEUP_NEW,
  Kind.FORK,
  Kind.EXEC,
  Kind.EXIT,
  Kind.COMM,
  Kind.SOFTIRQ_RAISE,
  Kind.HRTIMER_START,
  Kind.TIMER_START,
  Kind.TIMER_EXPIRE,
  Kind.HRTIMER_EXPIRE_ENTRY,
  Kind.HRTIMER_EXPIRE_EXIT,
  Kind.WORK_QUEUE,
  Kind.WORK_START,
  Kind.WORK_END,
];
/** Kinds whose `tid2` is a thread. */
const TID2_IS_THREAD_KINDS = [Kind.SWITCH, Kind.WAKING, Kind.WAKEUP_NEW, Kind.FORK, Kind.EXEC];
/** Kinds with a context in flags and a context id in `b`. */
const HAS_CONTEXT_KINDS = CONTEXT_KINDS;
/** Kinds whose `c` is a kernel symbol id. */
const C_IS_SYMBOL_KINDS = [
  Kind.WAKING,
  Kind.WAKEUP_NEW,
  Kind.NMI,
  Kind.HRTIMER_START,
  Kind.TIMER_START,
  Kind.TIMER_EXPIRE,
  Kind.HRTIMER_EXPIRE_ENTRY,
  Kind.WORK_QUEUE,
  Kind.WORK_START,
];
const TID_IS_THREAD = 1;
const TID2_IS_THREAD = 2;
const HAS_CONTEXT = 4;
const C_IS_SYMBOL = 8;
/** What the columns of each kind are (the bits above), by kind value. */
const KIND_BITS = new Uint8Array(256);
for (const [kinds, bit] of [
  [TID_IS_THREAD_KINDS, TID_IS_THREAD],
  [TID2_IS_THREAD_KINDS, TID2_IS_THREAD],
  [HAS_CONTEXT_KINDS, HAS_CONTEXT],
  [C_IS_SYMBOL_KINDS, C_IS_SYMBOL],
] as const)
  for (const k of kinds) KIND_BITS[k]! |= bit;
const KIND_LABELS: readonly string[] = Array.from({ length: 256 }, (_, k) => KIND_NAMES[k] ?? `kind ${k}`);

/** words[i] + (offHi·2^32 + offLo) into out[i], in 32-bit halves with the carry. */
function addInt64(words: Int32Array, out: Int32Array, i: number, offHi: number, offLo: number): void {
  const lo = (words[2 * i]! >>> 0) + offLo;
  const carry = lo >= 4294967296 ? 1 : 0;
  out[2 * i] = (lo - carry * 4294967296) | 0;
  out[2 * i + 1] = (words[2 * i + 1]! + offHi + carry) | 0;
}

/** The flag bits by name, for kinds whose flags are LL_FLAGS (the context aside). */
const FLAG_BITS: readonly [number, string][] = [
  [Flag.REMOTE, 'remote'],
  [Flag.IDLE, 'idle'],
  [Flag.ON_RQ, 'on_rq'],
  [Flag.SYSVEC, 'sysvec'],
  [Flag.UNSURE, 'unsure'],
  [Flag.PREEMPT, 'preempt'],
];

interface TaskSpan {
  tid: number;
  tgid: number | null;
  comm: string | null;
  first: number;
  last: number;
}

export interface EventsTableOptions {
  host: string;
  capture: string;
  /** Absolute monotonic ns window: events outside it are not written (they still name threads). */
  from: number;
  to: number;
  /** Wall clock ns = monotonic ns + this. */
  wallOffsetNs: bigint;
}

export class EventsTable {
  private readonly comms = new Map<number, string>();
  private readonly tgids = new Map<number, number>();
  private readonly tasks = new Map<number, TaskSpan>();
  private readonly done: TaskSpan[] = [];
  private readonly symbols = new Map<number, string>();
  private readonly irqNames = new Map<number, string>();
  private readonly flagNames = new Map<number, string | null>();
  private n = 0;
  /** Events written (those in the window). */
  written = 0;
  /** Events read, in the window or not. */
  read = 0;
  /** The first event's ts (0 before any). */
  firstTs = 0;
  private started = false;
  private readonly kindCounts = new Float64Array(256);

  // the batch being filled: numbers in place, names as dictionary indices (−1: null)
  private readonly ts = new BigInt64Array(BATCH_ROWS);
  private readonly time = new BigInt64Array(BATCH_ROWS);
  private readonly tsWords = new Int32Array(this.ts.buffer);
  private readonly timeWords = new Int32Array(this.time.buffer);
  private readonly offHi: number;
  private readonly offLo: number;
  private readonly cpu = new Int32Array(BATCH_ROWS);
  private readonly tid = new Int32Array(BATCH_ROWS);
  private readonly tgid = new Int32Array(BATCH_ROWS);
  private readonly tgidValid = new Uint8Array(BATCH_ROWS);
  private readonly tid2 = new Int32Array(BATCH_ROWS);
  private readonly a = new Int32Array(BATCH_ROWS);
  private readonly b = new Int32Array(BATCH_ROWS);
  private readonly c = new Int32Array(BATCH_ROWS);
  private readonly stack = new Int32Array(BATCH_ROWS);
  /** Index 0 on every row, one array per column (two columns may not share a buffer). */
  private readonly hostIds = new Int32Array(BATCH_ROWS);
  private readonly captureIds = new Int32Array(BATCH_ROWS);
  private readonly originNames: DictColumn;
  private readonly captureNames: DictColumn;
  private readonly kind = this.names();
  private readonly context = this.names();
  private readonly flags = this.names();
  private readonly comm = this.names();
  private readonly comm2 = this.names();
  private readonly prevState = this.names();
  private readonly vector = this.names();
  private readonly source = this.names();
  private readonly symbol = this.names();
  private readonly name = this.names();

  private names(): { ids: Int32Array; dict: Interner } {
    return { ids: new Int32Array(BATCH_ROWS), dict: new Interner() };
  }

  constructor(
    private readonly events: TableFile,
    private readonly taskTable: TableFile,
    private readonly o: EventsTableOptions,
  ) {
    this.offHi = Number(BigInt.asIntN(32, o.wallOffsetNs >> 32n));
    this.offLo = Number(BigInt.asUintN(32, o.wallOffsetNs));
    // host and capture: one value, index 0 on every row
    this.originNames = { indices: this.hostIds, values: [o.host] };
    this.captureNames = { indices: this.captureIds, values: [o.capture] };
  }

  /** Events written by kind name. */
  get perKind(): Map<string, number> {
    const out = new Map<string, number>();
    this.kindCounts.forEach((n, k) => {
      if (n > 0) out.set(KIND_LABELS[k]!, n);
    });
    return out;
  }

  /** A thread's process and name as known now. */
  task(tid: number): { tgid: number | null; comm: string | null } {
    return { tgid: this.tgids.get(tid) ?? null, comm: this.comms.get(tid) ?? null };
  }

  /** The idle task's name on each CPU, made once. */
  private readonly swappers: string[] = [];

  private commOf(tid: number, cpu: number): string | null {
    if (tid === 0) return (this.swappers[cpu] ??= `swapper/${cpu}`);
    return this.comms.get(tid) ?? null;
  }

  /** A kind's dictionary index, looked up once per kind. */
  private readonly kindIds = new Int32Array(256).fill(-1);

  /** A thread is seen at `ts` (its name and process as now known). */
  private seen(tid: number, ts: number): void {
    if (tid <= 0) return;
    const comm = this.comms.get(tid) ?? null;
    const tgid = this.tgids.get(tid) ?? null;
    const t = this.tasks.get(tid);
    if (t === undefined) {
      this.tasks.set(tid, { tid, tgid, comm, first: ts, last: ts });
      return;
    }
    // a name or process learnt for the first time completes the span; a change starts a new one
    if ((t.comm === null || t.comm === comm) && (t.tgid === null || t.tgid === tgid)) {
      t.comm = comm;
      t.tgid = tgid;
      t.last = ts;
      return;
    }
    this.done.push(t);
    this.tasks.set(tid, { tid, tgid, comm, first: ts, last: ts });
  }

  private sourceOf(ctx: number, id: number, sysvec: boolean): string | null {
    if (ctx === 1) return sysvec ? (SYSVEC_NAMES[id] ?? `vector ${id}`) : this.irqOf(id);
    if (ctx === 2) return SOFTIRQ_NAMES[id] ?? `softirq ${id}`;
    if (ctx === 3) return 'nmi';
    return null;
  }

  private irqOf(irq: number): string {
    const n = this.irqNames.get(irq);
    return n === undefined ? `irq ${irq}` : `irq ${irq} ${n}`;
  }

  private flagsOf(kind: number, flags: number): string | null {
    if (kind === Kind.COMM) return COMM_REASONS[flags]?.label ?? null;
    if (kind === Kind.STACK) return (flags & 1) !== 0 ? 'truncated' : null;
    const key = flags & ~Flag.CTX_MASK;
    let s = this.flagNames.get(key);
    if (s === undefined) {
      const names = FLAG_BITS.filter(([bit]) => (key & bit) !== 0).map(([, n]) => n);
      s = names.length === 0 ? null : names.join(',');
      this.flagNames.set(key, s);
    }
    return s;
  }

  feed(batch: EventBatch): void {
    const { from, to } = this.o;
    this.read += batch.length;
    if (!this.started && batch.length > 0) {
      this.started = true;
      this.firstTs = batch.ts[0]!;
    }
    for (let i = 0; i < batch.length; i++) {
      const ts = batch.ts[i]!;
      const kind = batch.kind[i]!;
      const tid = batch.tid[i]!;
      const tid2 = batch.tid2[i]!;
      const a = batch.a[i]!;
      const name = batch.names.get(i);
      // what the event teaches first (a new name names its own row)
      switch (kind) {
        case Kind.COMM:
          if (name !== undefined) this.comms.set(tid, name);
          if (a > 0) this.tgids.set(tid, a);
          break;
        case Kind.FORK: {
          const parent = this.comms.get(tid2);
          if (parent !== undefined && !this.comms.has(tid)) this.comms.set(tid, parent);
          if (a > 0) this.tgids.set(tid, a);
          if (batch.b[i]! > 0) this.tgids.set(tid2, batch.b[i]!);
          break;
        }
        case Kind.EXEC:
        case Kind.EXIT:
          if (a > 0) this.tgids.set(tid, a);
          break;
        case Kind.SYM:
          if (name !== undefined) this.symbols.set(batch.c[i]!, name);
          break;
        case Kind.IRQ_NAME:
          if (name !== undefined) this.irqNames.set(a, name);
          break;
      }
      if (ts < from || ts > to) continue;
      const bits = KIND_BITS[kind]!;
      if ((bits & TID_IS_THREAD) !== 0) this.seen(tid, ts);
      if ((bits & TID2_IS_THREAD) !== 0) this.seen(tid2, ts);
      this.row(batch, i, kind, name ?? null, bits);
    }
  }

  private row(batch: EventBatch, i: number, kind: number, name: string | null, bits: number): void {
    const tidThread = (bits & TID_IS_THREAD) !== 0;
    const tid2Thread = (bits & TID2_IS_THREAD) !== 0;
    const n = this.n;
    const ts = batch.ts[i]!;
    const cpu = batch.cpu[i]!;
    const flags = batch.flags[i]!;
    const tid = batch.tid[i]!;
    const tid2 = batch.tid2[i]!;
    const a = batch.a[i]!;
    const b = batch.b[i]!;
    const c = batch.c[i]!;
    setInt64(this.tsWords, n, Math.round(ts));
    addInt64(this.tsWords, this.timeWords, n, this.offHi, this.offLo);
    this.cpu[n] = cpu;
    let kindId = this.kindIds[kind]!;
    if (kindId < 0) this.kindIds[kind] = kindId = this.kind.dict.id(KIND_LABELS[kind]!);
    this.kind.ids[n] = kindId;
    this.kindCounts[kind]!++;
    const hasCtx = (bits & HAS_CONTEXT) !== 0;
    const ctx = flags & Flag.CTX_MASK;
    this.context.ids[n] = this.context.dict.id(hasCtx ? CTX_NAMES[ctx] : null);
    this.flags.ids[n] = this.flags.dict.id(this.flagsOf(kind, flags));
    this.tid[n] = tid;
    const tgid = tidThread ? (tid === 0 ? 0 : this.tgids.get(tid)) : undefined;
    this.tgid[n] = tgid ?? 0;
    this.tgidValid[n] = tgid === undefined ? 0 : 1;
    this.comm.ids[n] = this.comm.dict.id(tidThread ? this.commOf(tid, cpu) : null);
    this.tid2[n] = tid2;
    this.comm2.ids[n] = this.comm2.dict.id(tid2Thread ? this.commOf(tid2, cpu) : null);
    this.a[n] = a;
    this.b[n] = b;
    this.c[n] = c;
    this.prevState.ids[n] = this.prevState.dict.id(kind === Kind.SWITCH ? stateLetter(a) : null);
    const sysvec = (flags & Flag.SYSVEC) !== 0;
    this.vector.ids[n] = this.vector.dict.id(
      kind === Kind.IRQ_ENTRY || kind === Kind.IRQ_EXIT
        ? this.sourceOf(1, a, sysvec)
        : kind === Kind.SOFTIRQ_ENTRY || kind === Kind.SOFTIRQ_EXIT || kind === Kind.SOFTIRQ_RAISE
          ? (SOFTIRQ_NAMES[a] ?? `softirq ${a}`)
          : null,
    );
    this.source.ids[n] = this.source.dict.id(hasCtx ? this.sourceOf(ctx, b, sysvec) : null);
    this.symbol.ids[n] = this.symbol.dict.id(
      (bits & C_IS_SYMBOL) !== 0 && c > 0 ? (this.symbols.get(c) ?? null) : null,
    );
    this.name.ids[n] = this.name.dict.id(name);
    this.stack[n] = batch.stack[i]!;
    this.n++;
    this.written++;
    if (this.n === BATCH_ROWS) this.flush();
  }

  private flush(): void {
    const n = this.n;
    if (n === 0) return;
    const d = (col: { ids: Int32Array; dict: Interner }): DictColumn => ({ indices: col.ids, values: col.dict.values });
    this.events.writeGroup(
      [
        this.originNames,
        this.captureNames,
        this.ts,
        this.time,
        this.cpu,
        d(this.kind),
        d(this.context),
        d(this.flags),
        this.tid,
        { data: this.tgid, valid: this.tgidValid },
        d(this.comm),
        this.tid2,
        d(this.comm2),
        this.a,
        this.b,
        this.c,
        d(this.prevState),
        d(this.vector),
        d(this.source),
        d(this.symbol),
        d(this.name),
        this.stack,
      ],
      n,
    );
    this.n = 0;
  }

  /** Writes the last events and the tasks. */
  finish(): void {
    this.flush();
    const off = this.o.wallOffsetNs;
    const spans = [...this.done, ...this.tasks.values()].sort((x, y) => x.tid - y.tid || x.first - y.first);
    for (const t of spans) {
      const first = BigInt(Math.round(t.first));
      const last = BigInt(Math.round(t.last));
      this.taskTable.add([this.o.host, this.o.capture, t.tid, t.tgid, t.comm, first, last, first + off, last + off]);
    }
  }
}

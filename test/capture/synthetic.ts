/**
 * Realistic synthetic event streams for capture tests: a seeded mix of
 * switches, wakings, irq spans and task facts, with the small per-CPU skew
 * of ring-buffer reservation order.
 */
import { batchFromRows, type EventBatch, type EventRow } from '../../src/capture/event-batch.js';
import { FORMAT_VERSION, type CaptureMeta } from '../../src/capture/meta.js';
import { Ctx, Flag, Kind, CommReason } from '../../src/format/index.js';

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  events: number;
  seed?: number;
  cpus?: number;
  /** First timestamp, monotonic ns (default: one day of uptime). */
  startNs?: number;
  /** Largest file-order skew between CPUs, ns (0 = file already sorted). */
  skewNs?: number;
}

/** Events in file order (slightly out of ts order when skewNs > 0). */
export function syntheticRows(opts: SyntheticOptions): EventRow[] {
  const rand = prng(opts.seed ?? 1);
  const cpus = opts.cpus ?? 2;
  const skew = opts.skewNs ?? 20_000;
  const int = (n: number) => Math.floor(rand() * n);
  const tids = Array.from({ length: 300 }, () => 300 + int(32000));
  const tgidOf = (tid: number) => tid - (tid % 8);
  const rows: Array<EventRow & { key: number }> = [];
  let ts = opts.startNs ?? 86_400e9;
  let symbols = 0;
  const push = (r: EventRow) => rows.push({ ...r, key: r.ts + (skew > 0 ? int(skew) : 0) });
  for (const tid of tids.slice(0, 50)) {
    push({
      ts,
      cpu: int(cpus),
      kind: Kind.COMM,
      flags: CommReason.SEEN,
      tid,
      tid2: 0,
      a: tgidOf(tid),
      b: 0,
      c: 0,
      name: `worker-${tid}`,
    });
  }
  while (rows.length < opts.events) {
    ts += 1000 + int(19000);
    const cpu = int(cpus);
    const tid = tids[int(tids.length)]!;
    const other = tids[int(tids.length)]!;
    const r = rand();
    if (r < 0.45) {
      const preempt = rand() < 0.2;
      push({
        ts,
        cpu,
        kind: Kind.SWITCH,
        flags: preempt ? Flag.PREEMPT : 0,
        tid,
        tid2: other,
        a: preempt ? 0 : 1 + int(2),
        b: 120,
        c: 100 + int(40),
      });
    } else if (r < 0.85) {
      const ctx = rand() < 0.7 ? Ctx.TASK : rand() < 0.6 ? Ctx.HARDIRQ : rand() < 0.9 ? Ctx.SOFTIRQ : Ctx.NMI;
      let flags = ctx;
      const target = int(cpus);
      if (target !== cpu) flags |= Flag.REMOTE;
      if (rand() < 0.1) flags |= Flag.IDLE;
      if (rand() < 0.02) flags |= Flag.ON_RQ;
      let b = 0;
      let c = 0;
      if (ctx === Ctx.HARDIRQ) {
        if (rand() < 0.7) {
          flags |= Flag.SYSVEC;
          b = 1;
        } else b = 24 + int(4);
        if (symbols > 0) c = 1 + int(symbols);
      } else if (ctx === Ctx.SOFTIRQ) {
        b = [1, 3, 7, 8, 9][int(5)]!;
      }
      if (c === 0 && symbols < 20 && rand() < 0.01) {
        symbols++;
        push({
          ts,
          cpu,
          kind: Kind.SYM,
          flags: 0,
          tid: 0,
          tid2: 0,
          a: 0,
          b: 0,
          c: symbols,
          name: `callback_fn_${symbols}`,
        });
        c = symbols;
      }
      push({ ts, cpu, kind: rand() < 0.01 ? Kind.WAKEUP_NEW : Kind.WAKING, flags, tid, tid2: other, a: target, b, c });
    } else if (r < 0.97) {
      const soft = rand() < 0.5;
      const vec = soft ? 1 : 1 + int(3);
      const flags = soft ? 0 : Flag.SYSVEC;
      push({ ts, cpu, kind: soft ? Kind.SOFTIRQ_ENTRY : Kind.IRQ_ENTRY, flags, tid: 0, tid2: 0, a: vec, b: 0, c: 0 });
      ts += 500 + int(3000);
      push({ ts, cpu, kind: soft ? Kind.SOFTIRQ_EXIT : Kind.IRQ_EXIT, flags, tid: 0, tid2: 0, a: vec, b: 0, c: 0 });
    } else if (r < 0.985) {
      push({
        ts,
        cpu,
        kind: Kind.COMM,
        flags: CommReason.RENAME,
        tid,
        tid2: 0,
        a: tgidOf(tid),
        b: 0,
        c: 0,
        name: `thread-${int(100)}`,
      });
    } else if (r < 0.99) {
      push({ ts, cpu, kind: Kind.FORK, flags: 0, tid: other, tid2: tid, a: tgidOf(other), b: tgidOf(tid), c: 0 });
    } else if (r < 0.995) {
      push({ ts, cpu, kind: Kind.EXEC, flags: 0, tid, tid2: tid, a: tgidOf(tid), b: 0, c: 0, name: '/usr/bin/stress' });
    } else if (r < 0.998) {
      push({ ts, cpu, kind: Kind.EXIT, flags: 0, tid, tid2: 0, a: tgidOf(tid), b: 120, c: 0 });
    } else {
      push({
        ts,
        cpu,
        kind: Kind.IRQ_NAME,
        flags: 0,
        tid: 0,
        tid2: 0,
        a: 24 + int(4),
        b: 0,
        c: 0,
        name: 'virtio0-input.0',
      });
    }
  }
  rows.length = opts.events;
  // File order: reservation order, i.e. ts plus a little per-event jitter.
  const order = rows.map((_, i) => i).sort((x, y) => rows[x]!.key - rows[y]!.key || x - y);
  return order.map((i) => {
    const { key: _key, ...row } = rows[i]!;
    return row;
  });
}

/** File-order rows in batches of `size`. */
export function toBatches(rows: readonly EventRow[], size: number): EventBatch[] {
  const out: EventBatch[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(batchFromRows(rows.slice(i, i + size)));
  return out;
}

/** What readers must yield: the rows sorted by ts, ties in file order. */
export function expectedOrder(rows: readonly EventRow[]): EventRow[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => x.r.ts - y.r.ts || x.i - y.i)
    .map(({ r }) => r);
}

export function testMeta(overrides: Partial<CaptureMeta> = {}): CaptureMeta {
  return {
    formatVersion: FORMAT_VERSION,
    tool: 'lifeline 0.1.0',
    kernel: '6.1.0-test-amd64',
    hostname: 'testhost',
    cpus: 2,
    clockOffsetMs: 1_700_000_000_000 - 86_400e3,
    bootOffsetNs: null,
    timezone: 'Europe/Paris',
    startNs: 86_400e9,
    endNs: 0,
    command: ['stress', '--cpu', '2'],
    filters: { irqSpans: true, tgid: 0 },
    lostPerCpu: [0, 0],
    lost: 0,
    stacks: null,
    stackFails: {},
    skippedTracepoints: [],
    exitCode: null,
    events: 0,
    complete: false,
    ...overrides,
  };
}

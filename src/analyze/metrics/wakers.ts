/**
 * Wakeups and who caused them: per thread, a count per (source, cause) pair
 * (what ran the wakeup, and the task or interrupt behind it), the spurious
 * (ON_RQ) wakings apart, how many wakeups a naive tool gets wrong
 * (reattributed: run by an interrupt or a kworker's work item, caused by
 * someone other than the task on the CPU) and right (the task on the CPU was the cause), and how many
 * have an unknown cause. Process-level wakers merge task sources and causes
 * by process.
 */
import { causeKnown } from '../engine/causes.js';
import { Columns } from '../engine/columns.js';
import type { Metric, WakeFact } from '../engine/metric.js';
import type { Names } from '../engine/sources.js';
import { byCodeUnit } from '../output/text.js';
import { W_CAUSE, W_COUNT, W_SOURCE, type WakeRows } from './wake-rows.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { ProcessMetrics, ThreadMetrics, WakeSource, WakerCount } from '../types.js';

/** Per-thread counters, side by side in one Float64Array. */
const WAKEUPS = 0;
const SPURIOUS = 1;
const REATTRIBUTED = 2;
/** Wakeups this thread ran (as a task source) or caused. */
const WOKE = 3;
/** Run by an interrupt, caused by the task that was on the CPU (the naive view was right). */
const ON_CPU_CAUSE = 4;
/** Cause unknown (raise or arming not seen, context unsure). */
const UNKNOWN_CAUSE = 5;
/** Cause named from a softirq run that several different causes raised. */
const SEVERAL = 6;
const STRIDE = 7;

export class Wakers implements Metric {
  private readonly acc = new Columns(STRIDE);

  /** `rows` counts the wakeups per (thread, source key, cause key) (and stack pair): the pairs are read from it. */
  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
    private readonly rows: WakeRows,
  ) {}

  addThread(): void {
    this.acc.push();
  }

  wakeup(f: WakeFact): void {
    const d = this.acc.data;
    const at = f.target * STRIDE;
    if (f.spurious) {
      d[at + SPURIOUS]!++;
      return;
    }
    d[at + WAKEUPS]!++;
    if (f.reattributed) d[at + REATTRIBUTED]!++;
    if (f.onCpuCause) d[at + ON_CPU_CAUSE]!++;
    if (!causeKnown(f.cause)) d[at + UNKNOWN_CAUSE]!++;
    if (f.several) d[at + SEVERAL]!++;
    if (f.waker >= 0) d[f.waker * STRIDE + WOKE]!++;
    if (f.causeTask >= 0 && f.causeTask !== f.waker) d[f.causeTask * STRIDE + WOKE]!++;
  }

  /** Any wakeup activity in the window, as target or as waker. */
  active(th: number): boolean {
    return this.acc.get(th, WAKEUPS) + this.acc.get(th, SPURIOUS) + this.acc.get(th, WOKE) > 0;
  }

  /** [source key, cause key, count] of one thread, in the order they first woke it. */
  sources(th: number): Array<[number, number, number]> {
    // rows that differ only by their stack pair are one pair
    return this.rows.merge(this.rows.rowsOf(th), W_SOURCE, W_CAUSE, [W_COUNT]).map((m) => [m.a, m.b, m.sums[0]!]);
  }

  fillThread(th: number, out: ThreadMetrics): void {
    out.wakeups = this.acc.get(th, WAKEUPS);
    out.spuriousWakeups = this.acc.get(th, SPURIOUS);
    out.reattributed = this.acc.get(th, REATTRIBUTED);
    out.onCpuCause = this.acc.get(th, ON_CPU_CAUSE);
    out.unknownCause = this.acc.get(th, UNKNOWN_CAUSE);
    out.severalRaisers = this.acc.get(th, SEVERAL);
    const list: WakerCount[] = [];
    for (const [key, cause, count] of this.sources(th)) {
      const w: WakerCount = { source: this.names.describe(key, this.threads), count };
      if (cause !== key) w.cause = this.names.describe(cause, this.threads);
      list.push(w);
    }
    out.wakers = sortWakers(list);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let wakeups = 0;
    let spurious = 0;
    let reattributed = 0;
    let onCpuCause = 0;
    let unknownCause = 0;
    let several = 0;
    const merged = new Map<string, WakerCount>();
    for (const th of ths) {
      wakeups += this.acc.get(th, WAKEUPS);
      spurious += this.acc.get(th, SPURIOUS);
      reattributed += this.acc.get(th, REATTRIBUTED);
      onCpuCause += this.acc.get(th, ON_CPU_CAUSE);
      unknownCause += this.acc.get(th, UNKNOWN_CAUSE);
      several += this.acc.get(th, SEVERAL);
      for (const [key, causeKey, count] of this.sources(th)) {
        const source = this.processSource(key);
        const cause = causeKey !== key ? this.processSource(causeKey) : undefined;
        const id = cause === undefined ? sourceId(source) : `${sourceId(source)}<${sourceId(cause)}`;
        const have = merged.get(id);
        if (have !== undefined) have.count += count;
        else merged.set(id, cause === undefined ? { source, count } : { source, cause, count });
      }
    }
    out.wakeups = wakeups;
    out.spuriousWakeups = spurious;
    out.reattributed = reattributed;
    out.onCpuCause = onCpuCause;
    out.unknownCause = unknownCause;
    out.severalRaisers = several;
    out.wakers = sortWakers([...merged.values()]);
  }

  /** A source at process level: task sources become their process. */
  processSource(key: number): WakeSource {
    const s = this.names.describe(key, this.threads);
    if (s.kind !== 'task' || s.tgid === undefined) return s;
    const p: WakeSource = { kind: 'task', tgid: s.tgid, comm: this.threads.processComm(s.tgid) ?? s.comm ?? '' };
    if (s.work !== undefined) p.work = s.work;
    return p;
  }
}

/** A stable identity string of a source, for merging. */
export function sourceId(s: WakeSource): string {
  if (s.kind === 'task') {
    const id = s.tid !== undefined ? `t${s.tid}/${s.tgid ?? ''}/${s.comm ?? ''}` : `p${s.tgid ?? ''}`;
    return s.work !== undefined ? `${id}/${s.work}` : id;
  }
  return `${s.kind}:${s.name ?? ''}`;
}

/** Most wakeups first; ties in the order of their identity strings. */
function sortWakers(list: WakerCount[]): WakerCount[] {
  if (list.length < 2) return list;
  const ids = new Map(list.map((w) => [w, sourceId(w.source)]));
  return list.sort((x, y) => y.count - x.count || byCodeUnit(ids.get(x)!, ids.get(y)!));
}

/**
 * Wakeups and who caused them: per thread, a count per source key, the
 * spurious (ON_RQ) wakings apart, and how many wakeups were reattributed
 * from the task on the CPU to an interrupt. Process-level wakers merge task
 * sources by the waker's process.
 */
import { Columns } from './columns.js';
import type { Metric, WakeFact } from './metric.js';
import type { Names } from './sources.js';
import type { ThreadTable } from './thread-table.js';
import type { ProcessMetrics, ThreadMetrics, WakeSource, WakerCount } from './types.js';

/** Small-first counter of source keys: a linear scan while few, a Map index beyond. */
class SourceCounts {
  readonly keys: number[] = [];
  readonly counts: number[] = [];
  private index: Map<number, number> | null = null;

  add(key: number): void {
    const keys = this.keys;
    if (this.index === null) {
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] === key) {
          this.counts[i]!++;
          return;
        }
      }
      keys.push(key);
      this.counts.push(1);
      if (keys.length > LINEAR_MAX) this.index = new Map(keys.map((k, i) => [k, i]));
      return;
    }
    const i = this.index.get(key);
    if (i !== undefined) {
      this.counts[i]!++;
      return;
    }
    this.index.set(key, keys.length);
    keys.push(key);
    this.counts.push(1);
  }
}
const LINEAR_MAX = 8;

/**
 * Per thread, side by side in one Float64Array: the counters, then the first
 * INLINE (source key, count) pairs; a thread with more sources keeps the rest
 * in a SourceCounts of its own. Sources stay in first-seen order.
 */
const WAKEUPS = 0;
const SPURIOUS = 1;
const REATTRIBUTED = 2;
/** Wakeups this thread caused (as a task source). */
const WOKE = 3;
/** Number of inline pairs used. */
const KEYS = 4;
const PAIRS = 8;
const INLINE = 4;
const STRIDE = PAIRS + 2 * INLINE;

export class Wakers implements Metric {
  private readonly acc = new Columns(STRIDE);
  private readonly more = new Map<number, SourceCounts>();

  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
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
    if (f.waker >= 0) d[f.waker * STRIDE + WOKE]!++;
    const key = f.source;
    const used = d[at + KEYS]!;
    for (let i = 0; i < used; i++) {
      const p = at + PAIRS + 2 * i;
      if (d[p] === key) {
        d[p + 1]!++;
        return;
      }
    }
    if (used < INLINE) {
      const p = at + PAIRS + 2 * used;
      d[p] = key;
      d[p + 1] = 1;
      d[at + KEYS] = used + 1;
      return;
    }
    this.overflow(f.target, key);
  }

  private overflow(th: number, key: number): void {
    let c = this.more.get(th);
    if (c === undefined) {
      c = new SourceCounts();
      this.more.set(th, c);
    }
    c.add(key);
  }

  /** Any wakeup activity in the window, as target or as waker. */
  active(th: number): boolean {
    return this.acc.get(th, WAKEUPS) + this.acc.get(th, SPURIOUS) + this.acc.get(th, WOKE) > 0;
  }

  /** [source key, count] pairs of one thread. */
  *sources(th: number): Iterable<[number, number]> {
    const d = this.acc.data;
    const at = th * STRIDE;
    const used = d[at + KEYS]!;
    for (let i = 0; i < used; i++) yield [d[at + PAIRS + 2 * i]!, d[at + PAIRS + 2 * i + 1]!];
    const more = this.more.get(th);
    if (more === undefined) return;
    const { keys, counts } = more;
    for (let i = 0; i < keys.length; i++) yield [keys[i]!, counts[i]!];
  }

  fillThread(th: number, out: ThreadMetrics): void {
    out.wakeups = this.acc.get(th, WAKEUPS);
    out.spuriousWakeups = this.acc.get(th, SPURIOUS);
    out.reattributed = this.acc.get(th, REATTRIBUTED);
    const list: WakerCount[] = [];
    for (const [key, count] of this.sources(th)) list.push({ source: this.names.describe(key, this.threads), count });
    out.wakers = sortWakers(list);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    let wakeups = 0;
    let spurious = 0;
    let reattributed = 0;
    const merged = new Map<string, WakerCount>();
    for (const th of ths) {
      wakeups += this.acc.get(th, WAKEUPS);
      spurious += this.acc.get(th, SPURIOUS);
      reattributed += this.acc.get(th, REATTRIBUTED);
      for (const [key, count] of this.sources(th)) {
        const source = this.processSource(key);
        const id = sourceId(source);
        const have = merged.get(id);
        if (have === undefined) merged.set(id, { source, count });
        else have.count += count;
      }
    }
    out.wakeups = wakeups;
    out.spuriousWakeups = spurious;
    out.reattributed = reattributed;
    out.wakers = sortWakers([...merged.values()]);
  }

  /** A source at process level: task sources become their process. */
  processSource(key: number): WakeSource {
    const s = this.names.describe(key, this.threads);
    if (s.kind !== 'task' || s.tgid === undefined) return s;
    return { kind: 'task', tgid: s.tgid, comm: this.threads.processComm(s.tgid) ?? s.comm ?? '' };
  }
}

/** A stable identity string of a source, for merging. */
export function sourceId(s: WakeSource): string {
  if (s.kind === 'task') return s.tid !== undefined ? `t${s.tid}/${s.tgid ?? ''}/${s.comm ?? ''}` : `p${s.tgid ?? ''}`;
  return `${s.kind}:${s.name ?? ''}`;
}

function sortWakers(list: WakerCount[]): WakerCount[] {
  return list.sort((x, y) => y.count - x.count || sourceId(x.source).localeCompare(sourceId(y.source)));
}

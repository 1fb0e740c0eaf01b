/**
 * Wakeups and who caused them: per thread, a count per source key, the
 * spurious (ON_RQ) wakings apart, and how many wakeups were reattributed
 * from the task on the CPU to an interrupt. Process-level wakers merge task
 * sources by the waker's process.
 */
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

class WakeAcc {
  wakeups = 0;
  spurious = 0;
  reattributed = 0;
  /** Wakeups this thread caused (as a task source). */
  woke = 0;
  readonly bySource = new SourceCounts();
}

export class Wakers implements Metric {
  private readonly acc: WakeAcc[] = [];

  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
  ) {}

  addThread(): void {
    this.acc.push(new WakeAcc());
  }

  wakeup(f: WakeFact): void {
    const a = this.acc[f.target]!;
    if (f.spurious) {
      a.spurious++;
      return;
    }
    a.wakeups++;
    if (f.reattributed) a.reattributed++;
    if (f.waker >= 0) this.acc[f.waker]!.woke++;
    a.bySource.add(f.source);
  }

  /** Any wakeup activity in the window, as target or as waker. */
  active(th: number): boolean {
    const a = this.acc[th]!;
    return a.wakeups + a.spurious + a.woke > 0;
  }

  /** [source key, count] pairs of one thread. */
  *sources(th: number): Iterable<[number, number]> {
    const { keys, counts } = this.acc[th]!.bySource;
    for (let i = 0; i < keys.length; i++) yield [keys[i]!, counts[i]!];
  }

  fillThread(th: number, out: ThreadMetrics): void {
    const a = this.acc[th]!;
    out.wakeups = a.wakeups;
    out.spuriousWakeups = a.spurious;
    out.reattributed = a.reattributed;
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
      const a = this.acc[th]!;
      wakeups += a.wakeups;
      spurious += a.spurious;
      reattributed += a.reattributed;
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

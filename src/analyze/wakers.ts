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

class WakeAcc {
  wakeups = 0;
  spurious = 0;
  reattributed = 0;
  /** Wakeups this thread caused (as a task source). */
  woke = 0;
  /** Source key → count; allocated at the first wakeup. */
  bySource: Map<number, number> | null = null;
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
    const m = a.bySource ?? (a.bySource = new Map());
    m.set(f.source, (m.get(f.source) ?? 0) + 1);
  }

  /** Any wakeup activity in the window, as target or as waker. */
  active(th: number): boolean {
    const a = this.acc[th]!;
    return a.wakeups + a.spurious + a.woke > 0;
  }

  /** Source key → count for one thread (empty map if none). */
  sources(th: number): ReadonlyMap<number, number> {
    return this.acc[th]!.bySource ?? EMPTY;
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

const EMPTY: ReadonlyMap<number, number> = new Map();

/** A stable identity string of a source, for merging. */
export function sourceId(s: WakeSource): string {
  if (s.kind === 'task') return s.tid !== undefined ? `t${s.tid}/${s.tgid ?? ''}/${s.comm ?? ''}` : `p${s.tgid ?? ''}`;
  return `${s.kind}:${s.name ?? ''}`;
}

function sortWakers(list: WakerCount[]): WakerCount[] {
  return list.sort((x, y) => y.count - x.count || sourceId(x.source).localeCompare(sourceId(y.source)));
}

import type { WakeupRecord } from '../../analyze/index.js';
import { sourceLabel } from '../../analyze/index.js';

/** Finds the wakeup that ended a sleep or began a run-queue wait, per thread, by time. */
export class WakeIndex {
  private readonly byTid = new Map<number, { ts: number[]; label: string[] }>();

  constructor(wakeups: WakeupRecord[]) {
    const sorted = [...wakeups].sort((a, b) => a.ts - b.ts);
    for (const w of sorted) {
      let entry = this.byTid.get(w.tid);
      if (!entry) this.byTid.set(w.tid, (entry = { ts: [], label: [] }));
      entry.ts.push(w.ts);
      entry.label.push(sourceLabel(w.source));
    }
  }

  /** The source label of a wakeup of tid within toleranceNs of ts, or "". */
  sourceAt(tid: number, ts: number, toleranceNs = 1000): string {
    const entry = this.byTid.get(tid);
    if (!entry) return '';
    let lo = 0;
    let hi = entry.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entry.ts[mid]! < ts - toleranceNs) lo = mid + 1;
      else hi = mid;
    }
    return lo < entry.ts.length && entry.ts[lo]! <= ts + toleranceNs ? entry.label[lo]! : '';
  }
}

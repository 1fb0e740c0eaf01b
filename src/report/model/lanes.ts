import type { AnalysisDetail } from '../../analyze/index.js';
import type { ThreadDirectory } from './labels.js';

export interface Lane {
  tid: number;
  tgid: number;
  label: string;
  process: string;
  /** Index of the lane's process among the shown processes (for alternating backgrounds). */
  group: number;
}

export interface LaneSelection {
  lanes: Lane[];
  byTid: Map<number, Lane>;
  /** Threads seen in the detail, before the cap. */
  total: number;
}

/**
 * Pick the thread lanes: the requested tids first, then the busiest threads by run time, up to max;
 * then order them grouped by process (busiest process first), busiest thread first within a process.
 */
export function selectLanes(
  detail: AnalysisDetail,
  dir: ThreadDirectory,
  max: number,
  wanted: number[] = [],
): LaneSelection {
  const seen = new Set<number>();
  for (const iv of detail.intervals) seen.add(iv.tid);
  for (const w of detail.wakeups) seen.add(w.tid);
  const chosen = new Set<number>(wanted.filter((tid) => seen.has(tid)).slice(0, max));
  const byRun = [...seen].sort((a, b) => dir.runNs(b) - dir.runNs(a) || a - b);
  for (const tid of byRun) {
    if (chosen.size >= max) break;
    chosen.add(tid);
  }
  const processRun = new Map<number, number>();
  for (const tid of chosen) {
    const tgid = dir.tgid(tid);
    processRun.set(tgid, (processRun.get(tgid) ?? 0) + dir.runNs(tid));
  }
  const processOrder = [...processRun.keys()].sort((a, b) => processRun.get(b)! - processRun.get(a)! || a - b);
  const groupOf = new Map(processOrder.map((tgid, i) => [tgid, i]));
  const lanes = [...chosen]
    .map((tid): Lane => {
      const tgid = dir.tgid(tid);
      return { tid, tgid, label: dir.label(tid), process: dir.processLabel(tgid), group: groupOf.get(tgid)! };
    })
    .sort((a, b) => a.group - b.group || dir.runNs(b.tid) - dir.runNs(a.tid) || a.tid - b.tid);
  return { lanes, byTid: new Map(lanes.map((l) => [l.tid, l])), total: seen.size };
}

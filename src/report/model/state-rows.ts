import type { StateInterval } from '../../analyze/index.js';
import { coalesceToBudget, dominant } from './coalesce.js';
import type { LaneSelection } from './lanes.js';
import { toMs } from './time.js';
import type { WakeIndex } from './wake-index.js';
import type { Row } from '../types.js';

export interface StateRows {
  rows: Row[];
  /** Intervals of the shown lanes before merging. */
  inputs: number;
  resolutionNs: number;
  mergedInputs: number;
}

interface LaneInterval extends StateInterval {
  merged: number;
}

/**
 * State timeline rows for the shown lanes, merged down to max. A sleep ending in a wakeup and
 * the run-queue wait starting with it carry the wakeup's source in `wake`.
 */
export function stateRows(intervals: StateInterval[], lanes: LaneSelection, wakes: WakeIndex, max: number): StateRows {
  const perLane = new Map<number, LaneInterval[]>();
  for (const lane of lanes.lanes) perLane.set(lane.tid, []);
  for (const iv of intervals) perLane.get(iv.tid)?.push({ ...iv, merged: 1 });
  const laneLists = [...perLane.values()].map((list) => list.sort((a, b) => a.start - b.start));
  const inputs = laneLists.reduce((n, l) => n + l.length, 0);
  const fitted = coalesceToBudget<LaneInterval>(laneLists, max, (group) => {
    const first = group[0]!;
    const cpus = new Set(group.map((g) => g.cpu));
    const state = dominant(group, (g) => g.state) as StateInterval['state'];
    const merged: LaneInterval = {
      tid: first.tid,
      start: first.start,
      end: group[group.length - 1]!.end,
      state,
      merged: group.reduce((n, g) => n + g.merged, 0),
    };
    if (cpus.size === 1 && first.cpu !== undefined) merged.cpu = first.cpu;
    return merged;
  });
  const rows = fitted.spans.map((iv): Row => {
    const wake =
      iv.merged > 1
        ? ''
        : iv.state === 'runnable'
          ? wakes.sourceAt(iv.tid, iv.start)
          : iv.state === 'sleeping' || iv.state === 'blocked'
            ? wakes.sourceAt(iv.tid, iv.end)
            : '';
    return {
      lane: lanes.byTid.get(iv.tid)!.label,
      t0: toMs(iv.start),
      t1: toMs(iv.end),
      state: iv.state,
      cpu: iv.cpu ?? null,
      wake,
      merged: iv.merged,
    };
  });
  return { rows, inputs, resolutionNs: fitted.resolutionNs, mergedInputs: fitted.mergedInputs };
}

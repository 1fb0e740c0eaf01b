import type { WakeupRecord } from '../../analyze/types.js';
import { sourceLabel, threadLabel } from './labels.js';
import type { LaneSelection } from './lanes.js';
import { roundNs, toMs } from './time.js';
import type { Row } from '../types.js';

export interface WakeRows {
  /** Thread-to-thread wakeups where both lanes are shown: drawn as a rule from waker to wakee. */
  links: Row[];
  /** Every other wakeup of a shown thread (interrupts, wakers off the chart): a marker on the wakee's lane. */
  marks: Row[];
  /** Wakeups of shown threads before sampling. */
  total: number;
  /** 1 = all drawn, k = one in k drawn. */
  stride: number;
}

/** How many labelled markers fit across the full width of one lane before labels collide. */
const LABELS_PER_LANE = 24;

export function wakeRows(wakeups: WakeupRecord[], lanes: LaneSelection, durationNs: number, max: number): WakeRows {
  const relevant = wakeups.filter((w) => lanes.byTid.has(w.tid)).sort((a, b) => a.ts - b.ts);
  const stride = Math.max(1, Math.ceil(relevant.length / max));
  const links: Row[] = [];
  const marks: Row[] = [];
  const lastLabel = new Map<number, number>();
  const labelGap = durationNs / LABELS_PER_LANE;
  for (let i = 0; i < relevant.length; i += stride) {
    const w = relevant[i]!;
    const to = lanes.byTid.get(w.tid)!.label;
    const common = {
      t: toMs(w.ts),
      src: sourceLabel(w.source),
      kind: w.source.kind,
      slept: w.sleptNs === null ? null : roundNs(w.sleptNs),
      wait: w.waitNs === null ? null : roundNs(w.waitNs),
      naive: w.reattributed && w.onCpu ? threadLabel(w.onCpu.comm, w.onCpu.tid) : '',
    };
    const waker = w.source.kind === 'task' && w.source.tid !== undefined ? lanes.byTid.get(w.source.tid) : undefined;
    if (waker && waker.tid !== w.tid) {
      links.push({ ...common, from: waker.label, to });
      continue;
    }
    const previous = lastLabel.get(w.tid);
    const labelled = w.source.kind !== 'task' && (previous === undefined || w.ts - previous >= labelGap);
    if (labelled) lastLabel.set(w.tid, w.ts);
    marks.push({ ...common, lane: to, label: labelled ? shortSource(w) : '' });
  }
  return { links, marks, total: relevant.length, stride };
}

/** The label printed beside an interrupt marker: the handler name without the kind. */
function shortSource(w: WakeupRecord): string {
  return w.source.name ?? w.source.kind;
}

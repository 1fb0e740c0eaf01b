import type { WakeupRecord } from '../../analyze/index.js';
import { sourceLabel } from '../../analyze/index.js';
import { shownName, threadLabel } from './labels.js';
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

/** Approximate width of one character of a 9 px label, and the gap kept after a label, in px. */
const CHAR_PX = 5.2;
const LABEL_GAP_PX = 14;
/** At most this many labels per lane at the full-range zoom; a name already labelled waits longer. */
const MAX_LABELS_PER_LANE = 8;
const REPEAT_SHARE = 0.25;

/**
 * Wakeup marks of the shown threads, sampled to max. Interrupt markers get a label where the
 * source changes (or now and then when it does not), and only where it does not run into the
 * previous label of the same lane at the full-range zoom (widthPx wide).
 */
export function wakeRows(
  wakeups: WakeupRecord[],
  lanes: LaneSelection,
  spanNs: number,
  widthPx: number,
  max: number,
): WakeRows {
  const relevant = wakeups.filter((w) => lanes.byTid.has(w.tid)).sort((a, b) => a.ts - b.ts);
  const stride = Math.max(1, Math.ceil(relevant.length / max));
  const links: Row[] = [];
  const marks: Row[] = [];
  const lastLabel = new Map<number, { name: string; ts: number; freeAt: number }>();
  const nsPerPx = spanNs / Math.max(1, widthPx);
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
    const label = shortSource(w);
    const last = lastLabel.get(w.tid);
    const labelled =
      w.source.kind !== 'task' &&
      (!last || (w.ts >= last.freeAt && (label !== last.name || w.ts - last.ts >= REPEAT_SHARE * spanNs)));
    if (labelled) {
      const freeAt = w.ts + Math.max((label.length * CHAR_PX + LABEL_GAP_PX) * nsPerPx, spanNs / MAX_LABELS_PER_LANE);
      lastLabel.set(w.tid, { name: label, ts: w.ts, freeAt });
    }
    marks.push({ ...common, lane: to, label: labelled ? label : '' });
  }
  return { links, marks, total: relevant.length, stride };
}

/** The label printed beside an interrupt marker: the handler name without the kind. */
function shortSource(w: WakeupRecord): string {
  return w.source.name === undefined ? w.source.kind : shownName(w.source.name);
}

/**
 * The critical-path section's data: for each path the report shows (the selected or busiest
 * thread's longest bursts), one row per segment in the lane of its thread, and the time by kind.
 */
import type { CriticalPath, PathState } from '../../analyze/index.js';
import type { Row } from '../types.js';
import { shownName, threadLabel } from './labels.js';

export interface PathChart {
  /** "ll-reqcli 14867, burst 12 of 30". Shown (sanitized). */
  title: string;
  /** Lanes in order of first appearance on the path (the thread itself first). */
  lanes: string[];
  /** { lane, state, s, e (ms from the path's start), ns, what, cpu, depth } */
  rows: Row[];
  /** Segments of the path, and how many rows were drawn (the longest, beyond the budget). */
  total: number;
  lengthNs: number;
  summary: Array<{ label: string; ns: number; share: number }>;
}

/** The states of the path, in the legend's order. */
export const PATH_STATE_ORDER: readonly PathState[] = ['running', 'runnable', 'interrupt', 'sleeping', 'unknown'];

export function pathCharts(paths: readonly CriticalPath[], maxSegments: number): PathChart[] {
  return paths.map((p) => {
    const lanes: string[] = [];
    const seen = new Set<string>();
    const len = p.endNs - p.startNs;
    const label = (t: { comm: string; tid: number }): string => threadLabel(t.comm, t.tid);
    for (const s of p.segments) {
      const l = label(s.thread);
      if (!seen.has(l)) {
        seen.add(l);
        lanes.push(l);
      }
    }
    // beyond the budget, the longest segments are drawn (the tiny ones would not show anyway)
    const drawn =
      p.segments.length > maxSegments
        ? [...p.segments].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, maxSegments)
        : p.segments;
    const rows: Row[] = drawn.map((s) => ({
      lane: label(s.thread),
      state: s.state,
      s: (s.start - p.startNs) / 1e6,
      e: (s.end - p.startNs) / 1e6,
      ns: s.end - s.start,
      what:
        s.state === 'sleeping' && s.sleptIn !== undefined ? `${s.label}; slept in ${shownName(s.sleptIn)}` : s.label,
      cpu: s.cpu ?? null,
      depth: s.depth,
    }));
    const what = p.chosen.kind === 'burst' ? `burst ${p.chosen.burst} of ${p.chosen.bursts}` : `interval`;
    return {
      title: `${label(p.thread)}, ${what}`,
      lanes,
      rows,
      total: p.segments.length,
      lengthNs: len,
      summary: p.summary.map((l) => ({ label: l.label, ns: l.ns, share: len > 0 ? l.ns / len : 0 })),
    };
  });
}

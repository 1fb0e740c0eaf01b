import type { AnalysisDetail, WakeupRecord } from '../../analyze/index.js';
import { wakerLabel } from '../../analyze/index.js';
import { threadLabel, type ThreadDirectory } from './labels.js';
import { roundNs, toMs } from './time.js';
import type { Row } from '../types.js';

export interface LifelineRows {
  tid: number;
  label: string;
  /** Lanes: the thread first, then the wakers of its chains. */
  lanes: string[];
  /** sleep / wait / run phases around each drawn wakeup. */
  phases: Row[];
  /** One marker per drawn wakeup, colored by source kind. */
  events: Row[];
  /** Vertical links at a wakeup: from the waker's lane to the wakee's. */
  links: Row[];
  /** Horizontal links on a waker's lane: from its own wakeup to the wakeup it caused. */
  hops: Row[];
  /** sleep before / wait / run after of each wakeup of the thread, for the durations panel. */
  durations: Row[];
  total: number;
  stride: number;
}

const MAX_DEPTH = 4;
const MAX_LANES = 8;

/** A thread woken fewer times than this (or than the most-woken thread) has too few wakeups to follow. */
const MIN_WAKEUPS = 10;

/**
 * The thread to follow: the requested one when it has wakeups, else the busiest (most run time)
 * among the threads woken often enough to have a lifeline worth drawing.
 */
export function pickLifelineThread(
  detail: AnalysisDetail,
  dir: ThreadDirectory,
  wanted: number | undefined,
): number | null {
  const counts = new Map<number, number>();
  for (const w of detail.wakeups) counts.set(w.tid, (counts.get(w.tid) ?? 0) + 1);
  if (wanted !== undefined && counts.has(wanted)) return wanted;
  let most = 0;
  for (const n of counts.values()) most = Math.max(most, n);
  const enough = Math.min(MIN_WAKEUPS, most);
  const woken = [...counts.keys()].filter((tid) => counts.get(tid)! >= enough);
  let best: number | null = null;
  for (const tid of woken) {
    if (best === null || dir.runNs(tid) > dir.runNs(best) || (dir.runNs(tid) === dir.runNs(best) && tid < best))
      best = tid;
  }
  return best;
}

/** The wakeups of one thread (sampled) and their chains, at most max wakeups drawn in all. */
export function lifelineRows(detail: AnalysisDetail, dir: ThreadDirectory, tid: number, max: number): LifelineRows {
  const byId = new Map<number, WakeupRecord>(detail.wakeups.map((w) => [w.id, w]));
  const own = detail.wakeups.filter((w) => w.tid === tid).sort((a, b) => a.ts - b.ts);
  // A third of the budget for the thread's own wakeups, the rest for the chains behind them.
  const stride = Math.max(1, Math.ceil(own.length / Math.max(1, Math.floor(max / 3))));
  const label = dir.label(tid);
  const lanes = [label];
  const laneOf = (w: WakeupRecord): string | undefined => {
    const name = dir.label(w.tid);
    if (lanes.includes(name)) return name;
    if (lanes.length >= MAX_LANES) return undefined;
    lanes.push(name);
    return name;
  };
  const drawn = new Map<number, string>();
  const out: Omit<LifelineRows, 'tid' | 'label' | 'lanes' | 'total' | 'stride'> = {
    phases: [],
    events: [],
    links: [],
    hops: [],
    durations: [],
  };

  const draw = (w: WakeupRecord, lane: string, depth: number): void => {
    if (drawn.has(w.id)) return;
    drawn.set(w.id, lane);
    const wait = w.waitNs ?? 0;
    if (w.sleptNs !== null)
      out.phases.push({
        lane,
        t0: toMs(w.ts - w.sleptNs),
        t1: toMs(w.ts),
        phase: w.sleepState === 'D' ? 'blocked D' : 'sleeping S',
        ns: roundNs(w.sleptNs),
      });
    if (w.waitNs !== null)
      out.phases.push({ lane, t0: toMs(w.ts), t1: toMs(w.ts + wait), phase: 'runnable', ns: roundNs(w.waitNs) });
    if (w.runNs !== null)
      out.phases.push({
        lane,
        t0: toMs(w.ts + wait),
        t1: toMs(w.ts + wait + w.runNs),
        phase: 'running',
        ns: roundNs(w.runNs),
      });
    out.events.push({
      lane,
      t: toMs(w.ts),
      src: wakerLabel(w),
      kind: w.source.kind,
      depth,
      slept: w.sleptNs === null ? null : roundNs(w.sleptNs),
      wait: w.waitNs === null ? null : roundNs(w.waitNs),
      run: w.runNs === null ? null : roundNs(w.runNs),
      slices: w.slices,
      naive: w.reattributed && w.onCpu ? threadLabel(w.onCpu.comm, w.onCpu.tid) : '',
    });
  };

  for (let i = 0; i < own.length; i += stride) {
    let w = own[i]!;
    draw(w, label, 0);
    for (let depth = 1; depth <= MAX_DEPTH && drawn.size < max; depth++) {
      // the chain goes through the cause: the task that raised the softirq or armed the timer
      const cause = w.cause ?? w.source;
      if (cause.kind !== 'task' || w.wakerWakeup === null) break;
      const parent = byId.get(w.wakerWakeup);
      if (!parent) break;
      dir.learn(parent.tid, cause.comm, cause.tgid);
      const parentLane = drawn.get(parent.id) ?? laneOf(parent);
      if (parentLane === undefined) break;
      const childLane = drawn.get(w.id)!;
      out.links.push({ t: toMs(w.ts), from: parentLane, to: childLane, src: wakerLabel(w) });
      out.hops.push({ lane: parentLane, t0: toMs(parent.ts), t1: toMs(w.ts) });
      const seen = drawn.has(parent.id);
      draw(parent, parentLane, depth);
      if (seen) break;
      w = parent;
    }
  }
  // Log scale: zero durations are drawn at the smallest positive one (the tooltip keeps the 0).
  let floor = Infinity;
  for (const w of own)
    for (const ns of [w.sleptNs, w.waitNs, w.runNs]) if (ns !== null && ns > 0) floor = Math.min(floor, ns);
  if (!Number.isFinite(floor)) floor = 1;
  const measure = (t: number, name: string, ns: number, kind: string): void => {
    out.durations.push({ t, measure: name, ns: roundNs(ns), y: Math.max(floor, ns), kind });
  };
  for (let i = 0; i < own.length; i += stride) {
    const w = own[i]!;
    const t = toMs(w.ts);
    if (w.sleptNs !== null) measure(t, 'sleep before', w.sleptNs, w.source.kind);
    if (w.waitNs !== null) measure(t, 'run-queue wait', w.waitNs, w.source.kind);
    if (w.runNs !== null) measure(t, 'run after', w.runNs, w.source.kind);
  }
  return { tid, label, lanes, ...out, total: own.length, stride };
}

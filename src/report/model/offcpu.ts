/**
 * Why threads slept: the off-CPU flame chart (an icicle: the outermost frame at the top, each
 * frame as wide as the time asleep under it) of the threads that slept most, who woke those
 * sleeps and from where, and the sleep-reason table. Built from the analysis' sleep reasons
 * (src/analyze/metrics/sleep-reasons.ts), whose stacks list frames innermost first. Pure.
 */
import type { AnalysisResult, SleepReason, ThreadMetrics } from '../../analyze/index.js';
import { sourceLabel } from '../../analyze/index.js';
import type { Row } from '../types.js';
import { formatDuration } from '../html/format.js';
import { shownName, threadLabel } from './labels.js';

/** One frame of the icicle: where it lies (x0..x1 in ns of time asleep, depth 0 = outermost) and what slept under it. */
export interface IcicleNode {
  /** The frame as the page shows it (sanitized). */
  frame: string;
  depth: number;
  x0: number;
  x1: number;
  ns: number;
  count: number;
  sleepSNs: number;
  sleepDNs: number;
}

export interface Icicle {
  /** The frames drawn: the widest `maxNodes`, every one with its parent (children are never wider). */
  nodes: IcicleNode[];
  /** Frames before the budget. */
  total: number;
  /** The width of the root row: the time asleep of every sleep behind the reasons. */
  totalNs: number;
  /** Rows (the deepest frame drawn + 1). */
  depth: number;
  /** The widest frame left out (0 when none was). */
  droppedMaxNs: number;
}

interface Trie {
  frame: string;
  ns: number;
  count: number;
  sNs: number;
  dNs: number;
  children: Map<string, Trie>;
}

const trie = (frame: string): Trie => ({ frame, ns: 0, count: 0, sNs: 0, dNs: 0, children: new Map() });

/**
 * The icicle of a thread's (or process') sleep reasons: stacks merged on their common prefix from
 * the outermost frame, heaviest first at each level, then cut to the `maxNodes` widest frames. A
 * sleep without a stack is one frame, its reason ("(no stack)"), so the root row always adds up to
 * the time asleep.
 */
export function icicleOf(reasons: readonly SleepReason[], maxNodes: number): Icicle {
  const root = trie('');
  for (const r of reasons) {
    for (const s of r.stacks) {
      const frames = s.frames.length > 0 ? [...s.frames].reverse() : [r.reason];
      let node = root;
      for (const f of frames) {
        let child = node.children.get(f);
        if (child === undefined) node.children.set(f, (child = trie(f)));
        child.ns += s.ns;
        child.count += s.count;
        child.sNs += s.sleepSNs;
        child.dNs += s.sleepDNs;
        node = child;
      }
    }
  }
  const all: IcicleNode[] = [];
  const lay = (node: Trie, depth: number, x0: number): void => {
    let x = x0;
    for (const child of [...node.children.values()].sort(heaviest)) {
      all.push({
        frame: shownName(child.frame),
        depth,
        x0: x,
        x1: x + child.ns,
        ns: child.ns,
        count: child.count,
        sleepSNs: child.sNs,
        sleepDNs: child.dNs,
      });
      lay(child, depth + 1, x);
      x += child.ns;
    }
  };
  lay(root, 0, 0);
  const totalNs = [...root.children.values()].reduce((sum, c) => sum + c.ns, 0);
  // A parent is at least as wide as its child and comes first on a tie (shallower), so any
  // prefix of this order holds every kept frame's parent: the cut leaves no orphan.
  const order = [...all].sort((a, b) => b.ns - a.ns || a.depth - b.depth || a.x0 - b.x0);
  const kept = order.slice(0, Math.max(1, maxNodes));
  const droppedMaxNs = order[kept.length]?.ns ?? 0;
  kept.sort((a, b) => a.depth - b.depth || a.x0 - b.x0);
  return {
    nodes: kept,
    total: all.length,
    totalNs,
    depth: kept.reduce((d, n) => Math.max(d, n.depth + 1), 0),
    droppedMaxNs,
  };
}

const heaviest = (a: Trie, b: Trie): number => b.ns - a.ns || (a.frame < b.frame ? -1 : a.frame > b.frame ? 1 : 0);

/** Pixels per character of the frame labels (11 px system font, a little generous). */
const CHAR_PX = 6.4;

/**
 * The icicle's chart rows: positions as shares of the time asleep, the share of D, the text the
 * page shows (the label cut to the frame's width in px, empty when it would not fit).
 */
export function icicleRows(icicle: Icicle, widthPx: number): Row[] {
  const total = icicle.totalNs;
  return icicle.nodes.map((n) => {
    const share = total > 0 ? n.ns / total : 0;
    return {
      f: n.frame,
      d: n.depth,
      x0: round6(total > 0 ? n.x0 / total : 0),
      x1: round6(total > 0 ? n.x1 / total : 0),
      share: round6(share),
      dShare: n.ns > 0 ? Math.round((n.sleepDNs / n.ns) * 1000) / 1000 : 0,
      n: n.count,
      t: formatDuration(n.ns),
      label: fitLabel(n.frame, share * widthPx),
    };
  });
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** The frame cut to `px` (with an ellipsis), or '' when fewer than three characters would show. */
export function fitLabel(frame: string, px: number): string {
  const chars = Math.floor((px - 6) / CHAR_PX);
  if (chars >= frame.length) return frame;
  return chars >= 4 ? `${frame.slice(0, chars - 1)}…` : '';
}

/** Who woke one reason's sleeps and from where. */
export interface WakerRow {
  reason: string;
  /** The source as every output labels it ("task ll-ping 21668", "hardirq local_timer/hrtimer_wakeup"). */
  source: string;
  kind: string;
  /** The waker's first frame outside the wakeup machinery. */
  frame: string;
  count: number;
  ns: number;
}

/**
 * The wakers of a thread's reasons, most time first, at most `max` (and how many there were): one
 * row per reason, source and waker frame (waker stacks that differ below that frame are merged).
 */
export function wakerRows(reasons: readonly SleepReason[], max: number): { rows: WakerRow[]; total: number } {
  const by = new Map<string, WakerRow>();
  for (const r of reasons)
    for (const w of r.wakers) {
      const source = sourceLabel(w.source);
      const key = JSON.stringify([r.reason, w.source.kind, source, w.frame]);
      const row = by.get(key);
      if (row !== undefined) {
        row.count += w.count;
        row.ns += w.ns;
      } else
        by.set(key, {
          reason: shownName(r.reason),
          source,
          kind: w.source.kind,
          frame: shownName(w.frame),
          count: w.count,
          ns: w.ns,
        });
    }
  const rows = [...by.values()].sort((a, b) => b.ns - a.ns || b.count - a.count);
  return { rows: rows.slice(0, max), total: rows.length };
}

/** One thread whose sleeps the report explains. */
export interface OffCpuThread {
  tid: number;
  label: string;
  /** Time asleep over its sleeps (S and D). */
  asleepNs: number;
  /** Sleeps behind its reasons. */
  sleeps: number;
  icicle: Icicle;
  wakers: { rows: WakerRow[]; total: number };
}

/** Threads with sleep reasons, most time asleep first. */
function sleepers(result: AnalysisResult): ThreadMetrics[] {
  return result.threads
    .filter((t) => (t.sleepReasons ?? []).length > 0)
    .sort((a, b) => asleep(b) - asleep(a) || a.tid - b.tid);
}

const asleep = (t: ThreadMetrics): number => t.sleepSNs + t.sleepDNs;

/**
 * The threads given the flame chart: those asked for (--tid, in that order), else the `max` that
 * slept longest among the threads of the analysis (which --pid and --comm already narrowed).
 */
export function offCpuThreads(
  result: AnalysisResult,
  budget: { maxOffCpuThreads: number; maxIcicleNodes: number; maxWakerRows: number },
  tids?: readonly number[],
): { threads: OffCpuThread[]; total: number } {
  const all = sleepers(result);
  const picked =
    tids !== undefined && tids.length > 0
      ? tids.flatMap((tid) => all.filter((t) => t.tid === tid))
      : all.slice(0, budget.maxOffCpuThreads);
  const threads = picked.slice(0, budget.maxOffCpuThreads).map((t): OffCpuThread => ({
    tid: t.tid,
    label: threadLabel(t.comm, t.tid),
    asleepNs: asleep(t),
    sleeps: t.sleepReasons.reduce((n, r) => n + r.count, 0),
    icicle: icicleOf(t.sleepReasons, budget.maxIcicleNodes),
    wakers: wakerRows(t.sleepReasons, budget.maxWakerRows),
  }));
  return { threads, total: tids !== undefined && tids.length > 0 ? picked.length : all.length };
}

/** One row of the sleep-reason table. */
export interface ReasonRow {
  thread: string;
  tid: number;
  reason: string;
  count: number;
  ns: number;
  /** Of the thread's time asleep. */
  share: number;
  sleepsS: number;
  sleepsD: number;
  sleepSNs: number;
  sleepDNs: number;
  /** The waker with most time, "task ll-ping 21668 from pipe_write" ('' when none). */
  topWaker: string;
}

/** Every thread's reasons, threads by time asleep, reasons by time; at most `max` rows. */
export function reasonRows(result: AnalysisResult, max: number): { rows: ReasonRow[]; total: number } {
  const rows: ReasonRow[] = [];
  let total = 0;
  for (const t of sleepers(result)) {
    const all = t.sleepReasons.reduce((sum, r) => sum + r.ns, 0);
    for (const r of t.sleepReasons) {
      total++;
      if (rows.length >= max) continue;
      const w = r.wakers[0];
      rows.push({
        thread: shownName(t.comm),
        tid: t.tid,
        reason: shownName(r.reason),
        count: r.count,
        ns: r.ns,
        share: all > 0 ? r.ns / all : 0,
        sleepsS: r.sleepsS,
        sleepsD: r.sleepsD,
        sleepSNs: r.sleepSNs,
        sleepDNs: r.sleepDNs,
        topWaker: w === undefined ? '' : `${sourceLabel(w.source)} from ${shownName(w.frame)}`,
      });
    }
  }
  return { rows, total };
}

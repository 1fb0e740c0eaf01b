/**
 * The who-wakes-whom graph: edges from sources (threads, interrupt sources
 * as their own nodes) to the threads they woke, and the same merged per
 * process (a process waking itself is an edge to itself).
 */
import type { ThreadTable } from './thread-table.js';
import { sourceId, type Wakers } from './wakers.js';
import { taskOfKey } from './sources.js';
import type { Names } from './sources.js';
import type { Edge, ProcessEdge } from './types.js';

export interface GraphInput {
  threads: ThreadTable;
  names: Names;
  wakers: Wakers;
  /** Threads in the result (filters applied). */
  selected: readonly number[];
  isSelected: (th: number) => boolean;
}

/** Edges into selected threads, and out of selected threads into any thread. */
export function threadEdges(g: GraphInput): Edge[] {
  const edges: Edge[] = [];
  for (let th = 0; th < g.threads.size; th++) {
    const into = g.isSelected(th);
    for (const [key, count] of g.wakers.sources(th)) {
      const from = taskOfKey(key);
      if (!into && (from < 0 || !g.isSelected(from))) continue;
      edges.push({
        from: g.names.describe(key, g.threads),
        to: { tid: g.threads.recs[th]!.tid, tgid: g.threads.tgidOf(th), comm: g.threads.commOf(th) },
        count,
      });
    }
  }
  return edges.sort((a, b) => b.count - a.count);
}

/** Process-level edges for the selected threads' processes. */
export function processEdges(g: GraphInput): ProcessEdge[] {
  const merged = new Map<string, ProcessEdge>();
  for (const th of g.selected) {
    const tgid = g.threads.tgidOf(th);
    for (const [key, count] of g.wakers.sources(th)) {
      const from = g.wakers.processSource(key);
      const id = `${sourceId(from)}>${tgid}`;
      const have = merged.get(id);
      if (have !== undefined) have.count += count;
      else merged.set(id, { from, to: { tgid, comm: g.threads.processComm(tgid) ?? g.threads.commOf(th) }, count });
    }
  }
  return [...merged.values()].sort((a, b) => b.count - a.count);
}

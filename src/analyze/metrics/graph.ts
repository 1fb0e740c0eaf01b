/**
 * The who-wakes-whom graph: edges from causes (threads, device interrupts
 * and other interrupt sources as their own nodes) to the threads they woke,
 * through what ran the wakeup (`via`: softirq NET_RX, a timer callback), and
 * the same merged per process (a process waking itself is an edge to
 * itself). A wakeup whose cause is unknown keeps what ran it as its node.
 */
import { causeKnown } from '../engine/causes.js';
import type { ThreadTable } from '../engine/thread-table.js';
import { sourceId, type Wakers } from './wakers.js';
import { taskOfKey } from '../engine/sources.js';
import type { Names } from '../engine/sources.js';
import type { Edge, ProcessEdge } from '../types.js';

/** The node an edge starts from: the cause when known, else what ran the wakeup. */
function edgeKeys(source: number, cause: number): { from: number; via: number | null } {
  if (!causeKnown(cause) || cause === source) return { from: source, via: null };
  return { from: cause, via: source };
}

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
    const merged = new Map<string, Edge>();
    for (const [source, cause, count] of g.wakers.sources(th)) {
      const k = edgeKeys(source, cause);
      const from = taskOfKey(k.from);
      if (!into && (from < 0 || !g.isSelected(from))) continue;
      const id = `${k.from}>${k.via ?? ''}`;
      const have = merged.get(id);
      if (have !== undefined) {
        have.count += count;
        continue;
      }
      const edge: Edge = {
        from: g.names.describe(k.from, g.threads),
        to: { tid: g.threads.recs[th]!.tid, tgid: g.threads.tgidOf(th), comm: g.threads.commOf(th) },
        count,
      };
      if (k.via !== null) edge.via = g.names.describe(k.via, g.threads);
      merged.set(id, edge);
    }
    edges.push(...merged.values());
  }
  return edges.sort((a, b) => b.count - a.count);
}

/** Process-level edges for the selected threads' processes. */
export function processEdges(g: GraphInput): ProcessEdge[] {
  const merged = new Map<string, ProcessEdge>();
  for (const th of g.selected) {
    const tgid = g.threads.tgidOf(th);
    for (const [source, cause, count] of g.wakers.sources(th)) {
      const k = edgeKeys(source, cause);
      const from = g.wakers.processSource(k.from);
      const via = k.via !== null ? g.wakers.processSource(k.via) : undefined;
      const id = `${sourceId(from)}>${via !== undefined ? sourceId(via) : ''}>${tgid}`;
      const have = merged.get(id);
      if (have !== undefined) have.count += count;
      else {
        const edge: ProcessEdge = {
          from,
          to: { tgid, comm: g.threads.processComm(tgid) ?? g.threads.commOf(th) },
          count,
        };
        if (via !== undefined) edge.via = via;
        merged.set(id, edge);
      }
    }
  }
  return [...merged.values()].sort((a, b) => b.count - a.count);
}

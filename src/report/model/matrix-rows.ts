import type { Edge, SourceKind } from '../../analyze/index.js';
import { sourceLabel } from '../../analyze/index.js';
import { threadLabel } from './labels.js';
import type { Row } from '../types.js';

export interface MatrixRows {
  /** One cell per (source, target) pair with its count. */
  cells: Row[];
  /** One row per source with its kind, for the kind strip. */
  sources: Row[];
  sourceOrder: string[];
  targetOrder: string[];
  totalSources: number;
  totalTargets: number;
}

const KIND_ORDER: Record<SourceKind, number> = { hardirq: 0, softirq: 1, nmi: 2, unknown: 3, task: 4 };

/** Who wakes whom: the busiest sources × the most-woken targets; interrupt sources first. */
export function matrixRows(edges: Edge[], maxSources: number, maxTargets: number): MatrixRows {
  const sourceTotal = new Map<string, { kind: SourceKind; n: number }>();
  const targetTotal = new Map<string, number>();
  const cells = new Map<string, { src: string; dst: string; n: number }>();
  for (const e of edges) {
    const src = sourceLabel(e.from);
    const dst = threadLabel(e.to.comm, e.to.tid);
    const s = sourceTotal.get(src) ?? { kind: e.from.kind, n: 0 };
    s.n += e.count;
    sourceTotal.set(src, s);
    targetTotal.set(dst, (targetTotal.get(dst) ?? 0) + e.count);
    const key = JSON.stringify([src, dst]);
    const cell = cells.get(key) ?? { src, dst, n: 0 };
    cell.n += e.count;
    cells.set(key, cell);
  }
  const topSources = [...sourceTotal.entries()]
    .sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxSources);
  const sourceOrder = topSources
    .sort((a, b) => KIND_ORDER[a[1].kind] - KIND_ORDER[b[1].kind] || b[1].n - a[1].n)
    .map(([label]) => label);
  const targetOrder = [...targetTotal.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxTargets)
    .map(([label]) => label);
  const shownSources = new Set(sourceOrder);
  const shownTargets = new Set(targetOrder);
  return {
    cells: [...cells.values()]
      .filter((c) => shownSources.has(c.src) && shownTargets.has(c.dst))
      .map((c): Row => ({ ...c })),
    sources: sourceOrder.map((src): Row => ({ src, kind: sourceTotal.get(src)!.kind, n: sourceTotal.get(src)!.n })),
    sourceOrder,
    targetOrder,
    totalSources: sourceTotal.size,
    totalTargets: targetTotal.size,
  };
}
